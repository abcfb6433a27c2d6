"""Demo qualifications and capability scopes for the institutions of one scale.

Every institution the scale made gets the qualifications its kind holds (testing labs a CMA and,
a third of them, a CNAS laboratory accreditation; calibration labs CNAS; metrology institutes a
metrology authorisation and mostly a CMA; certification bodies a CNCA approval and mostly a CNAS
accreditation; special-equipment bodies their inspection licence) and a scope built from the
vocabulary in ``demo/data/``: real objects, parameters and method standards of the shipped
catalogue, ranges in units the platform converts, uncertainties it parses.

A realistic share of qualifications is suspended (about 2 %), revoked (1 %), expired (4 %) or
about to expire within 90 days (5 %), and about 1.5 % of lines cite an edition that is no longer
in force or a code the catalogue does not know, so the "needs attention" flags show.

At every scale a fixed cast (``assign_showcase``) is present for the matching demo: a Shenyang lab
testing 钢筋 by GB/T 228.1-2021 (the demo lab admin's), a Dalian lab still on GB/T 228.1-2010, a
lab with a suspended CMA and one with an expired CMA holding the same line, a Shenyang metrology
institute verifying 压力表 (JJG 52-2013, 0–60 MPa), a lab calibrating 压力表 to 100 MPa, a Dalian
lab calibrating 三坐标测量机, and the demo certification body certifying GB/T 19001-2016.

Writes go through the institutions services, the same path as ``qihub import``: qualifications
by ``upsert_qualifications``, lines checked by ``scope.read_capability`` and written by
``upsert_capabilities``, each chunk in its own transaction. Re-running changes nothing: an
institution's missing qualification types are added (dates relative to the day of the first
run), and an institution whose scope already has its number of lines is skipped; a larger scale
on top of a smaller one tops up, because each institution's lines are one fixed sequence and a
scale only caps how much of it is taken.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from time import perf_counter
from typing import Any

from django.db import reset_queries, transaction
from django.db.models import Count
from django.utils import timezone

from qihub.accounts.models import Organisation
from qihub.core.imports import ImportCounts
from qihub.demo.organisations import DemoGenerator, DemoOrganisation
from qihub.demo.places import load_geography
from qihub.demo.scales import KINDS_IN_ORDER, SCALE_NAMES, SCALES, Scale
from qihub.institutions.errors import InvalidCapability
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.numbers import QualificationType, cma_authority_for_province
from qihub.institutions.scope import CapabilityData, ScopeLookups, read_capability
from qihub.institutions.services import (
    QualificationData,
    upsert_capabilities,
    upsert_qualifications,
)
from qihub.reference.models import Industry
from qihub.standards.models import Standard

DATA_DIR = Path(__file__).resolve().parent / "data"
CHUNK_SIZE = 2_000  # capability lines per transaction
QUALIFICATION_CHUNK = 1_000

Kind = Organisation.Kind
Type = QualificationType
Status = Qualification.Status
Line = CapabilityLine.Kind

SHENYANG = "210100"
DALIAN = "210200"
LIAONING = "210000"

# The showcase roles, in the order they are handed out (see ``assign_showcase``).
STEEL_CURRENT = "steel_current"
STEEL_SUPERSEDED = "steel_superseded"
STEEL_SUSPENDED = "steel_suspended"
STEEL_EXPIRED = "steel_expired"
PRESSURE_VERIFICATION = "pressure_verification"
PRESSURE_CALIBRATION = "pressure_calibration"
CMM_CALIBRATION = "cmm_calibration"
QMS_CERTIFICATION = "qms_certification"

TENSILE_CURRENT = "GB/T 228.1-2021"
TENSILE_SUPERSEDED = "GB/T 228.1-2010"
STEEL_GROUPS = ("steel_mechanics", "steel_chemistry", "steel_metallography", "nonferrous")
# The persona lab's one flagged line: rebar mass deviation still cited by the 2018 edition.
PERSONA_FLAGGED = ("热轧带肋钢筋", "重量偏差", "GB 1499.2-2024", "GB/T 1499.2-2018")
# 坐标测量机校准规范; the shipped catalogue does not carry it yet, so the showcase falls back on
# a catalogued JJF rather than showing the matching demo a flagged line.
CMM_STANDARD = "JJF 1064-2010"
CMM_FALLBACK = "JJF 1094-2002"

# Validity of a certificate when issued, in years.
VALIDITY_YEARS: Mapping[str, int] = {
    Type.CMA: 6,
    Type.CNAS_L: 6,
    Type.CNAS_C: 6,
    Type.CNCA_CB: 6,
    Type.METROLOGY_AUTH: 5,
    Type.SE_INSPECTION: 4,
}
ISSUERS: Mapping[str, str] = {
    Type.CNAS_L: "中国合格评定国家认可委员会",
    Type.CNAS_C: "中国合格评定国家认可委员会",
    Type.CNCA_CB: "国家认证认可监督管理委员会",
    Type.SE_INSPECTION: "辽宁省市场监督管理局",
    Type.METROLOGY_AUTH: "辽宁省市场监督管理局",
}
CMA_ISSUERS = {"00": "国家认证认可监督管理委员会", "06": "辽宁省市场监督管理局"}
SUSPENSION_REASON = "监督抽查发现出具的检验检测报告数据不实，责令整改期间暂停资质"
REVOCATION_REASON = "以欺骗、贿赂等不正当手段取得资质，依法撤销"
EXPIRY_REASON = "有效期届满未申请复查换证"

# Lines an institution "forgot" to update: this share cites an older edition or a code the
# catalogue does not know; a few more file a field the taxonomy does not know, or an
# uncertainty no one can parse.
OUT_OF_FORCE_SHARE = 0.010
UNKNOWN_CODE_SHARE = 0.004
UNKNOWN_FIELD_SHARE = 0.002
UNPARSED_ACCURACY_SHARE = 0.003
# Real codes the shipped catalogue does not carry (construction-testing rules, food methods).
UNCATALOGUED_CODES = (
    "JGJ/T 152-2019",
    "GB/T 50344-2019",
    "JGJ 52-2006",
    "GB 5009.268-2016",
    "GB/T 5750.6-2023",
)
UNKNOWN_FIELDS = ("理化检验", "无损检测（其他）", "综合检验")
UNPARSED_ACCURACIES = ("见CNAS证书附件", "0.2S级", "按规程要求")


# --- vocabulary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    """One parameter of a test group, or one row of the instrument list."""

    objects: tuple[str, ...]
    parameter: str
    standard: str
    unit: str = ""
    range_min: str = ""
    range_max: tuple[str, ...] = ()
    uncertainty: str = ""
    price: float = 0.0
    days: int = 0
    restriction: str = ""
    kind: str = Line.TEST
    field: str = ""


@dataclass(frozen=True)
class TestGroup:
    key: str
    holder: str  # lab, se (special-equipment bodies) or metrology (metrology institutes' CMA)
    field: str
    cma_field: str
    ministry: str
    weight: float
    keywords: tuple[str, ...]
    general: bool
    methods: tuple[Method, ...]

    def lines(self) -> list[Method]:
        """One Method per (object, parameter): the group's cross product, in file order."""
        return [
            Method(
                objects=(obj,),
                parameter=m.parameter,
                standard=m.standard,
                unit=m.unit,
                range_min=m.range_min,
                range_max=m.range_max,
                uncertainty=m.uncertainty,
                price=m.price,
                days=m.days,
                restriction=m.restriction,
                kind=Line.TEST,
                field=self.field,
            )
            for m in self.methods
            for obj in m.objects
        ]


