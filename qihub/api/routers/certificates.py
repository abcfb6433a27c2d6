"""Certificates: bodies push (bearer token or session of a member of the body), the public
verifies (signed answers, throttled like every API route, no captcha) and searches by holder.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut, problem
from qihub.api.schemas.certificates import (
    CertificateBatchIn,
    CertificateBatchOut,
    CertificatePage,
    SigningKeyOut,
    VerificationOut,
)
from qihub.api.security import AUTHENTICATED
from qihub.certification.errors import BatchInvalid
from qihub.certification.models import Certificate
from qihub.certification.queries import certificates_for_holder
from qihub.certification.services import push_certificates
from qihub.certification.signing import ALGORITHM, signing_key
from qihub.certification.types import type_name
from qihub.certification.verification import signed_answer_json
from qihub.core.http import AuthenticatedRequest

router = Router(tags=["certificates"])
JSON_UTF8 = "application/json; charset=utf-8"

CANONICALISATION = (
    "signature = base64url (unpadded) Ed25519 over the UTF-8 bytes of the answer without its "
    "'signature' member, serialised as JSON with keys sorted at every level, no whitespace "
    "(separators ',' and ':') and non-ASCII characters unescaped."
)


class CertificateVerifyParams(Schema):
    number: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


class HolderFilters(Schema):
    holder: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def certificate_item(certificate: Certificate) -> dict[str, Any]:
    c = certificate
    return {
        "public_id": c.public_id,
        "number": c.number,
        "cb": {"uscc": c.cb.uscc, "name": c.cb.name},
        "holder": {"uscc": c.holder.uscc, "name": c.holder_name},
        "cert_type": c.cert_type,
        "cert_type_name": type_name(c.cert_type),
        "status": c.status,
        "effective_status": c.effective_status,
        "issued_on": c.issued_on,
        "expires_on": c.expires_on,
    }


@router.get(
    "/certificates/verify",
    response={200: VerificationOut, **ERRORS},
    url_name="certificate-verify",
    summary="Verify a certificate number (any spelling); a signed answer, found or not",
    description=(
        "Messy input is tolerated (full-width, spaces, lower case, 'No.' prefixes). Several "
        "bodies may use one number: every certificate is in `matches`, the top-level fields "
        "describe the first (active ones first). `found: false` comes with an `explanation` of "
        "the bodies' data coverage: not found is not invalid. " + CANONICALISATION
    ),
)
def verify_certificate(
    request: HttpRequest, params: Query[CertificateVerifyParams]
) -> HttpResponse:
    # Sent as signed, not re-validated and re-encoded by ninja: VerificationOut documents it
    # and the API tests check answers against it.
    return HttpResponse(signed_answer_json(params.number), content_type=JSON_UTF8)


@router.get(
    "/certificates/key",
    response={200: SigningKeyOut, **ERRORS},
    url_name="certificate-signing-key",
    summary="The public key that signs verification answers and QR codes",
)
def signing_public_key(request: HttpRequest) -> dict[str, Any]:
    key = signing_key()
    return {
        "algorithm": ALGORITHM,
        "key_id": key.key_id,
        "public_key_pem": key.public_pem,
        "canonicalisation": CANONICALISATION,
    }


@router.get(
    "/certificates",
    response={200: CertificatePage, **ERRORS},
    url_name="certificate-list",
    summary="Certificates held by an organisation: holder name, pinyin or (partial) USCC",
)
def list_certificates(request: HttpRequest, filters: Query[HolderFilters]) -> dict[str, Any]:
    found = certificates_for_holder(filters.holder, user=request.user)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [certificate_item(c) for c in page],
    }


@router.post(
    "/certificates/batch",
    auth=AUTHENTICATED,
    response={200: CertificateBatchOut, 404: ProblemOut, **AUTH_ERRORS},
    url_name="certificate-batch",
    summary="A certification body pushes up to 1,000 certificates, all or nothing",
    description=(
        "Idempotent by (body, number). Every item is checked first; any problem answers 422 "
        "with `errors: [{index, field, message}]` and nothing is written. A body writes only "
        "its own certificates (`cb_uscc` must be the caller's organisation); a caller who "
        "belongs to no approved certification body gets 403. Status changes are recorded in "
        "the certificate's history with source `api`."
    ),
)
def push_batch(
    request: AuthenticatedRequest, payload: CertificateBatchIn
) -> dict[str, Any] | HttpResponse:
    items = [item.model_dump() for item in payload.items]
    try:
        result = push_certificates(items=items, by=request.auth)
    except BatchInvalid as error:
        return problem(error.status, error.code, error.detail, [e.as_dict() for e in error.errors])
    return {
        "received": result.received,
        "created": result.counts.created,
        "updated": result.counts.updated,
        "unchanged": result.counts.unchanged,
        "data_as_of": timezone.localtime(result.uploaded_at).isoformat(timespec="seconds"),
    }
