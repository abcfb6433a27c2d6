"""Understanding a need as enterprises type it. Pure except where marked: the region table is
read from the shipped GB/T 2260 file, as ``qihub load_reference_data`` loads it."""

import csv
import json
import math
import re
from types import MappingProxyType

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qihub.core.search import WORDS, query_terms
from qihub.institutions.accuracy import AccuracyKind
from qihub.matching.understanding import (
    MAX_QUERY_LENGTH,
    Need,
    Place,
    RegionRow,
    StandardRef,
    clear_caches,
    region_table,
    understand,
)
from qihub.matching.vocabulary import KINDS, vocabulary
from qihub.reference.loader import DATA_DIR, ensure_reference_data
from qihub.reference.models import Region

with (DATA_DIR / "regions.csv").open(encoding="utf-8", newline="") as _handle:
    REGIONS = MappingProxyType(
        {
            row["code"]: RegionRow(row["name"], row["level"], row["name_en"])
            for row in csv.DictReader(_handle)
        }
    )


def read(text: str, **kwargs: object) -> Need:
    return understand(text, regions=REGIONS, **kwargs)  # type: ignore[arg-type]


# --- the queries of the issue, exactly ------------------------------------------------------


def test_rebar_tensile_test_with_standard_and_city():
    need = read("钢筋拉伸试验 GB/T 228.1-2021 沈阳")

    assert need.kind == "test"
    assert need.standards == (
        StandardRef("GB/T 228.1-2021", "GB/T 228.1", 2021, "GB/T 228.1-2021"),
    )
    assert need.terms == ("钢筋", "拉伸试验")
    assert "拉伸" in need.synonyms("拉伸试验")
    assert need.place == Place("210100", "沈阳市", "prefecture", "210100")
    assert need.range is None  # the "-2021" of the code is not a range
    assert need.accuracy is None
    assert need.cert_scheme is None
    assert need.problems == ()


def test_pressure_gauge_verification_with_range_and_class():
    need = read("压力表检定 0-60MPa 1.6级")

    assert need.kind == "verification"
    assert need.terms == ("压力表",)
    assert "压力计" in need.synonyms("压力表")
    assert (need.range.low, need.range.high, need.range.unit.symbol) == (0.0, 60.0, "MPa")
    assert need.accuracy.kind is AccuracyKind.CLASS
    assert need.accuracy.value == 1.6
    assert need.place is None
    assert need.problems == ()


def test_iso_9001_certification():
    need = read("需要ISO 9001认证")

    assert need.kind == "certification"
    assert [(s.code, s.base, s.year) for s in need.standards] == [("ISO 9001", "ISO 9001", None)]
    assert need.cert_scheme == "MS-QMS"
    assert need.terms == ()  # 需要 and 认证 are understood, not searched for
    assert need.problems == ()


def test_cmm_calibration_in_dalian():
    need = read("三坐标测量机校准 大连")

    assert need.kind == "calibration"
    assert need.terms == ("三坐标测量机",)  # jieba cuts 三/坐标/测量机; merged back
    assert need.place == Place("210200", "大连市", "prefecture", "210200")
    assert need.problems == ()


def test_as_dict_is_the_understood_part_of_the_api():
    need = read("压力表检定 0-60MPa 1.6级 沈阳")

    data = need.as_dict()

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data == {
        "kind": "verification",
        "kinds": ["verification"],
        "standards": [],
        "terms": ["压力表"],
        "synonyms": {"压力表": ["压力计", "压力仪表"]},
        "range": {"min": 0.0, "max": 60.0, "unit": "MPa", "text": "0-60MPa"},
        "accuracy": {"kind": "class", "value": 1.6, "unit": None, "text": "1.6级"},
        "place": {"code": "210100", "name": "沈阳市"},
        "cert_scheme": None,
        "problems": [],
    }


def test_as_dict_lists_standards_with_their_year():
    data = read("GB/T 228.1-2021 gbt 228.1 钢筋").as_dict()

    assert data["standards"] == [
        {"code": "GB/T 228.1-2021", "year": 2021},
        {"code": "GB/T 228.1", "year": None},
    ]


