"""Proficiency testing: the programme list, published anonymous tables and their PDF reports
(public); a participant's own participation, enrolment and submission (its members); the
provider's steps, each round's status moves (open enrolment, dispatch, close, evaluate, publish)
and the outlier review (the round's provider and PT regulators, ``services.may_manage``); and
follow-up cases of questionable and unsatisfactory results (the laboratory answers, the provider
or a regulator reviews and closes; ``queries.follow_ups_visible_to`` decides who sees a case).

Confidentiality is decided by ``proficiency.queries``: the public detail carries the table
only once published, and by code only; ``/my`` carries scores only once published. The rules
of every step are the services'; the routes only check may_manage first, so that someone who
may not run a round learns nothing more (an unknown result code, an empty round) than a 403.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from qihub.accounts.models import Organisation
from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut
from qihub.api.schemas.proficiency import (
    CorrectiveActionIn,
    EnrolIn,
    FollowUpOut,
    FollowUpPage,
    FollowUpReviewIn,
    FollowUpStatus,
    MyParticipationOut,
    ResultExclusionIn,
    ResultExclusionOut,
    RoundAdvanceIn,
    RoundDetailOut,
    RoundPage,
    SchemeList,
    SubmissionIn,
)
from qihub.api.security import AUTHENTICATED
from qihub.core.errors import PermissionDenied
from qihub.core.http import AuthenticatedRequest
from qihub.proficiency.followup import close_follow_up, review_follow_up, submit_corrective_action
from qihub.proficiency.models import FollowUp, Round, Scheme, Submission
from qihub.proficiency.queries import (
    MyParticipation,
    anonymous_table,
    follow_ups_visible_to,
    laboratories_of,
    my_participation,
    participation_of,
    rounds_list,
    visible_round,
)
from qihub.proficiency.report import published_report_pdf
from qihub.proficiency.services import (
    RoundForbidden,
    advance_round,
    enrol,
    may_manage,
    set_exclusion,
    submit_result,
)

router = Router(tags=["proficiency testing"])

NOT_FOUND = {404: ProblemOut}
CONFLICT = {409: ProblemOut}
PDF = {
    200: {
        "description": "The round report (PDF): statistics, charts and the anonymous table",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


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


class FollowUpFilters(Schema):
    status: FollowUpStatus | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


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
    return detail_out(_round(public_id))


def detail_out(found: Round) -> dict[str, Any]:
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


# --- the provider's steps -------------------------------------------------------------------------


def _managed_round(request: AuthenticatedRequest, public_id: UUID, refusal: str) -> Round:
    found = _round(public_id)
    if not may_manage(request.auth, found):
        raise RoundForbidden(refusal)
    return found


@router.post(
    "/proficiency/rounds/{public_id}/advance",
    response={200: RoundDetailOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-round-advance",
    summary="Move a round to its next status (the provider and PT regulators); evaluating "
    "computes the scores, publishing opens follow-up cases",
)
def advance(
    request: AuthenticatedRequest, public_id: UUID, payload: RoundAdvanceIn
) -> dict[str, Any]:
    found = _managed_round(request, public_id, _("只有能力验证组织方和监管部门可以执行此操作"))
    advance_round(round=found, to_status=payload.to_status, by=request.auth)
    return detail_out(_round(public_id))


@router.post(
    "/proficiency/rounds/{public_id}/results/{code}/exclusion",
    response={200: ResultExclusionOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-result-exclusion",
    summary="Outlier review: exclude a result from the statistics (with a reason) or restore "
    "it, after closing and before publication; evaluate again afterwards",
)
def exclusion(
    request: AuthenticatedRequest,
    public_id: UUID,
    code: Annotated[str, Path(max_length=8, pattern=r"^P[0-9]{2,3}$")],
    payload: ResultExclusionIn,
) -> dict[str, Any]:
    found = _managed_round(request, public_id, _("只有能力验证组织方和监管部门可以复核离群结果"))
    submission = get_object_or_404(
        Submission.objects.select_related("participation__round"),
        participation__round=found,
        participation__code=code,
    )
    set_exclusion(
        submission=submission, excluded=payload.excluded, reason=payload.reason, by=request.auth
    )
    submission.refresh_from_db()
    return {
        "round_id": found.public_id,
        "code": code,
        "is_excluded": submission.is_excluded,
        "exclusion_reason": submission.exclusion_reason,
        "round_status": submission.participation.round.status,
    }


@router.get(
    "/proficiency/rounds/{public_id}/report.pdf",
    response={**NOT_FOUND, **ERRORS},
    openapi_extra={"responses": PDF},
    url_name="pt-round-report",
    summary="The published round's report as PDF (404 before publication)",
)
def report(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    if not found.is_published:
        raise Http404(_("本轮结果尚未发布"))
    response = HttpResponse(published_report_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.code}.pdf"'
    return response


# --- follow-up cases ------------------------------------------------------------------------------


def follow_up_out(case: FollowUp) -> dict[str, Any]:
    participation = case.participation
    round_ = participation.round
    return {
        "public_id": case.public_id,
        "round_id": round_.public_id,
        "round_code": round_.code,
        "scheme_code": round_.scheme.code,
        "scheme_name": round_.scheme.name,
        "laboratory": case.laboratory.name,
        "laboratory_uscc": case.laboratory.uscc,
        "code": participation.code,
        "classification": case.classification,
        "status": case.status,
        "root_cause": case.root_cause,
        "corrective_actions": case.corrective_actions,
        "evidence": case.evidence,
        "review_comment": case.review_comment,
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
        "reviewed_at": case.reviewed_at,
        "closed_at": case.closed_at,
    }


def _follow_up(request: AuthenticatedRequest, public_id: UUID) -> FollowUp:
    return get_object_or_404(follow_ups_visible_to(request.auth), public_id=public_id)


@router.get(
    "/proficiency/follow-ups",
    response={200: FollowUpPage, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-follow-up-list",
    summary="The follow-up cases I may see: my laboratories' own; every case of the rounds "
    "my organisation provides; all of them for PT regulators. Newest first",
)
def follow_ups(request: AuthenticatedRequest, filters: Query[FollowUpFilters]) -> dict[str, Any]:
    found = follow_ups_visible_to(request.auth)
    if filters.status:
        found = found.filter(status=filters.status)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [follow_up_out(case) for case in page],
    }


@router.get(
    "/proficiency/follow-ups/{public_id}",
    response={200: FollowUpOut, **NOT_FOUND, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-follow-up-detail",
    summary="One follow-up case (404 unless I may see it)",
)
def follow_up(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    return follow_up_out(_follow_up(request, public_id))


@router.post(
    "/proficiency/follow-ups/{public_id}/corrective-action",
    response={200: FollowUpOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-follow-up-submit",
    summary="The laboratory's answer: root cause, corrective actions, evidence (open or "
    "returned → submitted)",
)
def follow_up_submit(
    request: AuthenticatedRequest, public_id: UUID, payload: CorrectiveActionIn
) -> dict[str, Any]:
    case = _follow_up(request, public_id)
    submit_corrective_action(
        follow_up=case,
        root_cause=payload.root_cause,
        corrective_actions=payload.corrective_actions,
        evidence=payload.evidence,
        by=request.auth,
    )
    return follow_up_out(_follow_up(request, public_id))


@router.post(
    "/proficiency/follow-ups/{public_id}/review",
    response={200: FollowUpOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-follow-up-review",
    summary="Review a submitted answer (the provider and PT regulators): accept it, or return "
    "it with a comment",
)
def follow_up_review(
    request: AuthenticatedRequest, public_id: UUID, payload: FollowUpReviewIn
) -> dict[str, Any]:
    case = _follow_up(request, public_id)
    review_follow_up(
        follow_up=case,
        accept=payload.decision == "accept",
        comment=payload.comment,
        by=request.auth,
    )
    return follow_up_out(_follow_up(request, public_id))


@router.post(
    "/proficiency/follow-ups/{public_id}/close",
    response={200: FollowUpOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="pt-follow-up-close",
    summary="Close an accepted case (the provider and PT regulators)",
)
def follow_up_close(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    case = _follow_up(request, public_id)
    close_follow_up(follow_up=case, by=request.auth)
    return follow_up_out(_follow_up(request, public_id))
