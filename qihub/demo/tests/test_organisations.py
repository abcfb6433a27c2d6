"""The generator on its own: determinism, valid codes, unique names, realistic places."""

from __future__ import annotations

from collections import Counter

import pytest

from qihub.accounts.identifiers import normalise_uscc
from qihub.accounts.models import Organisation
from qihub.demo.names import (
    INDUSTRY_STEMS,
    INSTITUTION_TAILS,
    SPECIALITIES,
    NameBook,
    NamespaceFull,
    forms_for,
)
from qihub.demo.organisations import DemoGenerator, DemoOrganisation
from qihub.demo.places import CITY_PROFILES, load_geography
from qihub.demo.scales import SCALES
from qihub.demo.uscc import CreditCodes, gb11714_check_character, reserved_uscc
from qihub.reference.models import Industry, Region

Kind = Organisation.Kind


def generate(scale: str = "small", seed: int = 2025) -> list[DemoOrganisation]:
    generator = DemoGenerator(geography=load_geography(), scale=SCALES[scale], seed=seed)
    return [*generator.regulators, *generator.organisations()]


def test_same_seed_gives_the_same_organisations(reference):
    first, second = generate(seed=7), generate(seed=7)

    assert [(o.data.uscc, o.data.name) for o in first] == [
        (o.data.uscc, o.data.name) for o in second
    ]
    assert [o.profile for o in first] == [o.profile for o in second]


def test_a_smaller_scale_is_part_of_a_bigger_one(reference):
    tiny = {(o.data.uscc, o.data.name, o.data.address) for o in generate("tiny")}
    small = {(o.data.uscc, o.data.name, o.data.address) for o in generate("small")}

    assert tiny < small


def test_another_seed_gives_other_organisations(reference):
    first, second = generate(seed=7), generate(seed=8)

    first_codes = {o.data.uscc for o in first}
    second_codes = {o.data.uscc for o in second}
    # Only the fixed organisations (regulators, the demo logins' organisations) are shared.
    assert len(first_codes & second_codes) == 18
    assert [o.data.name for o in first] != [o.data.name for o in second]


def test_every_code_is_valid_and_carries_the_organisations_region(reference):
    organisations = generate()

    for organisation in organisations:
        data = organisation.data
        assert normalise_uscc(data.uscc) == data.uscc
        region = data.uscc[2:8]
        if data.name.startswith("辽宁省"):
            # Provincial bodies are registered by the province (GB 32100: its division code).
            assert region == "210000", data
        else:
            assert region in {data.county_code, data.city_code}, data
    assert len({o.data.uscc for o in organisations}) == len(organisations)


def test_registration_categories_follow_gb_32100(reference):
    organisations = generate()

    categories = Counter((o.data.kind, o.data.uscc[:2]) for o in organisations)
    assert categories[(Kind.REGULATOR, "11")] == 15
    assert (
        categories[(Kind.METROLOGY_INSTITUTE, "12")]
        == SCALES["small"].counts[Kind.METROLOGY_INSTITUTE]
    )
    assert categories[(Kind.ENTERPRISE, "91")] == SCALES["small"].counts[Kind.ENTERPRISE]
    assert {code for (_kind, code) in categories} <= {"11", "12", "51", "91"}


def test_names_never_repeat(reference):
    names = [o.data.name for o in generate()]

    assert len(set(names)) == len(names) == SCALES["small"].total


def test_regulators_cover_the_province_and_every_city(reference):
    generator = DemoGenerator(geography=load_geography(), scale=SCALES["small"], seed=1)

    jurisdictions = {o.jurisdiction_code: o.data.name for o in generator.regulators}
    assert jurisdictions["210000"] == "辽宁省市场监督管理局"
    assert set(jurisdictions) == {"210000", *CITY_PROFILES}
    assert jurisdictions["210200"] == "大连市市场监督管理局"


