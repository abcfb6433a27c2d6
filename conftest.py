"""Shared fixtures: reference data and the personas the specs talk about.

Personas: anonymous, enterprise_user, lab_admin, cb_reviewer, regulator, platform_admin.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.certification.tests.factories import approve_body
from qihub.core import throttling
from qihub.proficiency.tests.factories import MakeWorld, World, pt_world
from qihub.reference.loader import ensure_reference_data
from qihub.reference.models import Region

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(
            reason=f"browser test: Chromium not found at {CHROMIUM} "
            "(install Debian's chromium; .ci/run does)"
        )
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _throttle_clock_held_still(monkeypatch: pytest.MonkeyPatch) -> None:
    # Throttles count in fixed windows (qihub.core.throttling): a test whose requests
    # straddled a minute boundary saw its count restart and failed now and then.
    moment = throttling.clock()
    monkeypatch.setattr(throttling, "clock", lambda: moment)


@pytest.fixture(autouse=True)
def _chinese_by_default() -> None:
    # Middleware leaves the last request's language active in the thread; a test that switched
    # to English must not make the next one read English messages.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference(db: None) -> None:
    """Regions, industries, clusters and plan targets, as `qihub load_reference_data` loads them."""
    ensure_reference_data()


def _persona(username: str, organisation: Organisation | None, role: str) -> User:
    user = UserFactory(username=username)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def enterprise(reference: None) -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(9001, "210200"),
        name="大连远航阀门制造有限公司",
        kind=Organisation.Kind.ENTERPRISE,
        city=Region.objects.get(code="210200"),
    )


@pytest.fixture
def lab(reference: None) -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(9002), name="辽宁盛京检验检测有限公司", kind=Organisation.Kind.TESTING_LAB
    )


@pytest.fixture
def certification_body(reference: None) -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(9003), name="辽宁北方认证有限公司", kind=Organisation.Kind.CERTIFICATION_BODY
    )


@pytest.fixture
def regulator_org(reference: None) -> Organisation:
    return OrganisationFactory(
        uscc=make_regulator_uscc(),
        name="辽宁省市场监督管理局",
        kind=Organisation.Kind.REGULATOR,
        jurisdiction=Region.objects.get(code="210000"),
    )


def make_regulator_uscc() -> str:
    return make_uscc("11210000000000001")


@pytest.fixture
def enterprise_user(enterprise: Organisation) -> User:
    return _persona("enterprise_user", enterprise, Membership.Role.MEMBER)


@pytest.fixture
def lab_admin(lab: Organisation) -> User:
    return _persona("lab_admin", lab, Membership.Role.ADMIN)


@pytest.fixture
def cb_reviewer(certification_body: Organisation) -> User:
    return _persona("cb_reviewer", certification_body, Membership.Role.MEMBER)


@pytest.fixture
def regulator(regulator_org: Organisation) -> User:
    return _persona("regulator", regulator_org, Membership.Role.MEMBER)


@pytest.fixture
def platform_admin(reference: None) -> User:
    user = _persona("platform_admin", None, Membership.Role.MEMBER)
    user.is_platform_admin = True
    user.save(update_fields=["is_platform_admin"])
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def make_world(
    regulator: User, regulator_org: Organisation, lab: Organisation, lab_admin: User
) -> MakeWorld:
    """A proficiency-testing round at a given stage ("planned" … "published"), run by the
    provincial regulator, with the lab and two more laboratories taking part."""

    def build(stage: str) -> World:
        return pt_world(
            regulator=regulator,
            regulator_org=regulator_org,
            lab=lab,
            lab_admin=lab_admin,
            stage=stage,
        )

    return build


@pytest.fixture
def approved_cb(certification_body: Organisation) -> Organisation:
    """The certification body, with a valid CNCA-CB approval."""
    approve_body(certification_body, 1)
    return certification_body


@pytest.fixture
def other_cb(reference: None) -> Organisation:
    """A second approved certification body (in Shenyang)."""
    body = OrganisationFactory(
        uscc=uscc_for(9303),
        name="沈阳质信认证中心有限公司",
        kind=Organisation.Kind.CERTIFICATION_BODY,
    )
    approve_body(body, 2)
    return body


@pytest.fixture
def other_cb_user(other_cb: Organisation) -> User:
    user = UserFactory(username="other_cb_member")
    MembershipFactory(user=user, organisation=other_cb, role=Membership.Role.MEMBER)
    return user
