"""One-to-one follow-up: opened by publication, answered by the lab, reviewed and closed by the
regulator, audited, flagged, and linked to the lab's next result in the same scheme."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qihub.accounts.models import AuditEntry
from qihub.proficiency.followup import (
    FollowUpForbidden,
    FollowUpStepNotAllowed,
    InvalidFollowUp,
    close_follow_up,
    review_follow_up,
    submit_corrective_action,
)
from qihub.proficiency.models import FollowUp
from qihub.proficiency.queries import (
    followups_of,
    laboratories_with_open_followups,
    next_participation,
    open_followups,
    results_of,
)
from qihub.proficiency.services import enrol, open_enrolment
from qihub.proficiency.tests.factories import MakeWorld, World, make_round

pytestmark = pytest.mark.django_db
ANSWER = {
    "root_cause": "压力机未按期检定，示值偏高",
    "corrective_actions": "送检压力机并复测留样",
    "evidence": "检定证书 JJG 139-2014 第 2024-118 号",
}


@pytest.fixture
def world(make_world: MakeWorld) -> World:
    return make_world("published")


def case_of(world: World) -> FollowUp:
    return FollowUp.objects.get(laboratory=world.lab_a)


def test_the_whole_case_from_open_to_closed(world: World) -> None:
    case = case_of(world)
    assert case.status == FollowUp.Status.OPEN
    case = submit_corrective_action(follow_up=case, by=world.user_a, **ANSWER)
    assert case.status == FollowUp.Status.SUBMITTED
    case = review_follow_up(
        follow_up=case, accept=False, comment="请附复测数据", by=world.regulator
    )
    assert case.status == FollowUp.Status.RETURNED
    case = submit_corrective_action(follow_up=case, by=world.user_a, **ANSWER)
    case = review_follow_up(follow_up=case, accept=True, comment="", by=world.regulator)
    assert case.status == FollowUp.Status.ACCEPTED
    case = close_follow_up(follow_up=case, by=world.regulator)
    assert case.status == FollowUp.Status.CLOSED and case.closed_at is not None
    actions = list(
        AuditEntry.objects.filter(action__startswith="proficiency.follow_up")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "proficiency.follow_up_opened",
        "proficiency.follow_up_submitted",
        "proficiency.follow_up_returned",
        "proficiency.follow_up_submitted",
        "proficiency.follow_up_accepted",
        "proficiency.follow_up_closed",
    ]
    assert not open_followups().exists()


def test_only_the_laboratory_answers_and_only_regulators_review(world: World) -> None:
    case = case_of(world)
    for intruder in (world.user_b, world.regulator):
        with pytest.raises(FollowUpForbidden):
            submit_corrective_action(follow_up=case, by=intruder, **ANSWER)
    submit_corrective_action(follow_up=case, by=world.user_a, **ANSWER)
    for intruder in (world.user_a, world.user_b):
        with pytest.raises(FollowUpForbidden):
            review_follow_up(follow_up=case, accept=True, comment="", by=intruder)
    case.refresh_from_db()
    assert case.status == FollowUp.Status.SUBMITTED


def test_steps_out_of_order_and_empty_answers_are_refused(world: World) -> None:
    case = case_of(world)
    with pytest.raises(FollowUpStepNotAllowed):
        review_follow_up(follow_up=case, accept=True, comment="", by=world.regulator)
    with pytest.raises(FollowUpStepNotAllowed):
        close_follow_up(follow_up=case, by=world.regulator)
    with pytest.raises(InvalidFollowUp):
        submit_corrective_action(
            follow_up=case, by=world.user_a, root_cause=" ", corrective_actions="x", evidence=""
        )
    submit_corrective_action(follow_up=case, by=world.user_a, **ANSWER)
    with pytest.raises(InvalidFollowUp):
        review_follow_up(follow_up=case, accept=False, comment="", by=world.regulator)
    case.refresh_from_db()
    assert case.status == FollowUp.Status.SUBMITTED


def test_labs_with_open_cases_are_flagged(world: World) -> None:
    flagged = laboratories_with_open_followups()
    assert [(f.laboratory, f.open_cases) for f in flagged] == [(world.lab_a, 1)]
    assert list(followups_of(world.lab_a)) == [case_of(world)]
    assert not followups_of(world.lab_b).exists()


def test_next_round_result_is_linked(world: World) -> None:
    case = case_of(world)
    assert next_participation(case) is None
    later = make_round(
        world.scheme,
        code="LN-PT-MORTAR-NEXT",
        enrolment_opens_on=world.round.enrolment_opens_on,
        enrolment_closes_on=world.round.enrolment_closes_on,
        dispatch_on=world.round.dispatch_on,
        submission_deadline_on=world.round.submission_deadline_on + timedelta(days=1),
    )
    open_enrolment(round=later, by=world.regulator)
    participation = enrol(round=later, laboratory=world.lab_a, by=world.user_a)
    assert next_participation(case) == participation


def test_results_of_reads_published_rounds_only(world: World, make_world: MakeWorld) -> None:
    records = results_of(world.lab_a)
    assert [(r.round_code, r.classification) for r in records] == [
        (world.round.code, "unsatisfactory")
    ]
    assert results_of(world.outsider) == []