def test_profiles_use_the_citys_area_code_and_a_point_in_the_county(reference):
    regions = {r.code: r for r in Region.objects.all()}

    for organisation in generate():
        data, profile = organisation.data, organisation.profile
        area_code, number = profile["phone"].split("-")
        assert area_code == CITY_PROFILES[data.city_code].area_code
        assert len(number) == CITY_PROFILES[data.city_code].local_digits
        county = regions[data.county_code]
        assert abs(float(profile["longitude"]) - float(county.longitude)) < 0.2
        assert abs(float(profile["latitude"]) - float(county.latitude)) < 0.2
        assert data.address.startswith(regions[data.city_code].name + county.name)
        assert profile["website"] == "" or profile["website"].endswith(".example")


def test_shenyang_and_dalian_are_the_biggest_cities(reference):
    cities = Counter(o.data.city_code for o in generate())

    assert {code for code, _count in cities.most_common(2)} == {"210100", "210200"}
    assert set(cities) == set(CITY_PROFILES)


def test_every_industry_has_business_names(reference):
    industries = set(Industry.objects.filter(level=2).values_list("key", flat=True))

    assert {k for k in industries if not k.startswith("QIS")} == set(INDUSTRY_STEMS)
    for county, specialities in SPECIALITIES.items():
        assert Region.objects.filter(code=county, level=Region.Level.COUNTY).exists()
        assert {key for key, _stem, _share in specialities} <= industries


def test_kinds_never_share_a_business_tail():
    # Each kind's stream owns its (place, tail) counters; a shared tail would make one kind's
    # names depend on how many of another kind a scale has, and scales would stop nesting.
    enterprise = {
        stem + form
        for key, stems in INDUSTRY_STEMS.items()
        for stem in stems
        for form, _weight in forms_for(key, stem)
    }
    enterprise |= {
        stem + form
        for specialities in SPECIALITIES.values()
        for key, stem, _share in specialities
        for form, _weight in forms_for(key, stem)
    }
    tails = [
        enterprise,
        *({t.text for t in kind_tails} for kind_tails in INSTITUTION_TAILS.values()),
    ]

    assert len(set().union(*tails)) == sum(len(kind_tails) for kind_tails in tails)


def test_name_book_never_starts_a_trade_name_with_a_longer_places_next_character():
    book = NameBook(
        seed=1, prefixes=["本溪", "本溪满族自治县", "沈阳", "沈阳市铁西区"], reserved=[]
    )

    assert "满" not in book.characters
    assert "市" not in book.characters


def test_name_book_skips_reserved_names_and_reports_exhaustion():
    book = NameBook(seed=1, prefixes=["沈阳"], reserved=[])
    book.characters = ("华", "盛")
    book.capacity = 4
    names = {book.company_name("沈阳", "阀门有限公司")[0] for _ in range(4)}

    assert names == {
        "沈阳华华阀门有限公司",
        "沈阳华盛阀门有限公司",
        "沈阳盛华阀门有限公司",
        "沈阳盛盛阀门有限公司",
    }
    with pytest.raises(NamespaceFull):
        book.company_name("沈阳", "阀门有限公司")


def test_credit_codes_are_unique_valid_and_apart_from_reserved_ones():
    codes = CreditCodes(seed=3)

    issued = [
        codes.issue(category="91", region_code="210102", serial=serial, legacy=serial % 3 == 0)
        for serial in range(1_000, 6_000)
    ]
    assert len(set(issued)) == len(issued)
    assert all(normalise_uscc(code) == code for code in issued)
    assert all(code[8:10] != "00" for code in issued)
    reserved = reserved_uscc(category="11", region_code="210000", number=0)
    assert reserved[8:10] == "00" and normalise_uscc(reserved) == reserved


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # Worked by hand: 3·0+7·0+9·0+10·0+5·0+8·0+4·0+2·1 = 2, 11 − 2 = 9.
        ("00000001", "9"),
        # M=22, A=10: 3·22+7·10 = 136, 136 mod 11 = 4, 11 − 4 = 7.
        ("MA000000", "7"),
        # A sum divisible by 11 gives 11 → "0"; a remainder of 1 gives 10 → "X" (2·6 = 12).
        ("00000000", "0"),
        ("00000006", "X"),
    ],
)
def test_organisation_code_check_character(body, check):
    assert gb11714_check_character(body) == check
