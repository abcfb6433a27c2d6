"""Working days, and chasing invitations nobody answered.

An invitation is due three working days after it was sent. After two working days without an
answer the institution gets one reminder; at the deadline the invitation is marked
``not_responding`` and the enterprise is told, so it can invite someone else.
``remind_unanswered_invitations(now=...)`` does both and is safe to run as often as wanted (cron
``qihub requests remind`` hourly): each reminder and each mark happens once.

Working days are Monday to Friday, minus the public holidays and plus the make-up working days
(调休) of the State Council's yearly notice, kept in ``matching/data/working_calendar.csv``.
Years the file does not list fall back to plain Monday–Friday, so each year's notice must be
added when it is published (November or December): the ``qihub.W001`` system check and
``qihub requests remind`` say when a year is missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.services import notify_organisation
from qihub.matching.models import Invitation, ServiceRequest

ANSWER_WORKING_DAYS = 3
REMIND_AFTER_WORKING_DAYS = 2


CALENDAR_FILE = Path(__file__).resolve().parent / "data" / "working_calendar.csv"
HOLIDAY, WORKDAY = "holiday", "workday"


class CalendarFileError(ValueError):
    """The working calendar file says something that cannot be a calendar entry."""


@dataclass(frozen=True)
class WorkingCalendar:
    """The State Council's yearly holiday notice (国务院办公厅关于部分节假日安排的通知), as
    ``matching/data/working_calendar.csv`` lists it: public holidays, and the weekend days worked
    in exchange (调休上班). ``years`` are those the file covers; other years are plain
    Monday–Friday (see ``calendar_gaps``)."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]

    @classmethod
    def read(cls, path: Path) -> WorkingCalendar:
        holidays: set[date] = set()
        workdays: set[date] = set()
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                day = _calendar_day(row, path, line)
                (holidays if row["kind"] == HOLIDAY else workdays).add(day)
        both = holidays & workdays
        if both:
            raise CalendarFileError(f"{path}: {min(both)} is listed as both holiday and workday")
        years = frozenset(day.year for day in holidays | workdays)
        return cls(frozenset(holidays), frozenset(workdays), years)


def _calendar_day(row: dict[str, str], path: Path, line: int) -> date:
    try:
        day = date.fromisoformat(row.get("day") or "")
    except ValueError:
        raise CalendarFileError(f"{path}, line {line}: day must be YYYY-MM-DD") from None
    if row.get("kind") not in (HOLIDAY, WORKDAY):
        raise CalendarFileError(f"{path}, line {line}: kind must be {HOLIDAY} or {WORKDAY}")
    if row["kind"] == WORKDAY and day.weekday() < 5:
        raise CalendarFileError(f"{path}, line {line}: {day} is a weekday, worked anyway")
    return day


CALENDAR_GAP_HINT = (
    "the working calendar has no {year} entries, so working days in {year} are counted as "
    "plain Monday-Friday; add that year's State Council holiday notice to "
    "qihub/matching/data/working_calendar.csv"
)


@cache
def working_calendar() -> WorkingCalendar:
    return WorkingCalendar.read(CALENDAR_FILE)


def calendar_gaps(today: date, *, notice_month: int = 12) -> list[int]:
    """The years a reminder run may need that the calendar does not list: this year, and from
    ``notice_month`` on (the notice for next year comes out in November or December) next
    year too. Working days there are counted as plain Monday–Friday."""
    needed = [today.year] + ([today.year + 1] if today.month >= notice_month else [])
    return [year for year in needed if year not in working_calendar().years]


def is_working_day(day: date) -> bool:
    """Monday–Friday, except public holidays; make-up Saturdays and Sundays are working days."""
    calendar = working_calendar()
    if day in calendar.workdays:
        return True
    if day in calendar.holidays:
        return False
    return day.weekday() < 5