# --- standards ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code", "year"),
    [
        ("GB／T228.1—2021", "GB/T 228.1-2021", 2021),
        ("ＧＢ／Ｔ　２２８．１－２０２１", "GB/T 228.1-2021", 2021),
        ("GB/T 228.1–2021", "GB/T 228.1-2021", 2021),
        ("gbt 228.1", "GB/T 228.1", None),
        ("gb/t228.1-2021", "GB/T 228.1-2021", 2021),
        ("JJG52-2013", "JJG 52-2013", 2013),
        ("jjf 1059.1-2012", "JJF 1059.1-2012", 2012),
        ("ISO 9001:2015", "ISO 9001:2015", 2015),
        ("ISO 6892-1:2019", "ISO 6892-1:2019", 2019),
        ("DB21/T 1234-2020", "DB21/T 1234-2020", 2020),
        ("T/CAS 123-2021", "T/CAS 123-2021", 2021),
        ("HJ 630-2011", "HJ 630-2011", 2011),
        ("GB 14554-93", "GB 14554-1993", 1993),
        ("TSG D0001-2009", "TSG D0001-2009", 2009),
    ],
)
def test_reads_standard_codes_in_any_messy_form(typed, code, year):
    need = read(f"{typed} 检测")

    assert [(s.code, s.year) for s in need.standards] == [(code, year)]
    assert need.range is None
    assert need.terms == ()
    assert need.problems == ()


def test_a_code_without_year_means_any_version():
    (standard,) = read("gbt 228.1 钢筋").standards

    assert standard.year is None
    assert standard.code == standard.base == "GB/T 228.1"


def test_the_same_standard_twice_is_listed_once():
    assert len(read("GB/T 228.1-2021 GB／T228.1—2021").standards) == 1


def test_an_unreadable_standard_is_a_problem_not_a_range():
    need = read("GB/T 228.1-2099 钢筋")

    assert need.standards == ()
    assert need.range is None
    assert need.terms == ("钢筋",)
    assert any("2099" in problem for problem in need.problems)


def test_steel_grades_and_designations_are_not_standards_or_ranges():
    need = read("HRB400钢筋 Q235钢板 316L不锈钢")

    assert need.standards == ()
    assert need.range is None
    assert {"hrb400", "钢筋", "钢板", "316l", "不锈钢"} <= set(need.terms)


# --- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("水质检测", "test"),
        ("钢材检验", "test"),
        ("电池测试", "test"),
        ("冲击试验", "test"),
        ("煤 化验", "test"),
        ("testing of rebar", "test"),
        ("rebar test", "test"),
        ("压力表校准", "calibration"),
        ("calibration of pressure gauge", "calibration"),
        ("压力表检定", "verification"),
        ("电能表 强检", "verification"),
        ("verification of scales", "verification"),
        ("压力表计量检定", "verification"),  # 计量 alone is loose; 检定 is precise
        ("需要认证", "certification"),
        ("体系认证", "certification"),
        ("3C 插座", "certification"),
        ("CCC 插座", "certification"),
        ("ISO 9001 certification", "certification"),
        ("拉伸试验", "test"),  # implied by the domain word
        ("无损检测", "test"),
        ("无损检测设备校准", "calibration"),  # a kind word beats what a term implies
    ],
)
def test_reads_the_kind_of_service(text, kind):
    need = read(text)

    assert need.kind == kind
    assert need.kinds == (kind,)
    assert need.problems == ()


def test_verification_and_calibration_stay_distinct():
    assert read("压力表检定").kind != read("压力表校准").kind


def test_verification_and_calibration_together_search_both_and_say_so():
    need = read("压力表检定/校准")

    assert need.kind is None
    assert need.kinds == ("verification", "calibration")
    assert need.terms == ("压力表",)
    assert need.problems == ("同时提到了“检定”和“校准”，都会查找；如只需其中一种，请选择服务类型",)


@pytest.mark.parametrize("text", ["电子秤校验", "压力表 计量"])
def test_everyday_words_for_both_metrology_kinds_name_both(text):
    need = read(text)

    assert need.kind is None
    assert set(need.kinds) == {"calibration", "verification"}


