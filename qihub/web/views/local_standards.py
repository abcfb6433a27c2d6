"""Local-standard (DB21) projects: the public list and detail (with the draft's consultation),
and the regulators' pipeline dashboard. Only commenting and replying have forms here; the other
steps go through the API."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from qihub.accounts.models import User
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.standards.models.projects import LocalStandardProject, PublicComment
from qihub.standards.pipeline import (
    comment_on_draft,
    consultation_is_open,
    is_drafter,
    reply_to_comment,
)
from qihub.standards.pipeline_queries import NotARegulator, pipeline_dashboard, pipeline_scope

PAGE_SIZE = 20
Stage = LocalStandardProject.Stage


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("答复"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


@require_safe
def project_list(request: HtmxRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    projects = LocalStandardProject.objects.visible_to(request.user).select_related(
        "drafting_organisation", "regulator"
    )
    if stage in Stage.values:
        projects = projects.in_stage(stage)
    else:
        stage = ""
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/local_standards/list.html",
        {"page": page, "stages": Stage.choices, "stage": stage},
    )


def _detail(
    request: HtmxRequest,
    project: LocalStandardProject,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_reply = is_drafter(request.user, project)
    context = {
        "project": project,
        "transitions": project.transitions.select_related("actor"),
        "comments": project.comments.select_related("author", "replied_by"),
        "consultation_open": consultation_is_open(project),
        "comment_form": comment_form or CommentForm(),
        "reply_form": ReplyForm() if can_reply else None,
        "reviews": project.reviews.all(),
    }
    return render(request, "web/local_standards/detail.html", context, status=status)


def _project(request: HtmxRequest, project_id: UUID) -> LocalStandardProject:
    return get_object_or_404(
        LocalStandardProject.objects.visible_to(request.user).select_related(
            "drafting_organisation", "regulator", "industry", "standard"
        ),
        public_id=project_id,
    )


@require_safe
def project_detail(request: HtmxRequest, project_id: UUID) -> HttpResponse:
    return _detail(request, _project(request, project_id))


@require_POST
@login_required
def comment(request: HtmxRequest, project_id: UUID) -> HttpResponse:
    project = _project(request, project_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_on_draft(
                project=project, body=form.cleaned_data["body"], by=cast(User, request.user)
            )
        except DomainError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("意见已提交，感谢参与。"))
            return redirect("web:local-standard-detail", project_id=project.public_id)
    return _detail(request, project, comment_form=form, status=400)


@require_POST
@login_required
def reply(request: HtmxRequest, project_id: UUID, comment_id: UUID) -> HttpResponse:
    project = _project(request, project_id)
    target = get_object_or_404(PublicComment, project=project, public_id=comment_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("答复内容不能为空"))
    else:
        try:
            reply_to_comment(
                comment=target, body=form.cleaned_data["body"], by=cast(User, request.user)
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(error.detail) from error
            messages.error(request, error.detail)
        else:
            messages.success(request, _("答复已发布。"))
    return redirect("web:local-standard-detail", project_id=project.public_id)


@require_safe
@login_required
def pipeline(request: HtmxRequest) -> HttpResponse:
    try:
        jurisdiction = pipeline_scope(request.user)
    except NotARegulator:
        raise PermissionDenied(_("只有监管部门和平台管理员可以查看")) from None
    return render(
        request,
        "web/local_standards/pipeline.html",
        {"dashboard": pipeline_dashboard(jurisdiction), "jurisdiction": jurisdiction},
    )