@dataclass(frozen=True)
class Certification:
    cert_type: str
    name: str
    standard: str
    accredited: bool
    by_sector: bool
    products: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Vocabulary:
    groups: Mapping[str, TestGroup]
    instruments: tuple[Method, ...]
    certifications: tuple[Certification, ...]
    sectors: tuple[str, ...]
    services: tuple[Method, ...]
    industries: tuple[str, ...]
    # current edition -> an edition it replaced (for lines that were never updated)
    predecessors: Mapping[str, str]
    cmm_standard: str


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary files, plus what the database says about the catalogue."""
    methods: dict[str, list[Method]] = defaultdict(list)
    for row in _read("test_methods.csv"):
        methods[row["group"]].append(
            Method(
                objects=_split(row["objects"]),
                parameter=row["parameter"],
                standard=row["standard"],
                unit=row["unit"],
                range_min=row["range_min"],
                range_max=_split(row["range_max"]),
                uncertainty=row["uncertainty"],
                price=float(row["price_cny"] or 0),
                days=int(row["turnaround_days"] or 0),
                restriction=row["restriction"],
            )
        )
    groups: dict[str, TestGroup] = {}
    for row in _read("test_groups.csv"):
        objects = _split(row["objects"])
        groups[row["group"]] = TestGroup(
            key=row["group"],
            holder=row["holder"],
            field=row["field"],
            cma_field=row["cma_field"],
            ministry=row["ministry"],
            weight=float(row["weight"]),
            keywords=_split(row["keywords"]),
            general=row["general"] == "yes",
            methods=tuple(
                Method(**{**m.__dict__, "objects": m.objects or objects})
                for m in methods[row["group"]]
            ),
        )
    instruments = tuple(
        Method(
            objects=(row["instrument"],),
            parameter=row["parameter"],
            standard=row["standard"],
            unit=row["unit"],
            range_min=row["range_min"],
            range_max=_split(row["range_max"]),
            uncertainty=row["uncertainty"],
            price=float(row["price_cny"] or 0),
            days=int(row["turnaround_days"] or 0),
            restriction=row["restriction"],
            kind=row["kind"],
            field=row["field"],
        )
        for row in _read("instruments.csv")
    )
    certifications = tuple(
        Certification(
            cert_type=row["cert_type"],
            name=row["name"],
            standard=row["standard"],
            accredited=row["accredited"] == "yes",
            by_sector=row["by_sector"] == "yes",
            products=_split(row["products"]),
            weight=float(row["weight"]),
        )
        for row in _read("certification.csv")
    )
    sectors = tuple(f"IAF {row['code']} {row['name_zh']}" for row in _read("iaf_sectors.csv"))
    services = tuple(
        Method(
            objects=(row["service"],),
            parameter="",
            standard=row["standard"],
            price=float(row["price_cny"]),
            days=int(row["turnaround_days"]),
            kind=Line.SERVICE,
        )
        for row in _read("services.csv")
    )
    industries = tuple(
        Industry.objects.filter(level=1).order_by("key").values_list("name_zh", flat=True)
    )
    predecessors: dict[str, str] = {}
    through = Standard.replaces.through
    for newer, older in through.objects.filter(
        from_standard__status=Standard.Status.CURRENT
    ).values_list("from_standard__code", "to_standard__code"):
        predecessors.setdefault(newer, older)
    cmm = CMM_STANDARD if Standard.objects.filter(code=CMM_STANDARD).exists() else CMM_FALLBACK
    return Vocabulary(
        groups=groups,
        instruments=instruments,
        certifications=certifications,
        sectors=sectors,
        services=services,
        industries=industries or ("通用",),
        predecessors=predecessors,
        cmm_standard=cmm,
    )


# --- which institutions, and who plays which part --------------------------------------------


@dataclass(frozen=True)
class Institution:
    id: int
    uscc: str
    name: str
    kind: str
    city_code: str

    @property
    def is_public(self) -> bool:
        return self.uscc.startswith("12")

    @property
    def is_provincial(self) -> bool:
        return self.uscc[2:8] == LIAONING


def scale_organisations(
    generator: DemoGenerator, counts: Mapping[str, int] | None = None
) -> Iterator[DemoOrganisation]:
    """The scale's institutions in generation order (showcase first, then each kind's stream):
    the same selection ``DemoGenerator.organisations`` makes, without the enterprises. With
    ``counts``, the first so many of each kind instead (another scale's selection)."""
    counts = counts or generator.scale.counts
    showcase = [o for o in generator.showcase if o.data.kind in Organisation.INSTITUTION_KINDS]
    for kind in KINDS_IN_ORDER:
        if kind not in Organisation.INSTITUTION_KINDS:
            continue
        own = [o for o in showcase if o.data.kind == kind]
        yield from own
        yield from islice(generator.stream(kind), max(0, counts[kind] - len(own)))


def load_institutions(generator: DemoGenerator) -> list[Institution]:
    """The scale's institutions as stored (organisations not in the database are left out)."""
    ordered = list(scale_organisations(generator))
    stored: dict[str, tuple[int, str, str, str]] = {}
    for start in range(0, len(ordered), 2_000):
        usccs = [o.data.uscc for o in ordered[start : start + 2_000]]
        for uscc, pk, name, kind, city in Organisation.objects.filter(uscc__in=usccs).values_list(
            "uscc", "id", "name", "kind", "city__code"
        ):
            stored[uscc] = (pk, name, kind, city)
    return [
        Institution(
            id=stored[o.data.uscc][0],
            uscc=o.data.uscc,
            name=stored[o.data.uscc][1],
            kind=stored[o.data.uscc][2],
            city_code=stored[o.data.uscc][3],
        )
        for o in ordered
        if o.data.uscc in stored
    ]


def assign_showcase(
    institutions: Sequence[Institution],
    persona_usccs: Iterable[str],
    eligible: Iterable[str] | None = None,
) -> dict[str, str]:
    """uscc -> showcase role: the first institution (in generation order) that fits a role
    gets it. Only ``eligible`` ones are considered (the smallest scale's institutions, which
    every scale has), so the roles stay put when a larger scale is loaded on a smaller one."""
    personas = set(persona_usccs)
    if eligible is not None:
        allowed = set(eligible)
        institutions = [i for i in institutions if i.uscc in allowed]
    roles: dict[str, str] = {}

    def take(role: str, candidates: Iterable[Institution]) -> None:
        for institution in candidates:
            if institution.uscc not in roles:
                roles[institution.uscc] = role
                return

    def of(*kinds: str, city: str | None = None, not_city: str | None = None) -> list[Institution]:
        return [
            i
            for i in institutions
            if i.kind in kinds
            and (city is None or i.city_code == city)
            and (not_city is None or i.city_code != not_city)
        ]

    labs = of(Kind.TESTING_LAB)
    take(STEEL_CURRENT, [i for i in labs if i.uscc in personas] + labs)
    take(STEEL_SUPERSEDED, of(Kind.TESTING_LAB, city=DALIAN) + labs)
    take(STEEL_SUSPENDED, labs)
    # The smallest scale has three testing labs: a special-equipment body's CMA stands in.
    take(STEEL_EXPIRED, labs + of(Kind.SPECIAL_EQUIPMENT_BODY))
    take(
        PRESSURE_VERIFICATION,
        of(Kind.METROLOGY_INSTITUTE, city=SHENYANG) + of(Kind.METROLOGY_INSTITUTE),
    )
    take(CMM_CALIBRATION, of(Kind.CALIBRATION_LAB, city=DALIAN) + of(Kind.CALIBRATION_LAB))
    take(PRESSURE_CALIBRATION, of(Kind.CALIBRATION_LAB, not_city=DALIAN) + of(Kind.CALIBRATION_LAB))
    cbs = of(Kind.CERTIFICATION_BODY)
    take(QMS_CERTIFICATION, [i for i in cbs if i.uscc in personas] + cbs)
    return roles


# --- qualifications ----------------------------------------------------------------------------

VALID = "valid"
EXPIRING = "expiring"
EXPIRED_BY_DATE = "expired_by_date"
EXPIRED_RECORDED = "expired_recorded"
SUSPENDED = "suspended"
REVOKED = "revoked"
NOT_YET_VALID = "not_yet_valid"


def _category(rng: random.Random) -> str:
    """How a qualification stands: ~2 % suspended, ~1 % revoked, ~4 % expired (half of them
    only by date), ~5 % ending within 90 days, a few not yet in force, the rest valid."""
    draw = rng.random()
    for share, category in (
        (0.020, SUSPENDED),
        (0.030, REVOKED),
        (0.050, EXPIRED_RECORDED),
        (0.070, EXPIRED_BY_DATE),
        (0.120, EXPIRING),
        (0.125, NOT_YET_VALID),
    ):
        if draw < share:
            return category
    return VALID


@dataclass(frozen=True)
class Dates:
    valid_from: date
    valid_to: date
    status: str
    reason: str = ""


def _dates(rng: random.Random, type: str, category: str, today: date) -> Dates:
    days = VALIDITY_YEARS[type] * 365
    if category == NOT_YET_VALID:
        start = today + timedelta(days=rng.randint(3, 40))
        return Dates(start, start + timedelta(days=days - 1), Status.VALID)
    if category == EXPIRING:
        end = today + timedelta(days=rng.randint(3, 88))
    elif category in (EXPIRED_BY_DATE, EXPIRED_RECORDED):
        end = today - timedelta(days=rng.randint(5, 540))
    else:
        end = today + timedelta(days=rng.randint(91, days - 30))
    start = end - timedelta(days=days - 1)
    if category == SUSPENDED:
        return Dates(start, end, Status.SUSPENDED, SUSPENSION_REASON)
    if category == REVOKED:
        return Dates(start, end, Status.REVOKED, REVOCATION_REASON)
    if category == EXPIRED_RECORDED:
        return Dates(start, end, Status.EXPIRED, EXPIRY_REASON)
    return Dates(start, end, Status.VALID)


def _fixed(today: date, *, days_left: int, type: str, status: str = Status.VALID) -> Dates:
    """Showcase dates: ``days_left`` from today (negative: expired that long ago)."""
    end = today + timedelta(days=days_left)
    start = end - timedelta(days=VALIDITY_YEARS[type] * 365 - 1)
    reason = SUSPENSION_REASON if status == Status.SUSPENDED else ""
    return Dates(start, end, status, reason)


def _stable(text: str) -> int:
    return int(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12], 16)