def test_a_health_check_is_not_a_test():
    need = read("体检")

    assert need.kind is None
    assert need.kinds == ()
    assert need.expanded_terms == (("体检", ()),)


def test_no_kind_word_leaves_the_kind_open():
    need = read("钢筋 沈阳")

    assert need.kind is None
    assert need.kinds == ()


# --- ranges --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("压力表 0-60MPa", 0.0, 60.0, "MPa"),
        ("压力表 0～60 MPa", 0.0, 60.0, "MPa"),
        ("压力表0~60兆帕检定", 0.0, 60.0, "MPa"),
        ("压力表 60兆帕以下", None, 60.0, "MPa"),
        ("压力表 ≤60MPa", None, 60.0, "MPa"),
        ("量程0到60兆帕的压力表", 0.0, 60.0, "MPa"),
        ("量程：0-1.6MPa 压力表", 0.0, 1.6, "MPa"),
        ("温度计 (0~200)℃", 0.0, 200.0, "℃"),
        ("热电偶 -40~150℃", -40.0, 150.0, "℃"),
        ("热电偶 −40—150℃", -40.0, 150.0, "℃"),
        ("温湿度计 20%~80%RH", 20.0, 80.0, "%RH"),
        ("噪声 30dB(A)以上", 30.0, None, "dB(A)"),
        ("汽车衡 100吨", 100.0, 100.0, "t"),
        ("砝码 1mg-20kg", 1e-6, 20.0, "kg"),
    ],
)
def test_reads_the_measuring_range(text, low, high, unit):
    need = read(text)

    assert need.range is not None
    assert (need.range.low, need.range.high) == (pytest.approx(low), pytest.approx(high))
    assert need.range.unit.symbol == unit
    assert need.problems == ()


def test_a_turnaround_is_not_a_range():
    need = read("3天出报告 水质检测")

    assert need.range is None
    assert need.terms == ("水质",)


def test_a_range_without_unit_is_a_problem():
    need = read("压力表 0-100")

    assert need.range is None
    assert need.problems == ("量程“0-100”缺少单位，未作为条件",)
    assert need.terms == ("压力表",)


def test_two_ranges_keep_the_first_and_say_so():
    need = read("压力表 0-60MPa 0-100kPa")

    assert need.range.high == 60.0
    assert need.problems == ("识别到多个量程，只使用“0-60MPa”",)


# --- accuracy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "label"),
    [
        ("压力表 1.6级", AccuracyKind.CLASS, 1.6, None, ""),
        ("压力表 准确度0.4级", AccuracyKind.CLASS, 0.4, None, ""),
        ("压力表 精度0.25级", AccuracyKind.CLASS, 0.25, None, ""),
        ("天平 0.05%", AccuracyKind.RELATIVE, 0.05, None, ""),
        ("压力变送器 0.05%FS", AccuracyKind.FULL_SCALE, 0.05, None, ""),
        ("压力表 U = 0.05 % FS", AccuracyKind.FULL_SCALE, 0.05, None, ""),
        ("温度计 U≤0.1℃", AccuracyKind.ABSOLUTE, 0.1, "℃", ""),
        ("温度计 U=0.3℃, k=2", AccuracyKind.ABSOLUTE, 0.3, "℃", ""),
        ("温度计 ±0.5℃", AccuracyKind.ABSOLUTE, 0.5, "℃", ""),
        ("温度计 误差±0.5℃", AccuracyKind.MPE, 0.5, "℃", ""),
        ("流量计 MPE ±0.1%", AccuracyKind.MPE, 0.1, None, ""),
        ("E2级砝码", AccuracyKind.CLASS, None, None, "E2"),
        ("二等标准水银温度计", AccuracyKind.CLASS, None, None, "二等"),
    ],
)
def test_reads_the_accuracy_asked_for(text, kind, value, unit, label):
    need = read(text)

    assert need.accuracy is not None
    assert need.accuracy.kind is kind
    assert need.accuracy.value == value
    assert need.accuracy.unit == unit
    assert need.accuracy.label == label
    assert need.range is None  # the accuracy's unit is not a range
    assert need.problems == ()


