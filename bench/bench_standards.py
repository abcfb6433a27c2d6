"""Standards: lookup by code and ranked full-text search over a 300,000-edition catalogue.

(a) ``lookup_standard(code)`` (parse, fetch, version chain, edition in force) against the bare
    indexed ``Standard.objects.filter(code=…).first()``;
(b) ``search_standards(q)`` as the list page runs it (count + first page of 20) for Chinese
    words, against the bare FTS5 ``MATCH`` it stands on (count + top 20 by bm25, ids only);
(c) ``search_standards(code)`` for a code without a year, against the bare ``base_code`` query.

Titles are drawn from a bounded set of templates segmented once: jieba over 300,000 titles
would take about 90 s and measure jieba, not the database.
"""

from __future__ import annotations

import random
import re
import time

from django.db import connection, transaction

from bench import Context, Result, median_time
from qihub.core.search import segment
from qihub.standards.models import Standard
from qihub.standards.queries import lookup_standard
from qihub.standards.search import FTS_TABLE, search_standards

EDITIONS = 300_000
QUICK_EDITIONS = 30_000
REPEAT = 15
PAGE = 20

PREFIXES = [
    ("GB/T", "national", Standard.Type.RECOMMENDED),
    ("GB", "national", Standard.Type.MANDATORY),
    ("JJG", "metrology", Standard.Type.VERIFICATION_REGULATION),
    ("JJF", "metrology", Standard.Type.CALIBRATION_SPEC),
    ("JB/T", "industry", Standard.Type.INDUSTRY_RECOMMENDED),
    ("HG/T", "industry", Standard.Type.INDUSTRY_RECOMMENDED),
    ("NB/T", "industry", Standard.Type.INDUSTRY_RECOMMENDED),
    ("DB21/T", "local", Standard.Type.LOCAL_RECOMMENDED),
    ("T/CAS", "group", Standard.Type.GROUP),
]
SUBJECTS = [
    "金属材料",
    "钢筋混凝土",
    "压力表",
    "电能表",
    "水表",
    "燃气表",
    "热量表",
    "流量计",
    "电子天平",
    "温度计",
    "热电偶",
    "压力容器",
    "压力管道",
    "气瓶",
    "锅炉",
    "电梯",
    "起重机械",
    "安全阀",
    "阀门",
    "钢管",
    "钢板",
    "钢丝绳",
    "不锈钢",
    "铝合金",
    "轴承",
    "齿轮",
    "紧固件",
    "螺栓",
    "光伏组件",
    "锂离子电池",
    "充电桩",
    "数控机床",
    "工业机器人",
    "电线电缆",
    "食品添加剂",
    "化肥",
    "涂料",
    "塑料管材",
    "玻璃",
    "陶瓷砖",
    "水泥",
    "木材",
    "纸张",
    "纺织品",
    "橡胶",
    "润滑油",
    "汽油",
    "柴油",
]
ASPECTS = [
    "拉伸试验",
    "冲击试验",
    "弯曲试验",
    "硬度试验",
    "疲劳试验",
    "化学成分",
    "力学性能",
    "无损检测",
    "超声检测",
    "射线检测",
    "检定规程",
    "校准规范",
    "型式评价大纲",
    "技术条件",
    "通用技术要求",
    "安全要求",
    "试验方法",
    "测定方法",
    "能效限定值",
    "术语和定义",
    "定期检验",
    "监督检验",
    "抽样检验",
    "能力验证",
]
PARTS = ["", " 第1部分：通用要求", " 第2部分：试验方法", " 第3部分：室温试验方法"]

CHINESE_QUERIES = ["拉伸试验", "电能表 检定规程", "压力容器", "能力验证", "钢管 超声"]
CODE_QUERIES = ["GB/T 1234", "jjg 52"]
_WORD = re.compile(r"[^\W_]+")


