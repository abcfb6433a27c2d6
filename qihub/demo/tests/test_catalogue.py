"""The made-up volume catalogue: reaches its size, keeps version chains, never poses as real."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from qihub.demo.catalogue import DEMO_ISSUER, fill_catalogue
from qihub.standards.importers import SHIPPED_CATALOGUE
from qihub.standards.models import Standard
from qihub.standards.queries import lookup_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def real(reference) -> set[str]:
    call_command("import", "standards", str(SHIPPED_CATALOGUE), stdout=StringIO())
    return set(Standard.objects.values_list("base_code", flat=True))


def test_fills_up_to_the_target_and_no_further(real):
    target = Standard.objects.count() + 1_500
    added = fill_catalogue(target=target, seed=7)
    assert Standard.objects.count() == target
    assert added == 1_500
    assert fill_catalogue(target=target, seed=7) == 0
    assert fill_catalogue(target=target + 10, seed=8) == 10
    assert Standard.objects.count() == target + 10


def test_made_up_editions_say_so_and_never_share_a_real_base(real):
    fill_catalogue(target=Standard.objects.count() + 800, seed=1)
    made_up = Standard.objects.filter(issuer=DEMO_ISSUER)
    assert made_up.count() == 800
    assert not made_up.filter(base_code__in=real).exists()
    assert (
        not Standard.objects.exclude(issuer=DEMO_ISSUER)
        .filter(base_code__in=made_up.values("base_code"))
        .exists()
    )


def test_older_editions_are_superseded_by_the_one_in_force(real):
    fill_catalogue(target=Standard.objects.count() + 800, seed=3)
    made_up = Standard.objects.filter(issuer=DEMO_ISSUER)
    older = made_up.filter(status=Standard.Status.SUPERSEDED)
    assert older.count() > 100
    for edition in older[:30]:
        found = lookup_standard(edition.code)
        assert [v.year for v in found.versions] == sorted(v.year for v in found.versions)
        newest = found.versions[-1]
        if newest.status == "upcoming":
            # the edition before an upcoming one stays in force until then
            assert found.current == found.versions[-2]
        elif newest.status == "current":
            assert found.current == newest
            assert all(v.status == "superseded" for v in found.versions[:-1])
        else:
            assert newest.status == "withdrawn"
    # a few chains end withdrawn, most in force
    newest_statuses = made_up.filter(replaced_by__isnull=True).values_list("status", flat=True)
    assert list(newest_statuses).count("withdrawn") < len(newest_statuses) * 0.1
