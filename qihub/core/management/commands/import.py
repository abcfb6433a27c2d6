"""``qihub import KIND FILE``: validate every row, then write all or nothing.

Exit status 0 when the file was imported (or, with --dry-run, is valid); 1 when any row is
invalid or the file cannot be read. Each problem is printed as ``row N, column C: message``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.core.context import client_address
from qihub.core.errors import DomainError
from qihub.core.imports import (
    ImportResult,
    importer_for,
    importer_kinds,
    run_import,
)


class Command(BaseCommand):
    help = "Import a CSV or XLSX file (orgs, …); all-or-nothing, re-running changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=f"what the file holds: {', '.join(importer_kinds())}")
        parser.add_argument("file", type=Path, help="UTF-8 CSV with a header row, or XLSX")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--as",
            dest="acting_user",
            default="",
            help="username recorded as the actor in the audit log",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = self._acting_user(options["acting_user"])
        try:
            importer = importer_for(options["kind"])
            with client_address("cli"):
                result = run_import(importer, path, by=by, dry_run=options["dry_run"])
        except DomainError as error:
            # A file that cannot be read, or an acting user (--as) not allowed to write it:
            # nothing was written either way (the writes share one transaction).
            if options["json"]:
                self.stdout.write(
                    json.dumps({"ok": False, "detail": error.detail}, ensure_ascii=False)
                )
            raise CommandError(error.detail) from error
        self._report(result, as_json=options["json"])
        if not result.ok:
            raise CommandError(
                f"{result.error_count} error(s) in {path.name}; nothing was written",
                returncode=1,
            )

    def _acting_user(self, username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as {username}: no such active user")
        return user

    def _report(self, result: ImportResult, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        for error in result.errors:
            self.stderr.write(str(error))
        if result.error_count > len(result.errors):
            self.stderr.write(f"… and {result.error_count - len(result.errors)} more errors")
        if not result.ok:
            return
        counts = result.counts
        if result.dry_run:
            self.stdout.write(f"{result.kind}: {result.rows} rows valid (dry run, nothing written)")
        elif counts.created or counts.updated:
            self.stdout.write(
                f"{result.kind}: {counts.created} created, {counts.updated} updated,"
                f" {counts.unchanged} unchanged ({result.rows} rows)"
            )
        else:
            self.stdout.write(f"{result.kind}: no changes ({result.rows} rows already up to date)")
