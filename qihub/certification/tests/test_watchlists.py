"""Watchlists: entries normalised and unique per user; notices for status changes after the
user started watching and for expiry within 30 days, each sent once; the command is cron-safe."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qihub.accounts.models import Notification
from qihub.accounts.tests.factories import UserFactory
from qihub.certification.models import WatchlistEntry, WatchNotice
from qihub.certification.numbers import InvalidCertificateNumber
from qihub.certification.services import change_certificate_status
from qihub.certification.tests.conftest import run_command
from qihub.certification.tests.factories import CertificateFactory
from qihub.certification.watchlists import (
    AlreadyWatched,
    WatchNotFound,
    add_watch,
    certificates_watched,
    notify_watchers,
    remove_watch,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def certificate(approved_cb):
    return CertificateFactory(cb=approved_cb, number="00124Q31001R0M", expires_on=date(2027, 1, 14))


def test_entries_are_normalised_and_unique(enterprise_user, certificate) -> None:
    entry = add_watch(user=enterprise_user, value=" no. 00124q3 1001r0m ")
    assert (entry.kind, entry.value) == ("number", "00124Q31001R0M")
    assert list(certificates_watched(entry)) == [certificate]
    with pytest.raises(AlreadyWatched):
        add_watch(user=enterprise_user, value="00124Q31001R0M")
    supplier = add_watch(user=enterprise_user, value=certificate.holder.uscc.lower())
    assert supplier.kind == "supplier"
    assert WatchlistEntry.objects.filter(user=enterprise_user).count() == 2
    # Another user may watch the same thing.
    add_watch(user=UserFactory(), value="00124Q31001R0M")


def test_bad_values_write_nothing(enterprise_user) -> None:
    with pytest.raises(InvalidCertificateNumber):
        add_watch(user=enterprise_user, value="   ")
    with pytest.raises(Exception, match="校验码"):
        add_watch(user=enterprise_user, value="91210000XXXXXXXXXX", kind="supplier")
    assert not WatchlistEntry.objects.exists()


def test_remove_only_your_own(enterprise_user, certificate) -> None:
    entry = add_watch(user=enterprise_user, value=certificate.number)
    with pytest.raises(WatchNotFound):
        remove_watch(user=UserFactory(), public_id=entry.public_id)
    remove_watch(user=enterprise_user, public_id=entry.public_id)
    assert not WatchlistEntry.objects.exists()


def test_status_change_notifies_once(enterprise_user, certificate, approved_cb) -> None:
    add_watch(user=enterprise_user, value=certificate.number)
    change_certificate_status(
        certificate=certificate, status="suspended", reason="监督审核不合格", by=None
    )
    first = notify_watchers()
    second = notify_watchers(timezone.now() + timedelta(hours=1))
    assert (first.status_notices, second.status_notices) == (1, 0)
    notice = Notification.objects.get(recipient_user=enterprise_user)
    assert "暂停" in notice.title and "监督审核不合格" in notice.message
    assert notice.link == f"/certificates/{certificate.public_id}/"


def test_changes_before_watching_are_not_news(enterprise_user, certificate) -> None:
    change_certificate_status(certificate=certificate, status="suspended", reason="x", by=None)
    add_watch(user=enterprise_user, value=certificate.holder.uscc)
    assert notify_watchers().status_notices == 0
    change_certificate_status(certificate=certificate, status="active", reason="", by=None)
    assert notify_watchers().status_notices == 1  # watched through the supplier


def test_expiry_within_30_days_once_per_expiry(enterprise_user, certificate) -> None:
    add_watch(user=enterprise_user, value=certificate.number)
    assert notify_watchers(at(2026, 12, 1)).expiry_notices == 0  # 44 days left
    assert notify_watchers(at(2026, 12, 20)).expiry_notices == 1
    assert notify_watchers(at(2026, 12, 25)).expiry_notices == 0
    assert notify_watchers(at(2027, 1, 20)).expiry_notices == 0  # expired: nothing more
    assert WatchNotice.objects.filter(event="expiry:2027-01-14").count() == 1


def test_command_is_idempotent(enterprise_user, certificate) -> None:
    add_watch(user=enterprise_user, value=certificate.number)
    code, out, _err = run_command("certification", "watch-notify", "--now", "2026-12-20", "--json")
    assert code == 0 and json.loads(out)["expiry_notices"] == 1
    code, out, _err = run_command("certification", "watch-notify", "--now", "2026-12-20", "--json")
    assert json.loads(out)["expiry_notices"] == 0
    code, _out, err = run_command("certification", "watch-notify", "--now", "tomorrow")
    assert code == 1 and "--now" in err
