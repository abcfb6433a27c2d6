"""Demo standardisation registries: provincial technical committees in Liaoning's industries,
pilot and demonstration projects, and national standards led or joined by the province's
organisations, written through ``qihub.standards.registries`` from organisations (and
standards) the demo has already loaded.

A second run of the same scale changes nothing; a larger scale on top of a smaller one tops
each registry up to its number (committees by their position in the list below, so ``tiny``
then ``liaoning`` gives the same committees as ``liaoning`` alone).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.utils import timezone

from qihub.accounts.models import Organisation, User
from qihub.demo.scales import Scale
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.importers import SHIPPED_CATALOGUE
from qihub.standards.models import (
    NationalStandardContribution,
    PilotProject,
    Standard,
    TechnicalCommittee,
)
from qihub.standards.registries import (
    CommitteeData,
    ContributionData,
    PilotProjectData,
    record_contribution,
    register_committee,
    register_pilot_project,
)

Kind = Organisation.Kind
Status = PilotProject.Status

# (name, English name, scope): provincial committees in the province's industries. A committee
# is numbered by its position (LN/TC 1 …), so each scale takes the first N.
COMMITTEES: tuple[tuple[str, str, str], ...] = (
    (
        "装备制造业",
        "Equipment Manufacturing",
        "通用机械、重型装备、数控机床、工业机器人",
    ),
    (
        "石油和化学工业",
        "Petroleum and Chemical Industry",
        "石油炼制、石油化工、精细化工、化工新材料",
    ),
    ("冶金", "Metallurgy", "钢铁、有色金属冶炼及压延加工，冶金原辅材料"),
    ("菱镁", "Magnesite", "菱镁矿开采、镁质耐火材料、镁化合物及镁合金"),
    ("农业", "Agriculture", "种植业、设施农业、农产品质量安全与农业生产技术规程"),
    ("食品", "Food", "食品生产加工、食品安全地方标准以外的食品质量要求与检验方法"),
    ("海洋与渔业", "Marine and Fisheries", "海水养殖、海参等海珍品、渔业资源与海洋生态"),
    ("林业和草原", "Forestry and Grassland", "林木种苗、森林资源、经济林及林下经济"),
    ("畜牧兽医", "Animal Husbandry and Veterinary Medicine", "畜禽养殖、饲料、动物防疫"),
    ("旅游", "Tourism", "旅游服务质量、旅游景区、冰雪与温泉旅游"),
    ("物流", "Logistics", "仓储、运输、冷链物流、港口物流服务"),
    ("电子商务", "E-commerce", "电子商务平台服务、跨境电商、网络零售"),
    ("信息技术", "Information Technology", "软件与信息服务、工业互联网、数据要素"),
    ("机器人", "Robotics", "工业机器人、服务机器人及系统集成"),
    ("汽车", "Automobiles", "整车及零部件、新能源汽车及充电设施"),
    ("船舶与海洋工程", "Shipbuilding and Offshore Engineering", "船舶建造、船用配套、海洋工程装备"),
    ("航空", "Aviation", "航空器零部件制造、通用航空运营服务"),
    ("集成电路装备", "Integrated Circuit Equipment", "集成电路制造装备及关键零部件"),
    ("建材", "Building Materials", "水泥、玻璃、新型墙体材料及装配式建筑部品"),
    ("医药", "Pharmaceuticals", "化学药、生物药、中药材种植与饮片加工"),
    ("纺织服装", "Textiles and Apparel", "纺织品、服装及家用纺织品"),
    ("轻工", "Light Industry", "日用消费品、家具、皮革及制品"),
    ("粮食和物资储备", "Grain and Material Reserves", "粮油质量、粮食仓储与应急物资储备"),
    ("节能与综合利用", "Energy Conservation", "能耗限额、节能监测、资源综合利用"),
    ("生态环境", "Ecology and Environment", "污染物排放、环境监测技术规范"),
    ("电力", "Electric Power", "发电、输变电、配电及电力需求侧管理"),
    ("交通运输", "Transport", "公路、水路运输服务与基础设施养护"),
    ("水利", "Water Resources", "水资源管理、灌区与水利工程运行"),
    ("气象", "Meteorology", "气象观测、气象服务与气象灾害防御"),
    ("地理信息", "Geographic Information", "测绘地理信息数据生产与应用服务"),
    (
        "社会管理和公共服务",
        "Social Management and Public Services",
        "政务服务、社区治理、公共法律服务",
    ),
    ("养老服务", "Elderly Care Services", "机构养老、居家社区养老服务质量"),
    ("文化和旅游公共服务", "Public Cultural Services", "公共图书馆、文化馆及公共文化服务"),
    ("应急管理", "Emergency Management", "安全生产、应急救援与防灾减灾"),
    ("检验检测", "Inspection and Testing", "检验检测机构管理、检验检测服务质量"),
    ("冰雪运动和装备", "Ice and Snow Sports and Equipment", "冰雪运动场地、装备与服务"),
    ("智能制造", "Intelligent Manufacturing", "智能工厂、数字化车间与智能制造系统"),
    ("碳达峰碳中和", "Carbon Peaking and Neutrality", "碳排放核算、碳足迹与低碳产品评价"),
    ("现代服务业", "Modern Services", "商务服务、家政服务、商贸流通"),
    ("中药材", "Chinese Medicinal Materials", "道地药材种植、采收与初加工"),
)
# Committees at these positions (1-based) have been dissolved (merged into others).
DISSOLVED_POSITIONS = frozenset({13, 28})
SECRETARIAT_KINDS = (Kind.STANDARDS_BODY, Kind.METROLOGY_INSTITUTE, Kind.TESTING_LAB)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁于蒋蔡"
GIVEN = ("建国", "志强", "海涛", "丽华", "明", "伟", "静", "晓东", "红梅", "立新", "卫东", "雪梅")

# (name, field, kind): pilot and demonstration projects, named after their city.
PilotTemplate = tuple[str, str, str]
Field = PilotProject.Field
PILOTS: tuple[PilotTemplate, ...] = (
    ("南果梨标准化种植示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("海参标准化养殖示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("大樱桃设施栽培标准化示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("绒山羊标准化养殖示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("水稻全程机械化生产标准化示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("食用菌标准化生产示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("草莓设施栽培标准化示范区", Field.AGRICULTURE, PilotProject.Kind.DEMONSTRATION),
    ("工业机器人智能制造标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("数控机床质量提升标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("菱镁新材料标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("石化装置安全运行标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("钢铁绿色低碳标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("船舶配套产品标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("汽车零部件智能制造标准化试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("智能制造标准应用试点", Field.INDUSTRY, PilotProject.Kind.PILOT),
    ("企业标准化良好行为示范", Field.INDUSTRY, PilotProject.Kind.DEMONSTRATION),
    ("物流服务标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("全域旅游服务标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("养老服务标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("电子商务服务标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("冰雪旅游服务标准化示范", Field.SERVICE, PilotProject.Kind.DEMONSTRATION),
    ("商贸流通标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("家政服务标准化试点", Field.SERVICE, PilotProject.Kind.PILOT),
    ("温泉旅游服务标准化示范", Field.SERVICE, PilotProject.Kind.DEMONSTRATION),
    ("政务服务标准化试点", Field.SOCIAL_GOVERNANCE, PilotProject.Kind.PILOT),
    ("社区治理和服务标准化试点", Field.SOCIAL_GOVERNANCE, PilotProject.Kind.PILOT),
    ("市场监管一站式服务标准化试点", Field.SOCIAL_GOVERNANCE, PilotProject.Kind.PILOT),
    ("公共文化服务标准化示范", Field.SOCIAL_GOVERNANCE, PilotProject.Kind.DEMONSTRATION),
    ("碳达峰碳中和标准化试点", Field.OTHER, PilotProject.Kind.PILOT),
    ("标准化与科技创新融合试点", Field.OTHER, PilotProject.Kind.PILOT),
)
# Who carries a project of each field.
PILOT_HOLDERS: dict[str, tuple[str, ...]] = {
    Field.AGRICULTURE: (Kind.ENTERPRISE,),
    Field.INDUSTRY: (Kind.ENTERPRISE,),
    Field.SERVICE: (Kind.ENTERPRISE, Kind.STATION_OPERATOR),
    Field.SOCIAL_GOVERNANCE: (Kind.REGULATOR, Kind.STATION_OPERATOR),
    Field.OTHER: (Kind.STANDARDS_BODY, Kind.ENTERPRISE),
}
NATIONAL_SHARE = 0.25

CONTRIBUTOR_KINDS = (
    Kind.STANDARDS_BODY,
    Kind.METROLOGY_INSTITUTE,
    Kind.TESTING_LAB,
    Kind.SPECIAL_EQUIPMENT_BODY,
    Kind.ENTERPRISE,
)
# Most contributions are to a standard no one in the province had joined yet, so the distinct
# count (the plan's measure) grows nearly as fast as the rows.
NEW_STANDARD_SHARE = 0.93
LEAD_SHARE = 0.35
# Real national standards on intelligent manufacturing, absent from the shipped catalogue: a
# few contributions cite them, to show how a code the catalogue does not know is kept.
UNCATALOGUED_CODES = ("GB/T 39116-2020", "GB/T 39117-2020", "GB/T 40647-2021")
UNCATALOGUED_SHARE = 0.01
POOL_SIZE = 400


@dataclass
class StandardisationCounts:
    committees: int = 0
    pilot_projects: int = 0
    contributions: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.committees or self.pilot_projects or self.contributions)

    def as_dict(self) -> dict[str, int]:
        return {
            "committees_created": self.committees,
            "pilot_projects_created": self.pilot_projects,
            "contributions_created": self.contributions,
        }


def load_standardisation_demo(
    *, scale: Scale, rng: random.Random, by: User | None = None
) -> StandardisationCounts:
    """Top the three registries up to the scale's numbers; returns what was created."""
    counts = StandardisationCounts()
    with transaction.atomic():
        counts.committees = _committees(scale.committees, rng, by)
        counts.pilot_projects = _pilot_projects(scale.pilot_projects, rng, by)
        counts.contributions = _contributions(scale.national_contributions, rng, by)
    return counts


