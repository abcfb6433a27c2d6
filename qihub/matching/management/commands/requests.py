"""``qihub requests remind [--now ISO] [--json]``: chase invitations nobody answered.

Reminds institutions two working days into an unanswered invitation and marks invitations
three working days old as not responding (telling the enterprise). Cron it hourly: re-running
it reminds and marks nobody twice. Exits 0 on success and 1 on a bad ``--now``. Warns on
stderr when the working calendar lacks the year (or, in December, next year).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qihub.core.context import client_address
from qihub.matching.reminders import (
    CALENDAR_GAP_HINT,
    calendar_gaps,
    remind_unanswered_invitations,
)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text}: expected an ISO date-time such as 2026-03-02T09:00", returncode=1
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class Command(BaseCommand):
    help = "Service requests: remind institutions of unanswered invitations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser(
            "remind",
            help="remind after 2 working days, mark not responding after 3 (idempotent)",
        )
        remind.add_argument("--now", default="", help="act as of this ISO date-time (default: now)")
        remind.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"]) if options["now"] else timezone.now()
        for year in calendar_gaps(timezone.localdate(now)):
            # Still runs: a missing year is counted as plain Monday–Friday, not refused.
            self.stderr.write(f"warning: {CALENDAR_GAP_HINT.format(year=year)}")
        with client_address("cli"):
            run = remind_unanswered_invitations(now=now)
        if options["json"]:
            self.stdout.write(json.dumps(run.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{len(run.reminded)} reminder(s) sent, "
            f"{len(run.not_responding)} invitation(s) marked not responding "
            f"as of {now:%Y-%m-%d %H:%M}"
        )
