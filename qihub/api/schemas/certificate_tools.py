"""API shapes for the buyers' tools (watchlist, bulk verification), risk warnings and figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import Field

NO_NUL = r"^[^\x00]*$"


class WatchIn(Schema):
    value: Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
    kind: Annotated[str, Field(pattern=r"^(|number|supplier)$")] = ""
    note: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""


class WatchedCertificateOut(Schema):
    public_id: UUID
    number: str
    cb_name: str
    holder_name: str
    cert_type: str
    effective_status: str
    expires_on: str


class WatchOut(Schema):
    public_id: UUID
    kind: str
    value: str
    note: str
    created_at: datetime
    certificates: list[WatchedCertificateOut]


class SupplierIn(Schema):
    name: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    uscc: Annotated[str, Field(max_length=40, pattern=NO_NUL)] = ""


class BulkVerifyIn(Schema):
    suppliers: Annotated[list[SupplierIn], Field(min_length=1, max_length=1000)]


class BulkCertificateOut(Schema):
    number: str
    public_id: str
    holder_uscc: str
    holder_name: str
    cb_name: str
    cert_type: str
    cert_type_name: str
    status: str
    effective_status: str
    issued_on: str
    expires_on: str


class BulkResultOut(Schema):
    line: int
    name: str
    uscc: str
    match: str
    notes: list[str]
    certificates: list[BulkCertificateOut]


class BadRowOut(Schema):
    line: int
    message: str


class BulkVerifyOut(Schema):
    counts: dict[str, int]
    results: list[BulkResultOut]
    bad_rows: list[BadRowOut]


class RiskWarningOut(Schema):
    id: UUID
    rule: str
    rule_name: str
    severity: str
    status: str
    status_reason: str
    subject_key: str
    certificate_number: str | None
    cb: dict[str, str] | None
    city: dict[str, str] | None
    reasoning: str
    details: dict[str, Any]
    assignee: str | None
    first_seen: datetime
    last_seen: datetime


class RiskWarningPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RiskWarningOut]


class RiskStatusIn(Schema):
    status: Annotated[str, Field(pattern=r"^(acknowledged|resolved|dismissed)$")]
    reason: Annotated[str, Field(max_length=2000, pattern=NO_NUL)] = ""


class FiguresOut(Schema):
    on: str
    valid_certificates: int
    certified_organisations: int
    targets: list[dict[str, Any]]
    by_city: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    series: list[dict[str, Any]]