def test_e2_is_the_accuracy_and_the_weight_is_the_object():
    need = read("E2级砝码检定")

    assert need.accuracy.label == "E2"
    assert need.terms == ("砝码",)
    assert need.kind == "verification"


def test_a_coarse_bare_percentage_is_not_an_accuracy():
    need = read("含水率 50%")

    assert need.accuracy is None
    assert need.problems == ("“50%”未作为条件：精度请写成“U≤0.1%”“0.5级”等形式",)


def test_an_energy_grade_is_not_an_accuracy_class():
    assert read("空调 1级能效").accuracy is None


# --- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "level", "city_code"),
    [
        ("沈阳 压力表", "210100", "prefecture", "210100"),
        ("沈阳市 压力表", "210100", "prefecture", "210100"),
        ("Shenyang 压力表", "210100", "prefecture", "210100"),
        ("shenyang pressure gauge", "210100", "prefecture", "210100"),
        ("SHENYANG CITY", "210100", "prefecture", "210100"),
        ("dalian", "210200", "prefecture", "210200"),
        ("水质检测 浑南区", "210112", "county", "210100"),
        ("浑南 水质", "210112", "county", "210100"),
        ("瓦房店市 轴承", "210281", "county", "210200"),
        ("瓦房店 轴承", "210281", "county", "210200"),
        ("金普新区 水质", "210213", "county", "210200"),
        ("大连 瓦房店 轴承", "210281", "county", "210200"),  # the county in the city
        ("沈阳铁西区 钢筋", "210106", "county", "210100"),
        ("鞍山 铁西区", "210303", "county", "210300"),
        ("朝阳 压力表", "211300", "prefecture", "211300"),  # 朝阳市, not 朝阳县
        ("jinzhou", "210700", "prefecture", "210700"),  # 锦州市 over 金州区
    ],
)
def test_reads_the_place(text, code, level, city_code):
    place = read(text).place

    assert (place.code, place.level, place.city_code) == (code, level, city_code)


@pytest.mark.parametrize("text", ["辽宁 压力表", "全省 压力表", "辽宁省内 压力表", "liaoning"])
def test_the_whole_province_is_no_restriction_and_no_term(text):
    need = read(text)

    assert need.place is None
    assert not {"辽宁", "全省", "辽宁省", "liaoning"} & set(need.terms)


def test_an_ambiguous_district_asks_for_the_city():
    need = read("铁西区 钢筋")

    assert need.place is None
    assert need.problems == ("“铁西区”有多处（沈阳市铁西区、鞍山市铁西区），请写明所在城市",)
    assert need.terms == ("钢筋",)


def test_two_cities_keep_the_first_and_say_so():
    need = read("沈阳 大连 压力表")

    assert need.place.code == "210100"
    assert need.problems == ("提到了多个地点（沈阳市、大连市），只按“沈阳市”查找",)


def test_everyday_words_are_not_districts():
    need = read("振兴 和平 钢筋")  # 振兴区 and 和平区 only by their full names

    assert need.place is None


# --- certification schemes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("需要ISO 9001认证", "MS-QMS"),
        ("9001认证", "MS-QMS"),
        ("GB/T 19001", "MS-QMS"),
        ("质量管理体系认证", "MS-QMS"),
        ("ISO 14001", "MS-EMS"),
        ("环境管理体系", "MS-EMS"),
        ("ISO 45001认证", "MS-OHSMS"),
        ("医疗器械质量管理体系", "MS-MDQMS"),  # the longest name wins over 质量管理体系
        ("IATF 16949", "MS-IATF"),
        ("3C认证 电线", "CCC-01"),
        ("3C 冰箱", "CCC-07"),
        ("3C认证", "CCC"),
        ("GB 4706.1 认证", "CCC-07"),
        ("有机产品认证", "PC-ORG"),
        ("绿色产品认证", "PC-GREEN"),
        ("绿色建材认证", "PC-GBM"),
        ("售后服务认证", "SC-AFTER"),
    ],
)
def test_reads_the_certification_scheme(text, scheme):
    need = read(text)

    assert need.cert_scheme == scheme
    assert need.kind == "certification"


