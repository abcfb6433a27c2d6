"""API shapes for proficiency testing: schemes, rounds, the anonymous table, a participant's own
participation, enrolment and submission; the provider's status steps and outlier review, and
follow-up cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema

from qihub.proficiency.followup import MAX_TEXT

Uscc = Annotated[str, Field(max_length=18, pattern=r"^[0-9A-Za-z]*$")]


class SchemeOut(Schema):
    code: str
    name: str
    measurand: str
    unit: str
    matrix: str
    field_code: str | None
    industries: list[str]
    provider: str


class RoundOut(Schema):
    public_id: UUID
    code: str
    year: int
    scheme_code: str
    scheme_name: str
    unit: str
    provider: str
    status: str
    sample_description: str
    sigma_policy: str
    assigned_policy: str
    enrolment_opens_on: date
    enrolment_closes_on: date
    dispatch_on: date
    submission_deadline_on: date
    participant_count: int
    published_at: datetime | None


class StatisticsOut(Schema):
    assigned_value: float | None
    u_assigned: float | None
    robust_sd: float | None
    sigma_pt: float | None
    z_prime_required: bool
    results_used: int


class TableRowOut(Schema):
    code: str = Field(description="the participant's anonymous code; names are never published")
    value: float | None
    expanded_uncertainty: float | None
    z: float | None
    z_prime: float | None
    zeta: float | None
    en: float | None
    classification: str
    is_excluded: bool


class RoundDetailOut(RoundOut):
    statistics: StatisticsOut | None = Field(description="null until the round is published")
    table: list[TableRowOut] | None = Field(description="null until the round is published")


class SubmissionOut(Schema):
    value: float
    unit: str
    expanded_uncertainty: float | None
    coverage_factor: float | None
    method: str
    converted_value: float
    submitted_at: datetime


class ScoreOut(Schema):
    z: float | None
    z_prime: float | None
    zeta: float | None
    en: float | None
    z_class: str
    z_prime_class: str
    zeta_class: str
    en_class: str
    classification: str


class MyParticipationOut(Schema):
    round_id: UUID
    laboratory: str
    laboratory_uscc: str
    code: str
    enrolled_at: datetime
    submission: SubmissionOut | None
    score: ScoreOut | None = Field(description="null until the round is published")
    follow_up_status: str | None


class EnrolIn(Schema):
    laboratory: Uscc = Field(
        "", description="USCC of the laboratory to enrol; may be left out by a member of one"
    )


class SubmissionIn(Schema):
    laboratory: Uscc = ""
    value: float = Field(allow_inf_nan=False)
    unit: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00]*$")]
    U: float | None = Field(None, ge=0, allow_inf_nan=False)
    k: float | None = Field(None, gt=0, allow_inf_nan=False)
    method: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""


class SchemeList(Schema):
    items: list[SchemeOut]


class RoundPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RoundOut]


# --- the provider's steps and follow-up -----------------------------------------------------------

# Literal copies of the models' choices (test_choices keeps them equal): an enum class per field
# would clash by name in OpenAPI (every model calls its choices "Status").
RoundStatus = Literal["planned", "enrolling", "open", "closed", "evaluated", "published"]
FollowUpStatus = Literal["open", "submitted", "returned", "accepted", "closed"]
Classification = Literal["satisfactory", "questionable", "unsatisfactory"]

Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]


class RoundAdvanceIn(Schema):
    to_status: RoundStatus = Field(
        description="the next status: planned → enrolling → open → closed → evaluated → "
        "published; evaluated may be repeated after an outlier review"
    )


class ResultExclusionIn(Schema):
    excluded: bool = Field(description="true to exclude the result from the statistics")
    reason: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = Field(
        "", description="required when excluding"
    )


class ResultExclusionOut(Schema):
    round_id: UUID
    code: str = Field(description="the participant's anonymous code")
    is_excluded: bool
    exclusion_reason: str
    round_status: RoundStatus


class FollowUpOut(Schema):
    public_id: UUID
    round_id: UUID
    round_code: str
    scheme_code: str
    scheme_name: str
    laboratory: str
    laboratory_uscc: str
    code: str = Field(description="the participant's anonymous code in the round")
    classification: Classification
    status: FollowUpStatus
    root_cause: str
    corrective_actions: str
    evidence: str
    review_comment: str
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    closed_at: datetime | None


class FollowUpPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FollowUpOut]


class CorrectiveActionIn(Schema):
    root_cause: Annotated[Text, Field(min_length=1)]
    corrective_actions: Annotated[Text, Field(min_length=1)]
    evidence: Text = Field("", description="text, or a list of the attached documents")


class FollowUpReviewIn(Schema):
    decision: Literal["accept", "return"]
    comment: Text = Field("", description="required when returning the case")
