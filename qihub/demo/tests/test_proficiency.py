"""Demo PT: the five 2020 programmes evaluated and published with follow-ups, this year's open
and enrolling rounds, codes only in public tables, and a second run that writes nothing."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qihub.accounts.models import AuditEntry, User
from qihub.demo.proficiency import PARTICIPANTS, load_proficiency_demo
from qihub.demo.scales import SCALES
from qihub.proficiency.models import FollowUp, Participation, Round, Submission
from qihub.proficiency.queries import annual_plan, anonymous_table

pytestmark = pytest.mark.django_db


def run_demo() -> dict[str, Any]:
    out = StringIO()
    call_command("demo", "--scale", "tiny", "--json", stdout=out, stderr=StringIO())
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def test_demo_runs_the_2020_programmes_and_this_year(reference: None) -> None:
    # given the tiny demo
    run_demo()
    # then the five 2020 programmes are published with the scale's participant numbers
    published = Round.objects.filter(year=2020, status=Round.Status.PUBLISHED).order_by("code")
    assert [r.scheme.name for r in published] == [
        "砂浆立方体抗压强度",
        "煤中全硫",
        "纺织品纤维含量",
        "冻干鸡肉粉中恩诺沙星",
        "室内空气中苯",
    ]
    for round_, expected in zip(published, PARTICIPANTS["tiny"], strict=True):
        count = round_.participations.count()
        assert 3 <= count <= expected
        assert round_.assigned_value is not None and round_.sigma_pt is not None
        assert round_.published_at is not None and round_.published_at.year == 2020
    benzene = published.get(scheme__code="LNPT-BENZENE")
    assert benzene.assigned_value == 0.112  # the reference value
    # the demo lab's mortar result is unsatisfactory and its case is open
    lab_user = User.objects.get(username="demo_lab_admin")
    case = FollowUp.objects.get(
        laboratory__memberships__user=lab_user, participation__round__code="LNPT-2020-01"
    )
    assert case.classification == "unsatisfactory" and case.status == FollowUp.Status.OPEN
    # this year: the mortar round takes results (the demo lab has not reported yet) and the
    # textile round takes enrolments
    year = timezone.localdate().year
    current = {r.status for r in Round.objects.filter(year=year)}
    assert current == {Round.Status.OPEN, Round.Status.ENROLLING}
    mine = Participation.objects.get(
        round__code=f"LNPT-{year}-01", laboratory__memberships__user=lab_user
    )
    assert not Submission.objects.filter(participation=mine).exists()
    plans = {plan.year: plan for plan in annual_plan()}
    assert plans[2020].count == 5 and plans[2020].met
    # public tables carry codes only
    for round_ in published:
        names = set(round_.participations.values_list("laboratory__name", flat=True))
        for row in anonymous_table(round_):
            assert row.code not in names


def test_a_second_run_writes_nothing(reference: None) -> None:
    run_demo()
    before = AuditEntry.objects.count()
    assert load_proficiency_demo(scale=SCALES["tiny"], seed=2025) == 0
    assert AuditEntry.objects.count() == before
