"""API shapes for institutions, their qualifications and capability scopes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema

from qihub.api.schemas.accounts import OrganisationListItem


class QualificationOut(Schema):
    type: str
    type_label: str
    number: str
    issuer: str
    status: str
    effective_status: str
    effective_status_label: str
    status_reason: str
    valid_from: date
    valid_to: date


class InstitutionListItem(OrganisationListItem):
    pass


class InstitutionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InstitutionListItem]


class InstitutionOut(OrganisationListItem):
    address: str
    phone: str
    website: str
    description: str
    longitude: Decimal | None
    latitude: Decimal | None
    kinds: list[str]
    qualifications: list[QualificationOut]
    has_valid_qualification: bool
    capability_count: int
    capability_counts: dict[str, int]
    flagged_count: int
    on: date


class CitedStandardOut(Schema):
    code: str
    is_known: bool
    status: str | None
    in_force: bool | None


class CapabilityQualificationOut(Schema):
    type: str
    number: str
    effective_status: str
    valid_to: date


class CapabilityOut(Schema):
    id: int
    kind: str
    kind_label: str
    field_code: str | None
    field_name: str
    object: str
    parameter: str
    standards: list[CitedStandardOut]
    range_text: str
    range_min: float | None
    range_max: float | None
    unit: str
    uncertainty_text: str
    accuracy: dict[str, Any] | None
    restriction: str
    price_cny: Decimal | None
    turnaround_days: int | None
    qualification: CapabilityQualificationOut | None
    needs_attention: list[str]


class CapabilityPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CapabilityOut]


class QualificationVerificationOut(Schema):
    found: bool
    number: str
    explanation: str
    on: date | None
    type: str | None = None
    status: str | None = None
    effective_status: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    institution_uscc: str | None = None
    institution_name: str | None = None
