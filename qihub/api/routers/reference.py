"""Reference data, read-only: regions, industries, clusters and the plan's 2025 targets."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import ERRORS
from qihub.api.schemas.reference import ClusterOut, IndustryOut, PlanTargetOut, RegionOut
from qihub.reference.models import Cluster, Industry, PlanTarget, Region

router = Router(tags=["reference"])

Code = Annotated[str, Field(pattern=r"^\d{6}$")]


class RegionFilters(Schema):
    level: Region.Level | None = None
    parent: Code | None = None


class IndustryFilters(Schema):
    level: Annotated[int, Field(ge=1, le=2)] | None = None
    trillion_base: bool | None = None


class ClusterFilters(Schema):
    city: Code | None = None
    industry: Annotated[str, Field(max_length=12, pattern=r"^[A-Z0-9-]+$")] | None = None


@router.get(
    "/regions",
    response={200: list[RegionOut], **ERRORS},
    url_name="region-list",
    summary="Liaoning's cities and county-level units (GB/T 2260)",
)
def list_regions(request: HttpRequest, filters: Query[RegionFilters]) -> list[dict[str, object]]:
    regions = Region.objects.select_related("parent")
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.parent:
        regions = regions.filter(parent__code=filters.parent)
    return [
        {
            "code": r.code,
            "name": r.name,
            "name_en": r.name_en,
            "level": r.level,
            "admin_type": r.admin_type,
            "parent_code": r.parent.code if r.parent else None,
            "longitude": r.longitude,
            "latitude": r.latitude,
        }
        for r in regions
    ]


@router.get(
    "/industries",
    response={200: list[IndustryOut], **ERRORS},
    url_name="industry-list",
    summary="Industry taxonomy mapped to GB/T 4754-2017 (three trillion-yuan bases first)",
)
def list_industries(
    request: HttpRequest, filters: Query[IndustryFilters]
) -> list[dict[str, object]]:
    industries = Industry.objects.select_related("parent")
    if filters.level:
        industries = industries.filter(level=filters.level)
    if filters.trillion_base is not None:
        industries = industries.filter(is_trillion_base=filters.trillion_base)
    return [
        {
            "key": i.key,
            "level": i.level,
            "parent_key": i.parent.key if i.parent else None,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "gbt4754_codes": [c for c in i.gbt4754_codes.split(";") if c],
            "is_trillion_base": i.is_trillion_base,
        }
        for i in industries
    ]


@router.get(
    "/clusters",
    response={200: list[ClusterOut], **ERRORS},
    url_name="cluster-list",
    summary="Development zones, parks and industrial clusters",
)
def list_clusters(request: HttpRequest, filters: Query[ClusterFilters]) -> list[dict[str, object]]:
    clusters = Cluster.objects.select_related("city", "county").prefetch_related("industries")
    if filters.city:
        clusters = clusters.filter(city__code=filters.city)
    if filters.industry:
        clusters = clusters.filter(industries__key__startswith=filters.industry).distinct()
    return [
        {
            "key": c.key,
            "name_zh": c.name_zh,
            "type": c.type,
            "level": c.level,
            "city_code": c.city.code,
            "county_code": c.county.code if c.county else None,
            "industry_keys": sorted(i.key for i in c.industries.all()),
            "main_industries_zh": c.main_industries_zh,
        }
        for c in clusters
    ]


@router.get(
    "/plan-targets",
    response={200: list[PlanTargetOut], **ERRORS},
    url_name="plan-target-list",
    summary="The provincial plan's 2025 targets",
)
def list_plan_targets(request: HttpRequest) -> list[PlanTarget]:
    return list(PlanTarget.objects.all())
