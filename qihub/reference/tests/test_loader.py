from io import StringIO

import pytest
from django.core.management import call_command

from qihub.reference.loader import load_reference_data
from qihub.reference.models import Cluster, Industry, PlanTarget, Region


@pytest.mark.django_db
def test_loads_liaoning_and_a_second_run_changes_nothing():
    first = load_reference_data()
    assert first.created["region"] == 115
    assert Region.objects.cities().count() == 14
    assert Region.objects.counties().count() == 100
    assert Industry.objects.filter(is_trillion_base=True, level=1).count() == 3
    assert PlanTarget.objects.count() == 13
    assert Cluster.objects.count() > 40

    second = load_reference_data()

    assert not second.changed


@pytest.mark.django_db
def test_reload_repairs_a_locally_edited_row():
    load_reference_data()
    Region.objects.filter(code="210100").update(name="改错的名字")
    counts = load_reference_data()
    assert counts.updated["region"] == 1
    assert Region.objects.get(code="210100").name == "沈阳市"


@pytest.mark.django_db
def test_every_county_sits_in_a_city_with_its_code_prefix():
    load_reference_data()
    for county in Region.objects.counties().select_related("parent"):
        assert county.parent.code == county.code[:4] + "00"
        assert county.city_code == county.parent.code


@pytest.mark.django_db
def test_command_reports_counts():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)
    assert "region: 115 created" in out.getvalue()
    assert "already up to date" in out.getvalue()