def _pool(kinds: tuple[str, ...], rng: random.Random) -> list[Organisation]:
    """Up to POOL_SIZE organisations, about as many of each kind, the same for the same data."""
    per_kind = POOL_SIZE // len(kinds)
    pool: list[Organisation] = []
    for kind in kinds:
        candidates = list(
            Organisation.objects.filter(kind=kind, is_active=True)
            .select_related("city")
            .order_by("pk")[: per_kind * 5]
        )
        pool.extend(rng.sample(candidates, min(per_kind, len(candidates))))
    return pool


def _committees(wanted: int, rng: random.Random, by: User | None) -> int:
    secretariats = _pool(SECRETARIAT_KINDS, rng)
    if not secretariats:
        return 0
    existing = set(TechnicalCommittee.objects.values_list("code", flat=True))
    today = timezone.localdate()
    created = 0
    for position, (topic, topic_en, scope) in enumerate(COMMITTEES[:wanted], start=1):
        code = f"LN/TC {position}"
        if code in existing:
            continue
        established = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 15 * 365))
        register_committee(
            data=CommitteeData(
                code=code,
                name_zh=f"辽宁省{topic}标准化技术委员会",
                name_en=f"Liaoning Technical Committee for Standardization of {topic_en}",
                scope=scope,
                secretariat=rng.choice(secretariats),
                chair=rng.choice(SURNAMES) + rng.choice(GIVEN),
                member_count=rng.randint(21, 61),
                established_on=min(established, today),
                status=(
                    TechnicalCommittee.Status.DISSOLVED
                    if position in DISSOLVED_POSITIONS
                    else TechnicalCommittee.Status.ACTIVE
                ),
            ),
            by=by,
        )
        created += 1
    return created