class Numbers:
    """Free certificate numbers of each type: canonical, never one already recorded."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, str]] = set(
            Qualification.objects.values_list("type", "number").iterator()
        )

    def _first_free(self, type: str, seed: str, size: int, make: Callable[[int], str]) -> str:
        start = _stable(seed) % size
        for offset in range(size):
            number = make((start + offset) % size)
            if (type, number) not in self.taken:
                self.taken.add((type, number))
                return number
        raise RuntimeError(f"no free {type} number left for the demo")

    def cma(self, uscc: str, *, year: int, authority: str, field: str, ministry: str) -> str:
        prefix = f"{year % 100:02d}{authority}{field}{ministry}"
        return self._first_free(Type.CMA, uscc, 10_000, lambda n: f"{prefix}{n:04d}")

    def cnas_l(self, uscc: str) -> str:
        return self._first_free(Type.CNAS_L, uscc, 19_000, lambda n: f"CNAS L{n + 1000:04d}")

    def cnas_c(self, uscc: str) -> str:
        return self._first_free(Type.CNAS_C, uscc, 900, lambda n: f"CNAS C{n + 100:03d}-M")

    def cnca_cb(self, uscc: str, *, year: int) -> str:
        return self._first_free(Type.CNCA_CB, uscc, 999, lambda n: f"CNCA-R-{year}-{n + 1:03d}")

    def metrology(self, uscc: str, *, year: int, place: int) -> str:
        return self._first_free(
            Type.METROLOGY_AUTH, uscc, 999, lambda n: f"(辽)法计({year}){place:02d}{n + 1:03d}号"
        )

    def se_inspection(self, uscc: str, *, year: int) -> str:
        return self._first_free(Type.SE_INSPECTION, uscc, 10_000, lambda n: f"TS721{n:04d}-{year}")


def _types_held(institution: Institution, role: str | None, rng: random.Random) -> list[str]:
    """The qualification types an institution holds, CMA/approval first."""
    kind = institution.kind
    if kind == Kind.TESTING_LAB:
        cnas = role == STEEL_CURRENT or (role is None and rng.random() < 0.35)
        return [Type.CMA, Type.CNAS_L] if cnas else [Type.CMA]
    if kind == Kind.CALIBRATION_LAB:
        return [Type.CNAS_L]
    if kind == Kind.METROLOGY_INSTITUTE:
        cma = institution.is_public and (institution.is_provincial or rng.random() < 0.7)
        return [Type.METROLOGY_AUTH, Type.CMA] if cma else [Type.METROLOGY_AUTH]
    if kind == Kind.CERTIFICATION_BODY:
        accredited = role == QMS_CERTIFICATION or rng.random() < 0.7
        return [Type.CNCA_CB, Type.CNAS_C] if accredited else [Type.CNCA_CB]
    if kind == Kind.SPECIAL_EQUIPMENT_BODY:
        return [Type.SE_INSPECTION, Type.CMA] if role == STEEL_EXPIRED else [Type.SE_INSPECTION]
    return []  # standards bodies: technical services need no qualification


def _showcase_dates(role: str | None, type: str, today: date, rng: random.Random) -> Dates | None:
    """Fixed standings for the showcase cast; None for everyone else (drawn at random)."""
    if role is None:
        return None
    if role == STEEL_CURRENT and type == Type.CNAS_L:
        return _fixed(today, days_left=45, type=type)  # the manage page's "expiring soon"
    if role == STEEL_SUSPENDED and type == Type.CMA:
        return _fixed(today, days_left=900, type=type, status=Status.SUSPENDED)
    if role == STEEL_EXPIRED and type == Type.CMA:
        return _fixed(today, days_left=-30, type=type)  # recorded valid, expired by date
    return _fixed(today, days_left=rng.randint(400, 1_800), type=type)


def plan_qualifications(
    institution: Institution,
    *,
    role: str | None,
    groups: Sequence[TestGroup],
    numbers: Numbers,
    held: set[str],
    seed: int,
    today: date,
    city_places: Mapping[str, int],
) -> list[QualificationData]:
    """The qualifications an institution should hold and does not yet (by type)."""
    rng = random.Random(f"{seed}:qualifications:{institution.uscc}")
    planned: list[QualificationData] = []
    for type in _types_held(institution, role, rng):
        category = _category(rng)
        dates = _showcase_dates(role, type, today, rng) or _dates(rng, type, category, today)
        national = rng.random() < 0.03
        if type in held:
            continue
        year = dates.valid_from.year
        if type == Type.CMA:
            authority = (
                "00"
                if national or (institution.is_public and institution.is_provincial)
                else cma_authority_for_province(LIAONING)
            )
            group = groups[0] if groups else None
            ministry = "11" if institution.is_public else (group.ministry if group else "34")
            number = numbers.cma(
                institution.uscc,
                year=year,
                authority=authority,
                field=group.cma_field if group else "20",
                ministry=ministry,
            )
            issuer = CMA_ISSUERS[authority]
        elif type == Type.CNAS_L:
            number, issuer = numbers.cnas_l(institution.uscc), ISSUERS[type]
        elif type == Type.CNAS_C:
            number, issuer = numbers.cnas_c(institution.uscc), ISSUERS[type]
        elif type == Type.CNCA_CB:
            number, issuer = numbers.cnca_cb(institution.uscc, year=year), ISSUERS[type]
        elif type == Type.METROLOGY_AUTH:
            place = 0 if institution.is_provincial else city_places.get(institution.city_code, 0)
            number = numbers.metrology(institution.uscc, year=year, place=place)
            issuer = ISSUERS[type]
        else:
            number = numbers.se_inspection(institution.uscc, year=dates.valid_to.year)
            issuer = ISSUERS[type]
        planned.append(
            QualificationData(
                organisation_id=institution.id,
                type=str(type),
                number=number,
                valid_from=dates.valid_from,
                valid_to=dates.valid_to,
                issuer=issuer,
                status=dates.status,
                status_reason=dates.reason,
            )
        )
    return planned


# --- capability scopes -------------------------------------------------------------------------

Row = dict[str, str]


def _weighted_order(rng: random.Random, groups: Sequence[TestGroup]) -> list[TestGroup]:
    # Efraimidis–Spirakis: a weighted random order without replacement.
    return sorted(groups, key=lambda g: -(rng.random() ** (1 / g.weight)))


def choose_groups(
    institution: Institution, role: str | None, vocab: Vocabulary, holder: str, seed: int
) -> list[TestGroup]:
    """The test groups an institution works in, most characteristic first: those its name
    names (建设工程, 环境, 机动车…), else those any general laboratory offers."""
    if role == STEEL_CURRENT:
        return [vocab.groups[key] for key in (*STEEL_GROUPS, "welding_ndt", "rebar")]
    rng = random.Random(f"{seed}:groups:{institution.uscc}")
    own = [g for g in vocab.groups.values() if g.holder == holder]
    named = [g for g in own if any(word in institution.name for word in g.keywords)]
    chosen = _weighted_order(rng, named or [g for g in own if g.general])
    if role in (STEEL_SUPERSEDED, STEEL_SUSPENDED, STEEL_EXPIRED) and holder == "lab":
        steel = vocab.groups["steel_mechanics"]
        chosen = [steel, *(g for g in chosen if g is not steel)]
    return chosen


def _test_line_count(institution: Institution, rng: random.Random) -> int:
    """How many lines a laboratory's CMA covers: thousands for the provincial institutes,
    hundreds for municipal and county ones, a long tail for companies (a few big ones). A
    specialised laboratory's vocabulary may hold fewer, which then caps it."""
    if institution.is_public and institution.is_provincial:
        return rng.randint(1_500, 3_500)
    if institution.is_public:
        return rng.randint(300, 1_200)
    if rng.random() < 0.015:
        return rng.randint(1_000, 2_500)
    return max(10, min(1_200, int(rng.lognormvariate(math.log(75), 0.9))))


