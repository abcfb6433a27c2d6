"""``qihub certification keygen|remind-silent|verify``.

``keygen PATH`` writes a new Ed25519 signing key (PEM, mode 0600; never overwrites) and prints
its key id; point ``QIHUB_SIGNING_KEY_FILE`` at it. ``remind-silent [--json]`` notifies bodies
that have not uploaded for 30 days, once per silence period (cron it daily).
``verify NUMBER [--on DATE] [--json]`` prints the signed verification answer.
``watch-notify [--now DATETIME] [--json]`` sends watchlist notices not sent yet (status changes,
expiry within 30 days; idempotent, cron it daily). ``risk-scan [--now DATETIME] [--json]`` runs
the risk rules and creates or refreshes warnings (idempotent). ``figures [--on DATE] [--json]``
prints valid certificates and certified organisations against the plan's targets.
All exit 0 on success and 1 on failure.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qihub.certification.figures import certification_figures
from qihub.certification.freshness import remind_silent_bodies
from qihub.certification.risk import risk_scan
from qihub.certification.signing import generate_key_file
from qihub.certification.verification import signed_answer
from qihub.certification.watchlists import notify_watchers
from qihub.core.context import client_address


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on {text}: expected a date as YYYY-MM-DD", returncode=1) from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text}: expected a date or time as YYYY-MM-DD[THH:MM]", returncode=1
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Certificates: signing key, reminders to silent bodies, verification."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="write a new Ed25519 signing key file (0600)")
        keygen.add_argument("path", type=Path, help="where to write the PEM file")
        keygen.add_argument("--json", action="store_true", help="print the answer as JSON")
        remind = sub.add_parser(
            "remind-silent", help="notify bodies silent for 30 days (once per silence period)"
        )
        remind.add_argument("--json", action="store_true", help="print the answer as JSON")
        verify = sub.add_parser("verify", help="verify a certificate number (signed answer)")
        verify.add_argument("number", help="the certificate number, as typed")
        verify.add_argument("--on", default="", help="the day to check (YYYY-MM-DD; today)")
        verify.add_argument("--json", action="store_true", help="print the answer as JSON")
        watch = sub.add_parser("watch-notify", help="send watchlist notices (idempotent)")
        watch.add_argument("--now", default="", help="the moment to act at (ISO; now)")
        watch.add_argument("--json", action="store_true", help="print the answer as JSON")
        scan = sub.add_parser("risk-scan", help="run the risk rules (idempotent)")
        scan.add_argument("--now", default="", help="the moment to act at (ISO; now)")
        scan.add_argument("--json", action="store_true", help="print the answer as JSON")
        figures = sub.add_parser("figures", help="valid certificates and certified organisations")
        figures.add_argument("--on", default="", help="the day (YYYY-MM-DD; today)")
        figures.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "keygen":
            self._keygen(options["path"], as_json=options["json"])
        elif action == "remind-silent":
            with client_address("cli"):
                sent = remind_silent_bodies(timezone.now())
            if options["json"]:
                self.stdout.write(json.dumps({"notified": sent}))
            else:
                self.stdout.write(f"{sent} silent certification bod(ies) reminded")
        elif action == "watch-notify":
            now = _moment(options["now"]) if options["now"] else timezone.now()
            with client_address("cli"):
                report = notify_watchers(now)
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict()))
            else:
                self.stdout.write(
                    f"{report.status_notices} status notice(s), "
                    f"{report.expiry_notices} expiry notice(s) sent"
                )
        elif action == "risk-scan":
            now = _moment(options["now"]) if options["now"] else timezone.now()
            with client_address("cli"):
                scan = risk_scan(now)
            if options["json"]:
                self.stdout.write(json.dumps(scan.as_dict()))
            else:
                self.stdout.write(
                    f"{scan.created} warning(s) created, {scan.refreshed} refreshed, "
                    f"{scan.suppressed} dismissed before"
                )
        elif action == "figures":
            day = _day(options["on"]) if options["on"] else None
            figures = certification_figures(day)
            if options["json"]:
                self.stdout.write(json.dumps(figures, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{figures['on']}: {figures['valid_certificates']} valid certificates, "
                    f"{figures['certified_organisations']} certified organisations"
                )
                for target in figures["targets"]:
                    state = "met" if target["met"] else "not met"
                    self.stdout.write(
                        f"  {target['key']}: {target['value']} {target['comparator']} "
                        f"{target['target']:g} ({state})"
                    )
        else:
            on = _day(options["on"]) if options["on"] else None
            answer = signed_answer(options["number"], on=on)
            if options["json"]:
                self.stdout.write(json.dumps(answer, ensure_ascii=False))
            else:
                state = answer["effective_status"] or "not found"
                self.stdout.write(f"{answer['number']}: {state}")
                self.stdout.write(answer["explanation"])

    def _keygen(self, path: Path, *, as_json: bool) -> None:
        try:
            key = generate_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path}: already exists; not overwritten", returncode=1) from None
        except OSError as error:
            raise CommandError(f"{path}: cannot write ({error.strerror})", returncode=1) from None
        if as_json:
            self.stdout.write(json.dumps({"path": str(path), "key_id": key.key_id}))
        else:
            self.stdout.write(
                f"wrote {path} (Ed25519, key id {key.key_id}); set QIHUB_SIGNING_KEY_FILE"
            )
