"""Writes to local-standard (DB21) projects, one function per step of the pipeline.

立项申请 → 立项 → 起草 → 征求意见 → 技术审查 → 批准发布 → 实施 → (复审) → 废止, or 终止 before
publication. Each step moves only to the next stage, never backwards in time, and is audited.
"""

from __future__ import annotations

import calendar
import datetime as dt
from contextlib import suppress
from dataclasses import replace
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action, snapshot
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.queries import regulator_jurisdictions
from qihub.reference.models import Industry, Region
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.errors import (
    CommentAlreadyAnswered,
    ConsultationNotOpen,
    DateOutOfOrder,
    InvalidConsultationPeriod,
    LocalStandardProjectError,
    ProjectActionNotAllowed,
    ReviewNotAllowed,
    StageOutOfOrder,
)
from qihub.standards.models import Standard
from qihub.standards.models.projects import (
    LocalStandardProject,
    PublicComment,
    ReviewDecision,
    StageTransition,
)
from qihub.standards.services import StandardData, upsert_standards

Stage = LocalStandardProject.Stage

STAGE_ORDER: tuple[str, ...] = (
    Stage.APPLICATION,
    Stage.APPROVED,
    Stage.DRAFTING,
    Stage.CONSULTATION,
    Stage.TECHNICAL_REVIEW,
    Stage.PUBLISHED,
    Stage.IMPLEMENTED,
    Stage.WITHDRAWN,
)
NEXT_STAGE: dict[str, str] = dict(pairwise(STAGE_ORDER))

# How long a project may stay in each stage before it counts as overdue, in months. Rule of
# thumb: the plan's 18-month average cycle (立项 → 批准发布) split over the steps of 《地方标准
# 管理办法》 (SAMR 2020): drafting ~6 months, 征求意见 at least 30 days (2 months with the
# summary of comments), 技术审查 ~3 months; 立项 decided within a quarter of the application,
# drafting starts within a month of 立项, and 实施 follows 批准发布 within 6 months. Reviews
# (复审) are due at most 5 years after publication or the last review (办法 第二十九条).
ALLOWED_STAGE_MONTHS: dict[str, int] = {
    Stage.APPLICATION: 3,
    Stage.APPROVED: 1,
    Stage.DRAFTING: 6,
    Stage.CONSULTATION: 2,
    Stage.TECHNICAL_REVIEW: 3,
    Stage.PUBLISHED: 6,
}
REVIEW_INTERVAL_YEARS = 5

PROJECT_FIELDS = (
    "stage",
    "stage_entered_at",
    "approved_on",
    "published_on",
    "last_reviewed_on",
    "consultation_opens_on",
    "consultation_closes_on",
    "standard",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_due_on(project: LocalStandardProject) -> dt.date | None:
    last = project.last_reviewed_on or project.published_on
    return add_months(last, 12 * REVIEW_INTERVAL_YEARS) if last else None


# --- who may act ------------------------------------------------------------------------------


def is_drafter(user: Any, project: LocalStandardProject) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=project.drafting_organisation_id
    ).exists()