def _price(rng: random.Random, price: float) -> str:
    if not price:
        return ""
    value = price * rng.uniform(0.85, 1.2)
    return str(round(value, -1) if value >= 100 else round(value))


def _days(rng: random.Random, days: int) -> str:
    return str(max(1, days + rng.randint(-1, 2))) if days else ""


class ScopeBuilder:
    """Capabilities-import rows of one institution, in one fixed order."""

    def __init__(
        self,
        institution: Institution,
        *,
        vocab: Vocabulary,
        rng: random.Random,
        with_flaws: bool,
    ) -> None:
        self.institution = institution
        self.vocab = vocab
        self.rng = rng
        self.with_flaws = with_flaws
        self.rows: list[Row] = []
        self._keys: set[tuple[str, ...]] = set()

    def add(
        self,
        method: Method,
        *,
        qualification_no: str,
        kind: str | None = None,
        object: str | None = None,
        parameter: str | None = None,
        standard: str | None = None,
        range_max: str | None = None,
    ) -> None:
        rng = self.rng
        row: Row = {
            "org_uscc": self.institution.uscc,
            "qualification_no": qualification_no,
            "kind": kind or method.kind,
            "field": method.field,
            "object": object or method.objects[0],
            "parameter": method.parameter if parameter is None else parameter,
            "standard": method.standard if standard is None else standard,
            "range_min": method.range_min,
            "range_max": range_max or (rng.choice(method.range_max) if method.range_max else ""),
            "unit": method.unit,
            "uncertainty": method.uncertainty,
            "restriction": method.restriction,
            "price_cny": _price(rng, method.price),
            "turnaround_days": _days(rng, method.days),
        }
        if row["standard"] == CMM_STANDARD:
            row["standard"] = self.vocab.cmm_standard
        if self.with_flaws:
            self._flaw(row)
        key = tuple(row[c] for c in ("qualification_no", "kind", "object", "parameter", "standard"))
        if key not in self._keys:
            self._keys.add(key)
            self.rows.append(row)

    def _flaw(self, row: Row) -> None:
        """Now and then, what real scope tables show: an edition nobody updated, a code the
        catalogue lacks, a field name of the lab's own, an uncertainty nobody can read."""
        draw = self.rng.random()
        older = self.vocab.predecessors.get(row["standard"])
        if draw < OUT_OF_FORCE_SHARE:
            if older is not None:
                row["standard"] = older
            return
        draw -= OUT_OF_FORCE_SHARE
        if draw < UNKNOWN_CODE_SHARE:
            row["standard"] = self.rng.choice(UNCATALOGUED_CODES)
            return
        draw -= UNKNOWN_CODE_SHARE
        if draw < UNKNOWN_FIELD_SHARE and row["field"]:
            row["field"] = self.rng.choice(UNKNOWN_FIELDS)
            return
        draw -= UNKNOWN_FIELD_SHARE
        if draw < UNPARSED_ACCURACY_SHARE and row["uncertainty"]:
            row["uncertainty"] = self.rng.choice(UNPARSED_ACCURACIES)

    def add_tests(
        self,
        groups: Sequence[TestGroup],
        count: int,
        *,
        qualification_no: str,
        also_under: str = "",
        also_share: float = 0.0,
        replace: Mapping[str, str] | None = None,
    ) -> None:
        """``count`` test lines from ``groups`` (in order, each group's lines shuffled), under
        ``qualification_no``; a share of them also under ``also_under`` (a CNAS accreditation
        usually covers part of what the CMA covers)."""
        replace = replace or {}
        pool: list[Method] = []
        for group in groups:
            lines = group.lines()
            self.rng.shuffle(lines)
            pool.extend(lines)
            if len(pool) >= count:
                break
        for method in pool[:count]:
            standard = replace.get(method.standard, method.standard)
            self.add(method, qualification_no=qualification_no, standard=standard)
            if also_under and self.rng.random() < also_share:
                self.add(method, qualification_no=also_under, standard=standard)


