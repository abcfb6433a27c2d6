"""Institutions: directory, profile (qualifications with effective status), capability scope,
and verification of a qualification number. Public reads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.accounts.models import Organisation
from qihub.api.errors import ERRORS, ProblemOut
from qihub.api.routers.organisations import organisation_item
from qihub.api.schemas.institutions import (
    CapabilityPage,
    InstitutionOut,
    InstitutionPage,
    QualificationVerificationOut,
)
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.numbers import QualificationType
from qihub.institutions.queries import (
    capabilities_of,
    find_institutions,
    institution_by_uscc,
    institution_profile,
    qualification_lookup,
    with_standards,
)

# A Literal, not CapabilityLine.Kind: OpenAPI names enums by class name and "Kind" is taken by
# the organisation kinds (test_openapi checks for such clashes).
CapabilityKind = Literal["test", "calibration", "verification", "certification", "service"]

router = Router(tags=["institutions"])

Text = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
FieldCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}[0-9]{2,4}$")]


class InstitutionFilters(Schema):
    q: Text = ""
    kind: Organisation.Kind | None = None
    city: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    qualification_type: QualificationType | None = None
    effective_status: Qualification.EffectiveStatus | None = None
    has_valid_qualification: bool | None = None
    capability_kind: CapabilityKind | None = None
    field: FieldCode | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


class CapabilityFilters(Schema):
    kind: CapabilityKind | None = None
    field: FieldCode | None = None
    q: Text = ""
    standard: Text = ""
    parameter: Text = ""
    qualification: Text = ""
    flagged: bool | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class QualificationVerifyParams(Schema):
    number: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    type: QualificationType | None = None


def qualification_item(qualification: Qualification) -> dict[str, Any]:
    return {
        "type": qualification.type,
        "type_label": str(qualification.get_type_display()),
        "number": qualification.number,
        "issuer": qualification.issuer,
        "status": qualification.status,
        "effective_status": qualification.effective_status,
        "effective_status_label": qualification.get_effective_status_display(),
        "status_reason": qualification.status_reason,
        "valid_from": qualification.valid_from,
        "valid_to": qualification.valid_to,
    }


def capability_item(line: CapabilityLine, on: date) -> dict[str, Any]:
    qualification = line.qualification
    return {
        "id": line.pk,
        "kind": line.kind,
        "kind_label": str(line.get_kind_display()),
        "field_code": line.field.code if line.field is not None else None,
        "field_name": line.field.name_zh if line.field is not None else line.field_text,
        "object": line.object,
        "parameter": line.parameter,
        "standards": [
            {
                "code": cited.code,
                "is_known": cited.is_known,
                "status": cited.standard.status if cited.standard is not None else None,
                "in_force": cited.standard.status == "current"
                if cited.standard is not None
                else None,
            }
            for cited in line.standards.all()
        ],
        "range_text": line.range_text,
        "range_min": line.range_min,
        "range_max": line.range_max,
        "unit": line.unit,
        "uncertainty_text": line.uncertainty_text,
        "accuracy": line.accuracy,
        "restriction": line.restriction,
        "price_cny": line.price_cny,
        "turnaround_days": line.turnaround_days,
        "qualification": {
            "type": qualification.type,
            "number": qualification.number,
            "effective_status": qualification.effective_status_on(on),
            "valid_to": qualification.valid_to,
        }
        if qualification is not None
        else None,
        "needs_attention": line.attention_reasons,
    }


@router.get(
    "/institutions",
    response={200: InstitutionPage, **ERRORS},
    url_name="institution-list",
    summary="List and search institutions (kind, city, qualifications, capabilities)",
)
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilters]) -> dict[str, Any]:
    found = find_institutions(
        user=request.user,
        q=filters.q,
        kind=filters.kind,
        city=filters.city,
        qualification_type=filters.qualification_type,
        effective_status=filters.effective_status,
        has_valid_qualification=filters.has_valid_qualification,
        capability_kind=filters.capability_kind,
        field=filters.field.upper() if filters.field else None,
    )
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [organisation_item(o) for o in page],
    }


@router.get(
    "/institutions/{uscc}",
    response={200: InstitutionOut, 404: ProblemOut, **ERRORS},
    url_name="institution-detail",
    summary="An institution's profile: qualifications with recorded and effective status",
)
def institution_detail(request: HttpRequest, uscc: str) -> dict[str, Any]:
    profile = institution_profile(uscc, user=request.user)
    organisation = profile.organisation
    return {
        **organisation_item(organisation),
        "address": organisation.address,
        "phone": organisation.phone,
        "website": organisation.website,
        "description": organisation.description,
        "longitude": organisation.longitude,
        "latitude": organisation.latitude,
        "kinds": profile.kinds,
        "qualifications": [qualification_item(q) for q in profile.qualifications],
        "has_valid_qualification": profile.has_valid_qualification,
        "capability_count": profile.capability_count,
        "capability_counts": profile.capability_counts,
        "flagged_count": profile.flagged_count,
        "on": profile.on,
    }


@router.get(
    "/institutions/{uscc}/capabilities",
    response={200: CapabilityPage, 404: ProblemOut, **ERRORS},
    url_name="institution-capabilities",
    summary="An institution's capability scope, filtered and paged",
)
def institution_capabilities(
    request: HttpRequest, uscc: str, filters: Query[CapabilityFilters]
) -> dict[str, Any]:
    organisation = institution_by_uscc(uscc, user=request.user)
    lines = capabilities_of(
        organisation,
        user=request.user,
        kind=filters.kind,
        field=filters.field.upper() if filters.field else None,
        q=filters.q,
        standard=filters.standard,
        parameter=filters.parameter,
        qualification=filters.qualification or None,
        flagged=filters.flagged,
    )
    today = timezone.localdate()
    page = with_standards(lines)[filters.offset : filters.offset + filters.limit]
    return {
        "count": lines.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [capability_item(line, today) for line in page],
    }


@router.get(
    "/qualifications/verify",
    response={200: QualificationVerificationOut, **ERRORS},
    url_name="qualification-verify",
    summary="Verify a qualification number (any spelling); found false with an explanation",
)
def verify_qualification(
    request: HttpRequest, params: Query[QualificationVerifyParams]
) -> dict[str, Any]:
    answer = qualification_lookup(
        params.number, type=params.type.value if params.type else None, user=request.user
    )
    q = answer.qualification
    return {
        "found": answer.found,
        "number": answer.number,
        "explanation": answer.explanation,
        "on": answer.on,
        "type": q.type if q else None,
        "status": q.status if q else None,
        "effective_status": answer.effective_status,
        "valid_from": q.valid_from if q else None,
        "valid_to": q.valid_to if q else None,
        "institution_uscc": q.organisation.uscc if q else None,
        "institution_name": q.organisation.name if q else None,
    }
