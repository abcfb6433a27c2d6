"""System checks (``qihub check``, and every deploy's ``check --deploy``) for matching."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.utils import timezone

from qihub.matching.reminders import CALENDAR_GAP_HINT, calendar_gaps


@register()
def working_calendar_covers_the_year(**kwargs: Any) -> list[CheckMessage]:
    """Invitation deadlines count working days: a year missing from the calendar silently
    treats its holidays as working days and its make-up weekends as days off."""
    return [
        Warning(
            CALENDAR_GAP_HINT.format(year=year),
            hint="The notice (国务院办公厅关于部分节假日安排的通知) is published each November "
            "or December; list its holidays and make-up working days (day,kind,occasion).",
            id="qihub.W001",
        )
        for year in calendar_gaps(timezone.localdate())
    ]