def _method(methods: Iterable[Method], *, object: str, parameter: str, kind: str = "") -> Method:
    for method in methods:
        wanted_kind = not kind or method.kind == kind
        if object in method.objects and method.parameter == parameter and wanted_kind:
            return method
    raise LookupError(f"demo vocabulary has no {object} / {parameter}")


def _calibration_pool(vocab: Vocabulary) -> list[Method]:
    """Every instrument as a calibration line: calibration rows as they are, verification
    rows as calibrations by the same regulation (what CNAS scopes commonly cite)."""
    seen: set[tuple[str, str, str]] = set()
    pool: list[Method] = []
    calibrations = [m for m in vocab.instruments if m.kind == Line.CALIBRATION]
    verifications = [m for m in vocab.instruments if m.kind != Line.CALIBRATION]
    for method in (*calibrations, *verifications):
        key = (method.objects[0], method.parameter, method.standard)
        if key in seen:
            continue
        seen.add(key)
        pool.append(Method(**{**method.__dict__, "kind": Line.CALIBRATION}))
    return pool


def build_scope(
    institution: Institution,
    *,
    role: str | None,
    vocab: Vocabulary,
    groups: Sequence[TestGroup],
    numbers_by_type: Mapping[str, str],
    seed: int,
) -> list[Row]:
    """Every capabilities-import row of one institution, in its fixed order."""
    rng = random.Random(f"{seed}:scope:{institution.uscc}")
    scope = ScopeBuilder(institution, vocab=vocab, rng=rng, with_flaws=role is None)
    kind = institution.kind
    cma = numbers_by_type.get(Type.CMA, "")
    if kind == Kind.TESTING_LAB or (kind == Kind.SPECIAL_EQUIPMENT_BODY and cma):
        _testing_scope(scope, institution, role, vocab, groups, numbers_by_type, rng)
    if kind == Kind.SPECIAL_EQUIPMENT_BODY:
        _special_equipment_scope(scope, institution, vocab, numbers_by_type, seed, rng)
    elif kind == Kind.CALIBRATION_LAB:
        _calibration_scope(scope, role, vocab, numbers_by_type, rng)
    elif kind == Kind.METROLOGY_INSTITUTE:
        _metrology_scope(scope, institution, role, vocab, groups, numbers_by_type, rng)
    elif kind == Kind.CERTIFICATION_BODY:
        _certification_scope(scope, vocab, numbers_by_type, rng)
    elif kind == Kind.STANDARDS_BODY:
        _service_scope(scope, institution, vocab, rng)
    return scope.rows


