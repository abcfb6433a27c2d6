"""Working days, and reminding / marking invitations nobody answered (service and command)."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import AuditEntry, Notification
from qihub.matching.checks import working_calendar_covers_the_year
from qihub.matching.models import Invitation
from qihub.matching.reminders import (
    CALENDAR_GAP_HINT,
    CalendarFileError,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    remind_unanswered_invitations,
    working_calendar,
)
from qihub.matching.requests import create_request, invite, submit_quote

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 10, 5), False),  # National Day holiday, a Monday
        (date(2026, 10, 10), True),  # make-up Saturday
        (date(2026, 2, 14), True),  # make-up Saturday before Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival
        (date(2030, 1, 7), True),  # beyond the table: plain Monday–Friday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-03-06T10:00", 3, "2026-03-11T10:00"),  # Friday → Wednesday
        ("2026-03-07T09:30", 3, "2026-03-11T09:30"),  # Saturday counts from Monday
        ("2026-03-09T16:00", 2, "2026-03-11T16:00"),
        ("2026-09-30T10:00", 3, "2026-10-10T10:00"),  # 10-08, 10-09, make-up Sat 10-10
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(at(start), days) == at(expected)


@pytest.fixture
def invitation(enterprise, enterprise_user, lab, time_machine):
    time_machine.move_to(at("2026-03-06T10:00"), tick=False)  # Friday; due Wednesday 10:00
    request = create_request(
        enterprise=enterprise, by=enterprise_user, need_text="钢筋拉伸试验 沈阳"
    )
    return invite(request=request, institution=lab, by=enterprise_user)


@pytest.mark.django_db
def test_reminds_once_after_two_working_days_then_marks_not_responding(invitation, lab):
    # Monday: one working day gone, nothing yet
    assert remind_unanswered_invitations(now=at("2026-03-09T12:00")).reminded == ()

    # Tuesday 10:00: two working days → one reminder, only once
    run = remind_unanswered_invitations(now=at("2026-03-10T10:00"))
    assert run.reminded == (str(invitation.public_id),)
    assert remind_unanswered_invitations(now=at("2026-03-10T11:00")).reminded == ()
    reminder = Notification.objects.get(kind="service_invitation_reminder")
    assert reminder.recipient_organisation == lab

    # Wednesday 10:00: the deadline → not responding, the enterprise is told, once
    run = remind_unanswered_invitations(now=at("2026-03-11T10:00"))
    assert run.not_responding == (str(invitation.public_id),)
    assert remind_unanswered_invitations(now=at("2026-03-12T10:00")).not_responding == ()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.NOT_RESPONDING
    told = Notification.objects.get(kind="service_invitation_not_responding")
    assert told.recipient_organisation == invitation.request.enterprise
    assert AuditEntry.objects.filter(action="matching.invitation_not_responding").count() == 1


@pytest.mark.django_db
def test_answered_invitations_are_left_alone_and_late_quotes_still_count(
    invitation, lab_admin, time_machine
):
    run = remind_unanswered_invitations(now=at("2026-03-20T10:00"))
    assert run.not_responding == (str(invitation.public_id),)

    # a late answer is still taken while the request is open
    time_machine.move_to(at("2026-03-20T11:00"), tick=False)
    submit_quote(invitation=invitation, by=lab_admin, price_cny="500", days=3)
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.QUOTED
    assert remind_unanswered_invitations(now=at("2026-03-30T10:00")).not_responding == ()


@pytest.mark.django_db
def test_command_reports_json_and_is_idempotent(invitation):
    out = StringIO()
    call_command("requests", "remind", "--now", "2026-03-10T10:00", "--json", stdout=out)
    assert json.loads(out.getvalue())["reminded"] == 1

    out = StringIO()
    call_command("requests", "remind", "--now", "2026-03-10T10:00", "--json", stdout=out)
    assert json.loads(out.getvalue())["reminded"] == 0

    out = StringIO()
    call_command("requests", "remind", "--now", "2026-03-11T10:00", stdout=out)
    assert "1 invitation(s) marked not responding" in out.getvalue()


@pytest.mark.django_db
def test_command_refuses_a_bad_moment():
    with pytest.raises(CommandError) as error:
        call_command("requests", "remind", "--now", "next tuesday")
    assert error.value.returncode == 1


# --- the working calendar file and the warnings when a year is missing --------------------------


def test_every_year_listed_has_its_spring_festival_and_national_day():
    # A year half-typed into the file would pass for covered: each must hold both long breaks.
    calendar = working_calendar()
    assert calendar.years >= {2025, 2026}
    for year in calendar.years:
        holidays = {day for day in calendar.holidays if day.year == year}
        assert any(day.month in (1, 2) for day in holidays), year
        assert date(year, 10, 1) in holidays, year


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2027-13-01,holiday,元旦", "line 2: day must be YYYY-MM-DD"),
        ("2027-01-01,day off,元旦", "line 2: kind must be holiday or workday"),
        ("2027-01-04,workday,元旦", "line 2: 2027-01-04 is a weekday, worked anyway"),
    ],
)
def test_a_bad_calendar_line_is_named(tmp_path, line, problem):
    path = tmp_path / "calendar.csv"
    path.write_text(f"day,kind,occasion\n{line}\n", encoding="utf-8")
    with pytest.raises(CalendarFileError, match=problem):
        WorkingCalendar.read(path)


def test_a_day_cannot_be_both_holiday_and_workday(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(
        "day,kind,occasion\n2027-02-06,holiday,春节\n2027-02-06,workday,春节\n", encoding="utf-8"
    )
    with pytest.raises(CalendarFileError, match="both holiday and workday"):
        WorkingCalendar.read(path)


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        ("2026-06-01T09:00", []),
        ("2026-11-30T09:00", []),  # next year's notice is not expected yet
        ("2026-12-01T09:00", [2027]),
        ("2027-03-01T09:00", [2027]),
        ("2024-12-15T09:00", [2024]),  # 2025 is listed
    ],
)
def test_the_system_check_warns_of_a_missing_year(time_machine, today, missing):
    time_machine.move_to(at(today), tick=False)
    warnings = working_calendar_covers_the_year()
    assert [(w.id, w.msg) for w in warnings] == [
        ("qihub.W001", CALENDAR_GAP_HINT.format(year=year)) for year in missing
    ]


@pytest.mark.django_db
def test_the_command_warns_of_a_missing_year_and_still_runs(invitation):
    out, err = StringIO(), StringIO()
    call_command(
        "requests", "remind", "--now", "2027-03-10T10:00", "--json", stdout=out, stderr=err
    )
    assert "no 2027 entries" in err.getvalue()
    assert json.loads(out.getvalue())["not_responding"] == 1  # a warning, not a refusal
    err = StringIO()
    call_command("requests", "remind", "--now", "2026-03-10T10:00", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
