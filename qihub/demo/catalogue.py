"""A volume catalogue on top of the real one, so search and lookup can be tried at scale.

The shipped catalogue holds about 700 real standards; a province sees about 10,000 and the
nation about 300,000 (DESIGN.md, "Scale it must hold"). This module makes up the rest:
believable codes across the families users meet, titles built from real product and test
vocabulary, and version chains (older editions superseded by newer ones, a few withdrawn, a
few upcoming). Every made-up edition says so in its issuer field, and no made-up code shares
its base with a real standard, so nothing here can be mistaken for a real edition.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice

from django.utils import timezone

from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.services import StandardData, add_standards_in_bulk

DEMO_ISSUER = "演示数据（非真实标准）"
CHUNK = 5_000

Type = Standard.Type
Status = Standard.Status

# prefix, type, lowest and highest number, weight (share of the made-up catalogue)
FAMILIES: tuple[tuple[str, str, int, int, int], ...] = (
    ("GB/T", Type.RECOMMENDED, 5_000, 46_999, 30),
    ("GB", Type.MANDATORY, 5_000, 46_999, 3),
    ("JB/T", Type.INDUSTRY_RECOMMENDED, 1_000, 14_999, 12),
    ("YB/T", Type.INDUSTRY_RECOMMENDED, 1_000, 6_999, 4),
    ("HG/T", Type.INDUSTRY_RECOMMENDED, 2_000, 6_999, 5),
    ("SH/T", Type.INDUSTRY_RECOMMENDED, 3_000, 3_999, 2),
    ("QB/T", Type.INDUSTRY_RECOMMENDED, 1_000, 5_999, 5),
    ("FZ/T", Type.INDUSTRY_RECOMMENDED, 1_000, 99_999, 3),
    ("NY/T", Type.INDUSTRY_RECOMMENDED, 1_000, 4_999, 5),
    ("JC/T", Type.INDUSTRY_RECOMMENDED, 1_000, 2_999, 3),
    ("SN/T", Type.INDUSTRY_RECOMMENDED, 1_000, 5_999, 4),
    ("DL/T", Type.INDUSTRY_RECOMMENDED, 1_000, 2_999, 3),
    ("NB/T", Type.INDUSTRY_RECOMMENDED, 10_000, 11_999, 2),
    ("HJ", Type.ENVIRONMENTAL, 1_000, 1_399, 1),
    ("JJF", Type.CALIBRATION_SPEC, 2_000, 2_999, 1),
    ("DB21/T", Type.LOCAL_RECOMMENDED, 4_000, 4_999, 3),
    ("DB37/T", Type.LOCAL_RECOMMENDED, 4_000, 4_999, 2),
    ("DB32/T", Type.LOCAL_RECOMMENDED, 4_000, 4_999, 2),
    ("T/CAS", Type.GROUP, 1_000, 1_999, 3),
    ("T/LNAS", Type.GROUP, 100, 999, 2),
    ("T/CSAE", Type.GROUP, 400, 999, 2),
)

OBJECTS = (
    "热轧钢板",
    "冷轧带钢",
    "钢丝绳",
    "无缝钢管",
    "铝合金型材",
    "铜及铜合金棒材",
    "钛合金板材",
    "电力电缆",
    "架空绞线",
    "电力变压器",
    "三相异步电动机",
    "低压断路器",
    "继电保护装置",
    "离心泵",
    "闸阀",
    "滚动轴承",
    "圆柱齿轮",
    "数控车床",
    "加工中心",
    "工业机器人",
    "液压缸",
    "叉车",
    "起重机",
    "压力容器",
    "工业锅炉",
    "燃气燃烧器",
    "风力发电机组",
    "光伏组件",
    "锂离子电池",
    "燃料电池电堆",
    "电动汽车传导充电桩",
    "汽车制动软管",
    "汽车座椅",
    "轮胎",
    "硅酸盐水泥",
    "预拌混凝土",
    "混凝土外加剂",
    "陶瓷砖",
    "建筑防水卷材",
    "建筑涂料",
    "岩棉保温板",
    "聚乙烯管材",
    "聚氯乙烯型材",
    "润滑油",
    "车用柴油",
    "液化石油气",
    "乙烯",
    "复合肥料",
    "农药乳油",
    "大米",
    "小麦粉",
    "生乳",
    "乳粉",
    "食用植物油",
    "白酒",
    "茶叶",
    "海参",
    "饮用天然矿泉水",
    "棉纺织品",
    "羊绒针织品",
    "儿童服装",
    "木制家具",
    "塑料玩具",
    "LED 照明灯具",
    "家用电冰箱",
    "空气净化器",
    "医用口罩",
    "一次性使用输液器",
    "化妆品",
    "集成电路封装",
    "工业以太网交换机",
    "智能电能表",
    "水表",
    "燃气表",
    "压力变送器",
    "热电偶",
    "电子天平",
    "三坐标测量机",
    "无损检测仪器",
)

METHODS = (
    "拉伸性能的测定",
    "硬度试验",
    "化学成分分析",
    "含水量的测定",
    "重金属含量的测定",
    "耐腐蚀性能试验",
    "耐压强度试验",
    "尺寸及偏差测量",
    "外观质量检验",
    "电气安全试验",
    "电磁兼容试验",
    "噪声测定",
    "能效测试",
    "耐久性试验",
    "阻燃性能试验",
    "微生物检验",
    "农药残留量的测定",
    "挥发性有机物含量的测定",
    "密封性试验",
    "疲劳试验",
    "冲击试验",
)

ASPECTS = (
    "技术条件",
    "通用技术要求",
    "安全要求",
    "检验规则",
    "术语",
    "分类与型号",
    "包装、标志、运输和贮存",
    "能效限定值及能效等级",
    "质量分级",
    "安装与验收规范",
    "使用维护规程",
    "绿色产品评价要求",
    "生产技术规程",
)

YEARS = range(1995, 2026)


def fill_catalogue(*, target: int, seed: int) -> int:
    """Add made-up editions until the catalogue holds ``target`` editions; returns how many.

    Run after the real catalogue is imported. A catalogue already at ``target`` is left alone,
    so a larger scale on top of a smaller one only adds the difference.
    """
    missing = target - Standard.objects.count()
    if missing <= 0:
        return 0
    taken = set(Standard.objects.values_list("base_code", flat=True))
    added = 0
    editions = _editions(random.Random(seed), taken)
    while added < missing:
        chunk = list(islice(editions, min(CHUNK, missing - added)))
        if not chunk:
            break
        added += add_standards_in_bulk(chunk, by=None)
    return added


def _editions(rng: random.Random, taken: set[str]) -> Iterator[StandardData]:
    """Editions base by base, oldest first within a base so ``replaces`` points backwards."""
    weights = [family[4] for family in FAMILIES]
    while True:
        prefix, kind, low, high, _weight = rng.choices(FAMILIES, weights)[0]
        number = str(rng.randint(low, high))
        if rng.random() < 0.15:
            number += f".{rng.randint(1, 6)}"
        base = parse_standard_code(f"{prefix} {number}").base
        if base in taken:
            continue
        taken.add(base)
        yield from _chain(rng, prefix=prefix, number=number, kind=kind, title=_title(rng))


def _chain(
    rng: random.Random, *, prefix: str, number: str, kind: str, title: str
) -> Iterator[StandardData]:
    count = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
    years = sorted(rng.sample(YEARS, count))
    dates = []
    for year in years:
        published = date(year, rng.randint(1, 12), rng.randint(1, 28))
        dates.append((published, published + timedelta(days=rng.choice((90, 120, 180, 365)))))
    statuses = [Status.SUPERSEDED] * (count - 1) + [Status.CURRENT]
    if dates[-1][1] > timezone.localdate():
        # The newest edition is not in force yet: the one before it still is.
        statuses[-1] = Status.UPCOMING
        if count > 1:
            statuses[-2] = Status.CURRENT
    elif rng.random() < 0.03:
        statuses[-1] = Status.WITHDRAWN
    previous = None
    for year, (published, effective), status in zip(years, dates, statuses, strict=True):
        code = parse_standard_code(f"{prefix} {number}-{year}")
        yield StandardData(
            code=code,
            title_zh=title,
            type=kind,
            status=status,
            published_on=published,
            effective_on=effective,
            replaces=(previous,) if previous is not None else (),
            issuer=DEMO_ISSUER,
        )
        previous = code


def _title(rng: random.Random) -> str:
    subject = rng.choice(OBJECTS)
    if rng.random() < 0.45:
        return f"{subject} {rng.choice(METHODS)}"
    return f"{subject} {rng.choice(ASPECTS)}"