def _pilot_projects(wanted: int, rng: random.Random, by: User | None) -> int:
    missing = wanted - PilotProject.objects.count()
    if missing <= 0:
        return 0
    holders = {field: _pool(kinds, rng) for field, kinds in PILOT_HOLDERS.items()}
    taken = set(PilotProject.objects.values_list("organisation_id", "name_zh"))
    today = timezone.localdate()
    created = 0
    for _attempt in range(missing * 20):
        if created >= missing:
            break
        template, field, kind = rng.choice(PILOTS)
        if not holders[field]:
            continue
        organisation = rng.choice(holders[field])
        name = f"{organisation.city.name}{template}"
        if (organisation.pk, name) in taken:
            continue
        started = dt.date(2019, 1, 1) + dt.timedelta(
            days=rng.randint(0, max(0, (today - dt.date(2019, 3, 1)).days))
        )
        due = started + dt.timedelta(days=rng.choice((730, 730, 1095)))
        status, accepted = _outcome(started, due, today, rng)
        register_pilot_project(
            data=PilotProjectData(
                name_zh=name,
                kind=kind,
                field=field,
                level=(
                    PilotProject.Level.NATIONAL
                    if rng.random() < NATIONAL_SHARE
                    else PilotProject.Level.PROVINCIAL
                ),
                organisation=organisation,
                started_on=started,
                due_on=due,
                status=status,
                accepted_on=accepted,
            ),
            by=by,
        )
        taken.add((organisation.pk, name))
        created += 1
    return created