def _testing_scope(
    scope: ScopeBuilder,
    institution: Institution,
    role: str | None,
    vocab: Vocabulary,
    groups: Sequence[TestGroup],
    numbers: Mapping[str, str],
    rng: random.Random,
) -> None:
    cma, cnas = numbers.get(Type.CMA, ""), numbers.get(Type.CNAS_L, "")
    if not cma:
        return
    steel = vocab.groups["steel_mechanics"]
    replace: dict[str, str] = {}
    if role == STEEL_SUPERSEDED:
        replace[TENSILE_CURRENT] = TENSILE_SUPERSEDED  # a scope never updated since 2021
    if role in (STEEL_CURRENT, STEEL_SUPERSEDED, STEEL_SUSPENDED, STEEL_EXPIRED):
        # The matching demo's request: 钢筋 tensile properties, first in the scope.
        for parameter in ("抗拉强度", "屈服强度", "断后伸长率"):
            method = _method(steel.lines(), object="钢筋", parameter=parameter)
            standard = replace.get(method.standard, method.standard)
            scope.add(method, qualification_no=cma, standard=standard)
            if role == STEEL_CURRENT and cnas:
                scope.add(method, qualification_no=cnas, standard=standard)
    if role == STEEL_CURRENT:
        rebar = vocab.groups["rebar"]
        obj, parameter, current, fallback = PERSONA_FLAGGED
        older = vocab.predecessors.get(current, fallback)
        method = _method(rebar.lines(), object=obj, parameter=parameter)
        scope.add(method, qualification_no=cma, standard=older)  # the one flagged line
        for group in groups:
            for method in group.lines():
                if (method.objects[0], method.parameter) == (obj, parameter):
                    continue
                scope.add(method, qualification_no=cma)
                if cnas and group.key in ("steel_mechanics", "rebar"):
                    scope.add(method, qualification_no=cnas)
        return
    if institution.kind == Kind.TESTING_LAB:
        count = _test_line_count(institution, rng)
    else:
        count = rng.randint(20, 60)  # a special-equipment body's materials testing
    lab_groups = [g for g in groups if g.holder == "lab"] or [steel]
    if count >= 1_000:
        # A provincial institute or a big company tests beyond its speciality: once its own
        # groups run out, the rest of the vocabulary follows.
        rest = [g for g in vocab.groups.values() if g.holder == "lab" and g not in lab_groups]
        lab_groups += _weighted_order(rng, rest)
    scope.add_tests(
        lab_groups,
        count,
        qualification_no=cma,
        also_under=cnas,
        also_share=0.5,
        replace=replace,
    )


