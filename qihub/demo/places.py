"""Where demo organisations are: Liaoning's cities and counties, addresses, phones, coordinates.

The regions, clusters and industries come from the reference tables (``load_reference_data``);
this module adds what the demo needs on top: how big each city's economy is, its telephone area
code, and how company names abbreviate each place.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Generic, TypeVar

from qihub.reference.models import Cluster, Industry, Region

PROVINCE_CODE = "210000"

T = TypeVar("T")


@dataclass(frozen=True)
class CityProfile:
    area_code: str
    # Local numbers: eight digits in Shenyang's 024 zone and in Dalian, seven elsewhere.
    local_digits: int
    # First digits local numbers start with (the exchanges that share 024 keep their own ranges).
    leading_digits: str
    # Relative economic size: 2023 GDP in 100 million yuan, rounded. Weights organisation counts.
    weight: int


CITY_PROFILES: dict[str, CityProfile] = {
    "210100": CityProfile("024", 8, "2368", 8_120),   # 沈阳
    "210200": CityProfile("0411", 8, "3468", 8_750),  # 大连
    "210300": CityProfile("0412", 7, "2568", 1_960),  # 鞍山
    "210400": CityProfile("024", 8, "5", 920),        # 抚顺 (joined 024 in 2012)
    "210500": CityProfile("024", 8, "4", 880),        # 本溪
    "210600": CityProfile("0415", 7, "2356", 950),    # 丹东
    "210700": CityProfile("0416", 7, "2345", 1_200),  # 锦州
    "210800": CityProfile("0417", 7, "2356", 1_530),  # 营口
    "210900": CityProfile("0418", 7, "2356", 610),    # 阜新
    "211000": CityProfile("0419", 7, "2356", 890),    # 辽阳
    "211100": CityProfile("0427", 7, "2368", 1_430),  # 盘锦
    "211200": CityProfile("024", 8, "7", 770),        # 铁岭
    "211300": CityProfile("0421", 7, "2368", 1_010),  # 朝阳
    "211400": CityProfile("0429", 7, "2356", 940),    # 葫芦岛
}  # fmt: skip

# Autonomous counties go by their short names in company names (岫岩满族自治县 → 岫岩), except
# where the short name is also a city's (本溪满族自治县 is not "本溪"), so it keeps its full name.
_AUTONOMOUS_SUFFIXES = ("满族自治县", "蒙古族自治县")
_SHORT_AUTONOMOUS = {"211324": "喀左"}  # 喀喇沁左翼蒙古族自治县 is 喀左 in everyday use

STREET_WORDS = (
    "人民",
    "解放",
    "建设",
    "胜利",
    "和平",
    "中山",
    "北京",
    "南京",
    "长江",
    "黄河",
    "青年",
    "文化",
    "工业",
    "科技",
    "创新",
    "兴华",
    "振兴",
    "友谊",
    "光明",
    "团结",
    "新华",
    "民主",
    "繁荣",
    "滨河",
    "迎宾",
    "学府",
    "世纪",
    "开发",
    "发展",
    "富民",
    "昆山",
    "泰山",
    "黄山",
    "太原",
    "沈辽",
    "长白",
    "泰安",
    "宁波",
    "杭州",
    "汇工",
    "机电",
    "兴工",
    "重工",
    "卫工",
)
STREET_DIRECTIONS = ("", "", "", "东", "西", "南", "北", "中")
STREET_TYPES = ("路", "路", "街", "大街", "大路", "大道")
TOWN_WORDS = ("新", "兴隆", "太平", "长兴", "红旗", "东风", "永安", "大屯", "高台", "前进")
VILLAGE_WORDS = ("前", "后", "东", "西", "南", "北", "大", "小")
VILLAGE_TYPES = ("屯", "堡", "台", "沟", "家村", "营子")


@dataclass(frozen=True)
class ClusterInfo:
    key: str
    name: str
    type: str
    city_code: str
    county_code: str
    industry_groups: frozenset[str]

    @property
    def is_zone(self) -> bool:
        """A zone or park with its own streets, not a product cluster spread over a county."""
        return self.type != "industry_cluster"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    admin_type: str
    city_code: str
    longitude: float
    latitude: float
    # How a company name starts when named after this place (瓦房店, 法库县, 沈阳市铁西区).
    prefix: str
    clusters: tuple[ClusterInfo, ...]

    @property
    def is_district(self) -> bool:
        return self.admin_type == "市辖区"


@dataclass(frozen=True)
class City:
    code: str
    name: str
    short: str
    profile: CityProfile
    longitude: float
    latitude: float
    counties: tuple[County, ...]
    clusters: tuple[ClusterInfo, ...]

    @property
    def districts(self) -> tuple[County, ...]:
        return tuple(county for county in self.counties if county.is_district)


@dataclass(frozen=True)
class IndustryInfo:
    key: str
    group: str
    name: str


@dataclass(frozen=True)
class Geography:
    province_name: str
    cities: tuple[City, ...]
    industries: tuple[IndustryInfo, ...]

    @property
    def counties(self) -> tuple[County, ...]:
        return tuple(county for city in self.cities for county in city.counties)

    def city(self, code: str) -> City:
        for city in self.cities:
            if city.code == code:
                return city
        raise KeyError(code)

    def county(self, code: str) -> County:
        for county in self.counties:
            if county.code == code:
                return county
        raise KeyError(code)

    @property
    def region_names(self) -> tuple[str, ...]:
        return (
            self.province_name,
            *(c.name for c in self.cities),
            *(c.name for c in self.counties),
        )


class MissingReferenceData(Exception):
    """The reference tables are empty or lack a city the demo knows."""


def load_geography() -> Geography:
    """Read cities, counties, clusters and industries from the reference tables."""
    regions = list(Region.objects.order_by("code"))
    province = next((r for r in regions if r.code == PROVINCE_CODE), None)
    if province is None:
        raise MissingReferenceData("no Liaoning regions; run `qihub load_reference_data` first")
    clusters = [
        ClusterInfo(
            key=c.key,
            name=c.name_zh,
            type=c.type,
            city_code=c.city.code,
            county_code=c.county.code if c.county else "",
            industry_groups=frozenset(i.key.split("-")[0] for i in c.industries.all()),
        )
        for c in Cluster.objects.select_related("city", "county").prefetch_related("industries")
    ]
    cities: list[City] = []
    for region in regions:
        if region.level != Region.Level.PREFECTURE:
            continue
        if region.code not in CITY_PROFILES:
            raise MissingReferenceData(f"city {region.code} {region.name} has no demo profile")
        city_lon, city_lat = _point(region, None)
        short = region.name.removesuffix("市")
        counties = tuple(
            County(
                code=r.code,
                name=r.name,
                admin_type=r.admin_type,
                city_code=region.code,
                longitude=_point(r, (city_lon, city_lat))[0],
                latitude=_point(r, (city_lon, city_lat))[1],
                prefix=_county_prefix(r, region, short),
                clusters=tuple(c for c in clusters if c.county_code == r.code),
            )
            for r in regions
            if r.level == Region.Level.COUNTY and r.parent_id == region.pk
        )
        cities.append(
            City(
                code=region.code,
                name=region.name,
                short=short,
                profile=CITY_PROFILES[region.code],
                longitude=city_lon,
                latitude=city_lat,
                counties=counties,
                clusters=tuple(c for c in clusters if c.city_code == region.code),
            )
        )
    industries = tuple(
        IndustryInfo(key=i.key, group=i.key.split("-")[0], name=i.name_zh)
        for i in Industry.objects.filter(level=2).order_by("key")
    )
    return Geography(province_name=province.name, cities=tuple(cities), industries=industries)


def _point(region: Region, fallback: tuple[float, float] | None) -> tuple[float, float]:
    if region.longitude is None or region.latitude is None:
        if fallback is None:
            raise MissingReferenceData(f"region {region.code} has no coordinates")
        return fallback
    return float(region.longitude), float(region.latitude)


def _county_prefix(county: Region, city: Region, city_short: str) -> str:
    if county.admin_type == "市辖区":
        # Two cities have a 铁西区; the city makes the district name unambiguous.
        return city.name + county.name
    if county.admin_type == "县级市":
        return county.name.removesuffix("市")
    if county.code in _SHORT_AUTONOMOUS:
        return _SHORT_AUTONOMOUS[county.code]
    for suffix in _AUTONOMOUS_SUFFIXES:
        if county.name.endswith(suffix):
            short = county.name.removesuffix(suffix)
            return county.name if short == city_short else short
    return county.name


class Weighted(Generic[T]):
    """A fixed weighted choice with precomputed cumulative weights (O(log n) per draw)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("weighted choice needs one weight per item")
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def phone_number(city: City, rng: random.Random) -> str:
    """A landline in the city's format: 024-23456789, 0416-2345678."""
    profile = city.profile
    first = rng.choice(profile.leading_digits)
    rest = "".join(rng.choice("0123456789") for _ in range(profile.local_digits - 1))
    return f"{profile.area_code}-{first}{rest}"


