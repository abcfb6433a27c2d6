"""Every write to PT schemes and rounds: set-up, the status steps, enrolment, submissions, the
outlier review, evaluation and publication. Each records an audit entry in the same transaction.

Who may do what:

- run a round (create, move its status, review outliers, evaluate, publish): the round's
  provider's members, PT regulators (``models.is_pt_regulator``), and trusted command-line
  callers (``by=None``, the demo);
- enrol a laboratory, submit its result: that laboratory's members only (and ``by=None``).

``now`` lets the demo replay a past year; pages and the API never pass it.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.services import notify_organisation
from qihub.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from qihub.core.units import IncompatibleUnits, UnknownUnit, convert, parse_unit
from qihub.proficiency.models import (
    FollowUp,
    Participation,
    Round,
    RoundTransition,
    Scheme,
    Score,
    Submission,
    is_pt_regulator,
)
from qihub.proficiency.statistics import (
    Evaluation,
    Method,
    ParticipantResult,
    SigmaPt,
    StatisticsError,
    evaluate,
)
from qihub.reference.models import Field, Industry

Status = Round.Status
MAX_TEXT = 4000
# Codes P01…P99 while a round is small, P001…P999 once it passes 60 participants, so a random
# free code is always quick to find.
SMALL_ROUND = 60
FOLLOW_UP_CLASSES = ("questionable", "unsatisfactory")


# --- errors ---------------------------------------------------------------------------------------


class InvalidRound(DomainError):
    code = "pt_round_invalid"


class RoundForbidden(PermissionDenied):
    code = "pt_round_forbidden"


class RoundTransitionNotAllowed(Conflict):
    code = "pt_transition_not_allowed"


class NotALaboratory(DomainError):
    code = "pt_not_a_laboratory"


class NotEnrolling(Conflict):
    code = "pt_not_enrolling"


class AlreadyEnrolled(Conflict):
    code = "pt_already_enrolled"


class NotOpenForSubmissions(Conflict):
    code = "pt_not_open"


class LateSubmission(Conflict):
    code = "pt_submission_late"


class DuplicateSubmission(Conflict):
    code = "pt_submission_duplicate"


class InvalidSubmission(DomainError):
    code = "pt_submission_invalid"


class NotParticipating(NotFound):
    code = "pt_not_participating"


# --- who may act ----------------------------------------------------------------------------------


def may_manage(user: Any, round_: Round) -> bool:
    """The round's provider's members and PT regulators (and the trusted command line)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if is_pt_regulator(user):
        return True
    return Membership.objects.filter(user=user, organisation_id=round_.provider_id).exists()


def _check_manage(by: User | None, round_: Round) -> None:
    if not may_manage(by, round_):
        raise RoundForbidden(_("只有能力验证组织方和监管部门可以执行此操作"))


def _is_member(user: User | None, organisation: Organisation) -> bool:
    if user is None:
        return True
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _today(now: datetime | None) -> date:
    return timezone.localdate(_now(now))


# --- schemes and rounds ---------------------------------------------------------------------------


def canonical_unit(text: str) -> str:
    """The unit's canonical spelling (core.units); raises UnknownUnit."""
    return parse_unit(text).symbol


def create_scheme(
    *,
    code: str,
    name: str,
    measurand: str,
    unit: str,
    provider: Organisation,
    by: User | None,
    field: Field | None = None,
    matrix: str = "",
    industries: Iterable[Industry] = (),
) -> Scheme:
    """A new PT scheme. Raises RoundForbidden, UnknownUnit, InvalidRound (duplicate code)."""
    if by is not None and not (is_pt_regulator(by) or _is_member(by, provider)):
        raise RoundForbidden(_("只有能力验证组织方和监管部门可以设立计划"))
    with transaction.atomic():
        if Scheme.objects.filter(code=code).exists():
            raise InvalidRound(_("计划编号 %(code)s 已存在") % {"code": code})
        scheme = Scheme(
            code=code,
            name=name,
            measurand=measurand,
            unit=canonical_unit(unit),
            provider=provider,
            field=field,
            matrix=matrix,
        )
        scheme.full_clean()
        scheme.save()
        scheme.industries.set(list(industries))
        record_action(
            actor=by,
            action="proficiency.scheme_created",
            target=scheme,
            after={"name": name, "unit": scheme.unit, "provider": provider.uscc},
        )
    return scheme


