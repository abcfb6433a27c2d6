"""The annual plan: programmes (rounds) per year against the plan's target of 5, with the
industries their schemes cover."""

from __future__ import annotations

from datetime import date

import pytest

from qihub.accounts.models import Organisation
from qihub.proficiency.queries import annual_plan, annual_target, programme_counts
from qihub.proficiency.tests.factories import make_round, make_scheme
from qihub.reference.models import Industry

pytestmark = pytest.mark.django_db


def test_target_comes_from_the_plan_targets(reference: None) -> None:
    assert annual_target() == 5


def test_programmes_per_year_against_the_target(regulator_org: Organisation) -> None:
    textiles = Industry.objects.get(key="CSG-01")
    coal = Industry.objects.get(key="PCF-02")
    for i in range(5):
        scheme = make_scheme(regulator_org, code=f"S{i}", industries=[textiles if i % 2 else coal])
        make_round(scheme, code=f"R{i}")
    older = make_scheme(regulator_org, code="OLD")
    make_round(
        older,
        code="OLD-1",
        year=2020,
        enrolment_opens_on=date(2020, 3, 1),
        enrolment_closes_on=date(2020, 3, 31),
        dispatch_on=date(2020, 4, 10),
        submission_deadline_on=date(2020, 5, 10),
    )
    plans = {plan.year: plan for plan in annual_plan()}
    this_year = max(plans)
    assert plans[this_year].count == 5 and plans[this_year].met
    assert set(plans[this_year].industries) == {textiles.name_zh, coal.name_zh}
    assert plans[2020].count == 1 and not plans[2020].met and plans[2020].gap == 4
    assert programme_counts()[2020] == 1
