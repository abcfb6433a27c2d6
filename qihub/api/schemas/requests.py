"""API shapes for service requests, invitations, quotes, orders and ratings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema

Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
LongText = Annotated[str, Field(max_length=4000, pattern=r"^[^\x00]*$")]
Uscc = Annotated[str, Field(max_length=18, pattern=r"^[0-9A-Za-z]*$")]
Money = Annotated[Decimal, Field(gt=0, le=Decimal("9999999999.99"), decimal_places=2)]
KIND_PATTERN = r"^(|test|calibration|verification|certification|service)$"


class RequestIn(Schema):
    need_text: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
    enterprise: Uscc = Field(
        "", description="USCC of the enterprise posting; may be left out by a member of one"
    )
    title: Text = ""
    description: LongText = ""
    kind: Annotated[str, Field(pattern=KIND_PATTERN)] = ""
    city: Annotated[str, Field(max_length=12, pattern=r"^[0-9]*$")] = ""
    budget_cny: Money | None = None
    due_on: date | None = None


class ReasonIn(Schema):
    reason: LongText = ""


class InviteIn(Schema):
    institution: Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9A-Za-z]+$")]


class QuoteIn(Schema):
    price_cny: Money
    days: Annotated[int, Field(ge=1, le=3650)]
    conditions: LongText = ""
    valid_until: date | None = None


class OrderStatusIn(Schema):
    status: Annotated[
        str, Field(pattern=r"^(samples_received|in_progress|report_issued|completed)$")
    ]
    report_number: Annotated[str, Field(max_length=80, pattern=r"^[^\x00]*$")] = ""
    note: LongText = ""


class CancelOrderIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=4000, pattern=r"^[^\x00]*$")]


class RatingIn(Schema):
    score: Annotated[int, Field(ge=1, le=5)]
    comment: LongText = ""


class OrganisationRef(Schema):
    uscc: str
    name: str


class QuoteOut(Schema):
    public_id: UUID
    price_cny: Decimal
    days: int
    conditions: str
    valid_until: date
    created_at: datetime


class InvitationOut(Schema):
    public_id: UUID
    request_id: UUID
    request_title: str
    need_text: str
    enterprise: OrganisationRef
    institution: OrganisationRef
    status: str
    invited_at: datetime
    due_at: datetime
    reminded_at: datetime | None
    responded_at: datetime | None
    decline_reason: str
    match_reasons: list[str]
    quote: QuoteOut | None


class RequestOut(Schema):
    public_id: UUID
    title: str
    description: str
    need_text: str
    need: dict[str, Any]
    kind: str
    city_code: str | None
    budget_cny: Decimal | None
    due_on: date | None
    status: str
    enterprise: OrganisationRef
    created_at: datetime


class RequestDetailOut(RequestOut):
    invitations: list[InvitationOut]
    order_id: UUID | None


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class InvitationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InvitationOut]


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    changed_at: datetime


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class OrderOut(Schema):
    public_id: UUID
    request_id: UUID
    request_title: str
    enterprise: OrganisationRef
    institution: OrganisationRef
    status: str
    price_cny: Decimal
    days: int
    report_number: str
    cancel_reason: str
    created_at: datetime
    timeline: list[StatusChangeOut]
    rating: RatingOut | None


class ProposedInstitutionOut(Schema):
    uscc: str
    name: str
    city_code: str | None
    score: float
    reasons: list[str]
    capabilities: list[dict[str, Any]]


class ProposalsOut(Schema):
    understood: dict[str, Any]
    results: list[ProposedInstitutionOut]
