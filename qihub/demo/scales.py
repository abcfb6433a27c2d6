"""How many organisations of each kind a demo scale makes: the one table to change.

The Liaoning column follows the province's real order of magnitude (DESIGN.md, "Scale it must
hold"; about 2,300 QI institutions, as SAMR statistics report for the province). ``small`` is about
a fiftieth of it, with every kind present and all fifteen regulators, for ``make run``.
``national`` is the nation-wide volume (about 55,000 institutions, 1,000,000 organisations), but
the reference data only knows Liaoning's regions, so it is a *volume* dataset spread over
Liaoning's cities and counties, for load and benchmark work, not a picture of China.
``tiny`` is not offered on the command line's help: tests use it to stay fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from qihub.accounts.models import Organisation

Kind = Organisation.Kind

# Generation order: public institutions first, so the names every city expects (市计量测试院,
# 市特种设备检验所…) are taken before company names are drawn, then the bulk.
KINDS_IN_ORDER: tuple[str, ...] = (
    Kind.REGULATOR,
    Kind.METROLOGY_INSTITUTE,
    Kind.SPECIAL_EQUIPMENT_BODY,
    Kind.STANDARDS_BODY,
    Kind.TESTING_LAB,
    Kind.CALIBRATION_LAB,
    Kind.CERTIFICATION_BODY,
    Kind.STATION_OPERATOR,
    Kind.ENTERPRISE,
)

SCALE_NAMES: tuple[str, ...] = ("tiny", "small", "liaoning", "national")
PUBLIC_SCALES: tuple[str, ...] = ("small", "liaoning", "national")

# kind                               tiny   small  liaoning   national
_TABLE: dict[str, tuple[int, int, int, int]] = {
    Kind.TESTING_LAB:               (3,     34,    1_700,     42_000),
    Kind.CALIBRATION_LAB:           (2,      7,      350,      7_000),
    Kind.METROLOGY_INSTITUTE:       (2,      2,       90,      3_000),
    Kind.CERTIFICATION_BODY:        (1,      1,       60,      1_100),
    Kind.STANDARDS_BODY:            (1,      1,       40,        900),
    Kind.SPECIAL_EQUIPMENT_BODY:    (1,      1,       60,      1_000),
    # One bureau for the province and one per city: the platform's jurisdictions (not scaled).
    Kind.REGULATOR:                 (15,    15,       15,         15),
    # The plan's 2025 target is at least 70 one-stop service stations.
    Kind.STATION_OPERATOR:          (1,      1,       70,      2_000),
    Kind.ENTERPRISE:                (25,   538,   27_615,    942_985),
}  # fmt: skip


# Standards work per scale: local-standard projects (the plan asks for 480 local standards by
# 2025), enterprise self-declarations, and the size of the catalogue (the real one, about 700
# editions, topped up with made-up editions by demo.catalogue: ~10,000 for a province,
# ~300,000 nation-wide).
# scale          projects  declarations  catalogue
_STANDARDS_WORK: dict[str, tuple[int, int, int]] = {
    "tiny": (6, 4, 0),
    "small": (60, 40, 0),
    "liaoning": (480, 1_500, 10_000),
    "national": (3_000, 20_000, 300_000),
}


# Standardisation registries per scale. The plan's 2025 targets: at least 30 provincial technical
# committees, 50 pilot/demonstration projects and 320 national standards led or joined; the
# Liaoning column sits just above them (a few committees dissolved, a few projects failed).
# scale         committees  pilot projects  national contributions
_STANDARDISATION: dict[str, tuple[int, int, int]] = {
    "tiny": (3, 5, 12),
    "small": (12, 20, 80),
    "liaoning": (34, 60, 350),
    "national": (40, 200, 1_500),
}


# Capability lines: each institution has one fixed sequence of lines (~100 on average, the
# provincial institutes thousands; see demo.institutions), and a scale may take only the start of
# it, so tests stay fast and a larger scale loaded on top of a smaller one tops up.
# scale          lines per institution at most (None: all)
_CAPABILITY_LINE_CAP: dict[str, int | None] = {
    "tiny": 80,
    "small": 400,
    "liaoning": None,
    "national": None,
}


# Certificates per scale (issue 6): Liaoning's plan counts > 75,000 valid certificates; about a
# fifth of those generated have ended (expired over four years of history, withdrawn, cancelled).
_CERTIFICATES: dict[str, int] = {
    "tiny": 60,
    "small": 1_500,
    "liaoning": 95_000,
    "national": 4_000_000,
}


@dataclass(frozen=True)
class Scale:
    name: str
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def local_standard_projects(self) -> int:
        return _STANDARDS_WORK[self.name][0]

    @property
    def declarations(self) -> int:
        return _STANDARDS_WORK[self.name][1]

    @property
    def catalogue_size(self) -> int:
        return _STANDARDS_WORK[self.name][2]

    @property
    def committees(self) -> int:
        return _STANDARDISATION[self.name][0]

    @property
    def pilot_projects(self) -> int:
        return _STANDARDISATION[self.name][1]

    @property
    def national_contributions(self) -> int:
        return _STANDARDISATION[self.name][2]

    @property
    def capability_line_cap(self) -> int | None:
        return _CAPABILITY_LINE_CAP[self.name]

    @property
    def certificates(self) -> int:
        return _CERTIFICATES[self.name]

    @property
    def institutions(self) -> int:
        return sum(self.counts[kind] for kind in Organisation.INSTITUTION_KINDS)


SCALES: Mapping[str, Scale] = MappingProxyType(
    {
        name: Scale(name, MappingProxyType({kind: _TABLE[kind][col] for kind in KINDS_IN_ORDER}))
        for col, name in enumerate(SCALE_NAMES)
    }
)