def is_responsible_regulator(user: Any, project: LocalStandardProject) -> bool:
    """Platform admins, the provincial regulator, and the project's own regulator's members."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    jurisdiction_id = project.regulator.jurisdiction_id
    for region in regulator_jurisdictions(user):
        if region.level == Region.Level.PROVINCE or region.pk == jurisdiction_id:
            return True
    return Membership.objects.filter(user=user, organisation_id=project.regulator_id).exists()


def _require_regulator(user: User, project: LocalStandardProject) -> None:
    if not is_responsible_regulator(user, project):
        raise ProjectActionNotAllowed(_("只有负责该项目的监管部门可以执行此操作"))


def _require_drafter_or_regulator(user: User, project: LocalStandardProject) -> None:
    if not (is_drafter(user, project) or is_responsible_regulator(user, project)):
        raise ProjectActionNotAllowed(_("只有起草单位或主管部门可以推进该项目"))


# --- dates and stages ---------------------------------------------------------------------------


def _moment(on: dt.date | None, project: LocalStandardProject | None = None) -> dt.datetime:
    """When a step dated ``on`` happened; refuses the future and dates before the current stage."""
    now = timezone.now()
    today = timezone.localdate(now)
    if on is None or on == today:
        moment = now
    elif on > today:
        raise DateOutOfOrder(_("日期不能晚于今天：%(on)s") % {"on": on.isoformat()})
    else:
        moment = timezone.make_aware(dt.datetime.combine(on, dt.time(9)))
    if project is not None:
        entered = project.stage_entered_at
        if timezone.localdate(moment) < timezone.localdate(entered):
            raise DateOutOfOrder(
                _("日期不能早于进入当前阶段的日期（%(entered)s）")
                % {"entered": timezone.localdate(entered).isoformat()}
            )
        moment = max(moment, entered)
    return moment


def _require_next(project: LocalStandardProject, to_stage: str) -> None:
    allowed = NEXT_STAGE.get(project.stage)
    if project.stage == Stage.TERMINATED or allowed is None:
        raise StageOutOfOrder(
            _("项目处于「%(stage)s」阶段，已结束，不能再变更")
            % {"stage": project.get_stage_display()}
        )
    if to_stage != allowed:
        raise StageOutOfOrder(
            _("项目处于「%(stage)s」阶段，下一阶段只能是「%(next)s」，不能进入「%(to)s」")
            % {
                "stage": project.get_stage_display(),
                "next": Stage(allowed).label,
                "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
            }
        )


def _locked(project: LocalStandardProject) -> LocalStandardProject:
    # Lock the row so two requests cannot both move the project from the same stage.
    return (
        LocalStandardProject.objects.select_for_update(of=("self",))
        .select_related("regulator", "drafting_organisation")
        .get(pk=project.pk)
    )


def _move(
    project: LocalStandardProject, *, to_stage: str, at: dt.datetime, by: User, note: str = ""
) -> StageTransition:
    transition = StageTransition(
        project=project, from_stage=project.stage, to_stage=to_stage, at=at, actor=by, note=note
    )
    transition.full_clean()
    transition.save()
    project.stage = to_stage
    project.stage_entered_at = at
    return transition


def _save(project: LocalStandardProject, *, action: str, by: User, before: dict[str, Any]) -> None:
    project.full_clean()
    project.save()
    record_action(
        actor=by,
        action=action,
        target=project,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )


# --- the steps ----------------------------------------------------------------------------------


def apply_for_project(
    *,
    title: str,
    proposed_code: str,
    drafting_organisation: Organisation,
    regulator: Organisation,
    by: User,
    industry: Industry | None = None,
    applied_on: dt.date | None = None,
) -> LocalStandardProject:
    """立项申请 by a member of the drafting organisation. Raises ProjectActionNotAllowed,
    DateOutOfOrder, or ValidationError (bad code, regulator not a regulator)."""
    if not (
        by.is_platform_admin
        or Membership.objects.filter(user=by, organisation=drafting_organisation).exists()
    ):
        raise ProjectActionNotAllowed(_("只有起草单位的成员可以申请立项"))
    with transaction.atomic():
        project = _new_project(
            title=title,
            proposed_code=proposed_code,
            drafting_organisation=drafting_organisation,
            regulator=regulator,
            industry=industry,
            at=_moment(applied_on),
            by=by,
        )
    return project


def _new_project(
    *,
    title: str,
    proposed_code: str,
    drafting_organisation: Organisation,
    regulator: Organisation,
    industry: Industry | None,
    at: dt.datetime,
    by: User,
    revises: LocalStandardProject | None = None,
) -> LocalStandardProject:
    with suppress(InvalidStandardCode):  # full_clean reports a bad code on the field
        proposed_code = parse_standard_code(proposed_code).canonical
    project = LocalStandardProject(
        title=title.strip(),
        proposed_code=proposed_code,
        drafting_organisation=drafting_organisation,
        regulator=regulator,
        industry=industry,
        proposer=by,
        stage=Stage.APPLICATION,
        applied_on=timezone.localdate(at),
        stage_entered_at=at,
        revises=revises,
    )
    _save(project, action="standards.local_project_applied", by=by, before={})
    return project


def approve_project(
    *, project: LocalStandardProject, by: User, on: dt.date | None = None, note: str = ""
) -> LocalStandardProject:
    """立项, by the responsible regulator. Raises ProjectActionNotAllowed, StageOutOfOrder,
    DateOutOfOrder."""
    with transaction.atomic():
        project = _locked(project)
        _require_regulator(by, project)
        _require_next(project, Stage.APPROVED)
        at = _moment(on, project)
        before = snapshot(project, PROJECT_FIELDS)
        _move(project, to_stage=Stage.APPROVED, at=at, by=by, note=note)
        project.approved_on = timezone.localdate(at)
        _save(project, action="standards.local_project_approved", by=by, before=before)
    return project


# Stages reached only through their own step, which records more than the stage.
_OWN_STEP: dict[str, str] = {
    Stage.APPROVED: "approve",
    Stage.CONSULTATION: "consultation",
    Stage.PUBLISHED: "publish",
    Stage.WITHDRAWN: "reviews",
}


def advance_stage(
    *,
    project: LocalStandardProject,
    to_stage: str,
    by: User,
    on: dt.date | None = None,
    note: str = "",
) -> LocalStandardProject:
    """Move to the next stage (起草, 技术审查, 实施). Raises StageOutOfOrder (naming the allowed
    next stage), DateOutOfOrder, ProjectActionNotAllowed."""
    with transaction.atomic():
        project = _locked(project)
        _require_drafter_or_regulator(by, project)
        _require_next(project, to_stage)
        if to_stage in _OWN_STEP:
            raise StageOutOfOrder(
                _("进入「%(to)s」阶段须使用专门的操作（%(step)s）")
                % {"to": Stage(to_stage).label, "step": _OWN_STEP[to_stage]}
            )
        at = _moment(on, project)
        if (
            to_stage == Stage.TECHNICAL_REVIEW
            and project.consultation_closes_on is not None
            and timezone.localdate(at) <= project.consultation_closes_on
        ):
            raise DateOutOfOrder(
                _("征求意见期至 %(closes)s 结束，之后才能进入技术审查")
                % {"closes": project.consultation_closes_on.isoformat()}
            )
        before = snapshot(project, PROJECT_FIELDS)
        _move(project, to_stage=to_stage, at=at, by=by, note=note)
        _save(project, action="standards.local_project_advanced", by=by, before=before)
    return project


def open_consultation(
    *,
    project: LocalStandardProject,
    closes_on: dt.date,
    by: User,
    on: dt.date | None = None,
    note: str = "",
) -> LocalStandardProject:
    """Publish the draft for comment (征求意见) until ``closes_on``. Raises
    InvalidConsultationPeriod, StageOutOfOrder, DateOutOfOrder, ProjectActionNotAllowed."""
    with transaction.atomic():
        project = _locked(project)
        _require_drafter_or_regulator(by, project)
        _require_next(project, Stage.CONSULTATION)
        at = _moment(on, project)
        if closes_on <= timezone.localdate():
            raise InvalidConsultationPeriod(_("征求意见截止日期必须晚于今天"))
        before = snapshot(project, PROJECT_FIELDS)
        _move(project, to_stage=Stage.CONSULTATION, at=at, by=by, note=note)
        project.consultation_opens_on = timezone.localdate(at)
        project.consultation_closes_on = closes_on
        _save(project, action="standards.local_project_consultation_opened", by=by, before=before)
    return project


def consultation_is_open(project: LocalStandardProject, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        project.stage == Stage.CONSULTATION
        and project.consultation_opens_on is not None
        and project.consultation_closes_on is not None
        and project.consultation_opens_on <= today <= project.consultation_closes_on
    )


def comment_on_draft(*, project: LocalStandardProject, body: str, by: User) -> PublicComment:
    """A signed-in user's comment on the draft, during the consultation period only. Raises
    ConsultationNotOpen."""
    with transaction.atomic():
        project = _locked(project)
        if not consultation_is_open(project):
            raise ConsultationNotOpen(_("该项目当前不在征求意见期内，不能提交意见"))
        comment = PublicComment(project=project, author=by, body=body.strip())
        comment.full_clean()
        comment.save()
        record_action(
            actor=by,
            action="standards.local_project_commented",
            target=project,
            after={"comment": str(comment.public_id)},
        )
    return comment


def reply_to_comment(*, comment: PublicComment, body: str, by: User) -> PublicComment:
    """The drafting organisation's answer to a comment. Raises ProjectActionNotAllowed,
    CommentAlreadyAnswered."""
    with transaction.atomic():
        comment = (
            PublicComment.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=comment.pk)
        )
        if not is_drafter(by, comment.project):
            raise ProjectActionNotAllowed(_("只有起草单位的成员可以答复意见"))
        if comment.replied_at is not None:
            raise CommentAlreadyAnswered(_("该意见已经答复"))
        comment.reply = body.strip()
        if not comment.reply:
            raise LocalStandardProjectError(_("答复内容不能为空"), code="empty_reply")
        comment.replied_at = timezone.now()
        comment.replied_by = by
        comment.full_clean()
        comment.save()
        record_action(
            actor=by,
            action="standards.local_project_comment_answered",
            target=comment.project,
            after={"comment": str(comment.public_id)},
        )
    return comment


def publish_project(
    *,
    project: LocalStandardProject,
    by: User,
    on: dt.date | None = None,
    effective_on: dt.date | None = None,
    note: str = "",
) -> LocalStandardProject:
    """批准发布, by the regulator: the catalogue gets the new DB21 standard (current). Raises
    ProjectActionNotAllowed, StageOutOfOrder, DateOutOfOrder, LocalStandardProjectError
    (code ``standard_code_taken``)."""
    with transaction.atomic():
        project = _locked(project)
        _require_regulator(by, project)
        _require_next(project, Stage.PUBLISHED)
        at = _moment(on, project)
        published_on = timezone.localdate(at)
        if effective_on is not None and effective_on < published_on:
            raise DateOutOfOrder(_("实施日期不能早于发布日期"))
        parsed = parse_standard_code(project.proposed_code)
        code = parsed if parsed.year else replace(parsed, year=published_on.year)
        if Standard.objects.filter(code=code.canonical).exists():
            raise LocalStandardProjectError(
                _("标准编号 %(code)s 已被占用") % {"code": code.canonical},
                code="standard_code_taken",
            )
        replaces: tuple[Any, ...] = ()
        if project.revises is not None and project.revises.standard is not None:
            replaces = (parse_standard_code(project.revises.standard.code),)
        upsert_standards(
            [
                StandardData(
                    code=code,
                    title_zh=project.title,
                    type=(
                        Standard.Type.LOCAL_MANDATORY
                        if parsed.prefix == "DB21"
                        else Standard.Type.LOCAL_RECOMMENDED
                    ),
                    status=Standard.Status.CURRENT,
                    published_on=published_on,
                    effective_on=effective_on,
                    issuer=project.regulator.name,
                    replaces=replaces,
                )
            ],
            by=by,
        )
        before = snapshot(project, PROJECT_FIELDS)
        _move(project, to_stage=Stage.PUBLISHED, at=at, by=by, note=note)
        project.published_on = published_on
        project.standard = Standard.objects.get(code=code.canonical)
        _save(project, action="standards.local_project_published", by=by, before=before)
    return project


def record_review(
    *,
    project: LocalStandardProject,
    outcome: str,
    by: User,
    decided_on: dt.date | None = None,
    note: str = "",
) -> ReviewDecision:
    """复审 of a published standard. ``withdraw`` withdraws it from the catalogue; ``revise``
    starts a new project. Raises ReviewNotAllowed, DateOutOfOrder, ProjectActionNotAllowed."""
    with transaction.atomic():
        project = _locked(project)
        _require_regulator(by, project)
        if (
            project.stage not in {Stage.PUBLISHED, Stage.IMPLEMENTED}
            or project.published_on is None
        ):
            raise ReviewNotAllowed(_("只有已发布、未废止的地方标准才能复审"))
        at = _moment(decided_on)
        day = timezone.localdate(at)
        last = project.last_reviewed_on or project.published_on
        if day < last:
            raise DateOutOfOrder(
                _("复审日期不能早于 %(last)s（发布或上次复审）") % {"last": last.isoformat()}
            )
        review = ReviewDecision(
            project=project, decided_on=day, outcome=outcome, actor=by, note=note
        )
        review.full_clean()
        review.save()
        before = snapshot(project, PROJECT_FIELDS)
        project.last_reviewed_on = day
        if outcome == ReviewDecision.Outcome.WITHDRAW:
            if project.standard is not None:
                _withdraw_standard(project.standard, on=day, by=by)
            _move(project, to_stage=Stage.WITHDRAWN, at=max(at, project.stage_entered_at), by=by)
        _save(project, action=f"standards.local_project_reviewed_{outcome}", by=by, before=before)
        if outcome == ReviewDecision.Outcome.REVISE:
            _new_project(
                title=project.title,
                proposed_code=parse_standard_code(project.proposed_code).base,
                drafting_organisation=project.drafting_organisation,
                regulator=project.regulator,
                industry=project.industry,
                at=at,
                by=by,
                revises=project,
            )
    return review


def _withdraw_standard(standard: Standard, *, on: dt.date, by: User) -> None:
    upsert_standards(
        [
            StandardData(
                code=parse_standard_code(standard.code),
                title_zh=standard.title_zh,
                title_en=standard.title_en,
                type=standard.type,
                status=Standard.Status.WITHDRAWN,
                published_on=standard.published_on,
                effective_on=standard.effective_on,
                withdrawn_on=on,
                ics=standard.ics,
                ccs=standard.ccs,
                issuer=standard.issuer,
            )
        ],
        by=by,
    )


def terminate_project(
    *, project: LocalStandardProject, by: User, on: dt.date | None = None, note: str = ""
) -> LocalStandardProject:
    """终止 a project before publication, by the regulator. Raises StageOutOfOrder,
    ProjectActionNotAllowed, DateOutOfOrder."""
    with transaction.atomic():
        project = _locked(project)
        _require_regulator(by, project)
        if project.stage not in STAGE_ORDER[: STAGE_ORDER.index(Stage.PUBLISHED)]:
            raise StageOutOfOrder(
                _("项目处于「%(stage)s」阶段，只有发布前的项目可以终止")
                % {"stage": project.get_stage_display()}
            )
        at = _moment(on, project)
        before = snapshot(project, PROJECT_FIELDS)
        _move(project, to_stage=Stage.TERMINATED, at=at, by=by, note=note)
        _save(project, action="standards.local_project_terminated", by=by, before=before)
    return project
