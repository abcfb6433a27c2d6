"""``qihub certification keygen|remind-silent|verify``.

``keygen PATH`` writes a new Ed25519 signing key (PEM, mode 0600; never overwrites) and prints
its key id; point ``QIHUB_SIGNING_KEY_FILE`` at it. ``remind-silent [--json]`` notifies bodies
that have not uploaded for 30 days, once per silence period (cron it daily).
``verify NUMBER [--on DATE] [--json]`` prints the signed verification answer.
All exit 0 on success and 1 on failure.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qihub.certification.freshness import remind_silent_bodies
from qihub.certification.signing import generate_key_file
from qihub.certification.verification import signed_answer
from qihub.core.context import client_address


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on {text}: expected a date as YYYY-MM-DD", returncode=1) from None


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
