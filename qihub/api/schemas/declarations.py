"""API shapes for enterprise self-declarations and in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
LongText = Annotated[str, Field(max_length=2000, pattern=r"^[^\x00]*$")]


class IndicatorIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    value: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    unit: Annotated[str, Field(max_length=30, pattern=r"^[^\x00]*$")] = ""
    national_value: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")] = ""


class DeclaredStandardIn(Schema):
    code: Text
    is_own_standard: bool = False
    indicators: Annotated[list[IndicatorIn], Field(max_length=50)] = []
    disclosure_text: LongText = ""


class DeclarationIn(Schema):
    enterprise: Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9A-Za-z]+$")]
    product: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
    model: Text = ""
    standards: Annotated[list[DeclaredStandardIn], Field(min_length=1, max_length=30)]


class IndicatorOut(Schema):
    name: str
    value: str
    unit: str
    national_value: str | None = None


class DeclaredStandardOut(Schema):
    code: str
    raw_code: str
    title_zh: str | None
    is_own_standard: bool
    status: str | None
    current_code: str | None
    key_indicators: list[IndicatorOut]
    discloses_weaker_indicators: bool
    disclosure_text: str


class DeclarationListItem(Schema):
    public_id: UUID
    enterprise_uscc: str
    enterprise_name: str
    product_name: str
    product_model: str
    status: str
    is_forerunner: bool
    published_at: datetime | None
    standard_codes: list[str]


class DeclarationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DeclarationListItem]


class DeclarationOut(DeclarationListItem):
    withdrawn_at: datetime | None
    standards: list[DeclaredStandardOut]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    message: str
    link: str
    created_at: datetime
    read_at: datetime | None