def test_a_product_standard_to_test_against_is_not_a_certification():
    need = read("GB 4706.1 检测")

    assert need.kind == "test"
    assert need.cert_scheme is None


def test_ccc_keeps_the_product_as_a_term():
    assert read("3C认证 电线").terms == ("电线",)


def test_cert_schemes_use_the_platform_codes():
    codes = set(vocabulary().schemes)

    assert {"CCC", "CCC-01", "CCC-07", "MS-QMS", "MS-EMS", "PC-GREEN", "PC-ORG"} <= codes
    assert all(re.fullmatch(r"CCC(-[0-9]{2})?|(MS|PC|SC)-[A-Za-z]+", code) for code in codes)


# --- words: synonyms, typos, English, tokenizer -----------------------------------------------


@pytest.mark.parametrize(
    ("word", "synonym"),
    [
        ("抗拉强度", "拉伸强度"),
        ("拉伸强度", "抗拉强度"),
        ("测厚", "厚度测量"),
        ("称", "衡器"),
        ("秤", "衡器"),
        ("磅秤", "衡器"),
        ("压力表", "压力计"),
        ("压力计", "压力表"),
        ("水质", "水"),
        ("甲醛", "游离甲醛"),
        ("砼", "混凝土"),
    ],
)
def test_expands_everyday_words_to_trade_terms(word, synonym):
    need = read(word)

    assert need.terms == (word,)
    assert synonym in need.synonyms(word)


def test_expanded_terms_pair_each_term_with_its_synonyms_in_order():
    need = read("钢筋 抗拉强度")

    assert need.expanded_terms == (
        ("钢筋", ("螺纹钢", "带肋钢筋", "热轧带肋钢筋")),
        ("抗拉强度", ("拉伸强度",)),
    )


def test_a_different_object_is_not_a_synonym():
    # A truck scale and an analytical balance are both weighing instruments, not the same job.
    assert "电子天平" not in read("汽车衡").synonyms("汽车衡")
    assert "电子秤" not in read("汽车衡").synonyms("汽车衡")
    assert vocabulary().broader("汽车衡") == ("衡器",)


def test_the_synonym_table_is_large_and_every_word_is_in_one_group():
    groups = vocabulary().synonym_groups
    words = [word for group in groups for word in group]

    assert sum(1 for group in groups if len(group) >= 2) >= 80
    assert len(words) == len(set(words))


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("拉申试验", "拉伸试验"),
        ("电子称", "电子秤"),
        ("混泥土", "混凝土"),
        ("三座标测量机", "三坐标测量机"),
        ("抗拉强渡", "抗拉强度"),
    ],
)
def test_fixes_common_typos(typed, term):
    need = read(typed)

    assert term in need.terms
    assert need.corrections


def test_a_typo_in_a_kind_word_is_fixed():
    need = read("压力表较准")

    assert need.kind == "calibration"
    assert need.corrections == (("较准", "校准"),)


@pytest.mark.parametrize(
    ("text", "kind", "terms"),
    [
        ("tensile test", "test", ("拉伸试验",)),
        ("calibration of pressure gauge", "calibration", ("压力表",)),
        ("Tensile Strength testing of rebar", "test", ("抗拉强度", "钢筋")),
        ("coordinate measuring machine calibration", "calibration", ("三坐标测量机",)),
        ("formaldehyde test", "test", ("甲醛",)),
    ],
)
def test_reads_english(text, kind, terms):
    need = read(text)

    assert need.kind == kind
    assert need.terms == terms


@pytest.mark.parametrize(
    "text",
    ["我要做甲醛检测", "需要找一家机构做甲醛检测", "请问哪里可以做甲醛检测？"],
)
def test_drops_the_words_around_a_need(text):
    need = read(text)

    assert need.terms == ("甲醛",)
    assert need.kind == "test"


def _domain_words_the_tokenizer_splits():
    out = []
    for group in vocabulary().synonym_groups:
        for word in group:
            if not word.isascii() and len(query_terms(word)) > 1:
                out.append(word)
    return out


@pytest.mark.parametrize("word", _domain_words_the_tokenizer_splits())
def test_domain_words_are_kept_whole_even_when_jieba_splits_them(word):
    assert read(word).terms == (word,)


