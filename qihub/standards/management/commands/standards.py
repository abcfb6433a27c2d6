"""``qihub standards lookup CODE [--json]``: which edition of a standard is in force."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.core.errors import DomainError
from qihub.standards.presenters import lookup_as_dict
from qihub.standards.queries import lookup_standard


class Command(BaseCommand):
    help = "Look up a standard by any spelling of its code; exit 1 when it is unknown."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lookup = sub.add_parser("lookup", help="the edition in force and the version chain")
        lookup.add_argument("code", help="e.g. 'GB/T 228.1-2021', 'gbt 228.1', 'JJG52-2013'")
        lookup.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            answer = lookup_as_dict(lookup_standard(options["code"]))
        except DomainError as error:
            if options["json"]:
                self.stdout.write(
                    json.dumps({"code": error.code, "detail": error.detail}, ensure_ascii=False)
                )
            raise CommandError(error.detail, returncode=1) from error
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            return
        self.stdout.write(f"{answer['code']}  {answer['title_zh']}  [{answer['status']}]")
        self.stdout.write(f"in force: {answer['current'] or '— (withdrawn, no successor)'}")
        for version in answer["versions"]:
            self.stdout.write(f"  {version['code']:<28} {version['status']}")