def horwitz_factor(unit: str) -> float:
    """What multiplies a Horwitz σ (a mass fraction) to reach ``unit``: 1e6 for mg/kg, 100 for
    % (read as a mass-fraction percentage). Raises InvalidRound for other dimensions."""
    if parse_unit(unit).symbol == "%":
        return 100.0
    try:
        return convert(1.0, "g/g", unit)
    except (IncompatibleUnits, UnknownUnit):
        raise InvalidRound(
            _("Horwitz 函数只适用于质量分数，计划单位 %(unit)s 不是质量分数") % {"unit": unit}
        ) from None


def _check_policies(
    *,
    scheme: Scheme,
    sigma_policy: str,
    sigma_value: float | None,
    assigned_policy: str,
    reference_value: float | None,
    reference_uncertainty: float | None,
) -> None:
    if sigma_policy not in Round.SigmaPolicy.values:
        raise InvalidRound(_("未知的 σ_pt 取值方式：%(p)s") % {"p": sigma_policy})
    if assigned_policy not in Round.AssignedPolicy.values:
        raise InvalidRound(_("未知的指定值确定方式：%(p)s") % {"p": assigned_policy})
    for label, number in (
        ("σ_pt", sigma_value),
        (_("参考值"), reference_value),
        (_("参考值不确定度"), reference_uncertainty),
    ):
        if number is not None and not math.isfinite(number):
            raise InvalidRound(_("%(what)s 不是有限数值") % {"what": label})
    if sigma_policy == Round.SigmaPolicy.FIXED and (sigma_value is None or sigma_value <= 0):
        raise InvalidRound(_("规定的 σ_pt 必须大于 0"))
    if sigma_policy == Round.SigmaPolicy.HORWITZ:
        if sigma_value is None or not 0 < sigma_value <= 1:
            raise InvalidRound(_("Horwitz 函数的质量分数 c 必须在 (0, 1] 之内"))
        horwitz_factor(scheme.unit)
    if sigma_policy == Round.SigmaPolicy.ROBUST_SD and sigma_value is not None:
        raise InvalidRound(_("σ_pt 取稳健标准差时不能另给数值"))
    if assigned_policy == Round.AssignedPolicy.REFERENCE:
        if reference_value is None:
            raise InvalidRound(_("以参考值为指定值时必须给出参考值"))
        if reference_uncertainty is not None and reference_uncertainty < 0:
            raise InvalidRound(_("参考值不确定度不能为负"))
    elif reference_value is not None or reference_uncertainty is not None:
        raise InvalidRound(_("只有以参考值为指定值时才能给出参考值"))


def create_round(
    *,
    scheme: Scheme,
    year: int,
    code: str,
    enrolment_opens_on: date,
    enrolment_closes_on: date,
    dispatch_on: date,
    submission_deadline_on: date,
    sigma_policy: str,
    assigned_policy: str,
    by: User | None,
    sigma_value: float | None = None,
    reference_value: float | None = None,
    reference_uncertainty: float | None = None,
    sample_description: str = "",
    provider: Organisation | None = None,
) -> Round:
    """A planned round of ``scheme``. Raises RoundForbidden, InvalidRound (policies, dates,
    duplicate code)."""
    provider = provider or scheme.provider
    if by is not None and not (is_pt_regulator(by) or _is_member(by, provider)):
        raise RoundForbidden(_("只有能力验证组织方和监管部门可以设立轮次"))
    _check_policies(
        scheme=scheme,
        sigma_policy=sigma_policy,
        sigma_value=sigma_value,
        assigned_policy=assigned_policy,
        reference_value=reference_value,
        reference_uncertainty=reference_uncertainty,
    )
    if not enrolment_opens_on <= enrolment_closes_on <= dispatch_on <= submission_deadline_on:
        raise InvalidRound(_("日期顺序应为：报名开始 ≤ 报名截止 ≤ 样品发放 ≤ 结果提交截止"))
    if submission_deadline_on.year not in (year, year + 1) or not 1990 <= year <= 2100:
        raise InvalidRound(_("年度与结果提交截止日期不符"))
    with transaction.atomic():
        if Round.objects.filter(code=code).exists():
            raise InvalidRound(_("轮次编号 %(code)s 已存在") % {"code": code})
        round_ = Round(
            scheme=scheme,
            year=year,
            code=code,
            provider=provider,
            sample_description=sample_description,
            sigma_policy=sigma_policy,
            sigma_value=sigma_value,
            assigned_policy=assigned_policy,
            reference_value=reference_value,
            reference_uncertainty=reference_uncertainty,
            enrolment_opens_on=enrolment_opens_on,
            enrolment_closes_on=enrolment_closes_on,
            dispatch_on=dispatch_on,
            submission_deadline_on=submission_deadline_on,
            created_by=by,
        )
        round_.full_clean()
        round_.save()
        record_action(
            actor=by,
            action="proficiency.round_created",
            target=round_,
            after={"scheme": scheme.code, "year": year, "provider": provider.uscc},
        )
    return round_