def _special_equipment_scope(
    scope: ScopeBuilder,
    institution: Institution,
    vocab: Vocabulary,
    numbers: Mapping[str, str],
    seed: int,
    rng: random.Random,
) -> None:
    licence = numbers.get(Type.SE_INSPECTION, "")
    if not licence:
        return
    groups = choose_groups(institution, None, vocab, "se", seed)
    pool = [line for group in groups for line in group.lines()]
    count = len(pool) if institution.is_public else rng.randint(min(15, len(pool)), len(pool))
    for method in pool[:count]:
        scope.add(method, qualification_no=licence)


def _calibration_scope(
    scope: ScopeBuilder,
    role: str | None,
    vocab: Vocabulary,
    numbers: Mapping[str, str],
    rng: random.Random,
) -> None:
    cnas = numbers.get(Type.CNAS_L, "")
    if not cnas:
        return
    pool = _calibration_pool(vocab)
    if role == PRESSURE_CALIBRATION:
        gauge = _method(pool, object="压力表", parameter="示值误差")
        scope.add(gauge, qualification_no=cnas, standard="JJG 52-2013", range_max="100")
    if role == CMM_CALIBRATION:
        cmm = _method(pool, object="三坐标测量机", parameter="示值误差")
        scope.add(cmm, qualification_no=cnas, range_max="2000")
    rng.shuffle(pool)
    count = len(pool) if rng.random() < 0.08 else rng.randint(20, 70)
    for method in pool[:count]:
        scope.add(method, qualification_no=cnas)


def _metrology_scope(
    scope: ScopeBuilder,
    institution: Institution,
    role: str | None,
    vocab: Vocabulary,
    groups: Sequence[TestGroup],
    numbers: Mapping[str, str],
    rng: random.Random,
) -> None:
    authorisation, cma = numbers.get(Type.METROLOGY_AUTH, ""), numbers.get(Type.CMA, "")
    if authorisation:
        instruments = list(vocab.instruments)
        if role == PRESSURE_VERIFICATION:
            for obj in ("压力表", "精密压力表"):
                gauge = _method(
                    instruments, object=obj, parameter="示值误差", kind=Line.VERIFICATION
                )
                scope.add(gauge, qualification_no=authorisation, range_max="60")
        verification = [m for m in instruments if m.kind == Line.VERIFICATION]
        calibration = [m for m in instruments if m.kind == Line.CALIBRATION]
        rng.shuffle(verification)
        rng.shuffle(calibration)
        if institution.is_public and institution.is_provincial:
            share = 1.0
        elif institution.is_public and institution.uscc[6:8] == "00":  # a city's institute
            share = rng.uniform(0.6, 1.0)
        else:
            share = rng.uniform(0.15, 0.45)
        for method in verification[: max(5, int(len(verification) * share))]:
            scope.add(method, qualification_no=authorisation)
        for method in calibration[: int(len(calibration) * share * 0.8)]:
            scope.add(method, qualification_no=authorisation)
    if cma:
        own = [g for g in groups if g.holder == "metrology"]
        for method in [line for group in own for line in group.lines()]:
            scope.add(method, qualification_no=cma)


def _certification_scope(
    scope: ScopeBuilder,
    vocab: Vocabulary,
    numbers: Mapping[str, str],
    rng: random.Random,
) -> None:
    approval, accreditation = numbers.get(Type.CNCA_CB, ""), numbers.get(Type.CNAS_C, "")
    if not approval:
        return
    qms, others = vocab.certifications[0], list(vocab.certifications[1:])
    ranked = sorted(others, key=lambda c: -(rng.random() ** (1 / c.weight)))
    offered = [qms, *ranked[: rng.randint(2, 8)]]
    for certification in offered:
        method = Method(
            objects=(certification.name,),
            parameter="",
            standard=certification.standard,
            kind=Line.CERTIFICATION,
            price=12_000 if certification.by_sector else 20_000,
            days=60,
        )
        if certification.by_sector:
            picked = sorted(rng.sample(range(len(vocab.sectors)), rng.randint(6, 25)))
            parameters = [vocab.sectors[i] for i in picked]
        else:
            size = rng.randint(1, len(certification.products))
            parameters = sorted(rng.sample(certification.products, size))
        for parameter in parameters:
            scope.add(method, qualification_no=approval, parameter=parameter)
            if accreditation and certification.accredited:
                scope.add(method, qualification_no=accreditation, parameter=parameter)


def _service_scope(
    scope: ScopeBuilder, institution: Institution, vocab: Vocabulary, rng: random.Random
) -> None:
    pool = [(service, industry) for service in vocab.services for industry in vocab.industries]
    rng.shuffle(pool)
    count = 80 if institution.is_provincial else rng.randint(10, 50)
    for service, industry in pool[:count]:
        scope.add(service, qualification_no="", parameter=f"服务领域：{industry}")


# --- writing -----------------------------------------------------------------------------------


@dataclass
class InstitutionDemoReport:
    institutions: int = 0
    qualifications: ImportCounts = field(default_factory=ImportCounts)
    lines: ImportCounts = field(default_factory=ImportCounts)
    institutions_complete: int = 0
    effective_statuses: dict[str, int] = field(default_factory=dict)
    flagged_lines: int = 0
    showcase: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            self.qualifications.created
            or self.qualifications.updated
            or self.lines.created
            or self.lines.updated
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "institutions": self.institutions,
            "qualifications": {
                "created": self.qualifications.created,
                "updated": self.qualifications.updated,
                "unchanged": self.qualifications.unchanged,
                "by_effective_status": self.effective_statuses,
            },
            "capability_lines": {
                "created": self.lines.created,
                "updated": self.lines.updated,
                "unchanged": self.lines.unchanged,
                "flagged": self.flagged_lines,
            },
            "institutions_already_complete": self.institutions_complete,
            "showcase": self.showcase,
            "seconds": round(self.seconds, 2),
        }


