"""Proficiency testing pages: the programmes by year against the plan's target, a round (public
facts; the participant's own view; the provider's and regulators' view with the status steps
and the outlier review), the submission form, the PDF report, and follow-up cases.

What each viewer may see is decided by ``proficiency.queries.round_view`` and
``FollowUp.objects.visible_to``; the templates only show what the view holds.
"""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from qihub.accounts.models import User
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.proficiency.followup import (
    close_follow_up,
    is_laboratory_member,
    may_review,
    review_follow_up,
    submit_corrective_action,
)
from qihub.proficiency.models import FollowUp, Round, Submission, is_pt_regulator
from qihub.proficiency.queries import (
    annual_plan,
    follow_ups_visible_to,
    laboratories_of,
    laboratories_with_open_followups,
    next_participation,
    participation_of,
    participations_of_user,
    round_view,
    visible_round,
)
from qihub.proficiency.report import published_report_pdf
from qihub.proficiency.services import (
    advance_round,
    enrol,
    may_manage,
    set_exclusion,
    submit_result,
)
from qihub.web.forms.proficiency import (
    CorrectiveActionForm,
    ExclusionForm,
    ReviewForm,
    SubmissionForm,
)

STEP_LABELS: dict[str, StrPromise] = {
    Round.Status.ENROLLING: gettext_lazy("开始报名"),
    Round.Status.OPEN: gettext_lazy("发放样品，开始收结果"),
    Round.Status.CLOSED: gettext_lazy("截止收结果"),
    Round.Status.EVALUATED: gettext_lazy("统计评价"),
    Round.Status.PUBLISHED: gettext_lazy("发布结果"),
}
NEXT_STEP: dict[str, str] = {
    Round.Status.PLANNED: Round.Status.ENROLLING,
    Round.Status.ENROLLING: Round.Status.OPEN,
    Round.Status.OPEN: Round.Status.CLOSED,
    Round.Status.CLOSED: Round.Status.EVALUATED,
    Round.Status.EVALUATED: Round.Status.PUBLISHED,
}


def _round(public_id: UUID) -> Round:
    found = visible_round(public_id)
    if found is None:
        raise Http404
    return found


def _user(request: HtmxRequest) -> User:
    return cast(User, request.user)


@require_safe
def programmes(request: HtmxRequest) -> HttpResponse:
    regulator = is_pt_regulator(request.user)
    return render(
        request,
        "web/proficiency/programmes.html",
        {
            "plans": annual_plan(),
            "is_regulator": regulator,
            "flagged": laboratories_with_open_followups() if regulator else [],
            "mine": participations_of_user(request.user),
        },
    )


@require_safe
def round_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    view = round_view(found, request.user)
    next_step = NEXT_STEP.get(found.status) if view.can_manage else None
    return render(
        request,
        "web/proficiency/round.html",
        {
            "view": view,
            "round": found,
            "next_step": next_step,
            "next_step_label": STEP_LABELS.get(next_step) if next_step else "",
            "can_reevaluate": view.can_manage and found.status == Round.Status.EVALUATED,
            "can_review": view.can_manage
            and found.status in (Round.Status.CLOSED, Round.Status.EVALUATED),
        },
    )


