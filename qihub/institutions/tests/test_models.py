"""Effective status of a qualification: the recorded status and the dates, in Python and SQL."""

from datetime import date

import pytest
from django.db import IntegrityError

from qihub.institutions.models import Qualification
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory

FROM, TO = date(2024, 1, 1), date(2026, 12, 31)

# (recorded status, day) → effective status; every boundary of the validity period.
CASES = [
    ("valid", date(2023, 12, 31), "not_yet_valid"),
    ("valid", FROM, "valid"),
    ("valid", date(2025, 6, 1), "valid"),
    ("valid", TO, "valid"),
    ("valid", date(2027, 1, 1), "expired"),  # recorded valid, but expired by date
    ("suspended", date(2025, 6, 1), "suspended"),  # suspended although in date
    ("suspended", date(2023, 12, 31), "suspended"),
    ("suspended", date(2027, 1, 1), "expired"),  # a suspension does not outlive the certificate
    ("revoked", date(2025, 6, 1), "revoked"),
    ("revoked", date(2027, 1, 1), "revoked"),  # revocation is the stronger fact
    ("revoked", date(2023, 12, 31), "revoked"),
    ("expired", date(2025, 6, 1), "expired"),  # recorded expired early (e.g. surrendered)
    ("expired", date(2023, 12, 31), "expired"),
]


@pytest.mark.parametrize(("recorded", "day", "effective"), CASES)
def test_effective_status_in_python_and_sql_agree(reference, recorded, day, effective):
    qualification = QualificationFactory(status=recorded, valid_from=FROM, valid_to=TO)

    annotated = Qualification.objects.with_effective_status(day).get(pk=qualification.pk)

    assert qualification.effective_status_on(day) == effective
    assert annotated.effective_status == effective
    assert Qualification.objects.effectively_valid(day).filter(pk=qualification.pk).exists() == (
        effective == "valid"
    )
    assert (
        Qualification.objects.with_effective_status_in([effective], day)
        .filter(pk=qualification.pk)
        .exists()
    )


def test_effective_status_property_is_today_without_annotation(reference, time_machine):
    time_machine.move_to("2027-02-01")
    qualification = QualificationFactory(valid_from=FROM, valid_to=TO)

    assert qualification.status == "valid"
    assert qualification.effective_status == "expired"
    assert qualification.get_effective_status_display() == "过期"


def test_expiring_within_counts_the_last_day_and_skips_invalid_ones(reference):
    on = date(2026, 12, 1)
    ending = QualificationFactory(valid_from=FROM, valid_to=date(2026, 12, 31))
    QualificationFactory(valid_from=FROM, valid_to=date(2027, 1, 1))  # 31 days: outside 30
    QualificationFactory(valid_from=FROM, valid_to=date(2026, 12, 20), status="suspended")

    assert list(Qualification.objects.expiring_within(30, on)) == [ending]


def test_dates_must_be_in_order(reference):
    with pytest.raises(IntegrityError):
        QualificationFactory(valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1))


def test_a_test_line_needs_a_qualification(reference):
    with pytest.raises(IntegrityError):
        CapabilityLineFactory(qualification=None, organisation=QualificationFactory().organisation)