# --- status steps ---------------------------------------------------------------------------------

# Each step's allowed start; evaluation may be repeated after an outlier review.
_STEPS: dict[str, tuple[str, ...]] = {
    Status.ENROLLING: (Status.PLANNED,),
    Status.OPEN: (Status.ENROLLING,),
    Status.CLOSED: (Status.OPEN,),
    Status.EVALUATED: (Status.CLOSED, Status.EVALUATED),
    Status.PUBLISHED: (Status.EVALUATED,),
}


def _step(round_: Round, to_status: str, *, by: User | None, now: datetime | None) -> Round:
    """Lock the round, check the step is allowed and record it (caller holds the transaction)."""
    _check_manage(by, round_)
    locked = (
        Round.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=round_.pk)
    )
    if locked.status not in _STEPS[to_status]:
        raise RoundTransitionNotAllowed(
            _("轮次当前为“%(current)s”，不能转为“%(target)s”")
            % {
                "current": Status(locked.status).label,
                "target": Status(to_status).label,
            }
        )
    before = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    if before != to_status:
        RoundTransition.objects.create(
            round=locked, from_status=before, to_status=to_status, actor=by, changed_at=_now(now)
        )
    record_action(
        actor=by,
        action=f"proficiency.round_{to_status}",
        target=locked,
        before={"status": before},
        after={"status": to_status},
    )
    return locked


def open_enrolment(*, round: Round, by: User | None, now: datetime | None = None) -> Round:
    """planned → enrolling. Raises RoundForbidden, RoundTransitionNotAllowed."""
    with transaction.atomic():
        return _step(round, Status.ENROLLING, by=by, now=now)


def open_submissions(*, round: Round, by: User | None, now: datetime | None = None) -> Round:
    """enrolling → open (samples dispatched). Raises RoundForbidden, RoundTransitionNotAllowed,
    InvalidRound when nobody enrolled."""
    with transaction.atomic():
        _check_manage(by, round)  # before saying anything about the round's enrolment
        if not round.participations.exists():
            raise InvalidRound(_("还没有实验室报名，不能发放样品"))
        return _step(round, Status.OPEN, by=by, now=now)


def close_round(*, round: Round, by: User | None, now: datetime | None = None) -> Round:
    """open → closed: no more results. Raises RoundForbidden, RoundTransitionNotAllowed."""
    with transaction.atomic():
        return _step(round, Status.CLOSED, by=by, now=now)


def _sigma_spec(round_: Round) -> SigmaPt:
    if round_.sigma_policy == Round.SigmaPolicy.FIXED:
        return round_.sigma_value
    if round_.sigma_policy == Round.SigmaPolicy.HORWITZ:
        return {"horwitz": round_.sigma_value, "factor": horwitz_factor(round_.scheme.unit)}
    return None


def _results(submissions: Sequence[Submission]) -> list[ParticipantResult]:
    return [
        ParticipantResult(
            participant=s.participation.code,
            value=s.converted_value,
            U=s.converted_uncertainty,
            k=s.coverage_factor,
        )
        for s in submissions
    ]


