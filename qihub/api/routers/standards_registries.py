"""The standardisation registries (public, read-only): provincial technical committees, pilot
and demonstration projects, national standards led or joined, and their counts against the
plan's 2025 targets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import ERRORS
from qihub.api.schemas.standards_registries import (
    CommitteePage,
    ContributionPage,
    PilotProjectPage,
    StandardisationSummaryOut,
)
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee
from qihub.standards.registries import (
    committees_matching,
    contributions_matching,
    pilot_projects_matching,
    registry_counts,
)

# Literal choices, not the models' nested TextChoices: OpenAPI names an enum by its class name,
# and "Status", "Kind" and "Level" are taken by other endpoints' enums (test_openapi checks).
CommitteeStatus = Literal["active", "dissolved"]
PilotKind = Literal["pilot", "demonstration"]
PilotField = Literal["agriculture", "industry", "service", "social_governance", "other"]
PilotLevel = Literal["national", "provincial"]
PilotStatus = Literal["underway", "accepted", "failed", "cancelled"]
ContributionRole = Literal["lead", "participate"]

router = Router(tags=["standardisation"])

Text = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
CityCode = Annotated[str, Field(pattern=r"^\d{6}$")]
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=100_000)]


class CommitteeFilters(Schema):
    q: Text = ""
    status: CommitteeStatus | None = None
    limit: Limit = 20
    offset: Offset = 0


class PilotProjectFilters(Schema):
    q: Text = ""
    kind: PilotKind | None = None
    field: PilotField | None = None
    level: PilotLevel | None = None
    status: PilotStatus | None = None
    city: CityCode | None = None
    limit: Limit = 20
    offset: Offset = 0


class ContributionFilters(Schema):
    q: Text = ""
    role: ContributionRole | None = None
    year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    city: CityCode | None = None
    limit: Limit = 20
    offset: Offset = 0


def _page(items: QuerySet[Any], limit: int, offset: int, item: Any) -> dict[str, Any]:
    return {
        "count": items.count(),
        "limit": limit,
        "offset": offset,
        "items": [item(row) for row in items[offset : offset + limit]],
    }


def committee_item(committee: TechnicalCommittee) -> dict[str, Any]:
    return {
        "code": committee.code,
        "name_zh": committee.name_zh,
        "name_en": committee.name_en,
        "scope": committee.scope,
        "secretariat": {"uscc": committee.secretariat.uscc, "name": committee.secretariat.name},
        "chair": committee.chair,
        "member_count": committee.member_count,
        "established_on": committee.established_on,
        "status": committee.status,
        "status_label": str(committee.get_status_display()),
    }


def pilot_project_item(project: PilotProject) -> dict[str, Any]:
    return {
        "id": project.public_id,
        "name_zh": project.name_zh,
        "kind": project.kind,
        "kind_label": str(project.get_kind_display()),
        "field": project.field,
        "field_label": str(project.get_field_display()),
        "level": project.level,
        "level_label": str(project.get_level_display()),
        "organisation": {"uscc": project.organisation.uscc, "name": project.organisation.name},
        "city_code": project.city.code,
        "city_name": project.city.name,
        "started_on": project.started_on,
        "due_on": project.due_on,
        "status": project.status,
        "status_label": str(project.get_status_display()),
        "accepted_on": project.accepted_on,
    }


def contribution_item(contribution: NationalStandardContribution) -> dict[str, Any]:
    organisation = contribution.organisation
    standard = contribution.standard
    return {
        "standard_code": contribution.standard_code,
        "in_catalogue": standard is not None,
        "standard_title": standard.title_zh if standard is not None else None,
        "organisation": {"uscc": organisation.uscc, "name": organisation.name},
        "city_code": organisation.city.code,
        "city_name": organisation.city.name,
        "role": contribution.role,
        "role_label": str(contribution.get_role_display()),
        "year": contribution.year,
    }


@router.get(
    "/technical-committees",
    response={200: CommitteePage, **ERRORS},
    url_name="technical-committee-list",
    summary="Provincial standardisation technical committees (code, name, pinyin, scope)",
)
def list_committees(request: HttpRequest, filters: Query[CommitteeFilters]) -> dict[str, Any]:
    committees = committees_matching(filters.q, status=filters.status)
    return _page(committees, filters.limit, filters.offset, committee_item)


@router.get(
    "/pilot-projects",
    response={200: PilotProjectPage, **ERRORS},
    url_name="pilot-project-list",
    summary="Standardisation pilot and demonstration projects",
)
def list_pilot_projects(
    request: HttpRequest, filters: Query[PilotProjectFilters]
) -> dict[str, Any]:
    projects = pilot_projects_matching(
        filters.q,
        kind=filters.kind,
        level=filters.level,
        status=filters.status,
        city=filters.city,
        field=filters.field,
    )
    return _page(projects, filters.limit, filters.offset, pilot_project_item)


@router.get(
    "/national-contributions",
    response={200: ContributionPage, **ERRORS},
    url_name="national-contribution-list",
    summary="National standards (GB, GB/T, GB/Z) led or joined by Liaoning organisations",
)
def list_contributions(request: HttpRequest, filters: Query[ContributionFilters]) -> dict[str, Any]:
    contributions = contributions_matching(
        filters.q, role=filters.role, year=filters.year, city=filters.city
    )
    return _page(contributions, filters.limit, filters.offset, contribution_item)


@router.get(
    "/standardisation/summary",
    response={200: StandardisationSummaryOut, **ERRORS},
    url_name="standardisation-summary",
    summary="The three standardisation registries counted against the 2025 targets",
)
def summary(request: HttpRequest) -> dict[str, Any]:
    return {
        "items": [
            {
                "registry": row.registry,
                "target_key": row.key,
                "label": row.label,
                "count": row.count,
                "target": row.target,
                "comparator": row.comparator,
                "unit": row.unit,
                "deadline": row.deadline,
                "percent": row.percent,
                "meets_target": row.meets_target,
            }
            for row in registry_counts()
        ]
    }
