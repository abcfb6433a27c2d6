"""Expiry notices: 90, 30 and 7 days ahead, once per threshold, never for invalid ones."""

from datetime import date, timedelta

import pytest

from qihub.accounts.models import Notification
from qihub.institutions.expiry import notify_expiring_qualifications, threshold_for
from qihub.institutions.models import Qualification
from qihub.institutions.services import record_qualification
from qihub.institutions.tests.factories import QualificationFactory

VALID_TO = date(2026, 12, 31)


def day_before(days):
    return VALID_TO - timedelta(days=days)


@pytest.mark.parametrize(
    ("days_left", "within", "threshold"),
    [
        (91, 90, None),
        (90, 90, 90),
        (31, 90, 90),
        (30, 90, 30),
        (8, 90, 30),
        (7, 90, 7),
        (0, 90, 7),
        (100, 120, 120),
        (45, 60, 60),
        (20, 60, 30),
    ],
)
def test_threshold_for(days_left, within, threshold):
    assert threshold_for(days_left, within) == threshold


def test_notifies_once_per_threshold(lab):
    qualification = QualificationFactory(organisation=lab, valid_to=VALID_TO)

    runs = [
        (days, notify_expiring_qualifications(on=day_before(days)))
        for days in (100, 90, 89, 60, 30, 30, 29, 7, 6, 0)
    ]

    assert runs == [
        (100, 0),
        (90, 1),
        (89, 0),
        (60, 0),
        (30, 1),
        (30, 0),
        (29, 0),
        (7, 1),
        (6, 0),
        (0, 0),
    ]
    notices = list(Notification.objects.filter(kind="qualification_expiring").order_by("id"))
    assert len(notices) == 3
    assert notices[0].recipient_organisation == lab
    assert qualification.number in notices[0].title and "2026-12-31" in notices[0].title
    assert "还有 90 天到期" in notices[0].message
    assert "还有 7 天到期" in notices[2].message
    assert notices[0].link == f"/institutions/{lab.uscc}/"


def test_same_day_rerun_notifies_nobody(lab):
    QualificationFactory(organisation=lab, valid_to=VALID_TO)
    assert notify_expiring_qualifications(on=day_before(20)) == 1
    assert notify_expiring_qualifications(on=day_before(20)) == 0
    assert Qualification.objects.get().last_expiry_notice_on == day_before(20)


def test_a_renewal_starts_the_thresholds_again(lab):
    qualification = QualificationFactory(organisation=lab, valid_to=VALID_TO)
    assert notify_expiring_qualifications(on=day_before(5)) == 1

    record_qualification(
        organisation=lab,
        type="CMA",
        number=qualification.number,
        valid_from=qualification.valid_from,
        valid_to=date(2027, 3, 1),
        by=None,
    )
    assert Qualification.objects.get().last_expiry_notice_on is None

    # the next day, 2027-03-01 is 63 days away: inside the 90-day window, not yet told
    assert notify_expiring_qualifications(on=day_before(4)) == 1


def test_suspended_revoked_and_expired_qualifications_are_not_notified(lab):
    QualificationFactory(organisation=lab, valid_to=VALID_TO, status="suspended")
    QualificationFactory(organisation=lab, valid_to=VALID_TO, status="revoked")
    QualificationFactory(organisation=lab, valid_to=VALID_TO, status="expired")
    QualificationFactory(organisation=lab, valid_to=day_before(40))  # already past

    assert notify_expiring_qualifications(on=day_before(10)) == 0
    assert not Notification.objects.exists()
