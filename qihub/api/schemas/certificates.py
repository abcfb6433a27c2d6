"""API shapes for certificates: the bodies' batch, the signed verification answer, search.

The verification answer's dates and times are strings exactly as signed (see
``certification.verification``), so what a client receives re-serialises to the signed bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field

NO_NUL = r"^[^\x00]*$"


class SiteIn(Schema):
    address: Annotated[str, Field(max_length=300, pattern=NO_NUL)]
    scope: Annotated[str, Field(max_length=4000, pattern=NO_NUL)] = ""


class CertificateItemIn(Schema):
    """One certificate: the import columns (text, checked by the service so every problem is
    reported per item), plus ``accredited`` and the certified ``sites``."""

    number: Annotated[str, Field(max_length=100, pattern=NO_NUL)]
    cb_uscc: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    holder_uscc: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    holder_name: Annotated[str, Field(max_length=300, pattern=NO_NUL)]
    cert_type: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    standard: Annotated[str, Field(max_length=600, pattern=NO_NUL)] = ""
    scope: Annotated[str, Field(max_length=4000, pattern=NO_NUL)] = ""
    issued_on: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    expires_on: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    status: Annotated[str, Field(max_length=20, pattern=NO_NUL)] = "active"
    status_reason: Annotated[str, Field(max_length=1000, pattern=NO_NUL)] = ""
    accredited: bool | None = None
    sites: Annotated[list[SiteIn], Field(max_length=200)] | None = None


class CertificateBatchIn(Schema):
    items: Annotated[list[CertificateItemIn], Field(min_length=1, max_length=1000)]


class CertificateBatchOut(Schema):
    received: int
    created: int
    updated: int
    unchanged: int
    data_as_of: str


class PartyOut(Schema):
    uscc: str
    name: str


class BodyOut(PartyOut):
    data_as_of: str | None


class SiteOut(Schema):
    address: str
    scope: str


class HistoryOut(Schema):
    from_status: str | None
    to_status: str
    reason: str
    at: str | None
    source: str


class CertificateMatchOut(Schema):
    number: str
    status: str
    effective_status: str
    status_reason: str
    holder: PartyOut
    cb: BodyOut
    cert_type: str
    cert_type_name: str
    standards: list[str]
    scope: str
    is_accredited: bool
    issued_on: str
    expires_on: str
    sites: list[SiteOut]
    history: list[HistoryOut]


class VerificationOut(Schema):
    """The signed answer. Top-level certificate fields describe the first match (null when not
    found); ``matches`` lists every body's certificate with this number."""

    found: bool
    number: str
    checked_on: str
    status: str | None
    effective_status: str | None
    status_reason: str | None
    holder: PartyOut | None
    cb: BodyOut | None
    cert_type: str | None
    cert_type_name: str | None
    standards: list[str]
    scope: str | None
    is_accredited: bool | None
    issued_on: str | None
    expires_on: str | None
    sites: list[SiteOut]
    history: list[HistoryOut]
    match_count: int
    matches: list[CertificateMatchOut]
    explanation: str
    signed_at: str
    key_id: str
    signature: str


class SigningKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key_pem: str
    canonicalisation: str


class CertificateListItem(Schema):
    public_id: UUID
    number: str
    cb: PartyOut
    holder: PartyOut
    cert_type: str
    cert_type_name: str
    status: str
    effective_status: str
    issued_on: date
    expires_on: date


class CertificatePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CertificateListItem]