def test_the_core_dictionary_is_where_the_tokenizer_words_live():
    # The lead adds the domain words to qi_words.txt; until then they are merged back here.
    assert WORDS.exists()
    assert "三坐标测量机" in vocabulary().domain_words


# --- structured corrections override the text ----------------------------------------------------


def test_kind_argument_overrides_the_text():
    need = read("压力表检定", kind="calibration")

    assert need.kind == "calibration"
    assert need.kinds == ("calibration",)


def test_kind_argument_accepts_the_chinese_word():
    assert read("压力表", kind="检定").kind == "verification"


def test_unknown_kind_argument_is_a_problem_and_the_text_still_counts():
    need = read("压力表检定", kind="massage")

    assert need.kind == "verification"
    assert need.problems == ("未知的服务类型“massage”",)


def test_city_argument_overrides_the_text():
    need = read("压力表 沈阳", city="210200")

    assert need.place.code == "210200"


def test_city_argument_may_be_a_district():
    place = read("压力表", city="210281").place

    assert (place.name, place.city_code) == ("瓦房店市", "210200")


def test_unknown_city_code_is_a_problem_and_the_rest_is_understood():
    need = read("压力表检定 沈阳", city="999999")

    assert need.problems == ("未知的城市代码“999999”",)
    assert need.place.code == "210100"
    assert need.kind == "verification"
    assert need.terms == ("压力表",)


def test_the_province_code_lifts_the_place_restriction():
    assert read("压力表 沈阳", city="210000").place is None


def test_standard_argument_overrides_the_text():
    need = read("钢筋 GB/T 228.1-2021", standard="GB/T 228.1-2010")

    assert [s.code for s in need.standards] == ["GB/T 228.1-2010"]


def test_unreadable_standard_argument_is_a_problem():
    need = read("钢筋 GB/T 228.1-2021", standard="not a code")

    assert [s.code for s in need.standards] == ["GB/T 228.1-2021"]
    assert len(need.problems) == 1
    assert "not a code" in need.problems[0]


def test_range_arguments_override_the_text():
    need = read("压力表 0-60MPa", range_min=0, range_max=100, unit="kPa")

    assert (need.range.low, need.range.high, need.range.unit.symbol) == (0.0, 100.0, "kPa")


def test_one_range_argument_keeps_the_rest_of_the_text_range():
    need = read("压力表 0-60MPa", range_max=40)

    assert (need.range.low, need.range.high, need.range.unit.symbol) == (0.0, 40.0, "MPa")


def test_a_unit_without_bounds_is_no_range():
    assert read("压力表", unit="MPa").range is None


def test_range_with_min_above_max_is_a_problem_and_no_range():
    need = read("压力表检定", range_min=100, range_max=10, unit="MPa")

    assert need.range is None
    assert need.problems == ("量程：范围下限 100 大于上限 10",)
    assert need.kind == "verification"
    assert need.terms == ("压力表",)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"range_min": 0, "range_max": 10, "unit": "furlongs"}, "furlongs"),
        ({"range_min": math.nan, "range_max": 10, "unit": "MPa"}, "量程"),
        ({"range_min": 0, "range_max": math.inf, "unit": "MPa"}, "量程"),
    ],
)
def test_bad_range_arguments_are_problems(kwargs, fragment):
    need = read("压力表", **kwargs)

    assert need.range is None
    assert len(need.problems) == 1
    assert fragment in need.problems[0]


def test_max_uncertainty_argument_overrides_the_text():
    need = read("压力表 1.6级", max_uncertainty="0.1%")

    assert need.accuracy.kind is AccuracyKind.RELATIVE
    assert need.accuracy.value == 0.1


def test_unparseable_max_uncertainty_is_a_problem_and_the_rest_is_understood():
    need = read("压力表检定 0-60MPa", max_uncertainty="very good")

    assert need.accuracy is None
    assert len(need.problems) == 1
    assert "very good" in need.problems[0]
    assert need.range.high == 60.0


# --- bad input ---------------------------------------------------------------------------------

