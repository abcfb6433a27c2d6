"""``qihub demo``: realistic Liaoning demo data, written through the accounts services."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.accounts.models import Organisation
from qihub.core.errors import DomainError
from qihub.demo.loader import DEFAULT_SEED, DemoReport, load_demo
from qihub.demo.people import DEMO_PASSWORD
from qihub.demo.places import MissingReferenceData
from qihub.demo.scales import PUBLIC_SCALES, SCALES

# Progress goes to stderr once per this many organisations, for runs long enough to need it.
PROGRESS_EVERY = 50_000


class Command(BaseCommand):
    help = (
        "Fill the database with realistic Liaoning demo data: organisations of every kind with "
        "valid USCCs, addresses, phones and coordinates, the 15 market-supervision bureaus, and "
        f"demo logins (password {DEMO_PASSWORD}). The same scale and seed always give the same "
        "data, and a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            default="small",
            metavar="|".join(PUBLIC_SCALES),
            help="small: ~600 organisations (every kind and city); liaoning: ~30,000 "
            "(~2,300 institutions); national: ~1,000,000 (~55,000 institutions) spread over "
            "Liaoning's regions, a volume dataset for load tests. Default: small.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed, 0 or more (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if any organisation exists (used by `make run`)",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="confirm this is an evaluation database when QIHUB_DEBUG is off",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES.get(options["scale"])
        if scale is None:
            raise CommandError(
                f"unknown scale '{options['scale']}'; choose one of: {', '.join(PUBLIC_SCALES)}"
            )
        seed = options["seed"]
        if not isinstance(seed, int) or seed < 0:
            raise CommandError(f"--seed must be a whole number of 0 or more, not {seed!r}")
        as_json = options["json"]

        if options["if_empty"] and Organisation.objects.exists():
            existing = Organisation.objects.count()
            if as_json:
                self.stdout.write(json.dumps({"skipped": True, "organisations": existing}))
            else:
                self.stdout.write(
                    f"{existing:,} organisations already exist; no demo data loaded (--if-empty)"
                )
            return

        if not settings.DEBUG and not options["not_production"]:
            # The demo logins share a published password: refuse rather than warn, so demo data
            # can never slip into a production database by a mistyped command.
            raise CommandError(
                "QIHUB_DEBUG is off: demo data (with logins that share a published password) "
                "is for evaluation databases only; pass --not-production to load it anyway"
            )
        try:
            report = load_demo(scale=scale, seed=seed, progress=self._progress(scale.total))
        except (MissingReferenceData, DomainError) as error:
            raise CommandError(f"demo data not loaded: {error}") from error

        if as_json:
            self.stdout.write(
                json.dumps({"skipped": False, **report.as_dict()}, ensure_ascii=False)
            )
        else:
            self._print_summary(report)

    def _progress(self, total: int) -> Callable[[DemoReport], None] | None:
        if total < PROGRESS_EVERY * 2:
            return None
        mark = {"next": PROGRESS_EVERY}

        def report_progress(report: DemoReport) -> None:
            done = sum(report.by_kind.values())
            if done >= mark["next"]:
                mark["next"] += PROGRESS_EVERY
                sys.stderr.write(
                    f"  … {done:,} / {total:,} organisations, "
                    f"{report.organisations.created:,} created\n"
                )

        return report_progress

    def _print_summary(self, report: DemoReport) -> None:
        out = self.stdout
        out.write(f"QI Hub demo data: scale {report.scale}, seed {report.seed}")
        labels = dict(Organisation.Kind.choices)
        for kind, count in report.by_kind.items():
            out.write(f"  {kind:<24} {_pad(str(labels[kind]), 22)} {count:>10,}")
        out.write(f"  {'total':<24} {'':<22} {sum(report.by_kind.values()):>10,}")
        counts = report.organisations
        out.write(
            f"organisations: {counts.created:,} created, {counts.updated:,} updated, "
            f"{counts.unchanged:,} unchanged; profiles set: {report.profiles_set:,}"
        )
        out.write(
            f"users: {report.users_created} created, {report.users_existing} already there; "
            f"memberships added: {report.memberships_added}"
        )
        out.write(
            f"standards: {report.standards.created:,} created, "
            f"{report.standards.updated:,} updated, {report.standards.unchanged:,} unchanged, "
            f"{report.standards_generated:,} generated; "
            f"local-standard projects created: {report.local_standard_projects}; "
            f"declarations published: {report.declarations}"
        )
        if not report.changed:
            out.write("nothing changed: this scale and seed were already loaded")
        out.write(f"finished in {report.seconds:.1f} s")
        out.write(f"\nDemo logins (password {DEMO_PASSWORD}):")
        for login in report.logins:
            out.write(f"  {login.username:<18} {_pad(login.role, 28)} {login.organisation}")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)