def load_institution_demo(
    *,
    scale: Scale,
    seed: int,
    generator: DemoGenerator | None = None,
    today: date | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[InstitutionDemoReport], None] | None = None,
) -> InstitutionDemoReport:
    """Qualifications and scopes for the scale's institutions (after the organisations and the
    standards catalogue are loaded). Re-running with the same scale and seed changes nothing.

    Raises InvalidCapability if the shipped vocabulary produced a line the import refuses.
    """
    started = perf_counter()
    if generator is None:
        generator = DemoGenerator(geography=load_geography(), scale=scale, seed=seed)
    day = today or timezone.localdate()
    vocab = load_vocabulary()
    institutions = load_institutions(generator)
    smallest = scale_organisations(generator, SCALES[SCALE_NAMES[0]].counts)
    roles = assign_showcase(
        institutions,
        [o.data.uscc for o in generator.showcase],
        eligible=[o.data.uscc for o in smallest],
    )
    report = InstitutionDemoReport(institutions=len(institutions))
    report.showcase = {
        role: institution.name
        for institution in institutions
        if (role := roles.get(institution.uscc)) is not None
    }
    groups = {
        i.uscc: choose_groups(i, roles.get(i.uscc), vocab, _holder(i), seed) for i in institutions
    }
    _write_qualifications(institutions, roles, groups, seed=seed, today=day, report=report)
    _write_scopes(
        institutions,
        roles,
        groups,
        vocab=vocab,
        seed=seed,
        cap=scale.capability_line_cap,
        chunk_size=chunk_size,
        report=report,
        progress=progress,
    )
    _summarise(institutions, report, day)
    report.seconds = perf_counter() - started
    return report


def _holder(institution: Institution) -> str:
    """Whose test groups an institution's CMA draws on (a special-equipment body holds a CMA
    only when it plays a testing part of the showcase)."""
    return "metrology" if institution.kind == Kind.METROLOGY_INSTITUTE else "lab"


def _write_qualifications(
    institutions: Sequence[Institution],
    roles: Mapping[str, str],
    groups: Mapping[str, Sequence[TestGroup]],
    *,
    seed: int,
    today: date,
    report: InstitutionDemoReport,
) -> None:
    held: dict[int, set[str]] = defaultdict(set)
    for organisation_id, type in Qualification.objects.values_list("organisation_id", "type"):
        held[organisation_id].add(type)
    numbers = Numbers()
    city_codes = sorted({i.city_code for i in institutions})
    places = {code: position for position, code in enumerate(city_codes, start=1)}
    planned: list[QualificationData] = []
    for institution in institutions:
        planned.extend(
            plan_qualifications(
                institution,
                role=roles.get(institution.uscc),
                groups=groups[institution.uscc],
                numbers=numbers,
                held=held[institution.id],
                seed=seed,
                today=today,
                city_places=places,
            )
        )
    for start in range(0, len(planned), QUALIFICATION_CHUNK):
        with transaction.atomic():
            report.qualifications.add(
                upsert_qualifications(planned[start : start + QUALIFICATION_CHUNK], by=None)
            )
    report.qualifications.unchanged += sum(len(types) for types in held.values())


def _write_scopes(
    institutions: Sequence[Institution],
    roles: Mapping[str, str],
    groups: Mapping[str, Sequence[TestGroup]],
    *,
    vocab: Vocabulary,
    seed: int,
    cap: int | None,
    chunk_size: int,
    report: InstitutionDemoReport,
    progress: Callable[[InstitutionDemoReport], None] | None,
) -> None:
    numbers: dict[int, dict[str, str]] = defaultdict(dict)
    for organisation_id, type, number in Qualification.objects.order_by("valid_from").values_list(
        "organisation_id", "type", "number"
    ):
        numbers[organisation_id].setdefault(type, number)
    existing = Counter(
        dict(
            CapabilityLine.objects.order_by()
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
    )
    lookups = ScopeLookups.load()
    buffer: list[CapabilityData] = []

    def flush() -> None:
        with transaction.atomic():
            report.lines.add(upsert_capabilities(buffer, by=None))
        buffer.clear()
        # With QIHUB_DEBUG on Django keeps every statement: keep a national run flat.
        reset_queries()
        if progress is not None:
            progress(report)

    for institution in institutions:
        role = roles.get(institution.uscc)
        rows = build_scope(
            institution,
            role=role,
            vocab=vocab,
            groups=groups[institution.uscc],
            numbers_by_type=numbers[institution.id],
            seed=seed,
        )
        # The showcase lines come first, so a cap keeps them; the persona lab keeps its rich scope.
        if cap is not None and role != STEEL_CURRENT:
            rows = rows[:cap]
        if rows and existing[institution.id] == len(rows):
            report.institutions_complete += 1
            report.lines.unchanged += len(rows)
            continue
        for row in rows:
            buffer.append(_parse(row, lookups))
            if len(buffer) >= chunk_size:
                flush()
    if buffer:
        flush()


def _parse(row: Row, lookups: ScopeLookups) -> CapabilityData:
    try:
        return read_capability(row, lookups)
    except InvalidCapability as error:
        raise InvalidCapability(
            f"demo capability {row['object']} / {row['parameter']}: {error.detail}",
            errors=error.errors,
        ) from error


def _summarise(
    institutions: Sequence[Institution], report: InstitutionDemoReport, day: date
) -> None:
    ids = [i.id for i in institutions]
    statuses: Counter[str] = Counter()
    lines = 0
    for start in range(0, len(ids), 2_000):
        chunk = ids[start : start + 2_000]
        statuses.update(
            q.effective_status_on(day)
            for q in Qualification.objects.filter(organisation_id__in=chunk).only(
                "status", "valid_from", "valid_to"
            )
        )
        lines += CapabilityLine.objects.filter(organisation_id__in=chunk, is_flagged=True).count()
    report.effective_statuses = dict(sorted(statuses.items()))
    report.flagged_lines = lines
