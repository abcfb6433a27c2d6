from __future__ import annotations

from collections.abc import Callable

import pytest

from qihub.accounts.models import Organisation, User
from qihub.proficiency.tests.factories import World, pt_world


@pytest.fixture
def make_world(
    regulator: User, regulator_org: Organisation, lab: Organisation, lab_admin: User
) -> Callable[[str], World]:
    def build(stage: str) -> World:
        return pt_world(
            regulator=regulator,
            regulator_org=regulator_org,
            lab=lab,
            lab_admin=lab_admin,
            stage=stage,
        )

    return build
