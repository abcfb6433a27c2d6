"""Institutions: the capability-scope import and the scope page of a large lab.

(a) ``run_import(importer_for("capabilities"), path)`` (``qihub import capabilities``) for a file
    of N = 100,000 generated capability lines of 300 institutions (5,000 with ``--quick``), new
    and then an unchanged re-run, against just reading and parsing the same file with the
    importer's reader (``read_rows``); the new import also against a raw ``bulk_create`` of the
    same lines and the standards they cite, parsed beforehand (no lookup of existing keys, no
    audit), in the import's chunks and one transaction. The note gives the process's peak RSS
    (``ru_maxrss``) after the new import and how far it rose over the earlier peak, with the RSS
    at the start where /proc tells it. Approximate: a rise below the earlier peak does not show,
    and the garbage collector is off while timing, as everywhere here; tracemalloc would slow
    the import several times over.
(b) ``capabilities_of(lab, …)`` as the API pages it (count + first page of 50, cited standards
    prefetched) for a lab with 20,000 lines (2,000 with ``--quick``) next to the N of (a),
    unfiltered and filtered by kind, by text (``q``, full-text) and by standard (an edition,
    and every edition of a base code), against a bare indexed fetch of 50 of its lines.

Institutions, qualifications and a small standards catalogue are bulk-created; the lab's lines
are parsed by the importer and bulk-created as (a)'s baseline does. Everything but the audit
entries (append-only) is removed at the end, so later modules find the database as if alone.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from bench import Context, Result, median_time, timed
from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Organisation
from qihub.core.imports import CHUNK_SIZE, importer_for, read_rows, run_import
from qihub.core.search import segment
from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
from qihub.institutions.numbers import QualificationType
from qihub.institutions.queries import capabilities_of, with_standards
from qihub.institutions.scope import COLUMNS, CapabilityData
from qihub.reference.models import Region
from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard

IMPORT_LINES = 100_000
QUICK_IMPORT_LINES = 5_000
INSTITUTIONS = 300
LAB_LINES = 20_000
QUICK_LAB_LINES = 2_000
CATALOGUE_BASES = 1_500  # about 2,200 editions
PAGE = 50
REPEAT = 15
READ_REPEAT = 3

Kind = CapabilityLine.Kind
# Cited by a quarter of the lab's lines, as the common methods are in real scopes; 228.1 has
# two editions, so the base code without a year matches both.
COMMON_CODES = ["GB/T 228.1-2021", "GB/T 228.1-2010", "JJG 52-2013", "GB/T 700-2006"]
SUPERSEDED_COMMON = {"GB/T 228.1-2010"}
CATALOGUE_PREFIXES = [
    ("GB/T", Standard.Type.RECOMMENDED),
    ("GB", Standard.Type.MANDATORY),
    ("JJG", Standard.Type.VERIFICATION_REGULATION),
    ("JJF", Standard.Type.CALIBRATION_SPEC),
    ("JB/T", Standard.Type.INDUSTRY_RECOMMENDED),
    ("HG/T", Standard.Type.INDUSTRY_RECOMMENDED),
]
OBJECTS: dict[str, list[str]] = {
    Kind.TEST: ["钢筋混凝土用钢", "碳素结构钢", "水泥", "混凝土", "电线电缆", "食品", "饮用水",
                "土壤", "环境空气", "塑料管材", "玩具", "家用电器"],
    Kind.CALIBRATION: ["压力表", "热电偶", "电子天平", "温度计", "流量计", "电能表"],
    Kind.VERIFICATION: ["压力表", "电能表", "水表", "燃气表", "电子天平"],
    Kind.SERVICE: ["标准化咨询", "计量技术咨询", "检验检测技术培训"],
}  # fmt: skip
PARAMETERS: dict[str, list[str]] = {
    Kind.TEST: ["抗拉强度", "屈服强度", "断后伸长率", "化学成分", "硬度", "冲击吸收能量", "铅",
                "镉", "pH值", "绝缘电阻", "尺寸"],
    Kind.CALIBRATION: ["示值误差", "温度", "压力", "重复性", "电阻"],
    Kind.VERIFICATION: ["示值误差", "回程误差", "密封性"],
    Kind.SERVICE: ["咨询", "培训"],
}  # fmt: skip
UNITS = [("MPa", 0, 1000), ("℃", -40, 150), ("mg/kg", 0, 500), ("mm", 0, 300), ("kN", 0, 600),
         ("Ω", 0, 1000)]  # fmt: skip
ACCURACIES = ["Urel=0.5%, k=2", "U=0.3℃, k=2", "0.05%FS", "0.4级", "MPE: ±0.1%", "按规程要求", ""]
FIELDS = ["TF02", "TF01", "建筑材料", "CQ0303", "TF03", ""]

KIND_QUERIES = [Kind.CALIBRATION, Kind.VERIFICATION]
TEXT_QUERIES = ["抗拉强度", "热电偶 温度"]
STANDARD_QUERIES = ["GB/T 228.1-2021", "GB/T 228.1"]


def run(context: Context) -> list[Result]:
    lines = QUICK_IMPORT_LINES if context.quick else IMPORT_LINES
    lab_lines = QUICK_LAB_LINES if context.quick else LAB_LINES
    segment("检测机构")  # jieba loads its dictionary once per process; not the import's cost
    codes, standard_ids = build_catalogue()
    institutions = build_institutions()
    results = bench_import(context.workdir / "capabilities.csv", lines, institutions, codes)
    lab = build_lab(lab_lines, codes)
    results += bench_scope(lab, lab_lines)
    remove([*institutions, lab.pk], standard_ids)
    return results


# --- data -----------------------------------------------------------------------------------


def build_catalogue() -> tuple[list[str], list[int]]:
    """Bulk-create a catalogue of a few thousand editions; the earlier edition of a standard
    with two is superseded. Returns the codes of the editions and the ids to remove."""
    rng = random.Random(11)
    wanted = list(COMMON_CODES)
    for index in range(CATALOGUE_BASES):
        prefix, _type = CATALOGUE_PREFIXES[index % len(CATALOGUE_PREFIXES)]
        base = f"{prefix} {10_000 + index}"
        years = sorted(rng.sample(range(1995, 2025), rng.choice((1, 1, 2))))
        wanted.extend(f"{base}-{year}" for year in years)
    types = dict(CATALOGUE_PREFIXES)
    latest: dict[str, int] = {}
    parsed = [parse_standard_code(text) for text in wanted]
    for code in parsed:
        latest[code.base] = max(latest.get(code.base, 0), code.year or 0)
    rows = [
        Standard(
            code=code.canonical, base_code=code.base, prefix=code.prefix, family=code.family,
            number=code.number, year=code.year, title_zh=f"{code.base} 试验方法",
            type=types[code.prefix],
            status=Standard.Status.SUPERSEDED
            if code.year != latest[code.base] or code.canonical in SUPERSEDED_COMMON
            else Standard.Status.CURRENT,
        )
        for code in parsed
    ]  # fmt: skip
    with transaction.atomic():
        created = Standard.objects.bulk_create(rows, batch_size=1000)
    return [s.code for s in created], [s.pk for s in created if s.pk is not None]


def build_institutions() -> list[int]:
    """Bulk-create 300 testing labs, each with one CMA (numbered by its index)."""
    city = Region.objects.get(code="210100")
    organisations = [
        Organisation(
            uscc=make_uscc(f"12210100{index:09d}"), name=f"沈阳检测机构{index}",
            kind=Organisation.Kind.TESTING_LAB, city=city,
        )
        for index in range(INSTITUTIONS)
    ]  # fmt: skip
    with transaction.atomic():
        Organisation.objects.bulk_create(organisations, batch_size=500)
        Qualification.objects.bulk_create(
            [
                _qualification(organisation, QualificationType.CMA, _cma(index))
                for index, organisation in enumerate(organisations)
            ],
            batch_size=500,
        )
    return [o.pk for o in organisations if o.pk is not None]


def _cma(index: int) -> str:
    return f"21060100{index:04d}"  # 2021, Liaoning, field 01, ministry 00, serial


def _qualification(organisation: Organisation, type: str, number: str) -> Qualification:
    cma = type == QualificationType.CMA
    return Qualification(
        organisation=organisation, type=type, number=number, issuer="辽宁省市场监督管理局",
        valid_from=date(2021, 1, 1), valid_to=date(2099, 12, 31),
        cma_year=2021 if cma else None, cma_authority="06" if cma else "",
        cma_field="01" if cma else "",
    )  # fmt: skip


def capability_row(
    rng: random.Random,
    *,
    uscc: str,
    kind: str,
    qualification_no: str,
    serial: int,
    codes: Sequence[str],
    common: float = 0.0,
) -> dict[str, str]:
    """One row as an institution's scope table gives it. ``serial`` (unique per organisation)
    ends the parameter, so every row has its own natural key."""
    unit, low, high = rng.choice(UNITS)
    cited = rng.sample(codes, rng.randint(1, 2))
    if rng.random() < common:
        cited[0] = rng.choice(COMMON_CODES)
    elif rng.random() < 0.1:
        cited[0] = cited[0].rsplit("-", 1)[0]  # cited without a year: any edition
    elif rng.random() < 0.02:
        cited[0] = "Q/LN 001-2020"  # an enterprise standard the catalogue does not know
    service = kind == Kind.SERVICE
    return {
        "org_uscc": uscc,
        "qualification_no": "" if service else qualification_no,
        "kind": kind,
        "field": rng.choice(FIELDS),
        "object": rng.choice(OBJECTS[kind]),
        "parameter": f"{rng.choice(PARAMETERS[kind])}{serial}",
        "standard": ";".join(dict.fromkeys(cited)),
        "range_min": "" if service else str(low),
        "range_max": "" if service else str(high),
        "unit": "" if service else unit,
        "uncertainty": "" if service else rng.choice(ACCURACIES),
        "restriction": rng.choice(["", "", "只做现场检测"]),
        "price_cny": rng.choice(["", "120", "80.5"]),
        "turnaround_days": rng.choice(["", "5"]),
    }


def write_import_file(path: Path, count: int, institutions: list[int], codes: list[str]) -> None:
    rng = random.Random(2025)
    usccs = dict(Organisation.objects.filter(pk__in=institutions).values_list("pk", "uscc"))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(count):
            index = n % len(institutions)
            kind = rng.choices([Kind.TEST, Kind.CALIBRATION, Kind.SERVICE], [80, 15, 5])[0]
            writer.writerow(
                capability_row(
                    rng, uscc=usccs[institutions[index]], kind=kind,
                    qualification_no=_cma(index), serial=n // len(institutions), codes=codes,
                )
            )  # fmt: skip


def parse(rows: Iterable[dict[str, str]]) -> list[CapabilityData]:
    importer = importer_for("capabilities")
    importer.prepare()
    return [importer.parse_row(row) for row in rows]


def insert_lines(parsed: Sequence[CapabilityData]) -> None:
    """The least work that stores parsed lines: bulk_create them and the standards they cite,
    in the import's chunks, in one transaction."""
    with transaction.atomic():
        for start in range(0, len(parsed), CHUNK_SIZE):
            chunk = parsed[start : start + CHUNK_SIZE]
            lines = CapabilityLine.objects.bulk_create(
                [
                    CapabilityLine(
                        organisation_id=p.organisation_id, natural_key=p.natural_key,
                        **p.line_values(),
                    )
                    for p in chunk
                ],
                batch_size=500,
            )  # fmt: skip
            CapabilityStandard.objects.bulk_create(
                [
                    CapabilityStandard(
                        line_id=line.pk, code=s.code, base_code=s.base_code, year=s.year,
                        standard_id=s.standard_id, is_known=s.is_known,
                    )
                    for line, p in zip(lines, chunk, strict=True)
                    for s in p.standards
                ],
                batch_size=1000,
            )  # fmt: skip


