"""API shapes for proficiency testing: schemes, rounds, the anonymous table, a participant's own
participation, enrolment and submission."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

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