@require_POST
@login_required
def round_enrol(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    uscc = request.POST.get("laboratory", "")
    labs = [lab for lab in laboratories_of(request.user) if lab.uscc == uscc]
    if not labs:
        raise PermissionDenied(_("您不是该实验室的成员"))
    try:
        participation = enrol(round=found, laboratory=labs[0], by=_user(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, _("报名成功，本单位的参加者代码为 %(code)s") % {"code": participation.code}
        )
    return redirect("web:pt-round", public_id=found.public_id)


@login_required
def round_submit(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    participation = participation_of(found, request.user, request.GET.get("lab", ""))
    if participation is None:
        raise Http404
    existing = Submission.objects.filter(participation=participation).first()
    form = SubmissionForm(request.POST or None, initial={"unit": found.scheme.unit})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                submit_result(
                    participation=participation,
                    value=data["value"],
                    unit=data["unit"],
                    expanded_uncertainty=data["expanded_uncertainty"],
                    coverage_factor=data["coverage_factor"] or None,
                    method=data["method"],
                    by=_user(request),
                )
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("结果已提交。"))
                return redirect("web:pt-round", public_id=found.public_id)
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "web/proficiency/submit.html",
        {"round": found, "participation": participation, "existing": existing, "form": form},
        status=status,
    )


@require_POST
@login_required
def round_advance(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    if not may_manage(request.user, found):
        raise PermissionDenied(_("只有能力验证组织方和监管部门可以执行此操作"))
    try:
        advance_round(round=found, to_status=request.POST.get("to", ""), by=_user(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("轮次状态已更新。"))
    return redirect("web:pt-round", public_id=found.public_id)


@require_POST
@login_required
def result_exclusion(request: HtmxRequest, public_id: UUID, code: str) -> HttpResponse:
    found = _round(public_id)
    if not may_manage(request.user, found):
        raise PermissionDenied(_("只有能力验证组织方和监管部门可以复核离群结果"))
    submission = get_object_or_404(
        Submission.objects.select_related("participation__round"),
        participation__round=found,
        participation__code=code,
    )
    form = ExclusionForm(request.POST)
    excluded = request.POST.get("action") == "exclude"
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        set_exclusion(submission=submission, excluded=excluded, reason=reason, by=_user(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("已记录复核结论，请重新统计评价。"))
    return redirect("web:pt-round", public_id=found.public_id)


@require_safe
def round_report(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _round(public_id)
    if not found.is_published:
        raise Http404
    response = HttpResponse(published_report_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.code}.pdf"'
    return response


@require_safe
@login_required
def follow_up_list(request: HtmxRequest) -> HttpResponse:
    return render(
        request,
        "web/proficiency/follow_ups.html",
        {
            "cases": follow_ups_visible_to(request.user),
            "is_regulator": is_pt_regulator(request.user),
        },
    )


def _follow_up(request: HtmxRequest, public_id: UUID) -> FollowUp:
    return get_object_or_404(
        follow_ups_visible_to(request.user).select_related(
            "participation__round__provider", "participation__submission", "participation__score"
        ),
        public_id=public_id,
    )


def _follow_up_page(
    request: HtmxRequest,
    case: FollowUp,
    *,
    action_form: CorrectiveActionForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    is_lab = is_laboratory_member(user, case)
    reviewer = may_review(user, case)
    return render(
        request,
        "web/proficiency/follow_up.html",
        {
            "case": case,
            "round": case.participation.round,
            "next": next_participation(case),
            "action_form": action_form
            or (
                CorrectiveActionForm(
                    initial={
                        "root_cause": case.root_cause,
                        "corrective_actions": case.corrective_actions,
                        "evidence": case.evidence,
                    }
                )
                if is_lab and case.status in (FollowUp.Status.OPEN, FollowUp.Status.RETURNED)
                else None
            ),
            "review_form": review_form
            or (ReviewForm() if reviewer and case.status == FollowUp.Status.SUBMITTED else None),
            "can_close": reviewer and case.status == FollowUp.Status.ACCEPTED,
        },
        status=status,
    )


@require_safe
@login_required
def follow_up_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    return _follow_up_page(request, _follow_up(request, public_id))


@require_POST
@login_required
def follow_up_submit(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    case = _follow_up(request, public_id)
    form = CorrectiveActionForm(request.POST)
    if form.is_valid():
        try:
            submit_corrective_action(follow_up=case, by=_user(request), **form.cleaned_data)
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(error.detail) from error
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("整改材料已提交，等待审核。"))
            return redirect("web:pt-follow-up", public_id=case.public_id)
    return _follow_up_page(request, case, action_form=form, status=400)


@require_POST
@login_required
def follow_up_review(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    case = _follow_up(request, public_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review_follow_up(
                follow_up=case,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
                by=_user(request),
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(error.detail) from error
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("审核结论已记录。"))
            return redirect("web:pt-follow-up", public_id=case.public_id)
    return _follow_up_page(request, case, review_form=form, status=400)


@require_POST
@login_required
def follow_up_close(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    case = _follow_up(request, public_id)
    try:
        close_follow_up(follow_up=case, by=_user(request))
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(error.detail) from error
        messages.error(request, error.detail)
    else:
        messages.success(request, _("整改已关闭。"))
    return redirect("web:pt-follow-up", public_id=case.public_id)
