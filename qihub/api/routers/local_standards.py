"""Local-standard (DB21) projects: public reads, the regulator's pipeline, and each step."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut
from qihub.api.schemas.local_standards import (
    AdvanceIn,
    CommentIn,
    CommentOut,
    ConsultationIn,
    PipelineOut,
    ProjectOut,
    ProjectPage,
    PublishIn,
    ReplyIn,
    ReviewIn,
    ReviewOut,
    StepIn,
)
from qihub.api.security import AUTHENTICATED
from qihub.core.http import AuthenticatedRequest
from qihub.standards.models.projects import LocalStandardProject, PublicComment
from qihub.standards.pipeline import (
    advance_stage,
    approve_project,
    comment_on_draft,
    open_consultation,
    publish_project,
    record_review,
    reply_to_comment,
)
from qihub.standards.pipeline_queries import NotARegulator, pipeline_dashboard, pipeline_scope

router = Router(tags=["local-standards"])

WRITE_ERRORS = {404: ProblemOut, 409: ProblemOut, **AUTH_ERRORS}


class ProjectFilters(Schema):
    stage: LocalStandardProject.Stage | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def _projects(request: HttpRequest) -> Any:
    return LocalStandardProject.objects.visible_to(request.user).select_related(
        "drafting_organisation", "regulator", "standard", "industry"
    )


def project_item(project: LocalStandardProject) -> dict[str, object]:
    return {
        "id": project.public_id,
        "title": project.title,
        "proposed_code": project.proposed_code,
        "stage": project.stage,
        "stage_label": str(project.get_stage_display()),
        "drafting_organisation": project.drafting_organisation.name,
        "regulator": project.regulator.name,
        "applied_on": project.applied_on,
        "approved_on": project.approved_on,
        "published_on": project.published_on,
        "stage_entered_at": project.stage_entered_at,
        "standard_code": project.standard.code if project.standard else None,
    }


def comment_item(comment: PublicComment) -> dict[str, object]:
    return {
        "id": comment.public_id,
        "author": str(comment.author),
        "body": comment.body,
        "created_at": comment.created_at,
        "reply": comment.reply,
        "replied_at": comment.replied_at,
    }


def project_detail(project: LocalStandardProject) -> dict[str, object]:
    return {
        **project_item(project),
        "industry": project.industry.name_zh if project.industry else None,
        "consultation_opens_on": project.consultation_opens_on,
        "consultation_closes_on": project.consultation_closes_on,
        "last_reviewed_on": project.last_reviewed_on,
        "transitions": list(project.transitions.values("from_stage", "to_stage", "at", "note")),
        "comments": [comment_item(c) for c in project.comments.select_related("author")],
    }


def _project(request: HttpRequest, project_id: UUID) -> LocalStandardProject:
    return get_object_or_404(_projects(request), public_id=project_id)


@router.get(
    "",
    response={200: ProjectPage, **ERRORS},
    url_name="local-standard-list",
    summary="List local-standard projects",
)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, object]:
    projects = _projects(request)
    if filters.stage:
        projects = projects.in_stage(filters.stage)
    count = projects.count()
    page = projects[filters.offset : filters.offset + filters.limit]
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [project_item(p) for p in page],
    }


@router.get(
    "/pipeline",
    response={200: PipelineOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-pipeline",
    summary="The regulator's pipeline: stage counts, average cycle, overdue projects",
)
def pipeline(request: AuthenticatedRequest) -> dict[str, object]:
    try:
        jurisdiction = pipeline_scope(request.auth)
    except NotARegulator:
        raise PermissionDenied("Only regulators and platform administrators.") from None
    dashboard = pipeline_dashboard(jurisdiction)
    return {
        "stages": [
            {
                "stage": s.stage,
                "label": s.label,
                "count": s.count,
                "overdue": s.overdue_count,
                "oldest_days": s.oldest_days,
            }
            for s in dashboard.stages
        ],
        "average_cycle_months": dashboard.average_cycle_months,
        "target_cycle_months": dashboard.target_cycle_months,
        "overdue": [
            {
                "id": o.project.public_id,
                "title": o.project.title,
                "proposed_code": o.project.proposed_code,
                "stage": o.project.stage,
                "reason": o.reason,
                "due_on": o.due_on,
                "days_late": o.days_late,
            }
            for o in dashboard.overdue
        ],
    }


@router.get(
    "/{project_id}",
    response={200: ProjectOut, 404: ProblemOut, **ERRORS},
    url_name="local-standard-detail",
    summary="One local-standard project, with its history and comments",
)
def get_project(request: HttpRequest, project_id: UUID) -> dict[str, object]:
    return project_detail(_project(request, project_id))


@router.post(
    "/{project_id}/approve",
    response={200: ProjectOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-approve",
    summary="立项: approve the application (regulator)",
)
def approve(request: AuthenticatedRequest, project_id: UUID, payload: StepIn) -> dict[str, object]:
    project = approve_project(
        project=_project(request, project_id), by=request.auth, on=payload.on, note=payload.note
    )
    return project_detail(project)


@router.post(
    "/{project_id}/advance",
    response={200: ProjectOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-advance",
    summary="Move to the next stage (起草, 技术审查, 实施)",
)
def advance(
    request: AuthenticatedRequest, project_id: UUID, payload: AdvanceIn
) -> dict[str, object]:
    project = advance_stage(
        project=_project(request, project_id),
        to_stage=payload.to_stage,
        by=request.auth,
        on=payload.on,
        note=payload.note,
    )
    return project_detail(project)


@router.post(
    "/{project_id}/consultation",
    response={200: ProjectOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-consultation",
    summary="征求意见: publish the draft for comment until a date",
)
def consultation(
    request: AuthenticatedRequest, project_id: UUID, payload: ConsultationIn
) -> dict[str, object]:
    project = open_consultation(
        project=_project(request, project_id),
        closes_on=payload.closes_on,
        by=request.auth,
        on=payload.on,
        note=payload.note,
    )
    return project_detail(project)


@router.post(
    "/{project_id}/publish",
    response={200: ProjectOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-publish",
    summary="批准发布: publish the standard into the catalogue (regulator)",
)
def publish(
    request: AuthenticatedRequest, project_id: UUID, payload: PublishIn
) -> dict[str, object]:
    project = publish_project(
        project=_project(request, project_id),
        by=request.auth,
        on=payload.on,
        effective_on=payload.effective_on,
        note=payload.note,
    )
    return project_detail(project)


@router.post(
    "/{project_id}/reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-review",
    summary="复审: confirm, revise or withdraw a published standard (regulator)",
)
def review(
    request: AuthenticatedRequest, project_id: UUID, payload: ReviewIn
) -> Status[dict[str, object]]:
    decision = record_review(
        project=_project(request, project_id),
        outcome=payload.outcome,
        by=request.auth,
        decided_on=payload.decided_on,
        note=payload.note,
    )
    body = {
        "decided_on": decision.decided_on,
        "outcome": decision.outcome,
        "project": project_detail(decision.project),
    }
    return Status(201, body)


@router.post(
    "/{project_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-comment",
    summary="Comment on a draft during its consultation",
)
def comment(
    request: AuthenticatedRequest, project_id: UUID, payload: CommentIn
) -> Status[dict[str, object]]:
    created = comment_on_draft(
        project=_project(request, project_id), body=payload.body, by=request.auth
    )
    return Status(201, comment_item(created))


@router.post(
    "/{project_id}/comments/{comment_id}/reply",
    response={200: CommentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    url_name="local-standard-comment-reply",
    summary="Answer a comment (drafting organisation)",
)
def reply(
    request: AuthenticatedRequest, project_id: UUID, comment_id: UUID, payload: ReplyIn
) -> dict[str, object]:
    project = _project(request, project_id)
    target = get_object_or_404(
        PublicComment.objects.select_related("author"), project=project, public_id=comment_id
    )
    return comment_item(reply_to_comment(comment=target, body=payload.body, by=request.auth))
