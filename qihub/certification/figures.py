"""The certification figures the plan's targets are measured with, computed in SQL.

* valid certificates: effectively active on the day (recorded active, issued_on ≤ day ≤
  expires_on), the measure of ``certification.certificates`` (> 75,000);
* certified organisations: distinct holders with at least one valid certificate, the measure of
  ``certification.certified_organisations`` (> 30,000);

each by the holder's city and by certification type, and over time at the last 24 month ends
(one scan for the whole series: one conditional count per month end).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from qihub.certification.models import Certificate
from qihub.certification.querysets import effectively_active_condition
from qihub.certification.types import certification_types, type_name
from qihub.reference.models import PlanTarget, Region

TARGET_CERTIFICATES = "certification.certificates"
TARGET_ORGANISATIONS = "certification.certified_organisations"
SERIES_MONTHS = 24


def month_ends(on: date, count: int = SERIES_MONTHS) -> list[date]:
    """The last ``count`` month ends up to ``on`` (``on`` itself for the current month), oldest
    first."""
    ends = [on]
    year, month = on.year, on.month
    for _ in range(count - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
    return list(reversed(ends))


@dataclass(frozen=True)
class TargetProgress:
    key: str
    description: str
    comparator: str
    target: Decimal
    unit: str
    deadline: date
    value: int

    @property
    def met(self) -> bool:
        if self.comparator == ">":
            return self.value > self.target
        return self.value >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "description": self.description,
            "comparator": self.comparator,
            "target": float(self.target),
            "unit": self.unit,
            "deadline": self.deadline.isoformat(),
            "value": self.value,
            "met": self.met,
        }


def _totals(on: date) -> tuple[int, int]:
    figures = Certificate.objects.filter(effectively_active_condition(on)).aggregate(
        certificates=Count("id"), organisations=Count("holder_id", distinct=True)
    )
    return figures["certificates"], figures["organisations"]


def by_city(on: date) -> list[dict[str, Any]]:
    rows = (
        Certificate.objects.filter(effectively_active_condition(on))
        .values("holder__city_id")
        .annotate(certificates=Count("id"), organisations=Count("holder_id", distinct=True))
    )
    found = {r["holder__city_id"]: r for r in rows}
    cities = Region.objects.filter(pk__in=list(found)).order_by("code")
    return [
        {
            "code": city.code,
            "name": city.name,
            "certificates": found[city.pk]["certificates"],
            "organisations": found[city.pk]["organisations"],
        }
        for city in cities
    ]


def by_type(on: date) -> list[dict[str, Any]]:
    rows = (
        Certificate.objects.filter(effectively_active_condition(on))
        .values("cert_type")
        .annotate(certificates=Count("id"), organisations=Count("holder_id", distinct=True))
        .order_by("-certificates", "cert_type")
    )
    types = certification_types()
    return [
        {
            "code": r["cert_type"],
            "name": type_name(r["cert_type"]),
            "category": types[r["cert_type"]].category if r["cert_type"] in types else "",
            "certificates": r["certificates"],
            "organisations": r["organisations"],
        }
        for r in rows
    ]


def series(on: date, months: int = SERIES_MONTHS) -> list[dict[str, Any]]:
    """Valid certificates and certified organisations at each month end, in one query."""
    ends = month_ends(on, months)
    aggregates: dict[str, Any] = {}
    for position, day in enumerate(ends):
        condition = Q(effectively_active_condition(day))
        aggregates[f"c{position}"] = Count("id", filter=condition)
        aggregates[f"o{position}"] = Count("holder_id", filter=condition, distinct=True)
    # Only certificates valid at some month end in the window can count.
    values = Certificate.objects.filter(
        status=Certificate.Status.ACTIVE, expires_on__gte=ends[0], issued_on__lte=ends[-1]
    ).aggregate(**aggregates)
    return [
        {
            "month_end": day.isoformat(),
            "certificates": values[f"c{position}"],
            "organisations": values[f"o{position}"],
        }
        for position, day in enumerate(ends)
    ]


def targets(certificates: int, organisations: int) -> list[TargetProgress]:
    keys = [TARGET_CERTIFICATES, TARGET_ORGANISATIONS]
    found = {t.key: t for t in PlanTarget.objects.filter(key__in=keys)}
    progress = []
    for key, value in ((TARGET_CERTIFICATES, certificates), (TARGET_ORGANISATIONS, organisations)):
        target = found.get(key)
        if target is None:
            continue
        progress.append(
            TargetProgress(
                key=key,
                description=target.description_zh,
                comparator=target.comparator,
                target=target.target_value,
                unit=target.unit,
                deadline=target.deadline,
                value=value,
            )
        )
    return progress


def certification_figures(on: date | None = None) -> dict[str, Any]:
    """Everything the figures page and API show, for ``on`` (today)."""
    day = on or timezone.localdate()
    certificates, organisations = _totals(day)
    return {
        "on": day.isoformat(),
        "valid_certificates": certificates,
        "certified_organisations": organisations,
        "targets": [t.as_dict() for t in targets(certificates, organisations)],
        "by_city": by_city(day),
        "by_type": by_type(day),
        "series": series(day),
    }
