"""The matching engine's rules, one behaviour per test, on lines written like real scopes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.core.search import segment
from qihub.core.units import parse_unit
from qihub.institutions.accuracy import parse_accuracy
from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
from qihub.institutions.tests.factories import QualificationFactory
from qihub.matching import engine
from qihub.matching.engine import (
    NEIGHBOUR,
    SAME_CITY,
    match,
    match_text,
    neighbours,
    restriction_excludes,
)
from qihub.matching.understanding import understand
from qihub.reference.models import Region
from qihub.standards.models import Standard

TODAY = date(2026, 6, 1)
_serial = iter(range(100, 100_000))


@pytest.fixture
def catalogue(reference):
    for code, title, status in [
        ("GB/T 228.1-2010", "金属材料 拉伸试验 第1部分：室温试验方法", "superseded"),
        ("GB/T 228.1-2021", "金属材料 拉伸试验 第1部分：室温试验方法", "current"),
        ("JJG 52-2013", "弹性元件式一般压力表、压力真空表和真空表检定规程", "current"),
        ("GB/T 19001-2016", "质量管理体系 要求", "current"),
    ]:
        base, year = code.rsplit("-", 1)
        prefix, number = base.split(" ")
        Standard.objects.create(
            code=code, base_code=base, prefix=prefix, number=number, year=int(year),
            title_zh=title, type="recommended", status=status, family="national",
            search_text=segment(f"{code} {title}"),
        )  # fmt: skip


def institution(name, city="210100", *, status="valid", valid_to=date(2029, 12, 31), type="CMA"):
    serial = next(_serial)
    organisation = OrganisationFactory(
        uscc=uscc_for(serial, city), name=name, kind=Organisation.Kind.TESTING_LAB,
        city=Region.objects.get(code=city),
    )  # fmt: skip
    numbers = {"CMA": f"2306010{serial:05d}", "METROLOGY-AUTH": f"(辽)法计(2023){serial:05d}号",
               "CNCA-CB": f"CNCA-R-2010-{serial % 1000:03d}"}  # fmt: skip
    qualification = QualificationFactory(
        organisation=organisation, type=type, number=numbers[type], status=status,
        valid_from=date(2023, 1, 1), valid_to=valid_to,
    )  # fmt: skip
    return organisation, qualification


def line(qualification, object, parameter="", *, kind="test", standards=(), low=None, high=None,
         unit="", uncertainty="", restriction="", price=None, days=None):  # fmt: skip
    measured = parse_unit(unit) if unit else None
    created = CapabilityLine.objects.create(
        organisation=qualification.organisation, qualification=qualification, kind=kind,
        object=object, parameter=parameter, standards_text="; ".join(standards),
        range_min=low, range_max=high, unit=unit,
        dimension=measured.dimension if measured else "",
        range_min_base=None if low is None or measured is None else low * measured.factor,
        range_max_base=None if high is None or measured is None else high * measured.factor,
        range_text=f"{low}~{high} {unit}" if low is not None else "",
        uncertainty_text=uncertainty,
        accuracy=parse_accuracy(uncertainty).as_dict() if uncertainty else None,
        restriction=restriction, price_cny=price, turnaround_days=days,
        search_text=" ".join([segment(f"{object} {parameter}"), *(segment(s) for s in standards)]),
        natural_key=f"k{next(_serial)}",
    )  # fmt: skip
    for code in standards:
        base, year = code.rsplit("-", 1)
        CapabilityStandard.objects.create(
            line=created, code=code, base_code=base, year=int(year),
            standard=Standard.objects.filter(code=code).first(),
            is_known=Standard.objects.filter(code=code).exists(),
        )  # fmt: skip
    return created


def names(result):
    return [m.organisation.name for m in result.results]


STEEL = "抗拉强度、屈服强度、断后伸长率"


@pytest.fixture
def steel(catalogue):
    labs = {}
    for key, name, city, status, valid_to, code in [
        ("current", "沈阳钢筋检测", "210100", "valid", date(2029, 12, 31), "GB/T 228.1-2021"),
        ("old", "大连旧版检测", "210200", "valid", date(2029, 12, 31), "GB/T 228.1-2010"),
        ("suspended", "暂停检测", "210100", "suspended", date(2029, 12, 31), "GB/T 228.1-2021"),
        ("expired", "过期检测", "210100", "valid", date(2026, 3, 31), "GB/T 228.1-2021"),
    ]:
        organisation, qualification = institution(name, city, status=status, valid_to=valid_to)
        line(qualification, "钢筋", STEEL, standards=[code], low=0, high=2000, unit="MPa")
        labs[key] = organisation
    _org, rope = institution("钢丝绳检测")
    line(rope, "钢丝绳", "拉伸试验（破断拉力）", standards=["GB/T 228.1-2021"], low=0, high=5000,
         unit="kN")  # fmt: skip
    return labs


def test_an_exact_edition_ranks_above_a_superseded_one_which_is_flagged(steel):
    result = match_text("钢筋拉伸试验 GB/T 228.1-2021", today=TODAY)
    assert names(result) == ["沈阳钢筋检测", "大连旧版检测"]
    exact, old = result.results
    assert exact.lines[0].exact_standard is True
    assert "GB/T 228.1-2021 精确匹配" in exact.reasons
    assert old.lines[0].exact_standard is False
    assert "仅具备已被代替的 GB/T 228.1-2010 资质" in old.lines[0].flags
    assert exact.score > old.score


def test_suspended_expired_and_wrong_object_lines_never_match(steel):
    result = match_text("钢筋 拉伸", today=TODAY)
    assert set(names(result)) == {"沈阳钢筋检测", "大连旧版检测"}
    assert "钢丝绳检测" not in names(match_text("钢筋拉伸试验 GB/T 228.1-2021", today=TODAY))


def test_a_method_term_is_met_by_the_title_of_the_cited_standard(steel):
    # The 钢筋 line names 抗拉强度…, not 拉伸试验: GB/T 228.1 is the tensile test.
    result = match_text("钢筋拉伸试验", today=TODAY)
    assert "沈阳钢筋检测" in names(result)
    assert any("方法标准" in r or "拉伸" in r for r in result.results[0].reasons)


def test_a_need_without_a_year_flags_a_superseded_edition_and_ranks_it_after(steel):
    result = match_text("钢筋 抗拉强度 GB/T 228.1", today=TODAY)
    assert names(result) == ["沈阳钢筋检测", "大连旧版检测"]
    assert result.results[0].lines[0].exact_standard is False
    assert any("已被代替" in flag for flag in result.results[1].lines[0].flags)


def test_the_same_city_ranks_first_then_a_neighbour(catalogue):
    for name, city in [("锦州压力", "210700"), ("抚顺压力", "210400"), ("沈阳压力", "210100")]:
        _org, qualification = institution(name, city, type="METROLOGY-AUTH")
        line(qualification, "压力表", "示值误差", kind="verification", standards=["JJG 52-2013"],
             low=0, high=60, unit="MPa", uncertainty="U=0.05%FS (k=2)")  # fmt: skip
    result = match_text("压力表检定 沈阳", today=TODAY)
    assert names(result) == ["沈阳压力", "抚顺压力", "锦州压力"]
    assert [m.distance for m in result.results[:2]] == [SAME_CITY, NEIGHBOUR]
    assert "沈阳市" in result.results[0].reasons


def test_a_range_short_of_the_need_or_of_another_dimension_does_not_match(catalogue):
    for name, low, high, unit in [
        ("够用", 0, 60, "MPa"), ("千帕够用", 0, 60000, "kPa"), ("不够", 0, 40, "MPa"),
        ("温度", 0, 100, "℃"), ("无量程", None, None, ""),
    ]:  # fmt: skip
        _org, qualification = institution(name, type="METROLOGY-AUTH")
        line(qualification, "压力表", "示值误差", kind="verification", low=low, high=high,
             unit=unit)  # fmt: skip
    assert set(names(match_text("压力表检定 0-60MPa", today=TODAY))) == {"够用", "千帕够用"}
    # A missing bound is not stated: "60兆帕以下" needs only 60 MPa inside the range.
    assert set(names(match_text("压力表检定 60兆帕以下", today=TODAY))) == {"够用", "千帕够用"}


def test_accuracy_worse_than_asked_never_matches_and_unknown_is_listed_apart(catalogue):
    for name, uncertainty in [("好", "U=0.05%FS (k=2)"), ("差", "2.5级"), ("未知", "")]:
        _org, qualification = institution(name, type="METROLOGY-AUTH")
        line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60,
             unit="MPa", uncertainty=uncertainty)  # fmt: skip
    result = match_text("压力表检定 0-60MPa 1.6级", today=TODAY)
    assert names(result) == ["好"]
    assert [m.organisation.name for m in result.unconfirmed] == ["未知"]
    assert "精度需人工确认" in result.unconfirmed[0].lines[0].flags
    assert result.as_dict()["unconfirmed"][0]["name"] == "未知"


def test_a_restriction_that_excludes_the_request_removes_the_line(catalogue):
    for name, restriction in [
        ("内部", "仅限委托方内部使用"), ("不含", "不包括钢筋"), ("仅钢板", "仅限钢板"),
        ("现场", "仅限现场检测"), ("无", ""),
    ]:  # fmt: skip
        _org, qualification = institution(name)
        line(qualification, "钢筋、钢板", STEEL, standards=["GB/T 228.1-2021"], low=0, high=2000,
             unit="MPa", restriction=restriction)  # fmt: skip
    assert set(names(match_text("钢筋 抗拉强度", today=TODAY))) == {"现场", "无"}


def test_restriction_rules_read_only_what_they_document():
    steel = [("钢筋", "螺纹钢")]
    assert restriction_excludes("不含钢筋", steel)
    assert restriction_excludes("除钢筋外", steel)
    assert restriction_excludes("仅限本单位使用", [])
    assert restriction_excludes("仅限钢板", steel)
    assert restriction_excludes("仅限钢筋", steel) is None
    assert restriction_excludes("仅限现场检测", steel) is None
    assert restriction_excludes("", steel) is None


def test_certification_needs_match_by_scheme_and_revoked_approvals_never(catalogue):
    for name, status in [("有效认证", "valid"), ("撤销认证", "revoked")]:
        _org, approval = institution(name, status=status, type="CNCA-CB")
        line(approval, "质量管理体系认证", "通用设备制造", kind="certification",
             standards=["GB/T 19001-2016"])  # fmt: skip
    _org, other = institution("有机认证", type="CNCA-CB")
    line(other, "有机产品认证", "有机植物生产", kind="certification")
    assert names(match_text("需要ISO 9001认证", today=TODAY)) == ["有效认证"]
    assert names(match_text("质量管理体系认证", today=TODAY)) == ["有效认证"]


def test_excluded_organisations_and_the_limit_are_honoured(steel):
    result = match(understand("钢筋 拉伸"), today=TODAY, exclude=[steel["current"].pk], limit=5)
    assert names(result) == ["大连旧版检测"]
    assert len(match_text("钢筋 拉伸", today=TODAY, limit=1).results) == 1


def test_a_need_with_nothing_to_match_on_says_so_and_finds_nothing(steel):
    result = match_text("沈阳", today=TODAY)
    assert result.results == ()
    assert any("没有可用于匹配" in p for p in result.need.problems)
    empty = match_text("", today=TODAY)
    assert empty.results == () and empty.need.problems


def test_as_dict_has_the_documented_shape(steel):
    data = match_text("钢筋拉伸试验 GB/T 228.1-2021 沈阳", today=TODAY).as_dict()
    assert data["understood"]["standards"] == [{"code": "GB/T 228.1-2021", "year": 2021}]
    first = data["results"][0]
    assert set(first) >= {"uscc", "name", "city_code", "score", "reasons", "capabilities"}
    capability = first["capabilities"][0]
    assert capability["standards"] == ["GB/T 228.1-2021"]
    assert capability["qualification"]["valid_to"] == "2029-12-31"
    assert capability["exact_standard"] is True
    assert first["city_code"] == "210100"


def test_pinyin_terms_stand_for_the_words_they_spell(catalogue):
    _org, qualification = institution("沈阳压力", type="METROLOGY-AUTH")
    line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60, unit="MPa")
    assert names(match_text("yalibiao jianding", today=TODAY)) == ["沈阳压力"]


def test_the_neighbour_table_is_symmetric_and_covers_every_liaoning_city():
    table = neighbours()
    assert len(table) == 14
    assert all(city in table[other] for city, others in table.items() for other in others)
    assert "210400" in table["210100"] and "210200" not in table["210100"]


def test_lines_of_another_kind_do_not_match(catalogue):
    _org, qualification = institution("校准所", type="METROLOGY-AUTH")
    line(qualification, "压力表", "示值误差", kind="calibration", low=0, high=60, unit="MPa")
    assert names(match_text("压力表检定", today=TODAY)) == []
    assert names(match_text("压力表校准", today=TODAY)) == ["校准所"]
    assert Qualification.objects.count() == 1


def test_only_ranks_the_given_organisations_and_none_when_given_none(steel):
    result = match(understand("钢筋 拉伸"), today=TODAY, only=[steel["old"].pk])
    assert names(result) == ["大连旧版检测"]
    assert names(match_text("钢筋 拉伸", today=TODAY, only={steel["suspended"].pk})) == []
    assert match_text("钢筋 拉伸", today=TODAY, only=[]).results == ()


def test_past_the_candidate_cap_the_requested_city_is_still_read(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(engine, "NEAR_CANDIDATES", 2)
    for n in range(5):
        _org, qualification = institution(f"锦州压力{n}", "210700", type="METROLOGY-AUTH")
        line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60, unit="MPa")
    _org, qualification = institution("沈阳压力", "210100", type="METROLOGY-AUTH")
    line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60, unit="MPa")
    # Only the first 3 lines by id are read without a place; the city's are read besides.
    assert names(match_text("压力表检定", today=TODAY)) == ["锦州压力0", "锦州压力1", "锦州压力2"]
    assert names(match_text("压力表检定 沈阳", today=TODAY))[0] == "沈阳压力"


def test_near_lines_within_the_cap_count_towards_the_near_ones_read(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(engine, "NEAR_CANDIDATES", 2)
    order = ["沈阳压力A", "锦州压力0", "锦州压力1", "锦州压力2", "沈阳压力B", "沈阳压力C"]
    for name in order:
        city = "210100" if name.startswith("沈阳") else "210700"
        _org, qualification = institution(name, city, type="METROLOGY-AUTH")
        line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60, unit="MPa")
    # The first 3 lines by id, then the city's first 2: A (within the cap) and B, not C.
    found = set(names(match_text("压力表检定 沈阳", today=TODAY)))
    assert found == {"沈阳压力A", "锦州压力0", "锦州压力1", "沈阳压力B"}


@pytest.mark.parametrize("listed", [True, False], ids=["citations listed", "citations probed"])
def test_lines_citing_the_standard_are_found_however_citations_are_read(
    catalogue, monkeypatch, listed
):
    # given: a line naming only its object but citing the standard, one naming the test, and
    # one doing neither
    _org, citing = institution("引用标准检测")
    line(citing, "钢筋", "力学性能", standards=["GB/T 228.1-2021"])
    _org, naming = institution("写明试验检测")
    line(naming, "钢筋", "拉伸试验")
    _org, neither = institution("弯曲检测")
    line(neither, "钢筋", "弯曲")
    # when: a window's citing lines are listed from the index, or probed line by line (SQLite)
    monkeypatch.setattr(engine, "_few_citing", lambda *_args, **_kwargs: listed)
    found = set(names(match_text("钢筋拉伸试验 GB/T 228.1-2021", today=TODAY)))
    # then
    assert found == {"引用标准检测", "写明试验检测"}


def test_shown_lines_take_as_many_queries_however_many_institutions_are_shown(
    steel, django_assert_num_queries
):
    query = "钢筋拉伸试验 GB/T 228.1-2021"
    match_text(query, today=TODAY)  # the first call also fills caches read from the database
    with CaptureQueriesContext(connection) as two:
        assert len(match_text(query, today=TODAY).results) == 2
    for name, city in [("鞍山钢筋检测", "210300"), ("锦州钢筋检测", "210700")]:
        _org, qualification = institution(name, city)
        line(qualification, "钢筋", STEEL, standards=["GB/T 228.1-2021"], low=0, high=2000,
             unit="MPa")  # fmt: skip
    with CaptureQueriesContext(connection) as four:
        result = match_text(query, today=TODAY)
    assert len(result.results) == 4
    assert len(four) == len(two)
    # What the dicts read (organisation, city, qualification, citations) came with the lines.
    with django_assert_num_queries(0):
        shown = result.as_dict()["results"]
    assert {r["city_code"] for r in shown} == {"210100", "210200", "210300", "210700"}
    assert all(r["capabilities"][0]["qualification"]["type"] == "CMA" for r in shown)
    assert shown[0]["capabilities"][0]["standards"] == ["GB/T 228.1-2021"]


def test_lines_read_over_many_small_windows_are_those_read_at_once(steel, monkeypatch):
    monkeypatch.setattr(engine, "MAX_CANDIDATES", 2)
    monkeypatch.setattr(engine, "NEAR_CANDIDATES", 1)
    queries = ["钢筋拉伸试验", "钢筋拉伸试验 GB/T 228.1-2021", "钢筋 抗拉强度", "钢筋 拉伸 大连"]
    expected = [names(match_text(query, today=TODAY)) for query in queries]
    assert all(expected)
    # One full-text id per window: the SQL compiled once is run with each window's bounds.
    monkeypatch.setattr(engine, "_FIRST_WINDOW", 1)
    monkeypatch.setattr(engine, "MAX_WINDOW", 1)
    assert [names(match_text(query, today=TODAY)) for query in queries] == expected