def add_working_days(moment: datetime, days: int) -> datetime:
    """The same local time of day ``days`` working days after ``moment``: an invitation sent on
    Friday 10:00 with three working days is due Wednesday 10:00; one sent on Saturday, too."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    result = datetime.combine(day, local.time())
    if timezone.is_aware(moment):
        return timezone.make_aware(result, timezone.get_current_timezone())
    return result


def answer_due_at(invited_at: datetime) -> datetime:
    return add_working_days(invited_at, ANSWER_WORKING_DAYS)


def reminder_due_at(invited_at: datetime) -> datetime:
    return add_working_days(invited_at, REMIND_AFTER_WORKING_DAYS)


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: reminders sent and invitations marked not responding."""

    now: datetime
    reminded: tuple[str, ...]  # invitation public ids
    not_responding: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "now": self.now.isoformat(),
            "reminded": len(self.reminded),
            "not_responding": len(self.not_responding),
            "reminded_invitations": list(self.reminded),
            "not_responding_invitations": list(self.not_responding),
        }


def remind_unanswered_invitations(*, now: datetime | None = None) -> ReminderRun:
    """Remind institutions two working days into an unanswered invitation and mark it
    ``not_responding`` at the deadline (telling the enterprise). Idempotent."""
    now = now or timezone.now()
    # Two working days are at least two calendar days: a cheap bound for the SQL.
    candidates = (
        Invitation.objects.filter(
            status=Invitation.Status.INVITED,
            request__status=ServiceRequest.Status.OPEN,
            invited_at__lte=now - timedelta(days=REMIND_AFTER_WORKING_DAYS),
        )
        .select_related("request__enterprise", "institution")
        .order_by("invited_at", "id")
    )
    reminded: list[str] = []
    lapsed: list[str] = []
    for invitation in candidates.iterator(chunk_size=500):
        if now >= invitation.due_at:
            if _mark_not_responding(invitation.pk, now):
                lapsed.append(str(invitation.public_id))
        elif (
            invitation.reminded_at is None
            and now >= reminder_due_at(invitation.invited_at)
            and _remind(invitation.pk, now)
        ):
            reminded.append(str(invitation.public_id))
    return ReminderRun(now=now, reminded=tuple(reminded), not_responding=tuple(lapsed))


def _locked_unanswered(pk: int) -> Invitation | None:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("request__enterprise", "institution")
        .get(pk=pk)
    )
    if invitation.status != Invitation.Status.INVITED:
        return None  # answered (or withdrawn) since the candidates were read
    return invitation


def _remind(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        invitation = _locked_unanswered(pk)
        if invitation is None or invitation.reminded_at is not None:
            return False
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at", "updated_at"])
        record_action(
            actor=None,
            action="matching.invitation_reminded",
            target=invitation,
            after={"request": str(invitation.request.public_id), "reminded_at": now.isoformat()},
        )
        due = timezone.localtime(invitation.due_at)
        notify_organisation(
            organisation=invitation.institution,
            kind="service_invitation_reminder",
            title=_("请尽快答复服务需求邀请：%(title)s") % {"title": invitation.request.title},
            message=_(
                "%(enterprise)s 邀请贵机构报价，答复期限为 %(due)s。逾期未答复将被标记为未响应。"
            )
            % {"enterprise": invitation.request.enterprise.name, "due": f"{due:%Y-%m-%d %H:%M}"},
            link=invitation.page_path,
            by=None,
        )
    return True


def _mark_not_responding(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        invitation = _locked_unanswered(pk)
        if invitation is None:
            return False
        invitation.status = Invitation.Status.NOT_RESPONDING
        invitation.save(update_fields=["status", "updated_at"])
        record_action(
            actor=None,
            action="matching.invitation_not_responding",
            target=invitation,
            before={"status": Invitation.Status.INVITED},
            after={"status": invitation.status, "at": now.isoformat()},
        )
        notify_organisation(
            organisation=invitation.request.enterprise,
            kind="service_invitation_not_responding",
            title=_("%(institution)s 未在期限内答复")
            % {"institution": invitation.institution.name},
            message=_("您的服务需求“%(title)s”的邀请已超过3个工作日未获答复，可邀请其他机构。")
            % {"title": invitation.request.title},
            link=invitation.request.page_path,
            by=None,
        )
    return True
