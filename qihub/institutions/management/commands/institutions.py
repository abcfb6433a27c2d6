"""``qihub institutions notify-expiring|expiring``: qualifications about to expire.

``notify-expiring [--on DATE] [--within DAYS] [--json]`` notifies institutions (cron it daily;
re-running the same day notifies nobody) and prints how many notices it sent.
``expiring [--on DATE] [--within DAYS] [--json]`` lists the qualifications ending soon.
Both exit 0 on success and 1 on bad arguments.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qihub.core.context import client_address
from qihub.institutions.expiry import (
    THRESHOLDS,
    expiring_qualifications,
    notify_expiring_qualifications,
)

MAX_WITHIN = 3650


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on {text}: expected a date as YYYY-MM-DD", returncode=1) from None


class Command(BaseCommand):
    help = "Qualifications about to expire: notify their institutions, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        notify = sub.add_parser(
            "notify-expiring",
            help=f"notify institutions once per threshold ({', '.join(map(str, THRESHOLDS))} days)",
        )
        listing = sub.add_parser(
            "expiring", help="list effectively valid qualifications ending soon"
        )
        for command in (notify, listing):
            command.add_argument("--on", default="", help="the day to act as (YYYY-MM-DD; today)")
            command.add_argument(
                "--within", type=int, default=90, help="window in days (default 90)"
            )
            command.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _day(options["on"]) if options["on"] else timezone.localdate()
        within = options["within"]
        if not 0 <= within <= MAX_WITHIN:
            raise CommandError(f"--within {within}: expected 0–{MAX_WITHIN} days", returncode=1)
        if options["action"] == "notify-expiring":
            with client_address("cli"):
                sent = notify_expiring_qualifications(on=on, within_days=within)
            if options["json"]:
                payload = {"on": on.isoformat(), "within_days": within, "notified": sent}
                self.stdout.write(json.dumps(payload))
            else:
                self.stdout.write(
                    f"{sent} notification(s) sent for qualifications expiring by {on}+{within}d"
                )
            return
        items = expiring_qualifications(on=on, within_days=within)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "on": on.isoformat(),
                        "within_days": within,
                        "count": len(items),
                        "items": [item.as_dict() for item in items],
                    },
                    ensure_ascii=False,
                )
            )
            return
        for item in items:
            q = item.qualification
            self.stdout.write(
                f"{q.valid_to}  {item.days_left:>4}d  {q.type:<15} {q.number:<24} "
                f"{q.organisation.uscc} {q.organisation.name}"
            )
        self.stdout.write(f"{len(items)} qualification(s) expiring within {within} days of {on}")
