"""Local-standard projects: every step of the pipeline, and the reads over it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.standards.errors import (
    CommentAlreadyAnswered,
    ConsultationNotOpen,
    DateOutOfOrder,
    InvalidConsultationPeriod,
    ProjectActionNotAllowed,
    StageOutOfOrder,
)
from qihub.standards.models import Standard
from qihub.standards.models.projects import LocalStandardProject, ReviewDecision, StageTransition
from qihub.standards.pipeline import (
    advance_stage,
    apply_for_project,
    approve_project,
    comment_on_draft,
    open_consultation,
    publish_project,
    record_review,
    reply_to_comment,
    terminate_project,
)
from qihub.standards.pipeline_queries import (
    average_cycle_months,
    overdue_projects,
    pipeline_overview,
)

Stage = LocalStandardProject.Stage
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ)


@pytest.fixture
def project(lab_admin: User, lab: Organisation, regulator_org: Organisation) -> Any:
    with time_machine.travel(at("2024-01-10"), tick=False):
        return apply_for_project(
            title="辣椒酱生产技术规程",
            proposed_code="db21/t 4001",
            drafting_organisation=lab,
            regulator=regulator_org,
            by=lab_admin,
        )


def to_stage(project: Any, stage: str, *, regulator: User, drafter: User) -> Any:
    """Walk the project to ``stage`` with one step a month from February 2024."""
    steps = [
        (Stage.APPROVED, "2024-02-01", lambda: approve_project(project=project, by=regulator)),
        (
            Stage.DRAFTING,
            "2024-03-01",
            lambda: advance_stage(project=project, to_stage=Stage.DRAFTING, by=drafter),
        ),
        (
            Stage.CONSULTATION,
            "2024-08-01",
            lambda: open_consultation(project=project, closes_on=dt.date(2024, 9, 1), by=drafter),
        ),
        (
            Stage.TECHNICAL_REVIEW,
            "2024-09-10",
            lambda: advance_stage(project=project, to_stage=Stage.TECHNICAL_REVIEW, by=drafter),
        ),
        (Stage.PUBLISHED, "2024-11-01", lambda: publish_project(project=project, by=regulator)),
    ]
    for reached, day, step in steps:
        with time_machine.travel(at(day), tick=False):
            step()
        project.refresh_from_db()
        if reached == stage:
            break
    return project


# --- services ---------------------------------------------------------------------------------


def test_apply_canonicalises_code_and_audits(project: Any, lab_admin: User) -> None:
    assert project.proposed_code == "DB21/T 4001"
    assert project.stage == Stage.APPLICATION
    assert project.applied_on == dt.date(2024, 1, 10)
    entry = AuditEntry.objects.get(action="standards.local_project_applied")
    assert entry.actor == lab_admin


def test_apply_refuses_non_local_code(
    lab_admin: User, lab: Organisation, regulator_org: Organisation
) -> None:
    with pytest.raises(ValidationError):
        apply_for_project(
            title="x",
            proposed_code="GB/T 1234",
            drafting_organisation=lab,
            regulator=regulator_org,
            by=lab_admin,
        )
    assert not LocalStandardProject.objects.exists()


def test_apply_refuses_outsider(
    enterprise_user: User, lab: Organisation, regulator_org: Organisation
) -> None:
    with pytest.raises(ProjectActionNotAllowed):
        apply_for_project(
            title="x",
            proposed_code="DB21/T 1",
            drafting_organisation=lab,
            regulator=regulator_org,
            by=enterprise_user,
        )


def test_approve_is_for_regulators_only(project: Any, lab_admin: User) -> None:
    with pytest.raises(ProjectActionNotAllowed):
        approve_project(project=project, by=lab_admin)


def test_every_transition_up_to_publication(project: Any, regulator: User, lab_admin: User) -> None:
    to_stage(project, Stage.PUBLISHED, regulator=regulator, drafter=lab_admin)
    assert project.stage == Stage.PUBLISHED
    assert project.approved_on == dt.date(2024, 2, 1)
    assert project.published_on == dt.date(2024, 11, 1)
    assert list(project.transitions.values_list("to_stage", flat=True)) == [
        Stage.APPROVED,
        Stage.DRAFTING,
        Stage.CONSULTATION,
        Stage.TECHNICAL_REVIEW,
        Stage.PUBLISHED,
    ]
    standard = Standard.objects.get(code="DB21/T 4001-2024")
    assert project.standard == standard
    assert standard.status == Standard.Status.CURRENT
    assert standard.type == Standard.Type.LOCAL_RECOMMENDED
    assert AuditEntry.objects.filter(action="standards.local_project_published").count() == 1
    assert AuditEntry.objects.filter(action="standards.standard_created").count() == 1
    with time_machine.travel(at("2025-03-01"), tick=False):
        advance_stage(project=project, to_stage=Stage.IMPLEMENTED, by=regulator)
    project.refresh_from_db()
    assert project.stage == Stage.IMPLEMENTED


def test_out_of_order_transition_names_the_next_stage(project: Any, regulator: User) -> None:
    with pytest.raises(StageOutOfOrder) as error:
        advance_stage(project=project, to_stage=Stage.DRAFTING, by=regulator)
    assert "立项" in error.value.detail
    assert "起草" in error.value.detail
    project.refresh_from_db()
    assert project.stage == Stage.APPLICATION
    assert not StageTransition.objects.exists()


def test_dates_cannot_go_backwards(project: Any, regulator: User) -> None:
    with (
        time_machine.travel(at("2024-02-01"), tick=False),
        pytest.raises(DateOutOfOrder),
    ):
        approve_project(project=project, by=regulator, on=dt.date(2024, 1, 5))
    project.refresh_from_db()
    assert project.approved_on is None
    assert not AuditEntry.objects.filter(action="standards.local_project_approved").exists()


def test_consultation_must_close_after_today(
    project: Any, regulator: User, lab_admin: User
) -> None:
    to_stage(project, Stage.DRAFTING, regulator=regulator, drafter=lab_admin)
    with (
        time_machine.travel(at("2024-08-01"), tick=False),
        pytest.raises(InvalidConsultationPeriod),
    ):
        open_consultation(project=project, closes_on=dt.date(2024, 8, 1), by=lab_admin)


def test_comments_only_during_the_period(
    project: Any, regulator: User, lab_admin: User, enterprise_user: User
) -> None:
    with pytest.raises(ConsultationNotOpen):
        comment_on_draft(project=project, body="早了", by=enterprise_user)
    to_stage(project, Stage.CONSULTATION, regulator=regulator, drafter=lab_admin)
    with time_machine.travel(at("2024-08-15"), tick=False):
        comment = comment_on_draft(project=project, body="建议明确辣度分级。", by=enterprise_user)
    with time_machine.travel(at("2024-09-02"), tick=False), pytest.raises(ConsultationNotOpen):
        comment_on_draft(project=project, body="晚了", by=enterprise_user)
    assert project.comments.count() == 1
    assert comment.author == enterprise_user


def test_only_drafters_reply(
    project: Any, regulator: User, lab_admin: User, enterprise_user: User
) -> None:
    to_stage(project, Stage.CONSULTATION, regulator=regulator, drafter=lab_admin)
    with time_machine.travel(at("2024-08-15"), tick=False):
        comment = comment_on_draft(project=project, body="建议明确辣度分级。", by=enterprise_user)
    with pytest.raises(ProjectActionNotAllowed):
        reply_to_comment(comment=comment, body="好", by=regulator)
    reply_to_comment(comment=comment, body="已采纳。", by=lab_admin)
    comment.refresh_from_db()
    assert comment.reply == "已采纳。"
    assert comment.replied_by == lab_admin
    with pytest.raises(CommentAlreadyAnswered):
        reply_to_comment(comment=comment, body="again", by=lab_admin)


def test_technical_review_waits_for_the_period_to_end(
    project: Any, regulator: User, lab_admin: User
) -> None:
    to_stage(project, Stage.CONSULTATION, regulator=regulator, drafter=lab_admin)
    with time_machine.travel(at("2024-08-20"), tick=False), pytest.raises(DateOutOfOrder):
        advance_stage(project=project, to_stage=Stage.TECHNICAL_REVIEW, by=lab_admin)


def test_review_withdraw_withdraws_the_standard(
    project: Any, regulator: User, lab_admin: User
) -> None:
    to_stage(project, Stage.PUBLISHED, regulator=regulator, drafter=lab_admin)
    with time_machine.travel(at("2029-06-01"), tick=False):
        review = record_review(
            project=project, outcome=ReviewDecision.Outcome.WITHDRAW, by=regulator
        )
    project.refresh_from_db()
    assert review.decided_on == dt.date(2029, 6, 1)
    assert project.stage == Stage.WITHDRAWN
    standard = Standard.objects.get(code="DB21/T 4001-2024")
    assert standard.status == Standard.Status.WITHDRAWN
    assert standard.withdrawn_on == dt.date(2029, 6, 1)


def test_review_revise_starts_a_new_project(project: Any, regulator: User, lab_admin: User) -> None:
    to_stage(project, Stage.PUBLISHED, regulator=regulator, drafter=lab_admin)
    with time_machine.travel(at("2028-01-01"), tick=False):
        record_review(project=project, outcome=ReviewDecision.Outcome.REVISE, by=regulator)
    revision = LocalStandardProject.objects.get(revises=project)
    assert revision.stage == Stage.APPLICATION
    assert revision.proposed_code == "DB21/T 4001"


def test_publish_refuses_a_taken_code_and_writes_nothing(
    project: Any, regulator: User, lab_admin: User
) -> None:
    to_stage(project, Stage.TECHNICAL_REVIEW, regulator=regulator, drafter=lab_admin)
    Standard.objects.create(
        code="DB21/T 4001-2024",
        base_code="DB21/T 4001",
        prefix="DB21/T",
        family="local",
        number="4001",
        year=2024,
        title_zh="已有",
        type=Standard.Type.LOCAL_RECOMMENDED,
        status=Standard.Status.CURRENT,
    )
    with time_machine.travel(at("2024-11-01"), tick=False), pytest.raises(Exception) as error:
        publish_project(project=project, by=regulator)
    assert getattr(error.value, "code", "") == "standard_code_taken"
    project.refresh_from_db()
    assert project.stage == Stage.TECHNICAL_REVIEW
    assert project.published_on is None


def test_terminate_before_publication_only(project: Any, regulator: User, lab_admin: User) -> None:
    terminate_project(project=project, by=regulator, note="重复立项")
    project.refresh_from_db()
    assert project.stage == Stage.TERMINATED
    with pytest.raises(StageOutOfOrder):
        approve_project(project=project, by=regulator)


# --- queries ------------------------------------------------------------------------------------


def make_project(
    lab: Organisation,
    regulator_org: Organisation,
    proposer: User,
    *,
    stage: str,
    entered: str,
    approved: str | None = None,
    published: str | None = None,
    n: int,
) -> LocalStandardProject:
    return LocalStandardProject.objects.create(
        title=f"项目{n}",
        proposed_code=f"DB21/T {5000 + n}",
        drafting_organisation=lab,
        regulator=regulator_org,
        proposer=proposer,
        stage=stage,
        applied_on=dt.date(2017, 1, 1),
        approved_on=dt.date.fromisoformat(approved) if approved else None,
        published_on=dt.date.fromisoformat(published) if published else None,
        stage_entered_at=at(entered),
    )


@pytest.fixture
def constructed(lab: Organisation, regulator_org: Organisation, lab_admin: User) -> dict[str, Any]:
    def make(**kwargs: Any) -> LocalStandardProject:
        return make_project(lab, regulator_org, lab_admin, **kwargs)

    return {
        "recent": make(
            stage=Stage.IMPLEMENTED,
            entered="2024-06-01",
            approved="2023-01-01",
            published="2024-01-01",
            n=1,
        ),
        "old": make(
            stage=Stage.IMPLEMENTED,
            entered="2019-09-01",
            approved="2017-03-01",
            published="2019-03-01",
            n=2,
        ),
        "drafting_late": make(
            stage=Stage.DRAFTING, entered="2024-06-01", approved="2024-05-01", n=3
        ),
        "drafting_ok": make(stage=Stage.DRAFTING, entered="2025-01-01", approved="2024-12-01", n=4),
        "application": make(stage=Stage.APPLICATION, entered="2025-02-01", n=5),
    }


def test_average_cycle_months(constructed: dict[str, Any]) -> None:
    projects = LocalStandardProject.objects.all()
    # 365 and 730 days: (365 + 730) / 2 / 30.44 = 17.98
    assert average_cycle_months(projects) == 18.0
    assert average_cycle_months([constructed["drafting_ok"]]) is None


def test_overdue_projects(constructed: dict[str, Any]) -> None:
    with time_machine.travel(at("2025-03-01"), tick=False):
        overdue = overdue_projects(timezone.localdate())
    reasons = {(item.project.title, item.reason) for item in overdue}
    # drafting since 2024-06-01 is due 2024-12-01; the 2019 standard is due a review on 2024-03-01
    assert reasons == {("项目3", "stage"), ("项目2", "review")}
    assert overdue[0].project.title == "项目2"  # the most late first


def test_pipeline_overview_counts_and_ages(constructed: dict[str, Any]) -> None:
    overview = {s.stage: s for s in pipeline_overview(today=dt.date(2025, 3, 1))}
    assert overview[Stage.DRAFTING].count == 2
    assert overview[Stage.DRAFTING].overdue_count == 1
    assert overview[Stage.APPLICATION].projects[0].days_in_stage == 28
    assert overview[Stage.IMPLEMENTED].count == 2
    assert overview[Stage.CONSULTATION].count == 0
