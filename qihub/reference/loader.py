"""Load the shipped reference files idempotently: a second run changes nothing.

Rows are upserted by natural key (code or key), parents before children, all in one transaction.
The files live in ``reference/data/`` and were built from public sources (see data/README.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from qihub.reference.models import Cluster, Field, Industry, PlanTarget, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
TRILLION_BASES = frozenset({"AEM", "PCF", "MNM"})  # the plan's three trillion-yuan bases


class ReferenceDataError(Exception):
    """A shipped file is inconsistent (a bug in the release, not user input)."""


@dataclass
class LoadCounts:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value.strip() else None


def _upsert(
    model: type[models.Model],
    key_field: str,
    key: str,
    values: dict[str, Any],
    counts: LoadCounts,
    existing: dict[str, Any],
) -> Any:
    label = model._meta.model_name or ""
    counts.created.setdefault(label, 0)
    counts.updated.setdefault(label, 0)
    instance = existing.get(key)
    if instance is None:
        instance = model._default_manager.create(**{key_field: key}, **values)
        existing[key] = instance
        counts.created[label] += 1
        return instance
    changed = [name for name, value in values.items() if _differs(instance, name, value)]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        counts.updated[label] += 1
    return instance


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    current = getattr(instance, name)
    if isinstance(value, Decimal) and current is not None:
        return Decimal(current) != value
    return bool(current != value)


def load_regions(counts: LoadCounts) -> dict[str, Region]:
    existing: dict[str, Any] = {r.code: r for r in Region.objects.all()}
    for row in sorted(
        _rows("regions.csv"), key=lambda r: ("province", "prefecture", "county").index(r["level"])
    ):
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        if row["parent_code"] and parent is None:
            raise ReferenceDataError(f"region {row['code']}: unknown parent {row['parent_code']}")
        _upsert(
            Region,
            "code",
            row["code"],
            {
                "name": row["name"],
                "name_en": row["name_en"],
                "level": row["level"],
                "admin_type": row["admin_type"],
                "parent": parent,
                "longitude": _decimal(row["lon"]),
                "latitude": _decimal(row["lat"]),
            },
            counts,
            existing,
        )
    return existing


def load_industries(counts: LoadCounts) -> dict[str, Industry]:
    existing: dict[str, Any] = {i.key: i for i in Industry.objects.all()}
    for row in sorted(_rows("industries.csv"), key=lambda r: r["level"]):
        parent = existing.get(row["parent_key"]) if row["parent_key"] else None
        if row["parent_key"] and parent is None:
            raise ReferenceDataError(f"industry {row['key']}: unknown parent {row['parent_key']}")
        _upsert(
            Industry,
            "key",
            row["key"],
            {
                "level": int(row["level"]),
                "parent": parent,
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "gbt4754_codes": row["gbt4754_2017_codes"],
                "gbt4754_names": row["gbt4754_2017_names"],
                "liaoning_context": row["liaoning_context"],
                "is_trillion_base": row["key"].split("-")[0] in TRILLION_BASES,
            },
            counts,
            existing,
        )
    return existing


def load_clusters(
    counts: LoadCounts, regions: dict[str, Region], industries: dict[str, Industry]
) -> None:
    existing: dict[str, Any] = {c.key: c for c in Cluster.objects.all()}
    for row in _rows("clusters.csv"):
        try:
            city = regions[row["city_code"]]
            county = regions[row["county_code"]] if row["county_code"] else None
            keys = [k for k in row["industry_keys"].split(";") if k]
            wanted = {industries[k].pk for k in keys}
        except KeyError as error:
            raise ReferenceDataError(f"cluster {row['id']}: unknown code {error}") from error
        is_new = row["id"] not in existing
        cluster = _upsert(
            Cluster,
            "key",
            row["id"],
            {
                "name_zh": row["name_zh"],
                "type": row["type"],
                "level": row["level"],
                "city": city,
                "county": county,
                "main_industries_zh": row["main_industries_zh"],
                "notes": row["notes"],
            },
            counts,
            existing,
        )
        if set(cluster.industries.values_list("pk", flat=True)) != wanted:
            cluster.industries.set(wanted)
            if not is_new:
                counts.updated["cluster"] += 1


def load_plan_targets(counts: LoadCounts) -> None:
    existing: dict[str, Any] = {t.key: t for t in PlanTarget.objects.all()}
    for row in _rows("plan_targets.csv"):
        _upsert(
            PlanTarget,
            "key",
            row["key"],
            {
                "area": row["area"],
                "description_zh": row["description_zh"],
                "description_en": row["description_en"],
                "target_value": Decimal(row["target_value"]),
                "target_value_max": _decimal(row["target_value_max"]),
                "comparator": row["comparator"],
                "unit": row["unit"],
                "deadline": date.fromisoformat(row["deadline"]),
                "notes": row["notes"],
            },
            counts,
            existing,
        )


def load_fields(counts: LoadCounts) -> None:
    """Testing fields and metrology disciplines, parents (no parent_code) before children."""
    existing: dict[str, Any] = {f.code: f for f in Field.objects.all()}
    for row in sorted(
        _rows("testing_fields.csv"), key=lambda r: (bool(r["parent_code"]), r["code"])
    ):
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        if row["parent_code"] and parent is None:
            raise ReferenceDataError(f"field {row['code']}: unknown parent {row['parent_code']}")
        _upsert(
            Field,
            "code",
            row["code"],
            {
                "scheme": row["scheme"],
                "parent": parent,
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "examples_zh": row["examples_zh"],
                "typical_standards": row["typical_standards"],
                "confidence": row["confidence"],
            },
            counts,
            existing,
        )


def load_reference_data() -> LoadCounts:
    """Upsert every reference file; returns what was created or changed per model."""
    counts = LoadCounts()
    with transaction.atomic():
        regions = load_regions(counts)
        industries = load_industries(counts)
        load_clusters(counts, regions, industries)
        load_plan_targets(counts)
        load_fields(counts)
    return counts


def ensure_reference_data() -> None:
    """Load reference data only if it is missing (cheap check; used by tests and `make run`)."""
    if not Region.objects.exists() or not PlanTarget.objects.exists() or not Field.objects.exists():
        load_reference_data()
