"""The demo organisations of one scale and seed, generated one at a time.

Nothing here touches the database beyond the reference data read by ``load_geography``: the
generator yields clean ``OrganisationData`` plus profile fields, and ``loader.py`` writes them in
chunks. Generation is lazy so a national run (a million organisations) needs constant memory.

Three groups of organisations:

* fixed ones, the same for every seed and scale: the fifteen market-supervision bureaus and the
  three organisations the demo logins belong to;
* public bodies named after the place they serve (辽宁省计量科学研究院, 沈阳市计量测试所,
  海城市检验检测中心, one service centre per development zone…);
* companies, the bulk, spread over cities by economic size, then over counties.

Scales nest: each kind is one endless stream (its own random stream, its own serial numbers,
its own names), and a scale takes the first N of each. So ``small`` is a subset of ``liaoning``,
which is a subset of ``national``, and loading a bigger scale over a smaller one only adds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count, islice
from types import MappingProxyType
from typing import Any

from qihub.accounts.models import Organisation
from qihub.accounts.services import OrganisationData, clean_organisation_data
from qihub.core.text import pinyin_initials
from qihub.demo.names import (
    INDUSTRY_STEMS,
    INSTITUTION_TAILS,
    NAMESPACE_SHARES,
    PLAIN_ENDINGS,
    SERVICE_KEYS,
    SPECIALITIES,
    NameBook,
    NamespaceFull,
    Tail,
    forms_for,
)
from qihub.demo.places import (
    PROVINCE_CODE,
    City,
    County,
    Geography,
    Weighted,
    address,
    jittered_point,
    phone_number,
    street_names,
)
from qihub.demo.scales import KINDS_IN_ORDER, Scale
from qihub.demo.uscc import (
    COMPANY,
    GOVERNMENT_ORGAN,
    PUBLIC_INSTITUTION,
    SOCIAL_ORGANISATION,
    CreditCodes,
    reserved_uscc,
)

Kind = Organisation.Kind

DEMO_PROFILE_FIELDS = ("phone", "website", "description", "longitude", "latitude")
# Each kind's stream numbers its organisations from its own block of serials (see uscc.py), so
# the n-th testing lab has the same code whatever the scale. A national run needs under 1,000,000.
SERIALS_PER_KIND = 10_000_000
# Share of pre-2015 (all-digit) organisation codes among generated organisations.
LEGACY_CODE_SHARE = 0.2
# How strongly each kind gathers in the big cities: city weight ** exponent. Certification bodies
# and standards services sit almost only in Shenyang and Dalian; enterprises follow the economy.
CONCENTRATION: Mapping[str, float] = {
    Kind.ENTERPRISE: 1.0,
    Kind.TESTING_LAB: 1.1,
    Kind.CALIBRATION_LAB: 1.2,
    Kind.METROLOGY_INSTITUTE: 1.0,
    Kind.CERTIFICATION_BODY: 2.0,
    Kind.STANDARDS_BODY: 1.5,
    Kind.SPECIAL_EQUIPMENT_BODY: 1.2,
    Kind.STATION_OPERATOR: 1.0,
}
# Percentage of a kind's stream that are public institutions, while the list of them lasts (the
# rest are companies). Legal metrology and the zone service centres are public by nature.
PUBLIC_PERCENT: Mapping[str, int] = {
    Kind.METROLOGY_INSTITUTE: 100,
    Kind.STATION_OPERATOR: 100,
    Kind.TESTING_LAB: 10,
    Kind.SPECIAL_EQUIPMENT_BODY: 30,
    Kind.STANDARDS_BODY: 40,
}
_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
WEBSITE_SHARE: Mapping[str, float] = {Kind.ENTERPRISE: 0.35}
DEFAULT_WEBSITE_SHARE = 0.8
BIG_CITIES = frozenset({"210100", "210200"})  # 沈阳, 大连: sub-provincial, bigger institutes
METROLOGY_DISCIPLINES = (
    "几何量（长度）",
    "热学",
    "力学",
    "电磁学",
    "无线电",
    "时间频率",
    "声学",
    "光学",
    "化学",
    "电离辐射",
)
CERTIFICATION_SCOPES = (
    "质量管理体系",
    "环境管理体系",
    "职业健康安全管理体系",
    "能源管理体系",
    "信息安全管理体系",
    "食品安全管理体系",
    "产品认证",
    "服务认证",
)
SPECIAL_EQUIPMENT = (
    "锅炉",
    "压力容器",
    "压力管道",
    "电梯",
    "起重机械",
    "场（厂）内专用机动车辆",
    "大型游乐设施",
    "客运索道",
)


@dataclass(frozen=True)
class DemoOrganisation:
    data: OrganisationData
    profile: Mapping[str, Any]
    jurisdiction_code: str = ""


@dataclass(frozen=True)
class PublicBody:
    name: str
    kind: str
    category: str
    uscc_region: str  # the registering level: 210000 for provincial bodies, else city or county
    city: City
    county: County
    area: str  # the area it serves, for its description


@dataclass(frozen=True)
class _ShowcaseSpec:
    name: str
    kind: str
    county_code: str
    detail: str


# The organisations the demo logins belong to: fixed, so the logins never move between runs.
SHOWCASE: tuple[_ShowcaseSpec, ...] = (
    _ShowcaseSpec("大连远澄阀门制造有限公司", Kind.ENTERPRISE, "210213", "AEM-01|阀门"),
    _ShowcaseSpec(
        "辽宁衡准检验检测有限公司",
        Kind.TESTING_LAB,
        "210112",
        "金属材料力学性能、化学成分与无损检测",
    ),
    _ShowcaseSpec("辽宁启辰认证有限公司", Kind.CERTIFICATION_BODY, "210102", ""),
)


@dataclass
class _Run:
    """The mutable state of one generation: the random stream and the next serial number."""

    rng: random.Random
    serial: int


class DemoGenerator:
    """Everything ``qihub demo`` writes for one scale and seed, in a fixed order."""

    def __init__(self, *, geography: Geography, scale: Scale, seed: int) -> None:
        self.geography = geography
        self.scale = scale
        self.seed = seed
        self.codes = CreditCodes(seed)
        self._setup_rng = random.Random(f"setup:{seed}")
        self._industry_names = {i.key: i.name for i in geography.industries}
        self.public_bodies = {kind: self._public_bodies(kind) for kind in PUBLIC_PERCENT}
        self.regulators = tuple(self._regulators())
        self.showcase = tuple(self._showcase())
        reserved = [o.data.name for o in (*self.regulators, *self.showcase)]
        reserved += [b.name for bodies in self.public_bodies.values() for b in bodies]
        prefixes = [
            "辽宁",
            *(c.short for c in geography.cities),
            *(c.prefix for c in geography.counties),
        ]
        self.names = NameBook(seed=seed, prefixes=prefixes, reserved=reserved)
        self._initials = {prefix: pinyin_initials(prefix) for prefix in prefixes}
        self._streets = {c.code: street_names(c, seed) for c in geography.counties}
        self._industries = {c.code: self._industry_choice(c) for c in geography.counties}
        self._tails = {
            kind: Weighted(tails, [t.weight for t in tails])
            for kind, tails in INSTITUTION_TAILS.items()
        }
        self._forms: dict[tuple[tuple[str, int], ...], Weighted[str]] = {}

    # --- what is generated -----------------------------------------------------------------------

    def organisations(self) -> Iterator[DemoOrganisation]:
        """Every organisation but the regulators (which ``register_organisation`` writes)."""
        yield from self.showcase
        showcase_kinds = [o.data.kind for o in self.showcase]
        for kind in KINDS_IN_ORDER:
            if kind != Kind.REGULATOR:
                wanted = self.scale.counts[kind] - showcase_kinds.count(kind)
                yield from islice(self.stream(kind), max(0, wanted))

    def stream(self, kind: str) -> Iterator[DemoOrganisation]:
        """All organisations of one kind, endlessly; the same for every scale."""
        position = KINDS_IN_ORDER.index(kind)
        run = _Run(rng=random.Random(f"{self.seed}:{kind}"), serial=position * SERIALS_PER_KIND)
        bodies = self.public_bodies.get(kind, [])
        percent = PUBLIC_PERCENT.get(kind, 0)
        cities = Weighted(
            self.geography.cities,
            [c.profile.weight ** CONCENTRATION[kind] for c in self.geography.cities],
        )
        counties = {city.code: self._county_choice(city, kind) for city in self.geography.cities}
        public = 0
        for index in count():
            # Public bodies take every 100/percent-th place, the first place included, so any
            # prefix of the stream holds its share of them.
            if public < len(bodies) and _ceil_percent(index + 1, percent) > _ceil_percent(
                index, percent
            ):
                yield self._public_organisation(bodies[public], run)
                public += 1
                continue
            city = cities.pick(run.rng)
            yield self._company(kind, city, counties[city.code].pick(run.rng), run)

    # --- fixed organisations -------------------------------------------------------------------

    def _regulators(self) -> Iterator[DemoOrganisation]:
        rng = random.Random("regulators")  # seed-independent on purpose: see uscc.py
        shenyang = self.geography.city("210100")
        places: list[tuple[str, str, City]] = [(PROVINCE_CODE, "辽宁省", shenyang)]
        places += [(city.code, city.name, city) for city in self.geography.cities]
        for number, (code, region_name, city) in enumerate(places):
            county = rng.choice(city.districts)
            uscc = reserved_uscc(category=GOVERNMENT_ORGAN, region_code=code, number=number)
            data = OrganisationData(
                uscc=uscc,
                name=f"{region_name}市场监督管理局",
                kind=Kind.REGULATOR,
                city_code=city.code,
                county_code=county.code,
                address=address(city, county, street_names(county, 0), rng),
            )
            area = "全省" if code == PROVINCE_CODE else f"{region_name}行政区域内"
            description = (
                f"{data.name}负责{area}的市场监督管理，统筹计量、标准化、认证认可、"
                "检验检测和特种设备安全监察工作。"
            )
            yield DemoOrganisation(
                data=clean_organisation_data(data),
                jurisdiction_code=code,
                profile=self._profile(
                    city,
                    county,
                    rng,
                    description=description,
                    slug=f"scjg{pinyin_initials(region_name)}",
                    website=1.0,
                ),
            )

    def _showcase(self) -> Iterator[DemoOrganisation]:
        rng = random.Random("showcase")  # seed-independent: the demo logins belong to these
        for number, spec in enumerate(SHOWCASE, start=100):
            county = self.geography.county(spec.county_code)
            city = self.geography.city(county.city_code)
            uscc = reserved_uscc(category=COMPANY, region_code=county.code, number=number)
            data = OrganisationData(
                uscc=uscc,
                name=spec.name,
                kind=spec.kind,
                city_code=city.code,
                county_code=county.code,
                address=address(city, county, street_names(county, 0), rng),
            )
            description = self._describe(spec.kind, spec.name, city, county, spec.detail, rng)
            yield DemoOrganisation(
                data=clean_organisation_data(data),
                profile=self._profile(
                    city,
                    county,
                    rng,
                    description=description,
                    slug=pinyin_initials(spec.name),
                    website=1.0,
                ),
            )

    # --- public bodies -------------------------------------------------------------------------

    def _public_bodies(self, kind: str) -> list[PublicBody]:
        rng = self._setup_rng
        geo = self.geography
        shenyang = geo.city("210100")

        def provincial(name: str, category: str = PUBLIC_INSTITUTION) -> PublicBody:
            return PublicBody(
                name,
                kind,
                category,
                PROVINCE_CODE,
                shenyang,
                rng.choice(shenyang.districts),
                "全省",
            )

        def municipal(city: City, name: str, category: str = PUBLIC_INSTITUTION) -> PublicBody:
            return PublicBody(
                name, kind, category, city.code, city, rng.choice(city.districts), city.name
            )

        def local(county: County, name: str) -> PublicBody:
            city = geo.city(county.city_code)
            return PublicBody(
                name, kind, PUBLIC_INSTITUTION, county.code, city, county, county.name
            )

        big = [c for c in geo.cities if c.code in BIG_CITIES]
        rural = [c for c in geo.counties if not c.is_district]
        districts = [c for c in geo.counties if c.is_district]
        rng.shuffle(rural)
        rng.shuffle(districts)
        bodies: list[PublicBody] = []
        if kind == Kind.METROLOGY_INSTITUTE:
            bodies.append(provincial("辽宁省计量科学研究院"))
            bodies += [
                municipal(c, f"{c.name}计量测试{'院' if c in big else '所'}") for c in geo.cities
            ]
            bodies += [local(c, f"{c.name}计量检定所") for c in rural]
            bodies += [
                local(c, f"{geo.city(c.city_code).name}{c.name}计量检定所") for c in districts
            ]
        elif kind == Kind.SPECIAL_EQUIPMENT_BODY:
            bodies.append(provincial("辽宁省特种设备检验检测研究院"))
            bodies += [
                municipal(
                    c,
                    f"{c.name}特种设备检验检测研究院"
                    if c in big
                    else f"{c.name}特种设备监督检验所",
                )
                for c in geo.cities
            ]
        elif kind == Kind.STANDARDS_BODY:
            bodies.append(provincial("辽宁省标准化研究院"))
            bodies += [
                municipal(c, f"{c.name}标准化研究院" if c in big else f"{c.name}标准化事务服务中心")
                for c in geo.cities
            ]
        elif kind == Kind.TESTING_LAB:
            bodies += [
                provincial(name)
                for name in (
                    "辽宁省产品质量监督检验院",
                    "辽宁省食品检验检测院",
                    "辽宁省建设工程质量检测中心",
                    "辽宁省生态环境监测中心",
                    "辽宁省农产品质量安全检测中心",
                    "辽宁省纤维检验中心",
                )
            ]
            bodies += [
                municipal(c, f"{c.name}产品质量监督检验{'院' if c in big else '所'}")
                for c in geo.cities
            ]
            bodies += [municipal(c, f"{c.name}食品检验检测中心") for c in geo.cities]
            bodies += [local(c, f"{c.name}检验检测中心") for c in rural]
            bodies += [municipal(c, f"{c.name}建设工程质量检测中心") for c in geo.cities]
            bodies += [municipal(c, f"{c.name}生态环境监测中心") for c in geo.cities]
        elif kind == Kind.STATION_OPERATOR:
            for cluster in sorted(
                (c for city in geo.cities for c in city.clusters), key=lambda c: c.key
            ):
                city = geo.city(cluster.city_code)
                county = (
                    geo.county(cluster.county_code)
                    if cluster.county_code
                    else rng.choice(city.districts)
                )
                zone = cluster.name.replace("/", "、").replace("“", "").replace("”", "")
                bodies.append(
                    PublicBody(
                        f"{zone}质量基础设施一站式服务中心",
                        kind,
                        PUBLIC_INSTITUTION,
                        county.code if cluster.county_code else city.code,
                        city,
                        county,
                        zone,
                    )
                )
            bodies.append(provincial("辽宁省质量协会", SOCIAL_ORGANISATION))
            bodies += [municipal(c, f"{c.name}质量协会", SOCIAL_ORGANISATION) for c in geo.cities]
        return bodies

    def _public_organisation(self, body: PublicBody, run: _Run) -> DemoOrganisation:
        rng = run.rng
        uscc = self.codes.issue(
            category=body.category,
            region_code=body.uscc_region,
            serial=self._next_serial(run),
            legacy=rng.random() < 0.5,
        )
        data = OrganisationData(
            uscc=uscc,
            name=body.name,
            kind=body.kind,
            city_code=body.city.code,
            county_code=body.county.code,
            address=address(body.city, body.county, self._streets[body.county.code], rng),
        )
        description = self._describe(
            body.kind, body.name, body.city, body.county, body.area, rng, public=True
        )
        return DemoOrganisation(
            data=clean_organisation_data(data),
            profile=self._profile(
                body.city,
                body.county,
                rng,
                description=description,
                slug=pinyin_initials(body.name)[:16],
                website=DEFAULT_WEBSITE_SHARE,
            ),
        )

    # --- companies -----------------------------------------------------------------------------

    def _company(self, kind: str, city: City, county: County, run: _Run) -> DemoOrganisation:
        rng = run.rng
        shares = NAMESPACE_SHARES[kind]
        roll = rng.random()
        if roll < shares[0]:
            prefixes = ["辽宁", city.short, county.prefix]
        elif roll < shares[0] + shares[1]:
            prefixes = [city.short, county.prefix, "辽宁"]
        else:
            prefixes = [county.prefix, city.short, "辽宁"]
        if kind == Kind.ENTERPRISE:
            industry, stem = self._industries[county.code].pick(rng)
            tail = stem + self._form(industry, stem).pick(rng)
            detail = f"{industry}|{stem}"
        else:
            chosen: Tail = self._tails[kind].pick(rng)
            tail, detail = chosen.text, chosen.field
        name, trade_name, prefix = self._unique_name(prefixes, tail)
        uscc = self.codes.issue(
            category=COMPANY,
            region_code=county.code,
            serial=self._next_serial(run),
            legacy=rng.random() < LEGACY_CODE_SHARE,
        )
        data = OrganisationData(
            uscc=uscc,
            name=name,
            kind=kind,
            city_code=city.code,
            county_code=county.code,
            address=address(city, county, self._streets[county.code], rng),
        )
        description = self._describe(kind, name, city, county, detail, rng)
        slug = self._initials[prefix] + self.names.trade_name_pinyin(trade_name)
        return DemoOrganisation(
            data=clean_organisation_data(data),
            profile=self._profile(
                city,
                county,
                rng,
                description=description,
                slug=slug,
                website=WEBSITE_SHARE.get(kind, DEFAULT_WEBSITE_SHARE),
            ),
        )

    def _unique_name(self, prefixes: Sequence[str], tail: str) -> tuple[str, str, str]:
        for prefix in prefixes:
            try:
                name, trade_name = self.names.company_name(prefix, tail)
            except NamespaceFull:
                continue
            return name, trade_name, prefix
        raise NamespaceFull(f"no trade name left for {tail} in {', '.join(prefixes)}")

    def _next_serial(self, run: _Run) -> int:
        serial = run.serial
        run.serial += 1
        return serial

    def _form(self, industry: str, stem: str) -> Weighted[str]:
        forms = forms_for(industry, stem)
        choice = self._forms.get(forms)
        if choice is None:
            choice = self._forms[forms] = Weighted([f for f, _ in forms], [w for _, w in forms])
        return choice

    def _county_choice(self, city: City, kind: str) -> Weighted[County]:
        if kind == Kind.ENTERPRISE:
            weights = [
                (3.0 if c.is_district else 2.5 if c.admin_type == "县级市" else 1.5)
                + 2.0 * len(c.clusters)
                for c in city.counties
            ]
        else:
            # Institutions sit in the urban districts, where their customers and staff are.
            weights = [
                (5.0 if c.is_district else 2.0 if c.admin_type == "县级市" else 1.0)
                + len(c.clusters)
                for c in city.counties
            ]
        return Weighted(city.counties, weights)

    def _industry_choice(self, county: County) -> Weighted[tuple[str, str]]:
        city = self.geography.city(county.city_code)
        city_groups = {g for cluster in city.clusters for g in cluster.industry_groups}
        county_groups = {g for cluster in county.clusters for g in cluster.industry_groups}
        options: list[tuple[str, str]] = []
        weights: list[float] = []
        for industry in self.geography.industries:
            stems = INDUSTRY_STEMS.get(industry.key)
            if not stems:
                continue  # QIS: quality services are institutions, not enterprises
            factor = (
                6.0
                if industry.group in county_groups
                else 3.0
                if industry.group in city_groups
                else 1.0
            )
            for stem in stems:
                options.append((industry.key, stem))
                weights.append(factor / len(stems))
        specialities = SPECIALITIES.get(county.code, ())
        general = sum(weights)
        special_share = sum(share for _, _, share in specialities)
        for key, stem, share in specialities:
            options.append((key, stem))
            weights.append(general * share / (1.0 - special_share))
        return Weighted(options, weights)

    # --- profile -------------------------------------------------------------------------------

    def _profile(
        self,
        city: City,
        county: County,
        rng: random.Random,
        *,
        description: str,
        slug: str,
        website: float,
    ) -> Mapping[str, Any]:
        longitude, latitude = jittered_point(county, rng)
        phone = phone_number(city, rng)
        # RFC 2606's reserved .example domain: demo links must never lead to a real company.
        host = "".join(char for char in slug.lower() if char in _HOST_CHARACTERS)[:24]
        url = f"https://www.{host}.example" if host and rng.random() < website else ""
        return MappingProxyType(
            {
                "phone": phone,
                "website": url,
                "description": description,
                "longitude": longitude,
                "latitude": latitude,
            }
        )

    def _describe(
        self,
        kind: str,
        name: str,
        city: City,
        county: County,
        detail: str,
        rng: random.Random,
        *,
        public: bool = False,
    ) -> str:
        place = f"{city.name}{county.name}"
        if kind == Kind.ENTERPRISE:
            key, _, stem = detail.partition("|")
            industry = self._industry_names.get(key, "")
            if key in SERVICE_KEYS or stem.endswith(PLAIN_ENDINGS):
                text = f"{name}位于{place}，主要从事{industry}相关业务。"
            else:
                text = (
                    f"{name}位于{place}，主要从事{stem}产品的研发、生产与销售，"
                    f"所属产业：{industry}。"
                )
            if county.clusters and rng.random() < 0.5:
                cluster = rng.choice(county.clusters)
                text += f"企业{'位于' if cluster.is_zone else '属于'}{cluster.name}。"
            return text
        if kind == Kind.TESTING_LAB:
            if public:
                return (
                    f"{name}是依法设立的公益性检验检测机构，取得检验检测机构资质认定（CMA），"
                    f"承担{detail}范围内的产品质量监督抽查和政府委托检验检测任务。"
                )
            return (
                f"{name}是取得检验检测机构资质认定（CMA）的第三方检验检测机构，"
                f"主要开展{detail}等检验检测业务。"
            )
        if kind in (Kind.CALIBRATION_LAB, Kind.METROLOGY_INSTITUTE):
            fields = "、".join(rng.sample(METROLOGY_DISCIPLINES, 3))
            if kind == Kind.METROLOGY_INSTITUTE and public:
                return (
                    f"{name}是依法设置的法定计量检定机构，承担{detail}的计量器具强制检定、"
                    f"社会公用计量标准建立与量值传递工作，专业覆盖{fields}等。"
                )
            if kind == Kind.METROLOGY_INSTITUTE:
                return f"{name}是经授权的计量技术机构，开展{fields}等专业的计量检定与校准。"
            return f"{name}是取得CNAS认可的校准实验室，提供{fields}等专业的仪器设备校准服务。"
        if kind == Kind.CERTIFICATION_BODY:
            scopes = "、".join(rng.sample(CERTIFICATION_SCOPES, 3))
            return (
                f"{name}是经国家认证认可监督管理委员会批准设立的认证机构，开展{scopes}等认证业务。"
            )
        if kind == Kind.STANDARDS_BODY:
            if public:
                return (
                    f"{name}承担{detail}标准化研究、地方标准研制与技术审查、"
                    "标准信息服务和企业标准自我声明公开指导工作。"
                )
            return f"{name}为企业提供标准化咨询、标准研制、标准查新与企业标准自我声明等技术服务。"
        if kind == Kind.SPECIAL_EQUIPMENT_BODY:
            if public:
                equipment = "、".join(SPECIAL_EQUIPMENT[:5])
                return f"{name}承担{detail}范围内{equipment}等特种设备的监督检验和定期检验工作。"
            return f"{name}是经核准的特种设备检验检测机构，主要开展{detail}的定期检验与检测。"
        if kind == Kind.STATION_OPERATOR:
            return (
                f"{name}运营质量基础设施“一站式”服务站，为{detail or place}的企业提供计量、"
                "标准、检验检测、认证认可和质量管理等综合服务。"
            )
        return f"{name}位于{place}。"


def _ceil_percent(number: int, percent: int) -> int:
    """ceil(number × percent / 100) in integers, so no float rounding moves a public body."""
    return -(-number * percent // 100)