def compute_evaluation(round_: Round, submissions: Sequence[Submission]) -> Evaluation:
    """ISO 13528 evaluation of a round's results: the assigned value, its uncertainty, the robust
    SD and σ_pt from the results not excluded by the outlier review; then every result (excluded
    ones too) scored against them. Raises StatisticsError (too few results, …)."""
    q_hampel = round_.assigned_policy == Round.AssignedPolicy.Q_HAMPEL
    method: Method = "q_hampel" if q_hampel else "algorithm_a"
    reference = round_.assigned_policy == Round.AssignedPolicy.REFERENCE
    used = [s for s in submissions if not s.is_excluded]
    if not used:
        raise StatisticsError(_("没有可用于统计的结果"), code="too_few_results")
    first = evaluate(
        _results(used),
        sigma_pt=_sigma_spec(round_),
        assigned_value=round_.reference_value if reference else None,
        u_assigned=round_.reference_uncertainty if reference else None,
        method=method,
    )
    if len(used) == len(submissions):
        return first
    scored = evaluate(
        _results(submissions),
        sigma_pt=first.sigma_pt,
        assigned_value=first.assigned_value,
        u_assigned=first.u_assigned,
        method=method,
    )
    return Evaluation(
        assigned_value=first.assigned_value,
        u_assigned=first.u_assigned,
        robust_sd=first.robust_sd,
        sigma_pt=first.sigma_pt,
        z_prime_required=first.z_prime_required,
        scores=scored.scores,
        method=first.method,
        iterations=first.iterations,
    )


def evaluate_round(*, round: Round, by: User | None, now: datetime | None = None) -> Round:
    """closed (or evaluated, after an outlier review) → evaluated: compute and store the
    assigned value, u(x_pt), robust SD, σ_pt and every participant's scores.
    Raises RoundForbidden, RoundTransitionNotAllowed, StatisticsError."""
    with transaction.atomic():
        locked = _step(round, Status.EVALUATED, by=by, now=now)
        submissions = list(
            Submission.objects.filter(participation__round=locked).select_related("participation")
        )
        result = compute_evaluation(locked, submissions)
        by_code = {s.participation.code: s.participation for s in submissions}
        Score.objects.filter(participation__round=locked).delete()
        Score.objects.bulk_create(
            [
                Score(
                    participation=by_code[score.participant],
                    z=score.z,
                    z_prime=score.z_prime,
                    zeta=score.zeta,
                    en=score.en,
                    z_class=score.z_class or "",
                    z_prime_class=score.z_prime_class or "",
                    zeta_class=score.zeta_class or "",
                    en_class=score.en_class or "",
                    classification=score.classification or "",
                )
                for score in result.scores
            ]
        )
        locked.assigned_value = result.assigned_value
        locked.u_assigned = result.u_assigned
        locked.robust_sd = result.robust_sd
        locked.sigma_pt = result.sigma_pt
        locked.z_prime_required = result.z_prime_required
        locked.results_used = sum(1 for s in submissions if not s.is_excluded)
        locked.evaluated_at = _now(now)
        locked.save()
        record_action(
            actor=by,
            action="proficiency.round_scored",
            target=locked,
            after={
                "assigned_value": result.assigned_value,
                "u_assigned": result.u_assigned,
                "robust_sd": result.robust_sd,
                "sigma_pt": result.sigma_pt,
                "z_prime_required": result.z_prime_required,
                "results": len(submissions),
                "results_used": locked.results_used,
            },
        )
    return locked


def publish_round(*, round: Round, by: User | None, now: datetime | None = None) -> Round:
    """evaluated → published: the results are frozen, every participant is notified, and each
    questionable or unsatisfactory result opens a follow-up case for its laboratory.
    Raises RoundForbidden, RoundTransitionNotAllowed."""
    with transaction.atomic():
        locked = _step(round, Status.PUBLISHED, by=by, now=now)
        locked.published_at = _now(now)
        locked.save(update_fields=["published_at", "updated_at"])
        participations = list(
            locked.participations.select_related("laboratory", "score").order_by("code")
        )
        link = f"/proficiency/rounds/{locked.public_id}/"
        for participation in participations:
            notify_organisation(
                organisation=participation.laboratory,
                kind="proficiency.round_published",
                title=_("能力验证结果已发布：%(name)s") % {"name": locked.scheme.name},
                message=_("贵单位在 %(round)s 中的参加者代码为 %(code)s，结果与评价已可查看。")
                % {"round": locked.code, "code": participation.code},
                link=link,
                by=by,
            )
            score = getattr(participation, "score", None)
            if score is not None and score.classification in FOLLOW_UP_CLASSES:
                _open_follow_up(participation, score.classification, by=by, now=now)
    return locked