def _outcome(
    started: dt.date, due: dt.date, today: dt.date, rng: random.Random
) -> tuple[str, dt.date | None]:
    """How a project stands today: most that are due were accepted, a few failed or stopped."""
    draw = rng.random()
    if due >= today:
        return (Status.CANCELLED, None) if draw < 0.03 else (Status.UNDERWAY, None)
    if draw < 0.78:
        accepted = due + dt.timedelta(days=rng.randint(0, 90))
        return Status.ACCEPTED, max(started, min(accepted, today))
    if draw < 0.90:
        return Status.FAILED, None
    if draw < 0.96:
        return Status.CANCELLED, None
    return Status.UNDERWAY, None  # extended past its due date


@cache
def _shipped_codes() -> frozenset[str]:
    """The real catalogue's codes (the demo may add made-up editions on top of it)."""
    codes = set()
    with SHIPPED_CATALOGUE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                codes.add(parse_standard_code(row["code"]).canonical)
            except InvalidStandardCode:
                continue
    return frozenset(codes)


def _contributions(wanted: int, rng: random.Random, by: User | None) -> int:
    missing = wanted - NationalStandardContribution.objects.count()
    if missing <= 0:
        return 0
    standards = [
        (standard.code, standard.year)
        for standard in Standard.objects.filter(
            family="national",
            is_catalogued=True,
            code__in=sorted(_shipped_codes()),
            year__lte=timezone.localdate().year,
        ).order_by("code")
        if standard.year is not None
    ]
    contributors = _pool(CONTRIBUTOR_KINDS, rng)
    if not standards or not contributors:
        return 0
    covered = set(NationalStandardContribution.objects.values_list("standard_code", flat=True))
    led = set(
        NationalStandardContribution.objects.filter(
            role=NationalStandardContribution.Role.LEAD
        ).values_list("standard_code", flat=True)
    )
    taken = set(
        NationalStandardContribution.objects.values_list("organisation_id", "standard_code")
    )
    fresh = [item for item in standards if item[0] not in covered]
    rng.shuffle(fresh)
    created = 0
    for _attempt in range(missing * 20):
        if created >= missing:
            break
        draw = rng.random()
        if draw < UNCATALOGUED_SHARE:
            code = rng.choice(UNCATALOGUED_CODES)
            year = parse_standard_code(code).year
        elif fresh and draw < NEW_STANDARD_SHARE:
            code, year = fresh.pop()
        else:
            code, year = rng.choice(standards)
        organisation = rng.choice(contributors)
        if (organisation.pk, code) in taken:
            continue
        lead = code not in led and rng.random() < LEAD_SHARE
        record_contribution(
            data=ContributionData(
                standard_code=code,
                organisation=organisation,
                role=(
                    NationalStandardContribution.Role.LEAD
                    if lead
                    else NationalStandardContribution.Role.PARTICIPATE
                ),
                year=year,
            ),
            by=by,
        )
        taken.add((organisation.pk, code))
        covered.add(code)
        if lead:
            led.add(code)
        created += 1
    return created
