"""Proficiency testing: the programme list and published anonymous tables (public), a
participant's own participation, enrolment and submission (its members). The provider's steps
(open, close, evaluate, outlier review, publish) are web-only for now: /proficiency/rounds/…

Confidentiality is decided by ``proficiency.queries``: the public detail carries the table
only once published, and by code only; ``/my`` carries scores only once published.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from qihub.accounts.models import Organisation
from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut
from qihub.api.schemas.proficiency import (
    EnrolIn,
    MyParticipationOut,
    RoundDetailOut,
    RoundPage,
    SchemeList,
    SubmissionIn,
)
from qihub.api.security import AUTHENTICATED
from qihub.core.errors import PermissionDenied
from qihub.core.http import AuthenticatedRequest
from qihub.proficiency.models import Round, Scheme
from qihub.proficiency.queries import (
    MyParticipation,
    anonymous_table,
    laboratories_of,
    my_participation,
    participation_of,
    rounds_list,
    visible_round,
)
from qihub.proficiency.services import enrol, submit_result

router = Router(tags=["proficiency testing"])

NOT_FOUND = {404: ProblemOut}
CONFLICT = {409: ProblemOut}


class RoundFilters(Schema):
    year: Annotated[int | None, Field(ge=1990, le=2100)] = None
    status: Annotated[
        str, Field(pattern=r"^(|planned|enrolling|open|closed|evaluated|published)$")
    ] = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def round_out(round_: Round, participant_count: int | None = None) -> dict[str, Any]:
    if participant_count is None:
        participant_count = round_.participations.count()
    return {
        "public_id": round_.public_id,
        "code": round_.code,
        "year": round_.year,
        "scheme_code": round_.scheme.code,
        "scheme_name": round_.scheme.name,
        "unit": round_.scheme.unit,
        "provider": round_.provider.name,
        "status": round_.status,
        "sample_description": round_.sample_description,
        "sigma_policy": round_.sigma_policy,
        "assigned_policy": round_.assigned_policy,
        "enrolment_opens_on": round_.enrolment_opens_on,
        "enrolment_closes_on": round_.enrolment_closes_on,
        "dispatch_on": round_.dispatch_on,
        "submission_deadline_on": round_.submission_deadline_on,
        "participant_count": participant_count,
        "published_at": round_.published_at,
    }


def _round(public_id: UUID) -> Round:
    found = visible_round(public_id)
    if found is None:
        raise Http404
    return found


def my_out(mine: MyParticipation) -> dict[str, Any]:
    p, s, score = mine.participation, mine.submission, mine.score
    return {
        "round_id": p.round.public_id,
        "laboratory": p.laboratory.name,
        "laboratory_uscc": p.laboratory.uscc,
        "code": p.code,
        "enrolled_at": p.enrolled_at,
        "submission": None
        if s is None
        else {
            "value": s.value,
            "unit": s.unit,
            "expanded_uncertainty": s.expanded_uncertainty,
            "coverage_factor": s.coverage_factor,
            "method": s.method,
            "converted_value": s.converted_value,
            "submitted_at": s.submitted_at,
        },
        "score": None
        if score is None
        else {
            "z": score.z,
            "z_prime": score.z_prime,
            "zeta": score.zeta,
            "en": score.en,
            "z_class": score.z_class,
            "z_prime_class": score.z_prime_class,
            "zeta_class": score.zeta_class,
            "en_class": score.en_class,
            "classification": score.classification,
        },
        "follow_up_status": None if mine.follow_up is None else mine.follow_up.status,
    }


def _laboratory(request: AuthenticatedRequest, uscc: str) -> Organisation:
    labs = laboratories_of(request.auth)
    if uscc:
        labs = [lab for lab in labs if lab.uscc == uscc.upper()]
        if not labs:
            raise PermissionDenied(_("您不是该实验室的成员"))
    if len(labs) != 1:
        raise PermissionDenied(
            _("请用 laboratory 字段指明代表哪家实验室") if labs else _("您不是任何实验室的成员")
        )
    return labs[0]


@router.get(
    "/proficiency/schemes",
    response={200: SchemeList, **ERRORS},
    url_name="pt-scheme-list",
    summary="PT schemes (programmes): measurand, unit, matrix, industries covered",
)
def schemes(request: AuthenticatedRequest) -> dict[str, Any]:
    found = Scheme.objects.select_related("field", "provider").prefetch_related("industries")
    return {
        "items": [
            {
                "code": s.code,
                "name": s.name,
                "measurand": s.measurand,
                "unit": s.unit,
                "matrix": s.matrix,
                "field_code": s.field.code if s.field is not None else None,
                "industries": [i.key for i in s.industries.all()],
                "provider": s.provider.name,
            }
            for s in found
        ]
    }


@router.get(
    "/proficiency/rounds",
    response={200: RoundPage, **ERRORS},
    url_name="pt-round-list",
    summary="The programme list: every round's public facts, newest year first",
)
def rounds(request: AuthenticatedRequest, filters: Query[RoundFilters]) -> dict[str, Any]:
    found = rounds_list(year=filters.year)
    if filters.status:
        found = found.filter(status=filters.status)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [round_out(r, getattr(r, "participant_count", None)) for r in page],
    }


@router.get(
    "/proficiency/rounds/{public_id}",
    response={200: RoundDetailOut, **NOT_FOUND, **ERRORS},
    url_name="pt-round-detail",
    summary="One round; once published, its statistics and the anonymous table (codes only)",
)
def round_detail(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    found = _round(public_id)
    published = found.is_published
    return {
        **round_out(found),
        "statistics": {
            "assigned_value": found.assigned_value,
            "u_assigned": found.u_assigned,
            "robust_sd": found.robust_sd,
            "sigma_pt": found.sigma_pt,
            "z_prime_required": found.z_prime_required,
            "results_used": found.results_used,
        }
        if published
        else None,
        "table": [asdict(row) for row in anonymous_table(found)] if published else None,
    }


@router.get(
    "/proficiency/rounds/{public_id}/my",
    response={200: list[MyParticipationOut], **NOT_FOUND, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-round-my",
    summary="My laboratories' participation: code and submission; scores once published",
)
def my_round(request: AuthenticatedRequest, public_id: UUID) -> list[dict[str, Any]]:
    found = _round(public_id)
    labs = laboratories_of(request.auth)
    return [
        my_out(my_participation(p))
        for p in found.participations.filter(laboratory__in=labs)
        .select_related("laboratory", "round")
        .order_by("code")
    ]


@router.post(
    "/proficiency/rounds/{public_id}/enrol",
    response={201: MyParticipationOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-round-enrol",
    summary="Enrol my laboratory; it gets a random anonymous code",
)
def enrol_round(
    request: AuthenticatedRequest, public_id: UUID, payload: EnrolIn
) -> Status[dict[str, Any]]:
    found = _round(public_id)
    laboratory = _laboratory(request, payload.laboratory)
    participation = enrol(round=found, laboratory=laboratory, by=request.auth)
    return Status(201, my_out(my_participation(participation)))


@router.post(
    "/proficiency/rounds/{public_id}/submission",
    response={201: MyParticipationOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-round-submit",
    summary="Submit my laboratory's one result (value, U, k, unit, method) before the deadline",
)
def submit(
    request: AuthenticatedRequest, public_id: UUID, payload: SubmissionIn
) -> Status[dict[str, Any]]:
    found = _round(public_id)
    participation = participation_of(found, request.auth, payload.laboratory)
    if participation is None:
        raise Http404
    submit_result(
        participation=participation,
        value=payload.value,
        unit=payload.unit,
        expanded_uncertainty=payload.U,
        coverage_factor=payload.k,
        method=payload.method,
        by=request.auth,
    )
    participation.refresh_from_db()
    return Status(201, my_out(my_participation(participation)))
