"""API shapes for reference data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    admin_type: str
    parent_code: str | None
    longitude: Decimal | None
    latitude: Decimal | None


class IndustryOut(Schema):
    key: str
    level: int
    parent_key: str | None
    name_zh: str
    name_en: str
    gbt4754_codes: list[str]
    is_trillion_base: bool


class ClusterOut(Schema):
    key: str
    name_zh: str
    type: str
    level: str
    city_code: str
    county_code: str | None
    industry_keys: list[str]
    main_industries_zh: str


class PlanTargetOut(Schema):
    key: str
    area: str
    description_zh: str
    description_en: str
    comparator: str
    target_value: Decimal
    target_value_max: Decimal | None
    unit: str
    deadline: date