def _open_follow_up(
    participation: Participation, classification: str, *, by: User | None, now: datetime | None
) -> FollowUp:
    follow_up = FollowUp.objects.create(
        participation=participation,
        laboratory=participation.laboratory,
        classification=classification,
        created_at=_now(now),
    )
    record_action(
        actor=by,
        action="proficiency.follow_up_opened",
        target=follow_up,
        after={"participation": participation.code, "classification": classification},
    )
    notify_organisation(
        organisation=participation.laboratory,
        kind="proficiency.follow_up_opened",
        title=_("能力验证结果需要整改：%(round)s") % {"round": participation.round.code},
        message=_("请分析原因、采取纠正措施并提交证明材料。"),
        link=f"/proficiency/follow-ups/{follow_up.public_id}/",
        by=by,
    )
    return follow_up


ADVANCE: dict[str, Callable[..., Round]] = {
    Status.ENROLLING: open_enrolment,
    Status.OPEN: open_submissions,
    Status.CLOSED: close_round,
    Status.EVALUATED: evaluate_round,
    Status.PUBLISHED: publish_round,
}


def advance_round(*, round: Round, to_status: str, by: User | None) -> Round:
    """The status step to ``to_status`` (what the regulator's buttons call)."""
    step = ADVANCE.get(to_status)
    if step is None:
        raise RoundTransitionNotAllowed(_("未知的状态：%(s)s") % {"s": to_status})
    result: Round = step(round=round, by=by)
    return result


# --- enrolment and submissions --------------------------------------------------------------------


def new_participant_code(taken: set[str]) -> str:
    """A random free code (P07, or P107 in a large round): never derived from the laboratory,
    so the order of enrolment or a name cannot be read from it."""
    width, capacity = (2, 99) if len(taken) < SMALL_ROUND else (3, 999)
    free = [f"P{n:0{width}d}" for n in range(1, capacity + 1) if f"P{n:0{width}d}" not in taken]
    if not free:
        raise InvalidRound(_("本轮参加者已满"))
    return secrets.choice(free)


def enrol(
    *,
    round: Round,
    laboratory: Organisation,
    by: User | None,
    now: datetime | None = None,
) -> Participation:
    """Enrol a laboratory (by one of its members) and give it a random anonymous code.
    Raises NotALaboratory, RoundForbidden, NotEnrolling, AlreadyEnrolled."""
    if not laboratory.is_institution:
        raise NotALaboratory(_("只有检验检测、校准等技术机构可以参加能力验证"))
    if by is not None and not Membership.objects.filter(user=by, organisation=laboratory).exists():
        raise RoundForbidden(_("只能为本单位报名"))
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        today = _today(now)
        if locked.status != Status.ENROLLING or not (
            locked.enrolment_opens_on <= today <= locked.enrolment_closes_on
        ):
            raise NotEnrolling(_("本轮不在报名期内"))
        if locked.participations.filter(laboratory=laboratory).exists():
            raise AlreadyEnrolled(_("本单位已报名本轮"))
        taken = set(locked.participations.values_list("code", flat=True))
        participation = Participation.objects.create(
            round=locked,
            laboratory=laboratory,
            code=new_participant_code(taken),
            enrolled_at=_now(now),
            enrolled_by=by,
        )
        record_action(
            actor=by,
            action="proficiency.enrolled",
            target=participation,
            after={"round": locked.code, "laboratory": laboratory.uscc},
        )
    return participation


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSubmission(_("%(what)s 必须是数值") % {"what": what})
    number = float(value)
    if not math.isfinite(number):
        raise InvalidSubmission(_("%(what)s 必须是有限数值") % {"what": what})
    return number