def run(context: Context) -> list[Result]:
    count = QUICK_EDITIONS if context.quick else EDITIONS
    started = time.perf_counter()
    codes = build(count)
    built = time.perf_counter() - started
    note = f"catalogue of {count:,} editions built in {built:.1f} s"
    return [bench_lookup(codes, note), *bench_words(), *bench_codes()]


def build(count: int) -> list[str]:
    rng = random.Random(2025)
    titles = [
        (title, segment(title))
        for title in {
            f"{rng.choice(SUBJECTS)} {rng.choice(ASPECTS)}{rng.choice(PARTS)}" for _ in range(4000)
        }
    ]
    rows: list[Standard] = []
    codes: list[str] = []
    number = 0
    while len(rows) < count:
        number += 1
        prefix, family, kind = PREFIXES[number % len(PREFIXES)]
        # Number 1234 and 52 exist for every prefix, as GB/T 1234 and JJG 52 do.
        base = f"{prefix} {number // len(PREFIXES) + 1}"
        title, seg = titles[rng.randrange(len(titles))]
        years = sorted(rng.sample(range(1990, 2025), rng.choice((1, 1, 2, 3))))
        for index, year in enumerate(years):
            code = f"{base}-{year}"
            is_last = index == len(years) - 1
            rows.append(
                Standard(
                    code=code, base_code=base, prefix=prefix, family=family,
                    number=base.split(" ")[1], year=year, title_zh=title, type=kind,
                    status=Standard.Status.CURRENT if is_last else Standard.Status.SUPERSEDED,
                    search_text=" ".join(_WORD.findall(f"{code} {base}".lower())) + " " + seg,
                )
            )  # fmt: skip
            codes.append(code)
    with transaction.atomic():
        Standard.objects.bulk_create(rows[:count], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute("ANALYZE")
    return codes[:count]


def bench_lookup(codes: list[str], note: str) -> Result:
    sample = random.Random(7).sample(codes, 200)
    cycle = iter(sample * (REPEAT * 2))
    product = median_time(lambda: lookup_standard(next(cycle)), len(sample))
    cycle = iter(sample * (REPEAT * 2))
    baseline = median_time(lambda: Standard.objects.filter(code=next(cycle)).first(), len(sample))
    return Result(
        "(a) lookup_standard(code with year)",
        len(codes),
        product,
        baseline,
        "filter(code=…).first()",
        note + "; per call, includes the version chain",
    )


def _page(query: str) -> tuple[int, list[Standard]]:
    standards = search_standards(query).filter(is_catalogued=True)
    return standards.count(), list(standards[:PAGE])


def _bare_match(match: str) -> tuple[int, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rank LIMIT %s",  # noqa: S608
            [match, PAGE],
        )
        return total, [row[0] for row in cursor.fetchall()]


def bench_words() -> list[Result]:
    results = []
    for query in CHINESE_QUERIES:
        total, _ = _page(query)
        match = " ".join(f'"{term}"' for term in query.split())
        assert _bare_match(match)[0] == total, query
        results.append(
            Result(
                f"(b) search_standards({query!r})",
                total,
                median_time(lambda q=query: _page(q), REPEAT),
                median_time(lambda m=match: _bare_match(m), REPEAT),
                "FTS5 MATCH count + top 20 by rank",
                "count + first page, as the list page",
            )
        )
    return results


def bench_codes() -> list[Result]:
    results = []
    for query in CODE_QUERIES:
        base = query.upper()
        total, _ = _page(query)

        def bare(b: str = base) -> tuple[int, list[Standard]]:
            editions = Standard.objects.filter(base_code=b)
            return editions.count(), list(editions.order_by("-year")[:PAGE])

        results.append(
            Result(
                f"(c) search_standards({query!r})",
                total,
                median_time(lambda q=query: _page(q), REPEAT),
                median_time(bare, REPEAT),
                "filter(base_code=…) count + page",
            )
        )
    return results