def build_lab(count: int, codes: list[str]) -> Organisation:
    """A large lab holding a CMA, a CNAS accreditation and a metrology authorisation, with
    ``count`` lines of every kind, a quarter of them citing one of COMMON_CODES."""
    lab = Organisation.objects.create(
        uscc=make_uscc("12210100LAB000001"), name="辽宁省大型综合检验检测研究院",
        kind=Organisation.Kind.TESTING_LAB, city=Region.objects.get(code="210100"),
    )  # fmt: skip
    numbers = {
        Kind.TEST: "210601009999",
        Kind.CALIBRATION: "CNAS L9999",
        Kind.VERIFICATION: "(辽)法计(2021)09999号",
        Kind.SERVICE: "",
    }
    types = {
        Kind.TEST: QualificationType.CMA,
        Kind.CALIBRATION: QualificationType.CNAS_L,
        Kind.VERIFICATION: QualificationType.METROLOGY_AUTH,
    }
    Qualification.objects.bulk_create(
        [_qualification(lab, types[kind], numbers[kind]) for kind in types]
    )
    rng = random.Random(31)

    def rows() -> Iterator[dict[str, str]]:
        kinds = [Kind.TEST, Kind.CALIBRATION, Kind.VERIFICATION, Kind.SERVICE]
        for serial in range(count):
            kind = rng.choices(kinds, [60, 25, 10, 5])[0]
            yield capability_row(
                rng, uscc=lab.uscc, kind=kind, qualification_no=numbers[kind], serial=serial,
                codes=codes, common=0.25,
            )  # fmt: skip

    insert_lines(parse(rows()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a live database that has run PRAGMA optimize would be
    return lab


def remove(organisation_ids: list[int], standard_ids: list[int]) -> None:
    with transaction.atomic():
        _remove_lines(organisation_ids)
        Qualification.objects.filter(organisation_id__in=organisation_ids).delete()
        Organisation.objects.filter(pk__in=organisation_ids).delete()
        Standard.objects.filter(pk__in=standard_ids).delete()


def _remove_lines(organisation_ids: list[int]) -> None:
    with transaction.atomic():
        CapabilityStandard.objects.filter(line__organisation_id__in=organisation_ids).delete()
        CapabilityLine.objects.filter(organisation_id__in=organisation_ids).delete()


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _rss_mb() -> float | None:
    """The resident set now, where /proc tells it (Linux); None elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize() / (1024 * 1024)


def _memory_note(start: float | None, before: float, after: float) -> str:
    note = f"peak RSS {after:,.0f} MB, {after - before:+,.0f} MB over the earlier peak"
    if start is not None:
        note += f" (RSS {start:,.0f} MB at the start)"
    return note + ", approximate"


# --- (a) ------------------------------------------------------------------------------------


def bench_import(path: Path, count: int, institutions: list[int], codes: list[str]) -> list[Result]:
    write_import_file(path, count, institutions, codes)
    reading = median_time(lambda: sum(1 for _ in read_rows(path)), READ_REPEAT)

    outcomes: list[Any] = []
    rss_before, peak_before = _rss_mb(), _peak_rss_mb()
    created = timed(lambda: outcomes.append(run_import(importer_for("capabilities"), path)))
    peak_after = _peak_rss_mb()
    unchanged = timed(lambda: outcomes.append(run_import(importer_for("capabilities"), path)))
    first, second = outcomes
    assert first.ok and first.counts.created == count, first.as_dict()
    assert second.counts.unchanged == count, second.as_dict()
    stored = CapabilityLine.objects.filter(organisation_id__in=institutions)
    cited = CapabilityStandard.objects.filter(line__organisation_id__in=institutions).count()

    # The baseline writes the same lines into an empty table, as the new import did.
    _remove_lines(institutions)
    parsed: list[CapabilityData] = []
    parsing = timed(lambda: parsed.extend(parse(row for _n, row in read_rows(path))))
    raw = timed(lambda: insert_lines(parsed))
    assert stored.count() == count
    parsed.clear()  # free the parsed rows before (b)

    memory = _memory_note(rss_before, peak_before, peak_after)
    reader = "reading + parsing the file (read_rows)"
    return [
        Result(
            "(a) import capabilities: new lines",
            count,
            created,
            reading,
            reader,
            f"validates every row, then upserts in chunks in one transaction; {memory}",
        ),
        Result(
            "(a) import capabilities: new, vs raw insert",
            count,
            created,
            raw,
            "bulk_create of the parsed lines + citations",
            f"{cited:,} citations; read_rows + parse_row alone {parsing:.2f} s, caches warm "
            "(the import parses twice)",
        ),
        Result(
            "(a) import capabilities: unchanged re-run",
            count,
            unchanged,
            reading,
            reader,
            "every line and its citations compared with what is stored, nothing written; "
            "parse caches warm from the first run",
        ),
    ]


# --- (b) ------------------------------------------------------------------------------------


def bench_scope(lab: Organisation, count: int) -> list[Result]:
    def bare() -> list[CapabilityLine]:
        return list(CapabilityLine.objects.filter(organisation_id=lab.pk).order_by("id")[:PAGE])

    baseline = median_time(bare, REPEAT)
    queries: list[tuple[str, dict[str, Any]]] = [("no filter", {})]
    queries += [(f"kind={kind.value!r}", {"kind": kind.value}) for kind in KIND_QUERIES]
    queries += [(f"q={text!r}", {"q": text}) for text in TEXT_QUERIES]
    queries += [(f"standard={code!r}", {"standard": code}) for code in STANDARD_QUERIES]
    results = []
    for label, filters in queries:

        def page(filters: dict[str, Any] = filters) -> tuple[int, list[CapabilityLine]]:
            lines = capabilities_of(lab, **filters)
            return lines.count(), list(with_standards(lines)[:PAGE])

        total, first = page()
        assert total > 0 and first, label  # the query finds something to page through
        results.append(
            Result(
                f"(b) lab scope, {label}",
                count,
                median_time(page, REPEAT),
                baseline,
                f"filter(organisation).order_by(id)[:{PAGE}]",
                f"{total:,} matching; count + first {PAGE} with cited standards, as the API",
            )
        )
    return results
