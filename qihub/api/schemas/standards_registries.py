"""API shapes for the standardisation registries and their counts against the plan targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema


class OrganisationRef(Schema):
    uscc: str
    name: str


class CommitteeOut(Schema):
    code: str
    name_zh: str
    name_en: str
    scope: str
    secretariat: OrganisationRef
    chair: str
    member_count: int
    established_on: dt.date
    status: str
    status_label: str


class CommitteePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CommitteeOut]


class PilotProjectOut(Schema):
    id: UUID
    name_zh: str
    kind: str
    kind_label: str
    field: str
    field_label: str
    level: str
    level_label: str
    organisation: OrganisationRef
    city_code: str
    city_name: str
    started_on: dt.date
    due_on: dt.date
    status: str
    status_label: str
    accepted_on: dt.date | None


class PilotProjectPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PilotProjectOut]


class ContributionOut(Schema):
    standard_code: str
    in_catalogue: bool
    standard_title: str | None
    organisation: OrganisationRef
    city_code: str
    city_name: str
    role: str
    role_label: str
    year: int


class ContributionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContributionOut]


class RegistryCountOut(Schema):
    registry: str
    target_key: str
    label: str
    count: int
    target: Decimal | None
    comparator: str
    unit: str
    deadline: dt.date | None
    percent: int | None
    meets_target: bool | None


class StandardisationSummaryOut(Schema):
    items: list[RegistryCountOut]