def submit_result(
    *,
    participation: Participation,
    value: float,
    unit: str,
    by: User | None,
    expanded_uncertainty: float | None = None,
    coverage_factor: float | None = None,
    method: str = "",
    now: datetime | None = None,
) -> Submission:
    """Record a participant's one result, converted to the scheme's unit.
    Raises RoundForbidden (not the laboratory's member), NotOpenForSubmissions, LateSubmission,
    DuplicateSubmission, InvalidSubmission (value, U, k, unit)."""
    laboratory = participation.laboratory
    if by is not None and not Membership.objects.filter(user=by, organisation=laboratory).exists():
        raise RoundForbidden(_("只能由参加实验室本单位人员提交结果"))
    number = _finite(value, _("结果"))
    big_u = None if expanded_uncertainty is None else _finite(expanded_uncertainty, "U")
    k = None if coverage_factor is None else _finite(coverage_factor, "k")
    if big_u is not None and big_u < 0:
        raise InvalidSubmission(_("扩展不确定度 U 不能为负"))
    if k is not None and k <= 0:
        raise InvalidSubmission(_("包含因子 k 必须大于 0"))
    if len(method) > 200:
        raise InvalidSubmission(_("检测方法过长（最多 200 个字符）"))
    with transaction.atomic():
        round_ = (
            Round.objects.select_for_update(of=("self",))
            .select_related("scheme")
            .get(pk=participation.round_id)
        )
        if round_.status != Status.OPEN:
            raise NotOpenForSubmissions(_("本轮当前不接收结果"))
        if _today(now) > round_.submission_deadline_on:
            raise LateSubmission(
                _("已超过结果提交截止日期 %(day)s")
                % {"day": round_.submission_deadline_on.isoformat()}
            )
        if Submission.objects.filter(participation=participation).exists():
            raise DuplicateSubmission(_("本单位已提交结果，不能重复提交"))
        try:
            unit_symbol = canonical_unit(unit)
            converted = convert(number, unit_symbol, round_.scheme.unit)
            converted_u = (
                None
                if big_u is None
                else convert(big_u, unit_symbol, round_.scheme.unit, difference=True)
            )
        except (UnknownUnit, IncompatibleUnits) as error:
            raise InvalidSubmission(
                _("单位无法换算为本计划的单位 %(unit)s：%(why)s")
                % {"unit": round_.scheme.unit, "why": error.detail}
            ) from None
        submission = Submission(
            participation=participation,
            value=number,
            expanded_uncertainty=big_u,
            coverage_factor=k,
            method=method,
            unit=unit_symbol,
            converted_value=converted,
            converted_uncertainty=converted_u,
            submitted_at=_now(now),
            submitted_by=by,
        )
        submission.full_clean()
        submission.save()
        record_action(
            actor=by,
            action="proficiency.result_submitted",
            target=submission,
            after={"participation": participation.code, "value": number, "unit": unit_symbol},
        )
    return submission


# --- outlier review -------------------------------------------------------------------------------


def set_exclusion(
    *, submission: Submission, excluded: bool, reason: str = "", by: User | None
) -> Submission:
    """Exclude a result from (or restore it to) the assigned-value computation; re-evaluate
    afterwards. Only before publication. Raises RoundForbidden, RoundTransitionNotAllowed,
    InvalidSubmission (exclusion without a reason)."""
    round_ = submission.participation.round
    _check_manage(by, round_)
    reason = reason.strip()
    if excluded and not reason:
        raise InvalidSubmission(_("剔除结果必须说明理由"))
    if len(reason) > 500:
        raise InvalidSubmission(_("理由过长（最多 500 个字符）"))
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status not in (Status.CLOSED, Status.EVALUATED):
            raise RoundTransitionNotAllowed(_("只有截止后、发布前可以复核离群结果"))
        before = {"is_excluded": submission.is_excluded, "reason": submission.exclusion_reason}
        submission.is_excluded = excluded
        submission.exclusion_reason = reason if excluded else ""
        submission.save(update_fields=["is_excluded", "exclusion_reason"])
        record_action(
            actor=by,
            action="proficiency.result_excluded" if excluded else "proficiency.result_restored",
            target=submission,
            before=before,
            after={"is_excluded": excluded, "reason": submission.exclusion_reason},
        )
    return submission
