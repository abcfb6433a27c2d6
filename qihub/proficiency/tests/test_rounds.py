"""Rounds end to end through the services: set-up, status steps, enrolment, submissions (units,
duplicates, deadline, who), evaluation against ISO 13528, the outlier review, publication."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from qihub.accounts.models import AuditEntry, Notification, Organisation, User
from qihub.core.units import UnknownUnit
from qihub.proficiency.models import FollowUp, Round, RoundTransition, Scheme, Score, Submission
from qihub.proficiency.services import (
    AlreadyEnrolled,
    DuplicateSubmission,
    InvalidRound,
    InvalidSubmission,
    LateSubmission,
    NotALaboratory,
    NotEnrolling,
    NotOpenForSubmissions,
    RoundForbidden,
    RoundTransitionNotAllowed,
    close_round,
    compute_evaluation,
    enrol,
    evaluate_round,
    open_enrolment,
    open_submissions,
    publish_round,
    set_exclusion,
    submit_result,
)
from qihub.proficiency.statistics import StatisticsError, algorithm_a, evaluate
from qihub.proficiency.tests.factories import (
    A_VALUE,
    B_VALUE,
    OTHER_VALUES,
    MakeWorld,
    make_lab,
    make_round,
    make_scheme,
)

pytestmark = pytest.mark.django_db


def at_end_of(day: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 0)))  # type: ignore[arg-type]


# --- schemes and rounds ---------------------------------------------------------------------------


def test_scheme_unit_is_stored_canonical(regulator_org: Organisation) -> None:
    scheme = make_scheme(regulator_org, code="LN-PT-BENZENE", unit="mg/m3")
    assert scheme.unit == "mg/m³"


def test_scheme_with_unknown_unit_is_refused_and_nothing_written(
    regulator_org: Organisation,
) -> None:
    with pytest.raises(UnknownUnit):
        make_scheme(regulator_org, unit="furlongs")
    assert not Scheme.objects.exists()


def test_a_laboratory_cannot_set_up_a_round(regulator_org: Organisation, lab_admin: User) -> None:
    scheme = make_scheme(regulator_org)
    with pytest.raises(RoundForbidden):
        make_round(scheme, by=lab_admin)
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sigma_policy": "fixed", "sigma_value": None}, "σ_pt"),
        ({"sigma_policy": "fixed", "sigma_value": -1.0}, "σ_pt"),
        ({"sigma_policy": "horwitz", "sigma_value": 1e-8}, "质量分数"),  # MPa is no fraction
        ({"sigma_policy": "robust_sd", "sigma_value": 0.5}, "稳健标准差"),
        ({"assigned_policy": "reference"}, "参考值"),
        ({"reference_value": 10.0}, "参考值"),
        ({"sigma_policy": "magic"}, "σ_pt"),
    ],
)
def test_round_policies_are_checked(
    regulator_org: Organisation, overrides: dict[str, object], message: str
) -> None:
    scheme = make_scheme(regulator_org)
    with pytest.raises(InvalidRound, match=message):
        make_round(scheme, **overrides)
    assert not Round.objects.exists()


def test_round_dates_must_be_in_order(regulator_org: Organisation) -> None:
    scheme = make_scheme(regulator_org)
    today = timezone.localdate()
    with pytest.raises(InvalidRound, match="日期顺序"):
        make_round(scheme, dispatch_on=today - timedelta(days=60))


def test_duplicate_round_code_is_refused(regulator_org: Organisation) -> None:
    scheme = make_scheme(regulator_org)
    make_round(scheme)
    with pytest.raises(InvalidRound, match="已存在"):
        make_round(scheme)
    assert Round.objects.count() == 1


# --- status steps ---------------------------------------------------------------------------------


def test_status_moves_only_forward_one_step_at_a_time(
    regulator_org: Organisation, regulator: User
) -> None:
    round_ = make_round(make_scheme(regulator_org))
    with pytest.raises(RoundTransitionNotAllowed):
        close_round(round=round_, by=regulator)
    with pytest.raises(RoundTransitionNotAllowed):
        publish_round(round=round_, by=regulator)
    open_enrolment(round=round_, by=regulator)
    with pytest.raises(RoundTransitionNotAllowed):
        open_enrolment(round=round_, by=regulator)
    round_.refresh_from_db()
    assert round_.status == Round.Status.ENROLLING
    assert list(RoundTransition.objects.values_list("from_status", "to_status")) == [
        ("planned", "enrolling")
    ]
    assert AuditEntry.objects.filter(action="proficiency.round_enrolling").count() == 1


def test_samples_cannot_go_out_before_anyone_enrolled(
    regulator_org: Organisation, regulator: User
) -> None:
    round_ = make_round(make_scheme(regulator_org))
    open_enrolment(round=round_, by=regulator)
    with pytest.raises(InvalidRound):
        open_submissions(round=round_, by=regulator)


def test_an_outsider_learns_nothing_of_a_round_nobody_enrolled_in(
    regulator_org: Organisation, regulator: User, lab_admin: User
) -> None:
    round_ = make_round(make_scheme(regulator_org))
    open_enrolment(round=round_, by=regulator)
    with pytest.raises(RoundForbidden):  # not "nobody enrolled"
        open_submissions(round=round_, by=lab_admin)


def test_participant_cannot_move_the_status(make_world: MakeWorld) -> None:
    world = make_world("open")
    with pytest.raises(RoundForbidden):
        close_round(round=world.round, by=world.user_a)
    world.refresh()
    assert world.round.status == Round.Status.OPEN


# --- enrolment ------------------------------------------------------------------------------------


def test_enrolment_gives_random_unique_codes(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    codes = [p.code for p in world.participations.values()]
    assert all(re.fullmatch(r"P\d{2}", code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert world.participations["a"].laboratory == world.lab_a


def test_cannot_enrol_twice(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    with pytest.raises(AlreadyEnrolled):
        enrol(round=world.round, laboratory=world.lab_a, by=world.user_a)


def test_cannot_enrol_another_laboratory(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    with pytest.raises(RoundForbidden):
        enrol(round=world.round, laboratory=world.outsider, by=world.user_a)
    assert not world.round.participations.filter(laboratory=world.outsider).exists()


def test_an_enterprise_cannot_enrol(make_world: MakeWorld, enterprise: Organisation) -> None:
    world = make_world("enrolling")
    with pytest.raises(NotALaboratory):
        enrol(round=world.round, laboratory=enterprise, by=None)


def test_enrolment_outside_its_period_is_refused(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    late = at_end_of(world.round.enrolment_closes_on + timedelta(days=1))
    with pytest.raises(NotEnrolling):
        enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user, now=late)
    open_submissions(round=world.round, by=world.regulator)
    with pytest.raises(NotEnrolling):
        enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user)


# --- submissions ----------------------------------------------------------------------------------


def test_submission_is_converted_to_the_scheme_unit(make_world: MakeWorld) -> None:
    world = make_world("open")
    submission = Submission.objects.get(participation=world.participations["b"])
    assert submission.unit == "kPa"
    assert submission.value == pytest.approx(B_VALUE * 1000)
    assert submission.converted_value == pytest.approx(B_VALUE, rel=1e-12)
    assert submission.converted_uncertainty == pytest.approx(0.3, rel=1e-12)


def test_unconvertible_unit_is_refused_and_nothing_written(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    participation = enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user)
    open_submissions(round=world.round, by=world.regulator)
    for unit in ("mg/kg", "blorp"):
        with pytest.raises(InvalidSubmission, match="MPa"):
            submit_result(participation=participation, value=1.0, unit=unit, by=world.outsider_user)
    assert not Submission.objects.filter(participation=participation).exists()


def test_duplicate_submission_is_refused(make_world: MakeWorld) -> None:
    world = make_world("open")
    with pytest.raises(DuplicateSubmission):
        submit_result(
            participation=world.participations["a"], value=10.0, unit="MPa", by=world.user_a
        )
    assert Submission.objects.get(participation=world.participations["a"]).value == A_VALUE


def test_late_submission_is_refused(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    participation = enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user)
    open_submissions(round=world.round, by=world.regulator)
    after = at_end_of(world.round.submission_deadline_on + timedelta(days=1))
    with pytest.raises(LateSubmission):
        submit_result(
            participation=participation, value=10.0, unit="MPa", by=world.outsider_user, now=after
        )
    on_the_day = at_end_of(world.round.submission_deadline_on)
    submit_result(
        participation=participation, value=10.0, unit="MPa", by=world.outsider_user, now=on_the_day
    )


def test_only_the_laboratory_own_members_submit(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    participation = enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user)
    open_submissions(round=world.round, by=world.regulator)
    for intruder in (world.user_a, world.regulator):
        with pytest.raises(RoundForbidden):
            submit_result(participation=participation, value=1.0, unit="MPa", by=intruder)
    assert not Submission.objects.filter(participation=participation).exists()


def test_submission_before_dispatch_is_refused(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    with pytest.raises(NotOpenForSubmissions):
        submit_result(
            participation=world.participations["a"], value=1.0, unit="MPa", by=world.user_a
        )


@pytest.mark.parametrize(
    ("value", "big_u", "k"),
    [(float("nan"), None, None), (float("inf"), None, None), (1.0, -0.1, None), (1.0, 0.1, 0)],
)
def test_bad_numbers_are_refused(
    make_world: MakeWorld, value: float, big_u: float | None, k: float | None
) -> None:
    world = make_world("enrolling")
    participation = enrol(round=world.round, laboratory=world.outsider, by=world.outsider_user)
    open_submissions(round=world.round, by=world.regulator)
    with pytest.raises(InvalidSubmission):
        submit_result(
            participation=participation,
            value=value,
            unit="MPa",
            expanded_uncertainty=big_u,
            coverage_factor=k,
            by=world.outsider_user,
        )
    assert not Submission.objects.filter(participation=participation).exists()


# --- evaluation -----------------------------------------------------------------------------------


def test_evaluation_stores_iso_13528_results(make_world: MakeWorld) -> None:
    # given every converted result
    world = make_world("evaluated")
    values = [A_VALUE, B_VALUE, *OTHER_VALUES]
    robust = algorithm_a(values)
    # then the round carries Algorithm A's x* and u = 1.25·s*/√p, σ_pt is the fixed value
    assert world.round.status == Round.Status.EVALUATED
    assert world.round.assigned_value == pytest.approx(robust.mean, rel=1e-12)
    assert world.round.robust_sd == pytest.approx(robust.sd, rel=1e-12)
    assert world.round.u_assigned == pytest.approx(1.25 * robust.sd / len(values) ** 0.5)
    assert world.round.sigma_pt == 0.5
    assert world.round.results_used == 7
    a = Score.objects.get(participation=world.participations["a"])
    b = Score.objects.get(participation=world.participations["b"])
    assert a.classification == "unsatisfactory"
    assert a.is_outlier
    assert b.classification == "satisfactory"
    expected = (B_VALUE - robust.mean) / 0.5
    assert (b.z_prime if world.round.z_prime_required else b.z) is not None
    assert b.z == pytest.approx(expected, rel=1e-9)


def test_evaluation_with_too_few_results_fails_cleanly(
    regulator_org: Organisation, regulator: User, lab: Organisation, lab_admin: User
) -> None:
    round_ = make_round(make_scheme(regulator_org))
    open_enrolment(round=round_, by=regulator)
    participation = enrol(round=round_, laboratory=lab, by=lab_admin)
    open_submissions(round=round_, by=regulator)
    submit_result(participation=participation, value=10.0, unit="MPa", by=lab_admin)
    close_round(round=round_, by=regulator)
    with pytest.raises(StatisticsError) as caught:
        evaluate_round(round=round_, by=regulator)
    assert caught.value.code == "too_few_results"
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert not Score.objects.exists()


def test_reference_value_round_uses_it(
    regulator_org: Organisation, regulator: User, lab: Organisation, lab_admin: User
) -> None:
    round_ = make_round(
        make_scheme(regulator_org),
        assigned_policy="reference",
        reference_value=10.0,
        reference_uncertainty=0.05,
    )
    open_enrolment(round=round_, by=regulator)
    participation = enrol(round=round_, laboratory=lab, by=lab_admin)
    open_submissions(round=round_, by=regulator)
    submit_result(
        participation=participation,
        value=10.6,
        unit="MPa",
        expanded_uncertainty=0.2,
        coverage_factor=2,
        by=lab_admin,
    )
    close_round(round=round_, by=regulator)
    evaluate_round(round=round_, by=regulator)
    round_.refresh_from_db()
    expected = evaluate(
        [{"participant": participation.code, "value": 10.6, "U": 0.2, "k": 2}],
        sigma_pt=0.5,
        assigned_value=10.0,
        u_assigned=0.05,
    )
    score = Score.objects.get(participation=participation)
    assert round_.assigned_value == 10.0
    assert round_.robust_sd is None
    assert score.z == pytest.approx(expected.scores[0].z, rel=1e-12)
    assert score.zeta == pytest.approx(expected.scores[0].zeta, rel=1e-12)
    assert score.en == pytest.approx(expected.scores[0].en, rel=1e-12)


def test_horwitz_sigma_in_the_scheme_unit(regulator_org: Organisation, regulator: User) -> None:
    scheme = make_scheme(regulator_org, code="LN-PT-ENRO", unit="ug/kg", name="恩诺沙星")
    round_ = make_round(scheme, sigma_policy="horwitz", sigma_value=80e-9)
    labs = [make_lab(7300 + i, f"测试{i}检测有限公司") for i in range(4)]
    open_enrolment(round=round_, by=regulator)
    parts = [enrol(round=round_, laboratory=lab, by=user) for lab, user in labs]
    open_submissions(round=round_, by=regulator)
    for part, (_, user), value in zip(parts, labs, (78.0, 82.0, 0.081, 80.5), strict=True):
        unit = "mg/kg" if value < 1 else "μg/kg"
        submit_result(participation=part, value=value, unit=unit, by=user)
    close_round(round=round_, by=regulator)
    evaluate_round(round=round_, by=regulator)
    round_.refresh_from_db()
    # c = 80 µg/kg = 8e-8 < 1.2e-7: σ = 0.22·c, i.e. 17.6 µg/kg
    assert round_.sigma_pt == pytest.approx(17.6, rel=1e-9)


# --- outlier review -------------------------------------------------------------------------------


def test_excluded_result_is_scored_but_not_used(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    submission = Submission.objects.get(participation=world.participations["a"])
    set_exclusion(submission=submission, excluded=True, reason="样品运输破损", by=world.regulator)
    evaluate_round(round=world.round, by=world.regulator)
    world.refresh()
    used = algorithm_a([B_VALUE, *OTHER_VALUES])
    assert world.round.assigned_value == pytest.approx(used.mean, rel=1e-12)
    assert world.round.results_used == 6
    a = Score.objects.get(participation=world.participations["a"])
    assert a.z == pytest.approx((A_VALUE - used.mean) / 0.5, rel=1e-9)
    assert AuditEntry.objects.filter(action="proficiency.result_excluded").exists()
    # and the evaluation matches compute_evaluation on the stored rows
    again = compute_evaluation(
        world.round,
        list(
            Submission.objects.filter(participation__round=world.round).select_related(
                "participation"
            )
        ),
    )
    assert again.assigned_value == world.round.assigned_value


def test_exclusion_needs_a_reason_and_a_regulator(make_world: MakeWorld) -> None:
    world = make_world("closed")
    submission = Submission.objects.get(participation=world.participations["a"])
    with pytest.raises(InvalidSubmission):
        set_exclusion(submission=submission, excluded=True, reason="  ", by=world.regulator)
    with pytest.raises(RoundForbidden):
        set_exclusion(submission=submission, excluded=True, reason="x", by=world.user_b)
    submission.refresh_from_db()
    assert not submission.is_excluded


def test_published_round_is_frozen(make_world: MakeWorld) -> None:
    world = make_world("published")
    submission = Submission.objects.get(participation=world.participations["b"])
    with pytest.raises(RoundTransitionNotAllowed):
        set_exclusion(submission=submission, excluded=True, reason="x", by=world.regulator)
    with pytest.raises(RoundTransitionNotAllowed):
        evaluate_round(round=world.round, by=world.regulator)
    with pytest.raises(RoundTransitionNotAllowed):
        publish_round(round=world.round, by=world.regulator)


# --- publication ----------------------------------------------------------------------------------


def test_publication_notifies_participants_and_opens_follow_ups(make_world: MakeWorld) -> None:
    world = make_world("published")
    assert world.round.published_at is not None
    notified = set(
        Notification.objects.filter(kind="proficiency.round_published").values_list(
            "recipient_organisation", flat=True
        )
    )
    assert notified == {p.laboratory_id for p in world.participations.values()}
    assert world.outsider.pk not in notified
    cases = FollowUp.objects.all()
    assert [c.laboratory for c in cases] == [world.lab_a]
    assert cases[0].classification == "unsatisfactory"
    assert Notification.objects.filter(
        kind="proficiency.follow_up_opened", recipient_organisation=world.lab_a
    ).exists()
