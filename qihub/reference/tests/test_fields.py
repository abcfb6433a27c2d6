"""The testing-field and metrology-discipline taxonomy capability lines are filed under."""

import pytest

from qihub.reference.loader import load_reference_data
from qihub.reference.models import Field


@pytest.mark.django_db
def test_loads_both_schemes_with_parents_and_a_second_run_changes_nothing():
    first = load_reference_data()

    assert first.created["field"] == 86
    assert Field.objects.filter(scheme="inspection_testing_field").count() == 36
    assert Field.objects.filter(scheme="calibration_quantity_family", parent=None).count() == 10
    pressure = Field.objects.get(code="CQ0303")
    assert (pressure.name_zh, pressure.parent.code) == ("压力与真空", "CQ03")
    assert Field.objects.get(code="TF02").name_zh == "建筑材料"
    assert not load_reference_data().changed


@pytest.mark.django_db
def test_reload_repairs_an_edited_field():
    load_reference_data()
    Field.objects.filter(code="TF02").update(name_zh="改错的名字")

    assert load_reference_data().updated["field"] == 1
    assert Field.objects.get(code="TF02").name_zh == "建筑材料"
