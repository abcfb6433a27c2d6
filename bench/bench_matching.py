"""Matching: relevance on the evaluation set, and latency at Liaoning (and national) scale.

(a) **Relevance.** ``bench/matching/`` holds a constructed set in the import formats (standards,
    orgs, qualifications, capabilities) and ``needs.json``: realistic needs with graded
    judgments (USCC → 0..3) and a ``must_not`` list. Loaded with ``qihub import`` on the bench
    database, each need is answered by ``match_text`` and by a plain keyword baseline (FTS5 OR
    over the raw query's words, ranked by bm25, institutions in the order of their best line,
    whatever their qualification); both are scored with nDCG@10 and the number of ``must_not``
    institutions in any top 10.
(b) **Latency.** The catalogue is grown to ~300,000 capability lines (a fast bulk path over a
    bounded set of segmented templates, as bench_standards does) and the evaluation needs are
    timed through ``match()`` (p50 and p95 over the needs), against the bare full-text query the
    engine starts from (the FTS5 ``MATCH`` of the need's term groups, row ids only). With
    ``QIHUB_BENCH_NATIONAL=1`` the same is repeated at national size (17×).
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction

from bench import Context, Result

DATASET = Path(__file__).resolve().parent / "matching"
FILES = (
    ("standards", "standards.csv"),
    ("orgs", "orgs.csv"),
    ("qualifications", "qualifications.csv"),
    ("capabilities", "capabilities.csv"),
)
K = 10
LIAONING_LINES = 300_000
QUICK_LINES = 30_000
NATIONAL_FACTOR = 17
REPEAT = 3


# --- the evaluation set --------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    query: str
    judgments: dict[str, int]
    must_not: frozenset[str]
    keys: dict[str, str]


def load_needs() -> tuple[date, list[Judged]]:
    data = json.loads((DATASET / "needs.json").read_text(encoding="utf-8"))
    needs = [
        Judged(n["q"], dict(n["judgments"]), frozenset(n["must_not"]), dict(n.get("keys", {})))
        for n in data["needs"]
    ]
    return date.fromisoformat(data["today"]), needs


def load_dataset() -> None:
    """Import the evaluation set through ``qihub import`` (validating every row)."""
    for kind, name in FILES:
        call_command("import", kind, str(DATASET / name), stdout=StringIO(), stderr=StringIO())


def ndcg(ranked: Sequence[str], judgments: dict[str, int], k: int = K) -> float:
    """nDCG@k with gains 2^rel − 1; the ideal ranks every judged institution."""

    def dcg(grades: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(judgments.values(), reverse=True))
    if ideal == 0:
        return 1.0
    return dcg([judgments.get(uscc, 0) for uscc in ranked]) / ideal


@dataclass(frozen=True)
class Score:
    ndcg: float
    violations: list[tuple[str, str]]  # (query, key or USCC)
    per_need: list[tuple[str, float, list[str]]]


def evaluate(rank: Callable[[str], list[str]], needs: Sequence[Judged]) -> Score:
    values: list[float] = []
    violations: list[tuple[str, str]] = []
    per_need: list[tuple[str, float, list[str]]] = []
    for need in needs:
        ranked = rank(need.query)[:K]
        values.append(ndcg(ranked, need.judgments))
        bad = [need.keys.get(u, u) for u in ranked if u in need.must_not]
        violations.extend((need.query, b) for b in bad)
        per_need.append((need.query, values[-1], bad))
    return Score(statistics.mean(values), violations, per_need)


def engine_ranking(today: date) -> Callable[[str], list[str]]:
    from qihub.matching.engine import match_text

    def rank(query: str) -> list[str]:
        result = match_text(query, limit=K, today=today)
        return [m.organisation.uscc for m in result.results]

    return rank


def keyword_ranking(query: str) -> list[str]:
    """Plain keyword search: FTS5 OR over the raw query's words, by bm25, one row per
    institution in the order of its best line; no kind, validity, range or accuracy rules."""
    from qihub.core.search import query_terms
    from qihub.institutions.search import FTS_TABLE

    terms = query_terms(query)
    if not terms:
        return []
    expression = " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.organisation_id, o.uscc FROM {FTS_TABLE} f "  # noqa: S608
            "JOIN institutions_capabilityline l ON l.id = f.rowid "
            "JOIN accounts_organisation o ON o.id = l.organisation_id "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}) LIMIT 500",
            [expression],
        )
        return list(dict.fromkeys(uscc for _org, uscc in cursor.fetchall()))


# --- bulk lines for latency ------------------------------------------------------------------

OBJECTS = [
    "钢筋", "钢板", "钢管", "钢丝", "钢丝绳", "型钢", "铸钢件", "不锈钢", "铝合金型材", "混凝土",
    "水泥", "砂石", "防水卷材", "涂料", "塑料管材", "电线电缆", "阀门", "螺栓", "轴承", "齿轮",
    "焊缝", "压力容器", "压力管道", "锅炉", "电梯", "起重机械", "气瓶", "家用电器", "灯具",
    "锂离子电池", "光伏组件", "充电桩", "食品", "乳制品", "蔬菜", "水质", "废水", "土壤",
    "室内空气", "环境空气", "纺织品", "玩具", "家具", "化妆品", "医疗器械", "润滑油",
]  # fmt: skip
PARAMETERS = [
    ("抗拉强度", "MPa", 0, 2000), ("屈服强度", "MPa", 0, 2000), ("断后伸长率", "%", 0, 80),
    ("冲击吸收能量", "J", 0, 450), ("洛氏硬度", "HRC", 20, 70), ("化学成分", "", None, None),
    ("厚度", "mm", 0, 200), ("尺寸", "mm", 0, 2000), ("抗压强度", "MPa", 0, 100),
    ("超声检测", "mm", 5, 200), ("盐雾试验", "h", 0, 2000), ("甲醛", "mg/m³", 0, 10),
    ("化学需氧量", "mg/L", 4, 700), ("菌落总数", "", None, None), ("农药残留", "", None, None),
    ("电气强度", "kV", 0, 10), ("绝缘电阻", "MΩ", 0, 1000), ("定期检验", "", None, None),
]  # fmt: skip
INSTRUMENTS = [
    ("压力表", "MPa", 0, 100), ("精密压力表", "MPa", 0, 60), ("数字压力计", "MPa", 0, 100),
    ("电子天平", "kg", 0, 5), ("电子秤", "kg", 0, 300), ("汽车衡", "t", 0, 150),
    ("热电偶", "℃", 0, 1200), ("玻璃液体温度计", "℃", -30, 300), ("三坐标测量机", "mm", 0, 2000),
    ("扭矩扳手", "N·m", 1, 2000), ("万用表", "V", 0, 1000), ("声级计", "dB", 20, 130),
    ("游标卡尺", "mm", 0, 500), ("千分尺", "mm", 0, 100), ("流量计", "m³/h", 0, 500),
]  # fmt: skip
STANDARD_CODES = [
    "GB/T 228.1-2021", "GB/T 228.1-2010", "JJG 52-2013", "JJF 1064-2010", "GB/T 50081-2019",
    "HJ 828-2017", "GB/T 19001-2016", "GB/T 10125-2021",
]  # fmt: skip
CITIES = ["210100", "210200", "210300", "210400", "210500", "210600", "210700", "210800",
          "210900", "211000", "211100", "211200", "211300", "211400"]  # fmt: skip


def grow(lines: int, *, seed: int = 2025, start: int = 1) -> int:
    """Add about ``lines`` capability lines over ~1 institution per 100 lines, in bulk."""
    from qihub.accounts.identifiers import make_uscc
    from qihub.accounts.models import Organisation
    from qihub.core.search import segment
    from qihub.core.units import parse_unit
    from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
    from qihub.institutions.search import FTS_TABLE
    from qihub.reference.models import Region

    rng = random.Random(seed)
    cities = {r.code: r for r in Region.objects.filter(code__in=CITIES)}
    templates = []
    for obj in OBJECTS:
        for parameter, unit, low, high in PARAMETERS:
            templates.append(("test", obj, parameter, unit, low, high))
    for instrument, unit, low, high in INSTRUMENTS:
        for kind in ("calibration", "verification"):
            templates.append((kind, instrument, "示值误差", unit, low, high))
    segmented = {(t[1], t[2]): segment(f"{t[1]} {t[2]}") for t in templates}
    units = {t[3]: parse_unit(t[3]) for t in templates if t[3]}
    institutions = max(1, lines // 100)
    made = 0
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    uscc=make_uscc(f"12{CITIES[i % len(CITIES)]}{800_000_000 + start + i:09d}"),
                    name=f"基准检测机构{start + i}",
                    kind=Organisation.Kind.TESTING_LAB,
                    city=cities.get(CITIES[i % len(CITIES)]),
                )
                for i in range(institutions)
            ],
            batch_size=2000,
        )
        quals = Qualification.objects.bulk_create(
            [
                Qualification(
                    organisation=org,
                    type="CMA",
                    number=f"{(start + i) // 10000 % 100:02d}0601{(start + i) % 10000:06d}",
                    valid_from=date(2023, 1, 1),
                    valid_to=date(2029, 12, 31) if rng.random() > 0.05 else date(2025, 1, 1),
                    status="valid" if rng.random() > 0.03 else "suspended",
                )
                for i, org in enumerate(orgs)
            ],
            batch_size=2000,
        )
        batch: list[CapabilityLine] = []
        cites: list[tuple[int, str]] = []
        for index, (org, qual) in enumerate(zip(orgs, quals, strict=True)):
            for n, template in enumerate(rng.sample(templates, min(100, len(templates)))):
                kind, obj, parameter, unit, low, high = template
                u = units.get(unit)
                batch.append(
                    CapabilityLine(
                        organisation=org, qualification=qual, kind=kind, object=obj,
                        parameter=parameter, unit=unit, dimension=u.dimension if u else "",
                        range_min=low, range_max=high,
                        range_min_base=None if low is None or u is None else low * u.factor,
                        range_max_base=None if high is None or u is None else high * u.factor,
                        range_text="" if low is None else f"{low}~{high} {unit}",
                        search_text=segmented[(obj, parameter)], natural_key=f"b{index}-{n}",
                        price_cny=rng.randint(20, 2000), turnaround_days=rng.randint(1, 15),
                    )
                )  # fmt: skip
                made += 1
            if len(batch) >= 20_000:
                created = CapabilityLine.objects.bulk_create(batch, batch_size=5000)
                cites.extend((line.pk, rng.choice(STANDARD_CODES)) for line in created)
                batch = []
        if batch:
            created = CapabilityLine.objects.bulk_create(batch, batch_size=5000)
            cites.extend((line.pk, rng.choice(STANDARD_CODES)) for line in created)
        CapabilityStandard.objects.bulk_create(
            [
                CapabilityStandard(
                    line_id=pk, code=code, base_code=code.rsplit("-", 1)[0],
                    year=int(code.rsplit("-", 1)[1]),
                )
                for pk, code in cites
            ],
            batch_size=10_000,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute("ANALYZE")
    return made


def _percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(needs: Sequence[Judged], today: date) -> tuple[float, float, float, float]:
    """(p50, p95) of match() and of the bare FTS query, seconds, over the needs."""
    from qihub.institutions.search import FTS_TABLE
    from qihub.matching.engine import _any_of, _fts_expression, _terms, match
    from qihub.matching.understanding import understand
    from qihub.matching.vocabulary import vocabulary

    understood = [understand(n.query) for n in needs]
    product: list[float] = []
    bare: list[float] = []
    for need in understood:
        groups = [g for g in (_any_of(t.words) for t in _terms(need, vocabulary())) if g]
        expression = _fts_expression(groups) if groups else None
        for _ in range(REPEAT):
            started = time.perf_counter()
            match(need, today=today)
            product.append(time.perf_counter() - started)
            started = time.perf_counter()
            if expression:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                        [expression],
                    )
                    cursor.fetchall()
            bare.append(time.perf_counter() - started)
    return (
        _percentile(product, 0.5),
        _percentile(product, 0.95),
        _percentile(bare, 0.5),
        _percentile(bare, 0.95),
    )


def run(context: Context) -> list[Result]:
    today, needs = load_needs()
    load_dataset()
    engine = evaluate(engine_ranking(today), needs)
    keyword = evaluate(keyword_ranking, needs)
    results = [
        Result(
            "(a) relevance nDCG@10: engine (product) vs keyword",
            len(needs),
            engine.ndcg,
            keyword.ndcg,
            "plain keyword FTS (OR, bm25)",
            f"must_not in a top 10: engine {len(engine.violations)}, keyword "
            f"{len(keyword.violations)} (values are nDCG, not seconds)",
        )
    ]
    sizes: list[tuple[str, int]] = [("liaoning", QUICK_LINES if context.quick else LIAONING_LINES)]
    if os.environ.get("QIHUB_BENCH_NATIONAL") == "1" and not context.quick:
        sizes.append(("national", LIAONING_LINES * NATIONAL_FACTOR))
    total = 0
    p95_by_scale: dict[str, float] = {}
    for name, size in sizes:
        started = time.perf_counter()
        total += grow(size - total, start=total + 1, seed=len(p95_by_scale) + 1)
        built = time.perf_counter() - started
        p50, p95, bare50, bare95 = latency(needs, today)
        p95_by_scale[name] = p95
        results.append(
            Result(f"(b) match() p50 at {name}", total, p50, bare50, "bare FTS5 MATCH of terms")
        )
        results.append(
            Result(
                f"(b) match() p95 at {name}",
                total,
                p95,
                bare95,
                "bare FTS5 MATCH of terms",
                f"{total:,} lines ({built:.0f} s to build); {len(needs)} needs × {REPEAT}",
            )
        )
    if "national" in p95_by_scale:
        results.append(
            Result(
                "(b) national p95 vs liaoning p95",
                total,
                p95_by_scale["national"],
                p95_by_scale["liaoning"],
                "liaoning p95",
            )
        )
    return results


def report(score: Score) -> dict[str, Any]:
    return {
        "ndcg": round(score.ndcg, 4),
        "violations": score.violations,
        "weak": [(q, round(v, 3), bad) for q, v, bad in score.per_need if v < 0.9 or bad],
    }