def street_names(county: County, seed: int) -> tuple[str, ...]:
    """A county's own small set of streets, so neighbouring organisations share streets."""
    rng = random.Random(f"streets:{seed}:{county.code}")
    names: list[str] = []
    while len(names) < 24:
        name = rng.choice(STREET_WORDS) + rng.choice(STREET_DIRECTIONS) + rng.choice(STREET_TYPES)
        if name not in names:
            names.append(name)
    return tuple(names)


def address(city: City, county: County, streets: Sequence[str], rng: random.Random) -> str:
    """沈阳市铁西区兴华北街128号, 庄河市…镇…村; a cluster's name sometimes stands for the street."""
    place = city.name + county.name
    roll = rng.random()
    if not county.is_district and roll < 0.2:
        town = rng.choice(TOWN_WORDS) + rng.choice(("镇", "镇", "乡"))
        village = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_TYPES)
        return f"{place}{town}{village}{rng.randint(1, 300)}号"
    zones = [cluster for cluster in county.clusters if cluster.is_zone]
    if zones and roll > 0.85:
        zone = rng.choice(zones).name
        return f"{place}{zone}{rng.choice(streets)}{rng.randint(1, 99)}号"
    number = rng.randint(1, 499)
    if roll < 0.6:
        return f"{place}{rng.choice(streets)}{number}号"
    if roll < 0.8:
        return f"{place}{rng.choice(streets)}{number}号{rng.randint(1, 12)}号楼"
    return f"{place}{rng.choice(streets)}{number}-{rng.randint(1, 30)}号"


def jittered_point(county: County, rng: random.Random) -> tuple[Decimal, Decimal]:
    """A point near the county's reference point: tight in urban districts, wider in counties."""
    spread = 0.015 if county.is_district else 0.05
    dx = max(-3.0, min(3.0, rng.gauss(0.0, 1.0))) * spread
    dy = max(-3.0, min(3.0, rng.gauss(0.0, 1.0))) * spread
    return (Decimal(f"{county.longitude + dx:.5f}"), Decimal(f"{county.latitude + dy:.5f}"))
