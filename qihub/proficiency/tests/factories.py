"""A PT round at any stage, with the participants the confidentiality specs talk about.

``pt_world`` builds: the provincial regulator (the provider), participant A (the conftest
``lab``/``lab_admin``), participant B, a laboratory that does not take part, and five more
participants so the robust statistics have enough results. A's result is a gross outlier
(unsatisfactory), B's is satisfactory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.proficiency.models import Participation, Round, Scheme
from qihub.proficiency.services import (
    close_round,
    create_round,
    create_scheme,
    enrol,
    evaluate_round,
    open_enrolment,
    open_submissions,
    publish_round,
    submit_result,
)

STAGES = ("planned", "enrolling", "open", "closed", "evaluated", "published")
LAB_B_NAME = "大连海诚检测技术有限公司"
OUTSIDER_NAME = "鞍山钢城检测中心有限公司"
OTHER_NAMES = (
    "营口港湾检测有限公司",
    "锦州渤海检验技术有限公司",
    "丹东鸭绿江检测有限公司",
    "抚顺石化检验中心有限公司",
    "本溪钢都检测有限公司",
)
A_VALUE = 25.43  # MPa: far from the others, |z| ≥ 3 (distinctive digits, searched for in pages)
B_VALUE = 10.137
OTHER_VALUES = (9.8, 10.0, 10.2, 9.9, 10.3)


@dataclass
class World:
    scheme: Scheme
    round: Round
    regulator: User
    provider: Organisation
    lab_a: Organisation
    user_a: User
    lab_b: Organisation
    user_b: User
    outsider: Organisation
    outsider_user: User
    others: list[Organisation] = field(default_factory=list)
    participations: dict[str, Participation] = field(default_factory=dict)

    def refresh(self) -> None:
        self.round.refresh_from_db()

    @property
    def lab_names(self) -> list[str]:
        return [self.lab_a.name, self.lab_b.name, *(o.name for o in self.others)]


def make_lab(serial: int, name: str) -> tuple[Organisation, User]:
    lab = OrganisationFactory(uscc=uscc_for(serial), name=name, kind=Organisation.Kind.TESTING_LAB)
    user = UserFactory(username=f"pt_user_{serial}")
    MembershipFactory(user=user, organisation=lab, role=Membership.Role.ADMIN)
    return lab, user


def make_scheme(provider: Organisation, **overrides: Any) -> Scheme:
    values: dict[str, Any] = {
        "code": "LN-PT-MORTAR",
        "name": "砂浆立方体抗压强度",
        "measurand": "抗压强度",
        "unit": "MPa",
        "matrix": "水泥砂浆试块",
        "provider": provider,
        "by": None,
    }
    values.update(overrides)
    return create_scheme(**values)


def make_round(scheme: Scheme, **overrides: Any) -> Round:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "scheme": scheme,
        "year": today.year,
        "code": f"{scheme.code}-{today.year}-01",
        "enrolment_opens_on": today - timedelta(days=30),
        "enrolment_closes_on": today + timedelta(days=5),
        "dispatch_on": today + timedelta(days=6),
        "submission_deadline_on": today + timedelta(days=20),
        "sigma_policy": Round.SigmaPolicy.FIXED,
        "sigma_value": 0.5,
        "assigned_policy": Round.AssignedPolicy.ALGORITHM_A,
        "sample_description": "M10 水泥砂浆立方体试块，每家 3 块",
        "by": None,
    }
    if values["year"] != values["submission_deadline_on"].year:
        values["year"] = values["submission_deadline_on"].year
    values.update(overrides)
    return create_round(**values)


MakeWorld = Callable[[str], "World"]  # the make_world fixture (root conftest.py)


def pt_world(
    *, regulator: User, regulator_org: Organisation, lab: Organisation, lab_admin: User, stage: str
) -> World:
    """A round at ``stage`` (one of STAGES), run by the provincial regulator."""
    scheme = make_scheme(regulator_org)
    round_ = make_round(scheme)
    lab_b, user_b = make_lab(7101, LAB_B_NAME)
    outsider, outsider_user = make_lab(7102, OUTSIDER_NAME)
    others = [make_lab(7110 + i, name)[0] for i, name in enumerate(OTHER_NAMES)]
    world = World(
        scheme=scheme,
        round=round_,
        regulator=regulator,
        provider=regulator_org,
        lab_a=lab,
        user_a=lab_admin,
        lab_b=lab_b,
        user_b=user_b,
        outsider=outsider,
        outsider_user=outsider_user,
        others=others,
    )
    index = STAGES.index(stage)
    if index >= 1:
        open_enrolment(round=round_, by=regulator)
        world.participations["a"] = enrol(round=round_, laboratory=lab, by=lab_admin)
        world.participations["b"] = enrol(round=round_, laboratory=lab_b, by=user_b)
        for i, other in enumerate(others):
            world.participations[f"o{i}"] = enrol(round=round_, laboratory=other, by=None)
    if index >= 2:
        open_submissions(round=round_, by=regulator)
        submit_result(
            participation=world.participations["a"],
            value=A_VALUE,
            unit="MPa",
            expanded_uncertainty=0.4,
            coverage_factor=2,
            method="GB/T 50081",
            by=lab_admin,
        )
        submit_result(
            participation=world.participations["b"],
            value=B_VALUE * 1000,
            unit="kPa",
            expanded_uncertainty=300,
            coverage_factor=2,
            by=user_b,
        )
        for i, value in enumerate(OTHER_VALUES):
            submit_result(
                participation=world.participations[f"o{i}"],
                value=value,
                unit="MPa",
                expanded_uncertainty=0.3,
                by=None,
            )
    if index >= 3:
        close_round(round=round_, by=regulator)
    if index >= 4:
        evaluate_round(round=round_, by=regulator)
    if index >= 5:
        publish_round(round=round_, by=regulator)
    world.refresh()
    for participation in world.participations.values():
        participation.refresh_from_db()
    return world
