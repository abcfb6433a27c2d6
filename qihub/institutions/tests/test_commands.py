"""`qihub institutions notify-expiring|expiring`: exit codes, text and --json."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import Notification
from qihub.institutions.tests.factories import QualificationFactory


def run(*args):
    out = StringIO()
    call_command("institutions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def expiring(lab):
    QualificationFactory(organisation=lab, number="210600000001", valid_to=date(2026, 12, 31))
    QualificationFactory(organisation=lab, number="210600000002", valid_to=date(2027, 6, 30))


def test_notify_expiring_prints_counts_and_is_idempotent(expiring):
    first = json.loads(run("notify-expiring", "--on", "2026-12-01", "--json"))
    second = json.loads(run("notify-expiring", "--on", "2026-12-01", "--json"))

    assert first == {"on": "2026-12-01", "within_days": 90, "notified": 1}
    assert second["notified"] == 0
    assert Notification.objects.count() == 1
    assert "0 notification(s) sent" in run("notify-expiring", "--on", "2026-12-01")


def test_expiring_lists_within_the_window(expiring, lab):
    answer = json.loads(run("expiring", "--on", "2026-12-01", "--within", "90", "--json"))

    assert answer["count"] == 1
    assert answer["items"][0] == {
        "uscc": lab.uscc,
        "organisation": lab.name,
        "type": "CMA",
        "number": "210600000001",
        "valid_to": "2026-12-31",
        "days_left": 30,
    }
    wide = json.loads(run("expiring", "--on", "2026-12-01", "--within", "365", "--json"))
    assert [i["number"] for i in wide["items"]] == ["210600000001", "210600000002"]
    assert "1 qualification(s) expiring" in run("expiring", "--on", "2026-12-01")


@pytest.mark.parametrize(
    "args", [("expiring", "--on", "2026-13-01"), ("notify-expiring", "--within", "-1")]
)
def test_bad_arguments_exit_1(db, args):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 1


def test_help_exists(capsys):
    with pytest.raises(SystemExit) as raised:
        call_command("institutions", "--help")
    assert raised.value.code == 0
    assert "notify-expiring" in capsys.readouterr().out
