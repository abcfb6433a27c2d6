"""``qihub load_reference_data``: regions, industries, clusters, plan targets and testing fields
(idempotent)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qihub.reference.loader import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the shipped reference data; a second run changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference_data()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "created": counts.created,
                        "updated": counts.updated,
                        "changed": counts.changed,
                    }
                )
            )
            return
        for model, created in counts.created.items():
            updated = counts.updated.get(model, 0)
            self.stdout.write(f"{model}: {created} created, {updated} updated")
        if not counts.changed:
            self.stdout.write("reference data already up to date")
