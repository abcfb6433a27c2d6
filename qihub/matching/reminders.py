"""Working days, and chasing invitations nobody answered.

An invitation is due three working days after it was sent. After two working days without an
answer the institution gets one reminder; at the deadline the invitation is marked
``not_responding`` and the enterprise is told, so it can invite someone else.
``remind_unanswered_invitations(now=...)`` does both and is safe to run as often as wanted (cron
``qihub requests remind`` hourly): each reminder and each mark happens once.

Working days are Monday to Friday, minus the public holidays and plus the make-up working days
(调休) of the State Council's yearly notice, listed below for the years the platform runs in.
Limitation: dates outside ``HOLIDAY_YEARS`` fall back to plain Monday–Friday, so the table needs a
new year added each December when the notice is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.services import notify_organisation
from qihub.matching.models import Invitation, ServiceRequest

ANSWER_WORKING_DAYS = 3
REMIND_AFTER_WORKING_DAYS = 2


def _days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


# 国务院办公厅关于部分节假日安排的通知: 2025 (国办发明电〔2024〕12号) and 2026 (November 2025).
PUBLIC_HOLIDAYS: frozenset[date] = frozenset().union(
    _days(date(2025, 1, 1), date(2025, 1, 1)),
    _days(date(2025, 1, 28), date(2025, 2, 4)),
    _days(date(2025, 4, 4), date(2025, 4, 6)),
    _days(date(2025, 5, 1), date(2025, 5, 5)),
    _days(date(2025, 5, 31), date(2025, 6, 2)),
    _days(date(2025, 10, 1), date(2025, 10, 8)),
    _days(date(2026, 1, 1), date(2026, 1, 3)),
    _days(date(2026, 2, 15), date(2026, 2, 23)),
    _days(date(2026, 4, 4), date(2026, 4, 6)),
    _days(date(2026, 5, 1), date(2026, 5, 5)),
    _days(date(2026, 6, 19), date(2026, 6, 21)),
    _days(date(2026, 9, 25), date(2026, 9, 27)),
    _days(date(2026, 10, 1), date(2026, 10, 7)),
)
# Weekend days worked in exchange (调休上班).
MAKE_UP_WORKING_DAYS: frozenset[date] = frozenset(
    {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)
HOLIDAY_YEARS = frozenset({2025, 2026})


def is_working_day(day: date) -> bool:
    """Monday–Friday, except public holidays; make-up Saturdays and Sundays are working days."""
    if day in MAKE_UP_WORKING_DAYS:
        return True
    if day in PUBLIC_HOLIDAYS:
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
