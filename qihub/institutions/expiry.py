"""Qualifications about to expire: notify their institutions 90, 30 and 7 days ahead.

Meant to run daily (``qihub institutions notify-expiring``, cron-able). Each qualification tells
its organisation once per threshold: ``last_expiry_notice_on`` records the day of the last
notice, so running twice on the same day (or daily inside one threshold) notifies nobody again;
recording a renewal (a new ``valid_to``, through the services or an import) clears it, so the
thresholds start afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from qihub.accounts.models import User
from qihub.accounts.services import notify_organisation
from qihub.institutions.models import Qualification

THRESHOLDS = (90, 30, 7)
NOTICE_KIND = "qualification_expiring"


def institution_path(uscc: str) -> str:
    """The institution's public page (built by the web app)."""
    return f"/institutions/{uscc}/"


def threshold_for(days_left: int, within_days: int = max(THRESHOLDS)) -> int | None:
    """The smallest threshold (90, 30, 7, or the window itself) that ``days_left`` is within;
    None when it is beyond the window."""
    if days_left > within_days:
        return None
    candidates = [t for t in (*THRESHOLDS, within_days) if t <= within_days and days_left <= t]
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class ExpiringQualification:
    qualification: Qualification
    days_left: int

    def as_dict(self) -> dict[str, object]:
        q = self.qualification
        return {
            "uscc": q.organisation.uscc,
            "organisation": q.organisation.name,
            "type": q.type,
            "number": q.number,
            "valid_to": q.valid_to.isoformat(),
            "days_left": self.days_left,
        }


def expiring_qualifications(*, on: date, within_days: int = 90) -> list[ExpiringQualification]:
    """Effectively valid qualifications whose validity ends within ``within_days`` of ``on``,
    soonest first."""
    found = (
        Qualification.objects.expiring_within(within_days, on)
        .filter(organisation__is_active=True)
        .select_related("organisation")
        .order_by("valid_to", "type", "number")
    )
    return [ExpiringQualification(q, q.days_left_on(on)) for q in found]


def _due(qualification: Qualification, *, on: date, within_days: int) -> bool:
    current = threshold_for(qualification.days_left_on(on), within_days)
    if current is None:
        return False
    last = qualification.last_expiry_notice_on
    if last is None:
        return True
    if last >= on:
        return False  # already told today (or by a run for a later day)
    # The threshold the last notice was sent in, for today's valid_to (a renewal moves it).
    previous = threshold_for(qualification.days_left_on(last), within_days)
    return previous is None or previous > current


def notify_expiring_qualifications(
    *, on: date, within_days: int = 90, by: User | None = None
) -> int:
    """Notify each institution whose effectively valid qualification ends within the window,
    once per threshold; returns how many notifications were sent."""
    sent = 0
    for item in expiring_qualifications(on=on, within_days=within_days):
        qualification = item.qualification
        if not _due(qualification, on=on, within_days=within_days):
            continue
        with transaction.atomic():
            notify_organisation(
                organisation=qualification.organisation,
                kind=NOTICE_KIND,
                title=_("资质 %(type)s %(number)s 将于 %(day)s 到期")
                % {
                    "type": qualification.type,
                    "number": qualification.number,
                    "day": qualification.valid_to.isoformat(),
                },
                message=_(
                    "贵机构的%(label)s（证书编号 %(number)s）有效期至 %(day)s，"
                    "还有 %(days)d 天到期。请及时办理复查或延续，"
                    "到期后该资质下的能力将不再显示为有效。"
                )
                % {
                    "label": qualification.get_type_display(),
                    "number": qualification.number,
                    "day": qualification.valid_to.isoformat(),
                    "days": item.days_left,
                },
                link=institution_path(qualification.organisation.uscc),
                by=by,
            )
            Qualification.objects.filter(pk=qualification.pk).update(last_expiry_notice_on=on)
        sent += 1
    return sent
