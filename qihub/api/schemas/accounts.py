"""API shapes for organisations, the signed-in user and API tokens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

NoNul = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class OrganisationListItem(Schema):
    uscc: str
    name: str
    kind: str
    kind_label: str
    city_code: str
    city_name: str
    county_code: str | None
    county_name: str | None


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationListItem]


class OrganisationOut(OrganisationListItem):
    name_en: str
    address: str
    phone: str
    email: str
    website: str
    description: str
    longitude: Decimal | None
    latitude: Decimal | None
    is_active: bool
    updated_at: datetime


class MembershipOut(Schema):
    uscc: str
    name: str
    kind: str
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: NoNul = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(default=None, ge=1, le=366)


class TokenOut(Schema):
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str
