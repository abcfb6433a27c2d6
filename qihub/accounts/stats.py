"""Read-only aggregates over organisations: the key figures and per-city counts of public pages.

Only active organisations count: they are the public register (``OrganisationQuerySet.active``).
Each function runs one or two aggregate queries, whatever the number of organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from qihub.accounts.models import Organisation
from qihub.accounts.querysets import INSTITUTION_KINDS
from qihub.reference.models import Region


@dataclass(frozen=True)
class KeyFigures:
    """Headline counts of the public register."""

    organisations: int
    institutions: int
    testing_labs: int
    certification_bodies: int
    metrology_institutes: int
    enterprises: int
    cities_covered: int
    cities_total: int


@dataclass(frozen=True)
class CityCount:
    """Active organisations in one prefecture-level city, with the city's reference point."""

    code: str
    name: str
    name_en: str
    organisations: int
    institutions: int
    longitude: Decimal | None
    latitude: Decimal | None


def key_figures() -> KeyFigures:
    """Counts of active organisations: all, institutions, some kinds, and cities with any."""
    active = Organisation.objects.active()
    kinds = Organisation.Kind
    counts = active.aggregate(
        organisations=Count("pk"),
        institutions=Count("pk", filter=Q(kind__in=INSTITUTION_KINDS)),
        testing_labs=Count("pk", filter=Q(kind=kinds.TESTING_LAB)),
        certification_bodies=Count("pk", filter=Q(kind=kinds.CERTIFICATION_BODY)),
        metrology_institutes=Count("pk", filter=Q(kind=kinds.METROLOGY_INSTITUTE)),
        enterprises=Count("pk", filter=Q(kind=kinds.ENTERPRISE)),
        cities_covered=Count("city", distinct=True),
    )
    return KeyFigures(cities_total=Region.objects.cities().count(), **counts)


def organisations_by_kind() -> dict[str, int]:
    """Active organisations per kind value; every kind is present, zero when none."""
    counts = dict.fromkeys(Organisation.Kind.values, 0)
    rows = Organisation.objects.active().values("kind").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts


def organisations_by_city() -> list[CityCount]:
    """Every prefecture-level city in code order with its active organisations (zero included)."""
    rows = {
        row["city"]: row
        for row in Organisation.objects.active()
        .values("city")
        .annotate(
            n=Count("pk"),
            institutions=Count("pk", filter=Q(kind__in=INSTITUTION_KINDS)),
        )
        .order_by()
    }
    result = []
    for city in Region.objects.cities().order_by("code"):
        row = rows.get(city.pk, {})
        result.append(
            CityCount(
                code=city.code,
                name=city.name,
                name_en=city.name_en,
                organisations=int(row.get("n", 0)),
                institutions=int(row.get("institutions", 0)),
                longitude=city.longitude,
                latitude=city.latitude,
            )
        )
    return result