NOTHING = "没有识别出需求，请输入检测对象、项目、标准号或仪器名称，例如“钢筋拉伸试验 沈阳”"


@pytest.mark.parametrize("text", ["", "   ", "！！！？？？", "……—— ~~~", "😀🔥", "的 了 吗", None])
def test_empty_or_meaningless_input_says_nothing_was_understood(text):
    need = read(text)

    assert need.is_empty
    assert need.problems == (NOTHING,)


def test_a_very_long_query_is_cut_and_says_so():
    need = read("压力表检定 沈阳 " + "钢" * 10_000)

    assert need.problems == (f"查询过长，只读取了前{MAX_QUERY_LENGTH}个字",)
    assert need.kind == "verification"
    assert need.place.code == "210100"


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE institutions; --",
        "1' OR '1'='1",
        "<script>alert(1)</script> 压力表",
        "压力表\x00检定\u200b\ufeff",
        "😀压力表😀检定🔥",
        "0-60MPa" * 30,
        "-" * 200,
        "9" * 200,
        "GB/T " * 40,
        "U≤ 级 % ± ~ 至 到 以下",
        "ſhenyang QMſ teſting \u212a",  # characters that Unicode case folding equates with ASCII
        "٣٠-٦٠MPa ٠.٥级",  # Arabic-Indic digits
        "U=1e999℃ 0-1e999MPa",
    ],
)
def test_absurd_input_never_crashes(text):
    need = read(text)

    json.dumps(need.as_dict(), ensure_ascii=False)
    assert all(isinstance(problem, str) and problem for problem in need.problems)


# Text made of the characters the number, unit, code and place readers react to.
PIECES = [
    *"0123456789.-+~%±≤<>()（）/:：,，ULuEFM2级等至到以下上内量程精度误差℃°CMPak兆帕吨",
    *("GB/T ", "ISO ", "JJG", "3C", "认证", "检定", "校准", "沈阳", "铁西区", "9001", "%FS"),
]
NEED_LIKE = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(NEED_LIKE)
@example("(0~")
@example("U=(0.5+0.01L)μm")
@example("±")
def test_any_need_like_text_gives_a_need(text):
    need = read(text)

    assert need.kind in (None, *KINDS)
    json.dumps(need.as_dict(), ensure_ascii=False)


def test_emoji_and_control_characters_are_ignored():
    need = read("😀压力表😀检定🔥\x00")

    assert (need.kind, need.terms, need.problems) == ("verification", ("压力表",), ())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
@example("0-60MPa 1.6级 GB/T 228.1-2021 沈阳")
@example("(((((0~")
@example("U=(0.5+0.01L)μm")
def test_any_text_gives_a_need(text):
    need = read(text)

    assert isinstance(need, Need)
    assert need.kind in (None, *KINDS)
    json.dumps(need.as_dict(), ensure_ascii=False)


# --- the region table from the database ----------------------------------------------------------


@pytest.fixture
def fresh_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.mark.django_db
def test_reads_places_from_the_region_table_without_regions(reference, fresh_caches):
    need = understand("钢筋拉伸试验 GB/T 228.1-2021 沈阳")

    assert need.place == Place("210100", "沈阳市", "prefecture", "210100")


@pytest.mark.django_db
def test_the_region_table_is_read_once_per_process(
    reference, fresh_caches, django_assert_num_queries
):
    with django_assert_num_queries(1):
        understand("压力表 沈阳")
    with django_assert_num_queries(0):
        understand("压力表 大连")
        assert region_table() is region_table()


@pytest.mark.django_db
def test_passing_regions_reads_no_database(reference, django_assert_num_queries):
    regions = MappingProxyType({r.code: r for r in Region.objects.all()})

    with django_assert_num_queries(0):
        need = understand("水质检测 浑南区", regions=regions)

    assert need.place == Place("210112", "浑南区", "county", "210100")


@pytest.mark.django_db
def test_an_empty_region_table_is_not_cached(fresh_caches):
    assert read_without_regions("沈阳").place is None

    ensure_reference_data()

    assert read_without_regions("沈阳").place.code == "210100"


def read_without_regions(text):
    return understand(text)
