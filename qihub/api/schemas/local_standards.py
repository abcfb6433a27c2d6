"""API shapes for local-standard (DB21) projects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field

from qihub.standards.models.projects import LocalStandardProject, ReviewDecision

Text = Annotated[str, Field(max_length=4000, pattern=r"^[^\x00]*$")]
Note = Annotated[str, Field(max_length=1000, pattern=r"^[^\x00]*$")]


class ProjectItem(Schema):
    id: UUID
    title: str
    proposed_code: str
    stage: str
    stage_label: str
    drafting_organisation: str
    regulator: str
    applied_on: dt.date
    approved_on: dt.date | None
    published_on: dt.date | None
    stage_entered_at: dt.datetime
    standard_code: str | None


class ProjectPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProjectItem]


class TransitionOut(Schema):
    from_stage: str
    to_stage: str
    at: dt.datetime
    note: str


class CommentOut(Schema):
    id: UUID
    author: str
    body: str
    created_at: dt.datetime
    reply: str
    replied_at: dt.datetime | None


class ProjectOut(ProjectItem):
    industry: str | None
    consultation_opens_on: dt.date | None
    consultation_closes_on: dt.date | None
    last_reviewed_on: dt.date | None
    transitions: list[TransitionOut]
    comments: list[CommentOut]


class StageCountOut(Schema):
    stage: str
    label: str
    count: int
    overdue: int
    oldest_days: int | None


class OverdueOut(Schema):
    id: UUID
    title: str
    proposed_code: str
    stage: str
    reason: str
    due_on: dt.date
    days_late: int


class PipelineOut(Schema):
    stages: list[StageCountOut]
    average_cycle_months: float | None
    target_cycle_months: float | None
    overdue: list[OverdueOut]


class StepIn(Schema):
    on: dt.date | None = None
    note: Note = ""


class AdvanceIn(StepIn):
    to_stage: LocalStandardProject.Stage


class ConsultationIn(StepIn):
    closes_on: dt.date


class PublishIn(StepIn):
    effective_on: dt.date | None = None


class ReviewIn(Schema):
    outcome: ReviewDecision.Outcome
    decided_on: dt.date | None = None
    note: Note = ""


class ReviewOut(Schema):
    decided_on: dt.date
    outcome: str
    project: ProjectOut


class CommentIn(Schema):
    body: Annotated[Text, Field(min_length=1)]


class ReplyIn(Schema):
    body: Annotated[Text, Field(min_length=1)]
