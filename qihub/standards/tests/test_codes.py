"""Standard codes as users type them, and their one canonical form. Pure: no database."""

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qihub.core.errors import DomainError
from qihub.standards.codes import (
    InvalidStandardCode,
    StandardCode,
    normalise_standard_code,
    parse_standard_code,
)

# raw input → canonical, base, family, year, prefix
T2281 = ("GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T")
GOOD = [
    # entry-exit inspection industry standards share their letters with Swiss standards
    ("SN/T 3441-2012", "SN/T 3441-2012", "SN/T 3441", "industry", 2012, "SN/T"),
    ("snt 3441—2012", "SN/T 3441-2012", "SN/T 3441", "industry", 2012, "SN/T"),
    ("SN EN 1090-1:2009", "SN EN 1090-1:2009", "SN EN 1090-1", "foreign", 2009, "SN EN"),
    # national, every way users mangle the separators
    ("GB/T228.1—2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB／T 228.1-2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("ＧＢ／Ｔ　２２８．１－２０２１", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("gb/t 228.1-2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GBT 228.1-2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T 228.1–2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T 228.1－2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T  228.1 - 2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB / T 228.1-2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB T 228.1-2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T 228.1 2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T 228.1:2021", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("gbt 228.1", "GB/T 228.1", "GB/T 228.1", "national", None, "GB/T"),
    ("GB/T 228", "GB/T 228", "GB/T 228", "national", None, "GB/T"),
    ("GB/T 1.1-2020", "GB/T 1.1-2020", "GB/T 1.1", "national", 2020, "GB/T"),
    ("GB 14554-93", "GB 14554-1993", "GB 14554", "national", 1993, "GB"),
    ("GB/T 228.1-21", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("GB/T 17626.2-2018", "GB/T 17626.2-2018", "GB/T 17626.2", "national", 2018, "GB/T"),
    ("GB/Z 41275.1-2022", "GB/Z 41275.1-2022", "GB/Z 41275.1", "national", 2022, "GB/Z"),
    ("GBZ 41275.1-2022", "GB/Z 41275.1-2022", "GB/Z 41275.1", "national", 2022, "GB/Z"),
    ("GB 175-2023", "GB 175-2023", "GB 175", "national", 2023, "GB"),
    # metrology
    ("JJG52-2013", "JJG 52-2013", "JJG 52", "metrology", 2013, "JJG"),
    ("JJF 1059.1-2012", "JJF 1059.1-2012", "JJF 1059.1", "metrology", 2012, "JJF"),
    ("jjg 52", "JJG 52", "JJG 52", "metrology", None, "JJG"),
    ("JJG 1036-2022", "JJG 1036-2022", "JJG 1036", "metrology", 2022, "JJG"),
    # special equipment
    ("TSG D0001-2009", "TSG D0001-2009", "TSG D0001", "special_equipment", 2009, "TSG"),
    ("tsg d0001-2009", "TSG D0001-2009", "TSG D0001", "special_equipment", 2009, "TSG"),
    ("TSGD0001-2009", "TSG D0001-2009", "TSG D0001", "special_equipment", 2009, "TSG"),
    ("TSG Z7003-2004", "TSG Z7003-2004", "TSG Z7003", "special_equipment", 2004, "TSG"),
    ("TSG 21-2016", "TSG 21-2016", "TSG 21", "special_equipment", 2016, "TSG"),
    ("TSG 08-2017", "TSG 08-2017", "TSG 08", "special_equipment", 2017, "TSG"),
    # industry
    ("HJ/T 91-2002", "HJ/T 91-2002", "HJ/T 91", "industry", 2002, "HJ/T"),
    ("HJ 168-2020", "HJ 168-2020", "HJ 168", "industry", 2020, "HJ"),
    ("HJT 91-2002", "HJ/T 91-2002", "HJ/T 91", "industry", 2002, "HJ/T"),
    ("NB/T 47013.3-2015", "NB/T 47013.3-2015", "NB/T 47013.3", "industry", 2015, "NB/T"),
    ("YY 0469-2011", "YY 0469-2011", "YY 0469", "industry", 2011, "YY"),
    ("SH/T 0689-2000", "SH/T 0689-2000", "SH/T 0689", "industry", 2000, "SH/T"),
    ("JGJ/T 23-2011", "JGJ/T 23-2011", "JGJ/T 23", "industry", 2011, "JGJ/T"),
    ("jgjt 23-2011", "JGJ/T 23-2011", "JGJ/T 23", "industry", 2011, "JGJ/T"),
    ("JT 617-2004", "JT 617-2004", "JT 617", "industry", 2004, "JT"),
    ("MT 113-1995", "MT 113-1995", "MT 113", "industry", 1995, "MT"),
    ("RB/T 214-2017", "RB/T 214-2017", "RB/T 214", "industry", 2017, "RB/T"),
    # local
    ("DB21/T 1234-2020", "DB21/T 1234-2020", "DB21/T 1234", "local", 2020, "DB21/T"),
    ("db21t 1234-2020", "DB21/T 1234-2020", "DB21/T 1234", "local", 2020, "DB21/T"),
    ("DB 21/T 1234-2020", "DB21/T 1234-2020", "DB21/T 1234", "local", 2020, "DB21/T"),
    ("DB21 1234-2020", "DB21 1234-2020", "DB21 1234", "local", 2020, "DB21"),
    ("DB2101/T 56-2021", "DB2101/T 56-2021", "DB2101/T 56", "local", 2021, "DB2101/T"),
    # group
    ("T/CAS 123-2021", "T/CAS 123-2021", "T/CAS 123", "group", 2021, "T/CAS"),
    ("t/cas 123—2021", "T/CAS 123-2021", "T/CAS 123", "group", 2021, "T/CAS"),
    ("T/CHEAA 0001-2017", "T/CHEAA 0001-2017", "T/CHEAA 0001", "group", 2017, "T/CHEAA"),
    # enterprise
    ("Q/ABC 001-2020", "Q/ABC 001-2020", "Q/ABC 001", "enterprise", 2020, "Q/ABC"),
    ("q/abc001-2020", "Q/ABC 001-2020", "Q/ABC 001", "enterprise", 2020, "Q/ABC"),
    (
        "Q/320102 XYZ 001-2020",
        "Q/320102 XYZ 001-2020",
        "Q/320102 XYZ 001",
        "enterprise",
        2020,
        "Q/320102 XYZ",
    ),
    ("Q/GDW 1168-2013", "Q/GDW 1168-2013", "Q/GDW 1168", "enterprise", 2013, "Q/GDW"),
    # military
    ("GJB 9001C-2017", "GJB 9001C-2017", "GJB 9001C", "military", 2017, "GJB"),
    # international
    ("ISO 9001:2015", "ISO 9001:2015", "ISO 9001", "international", 2015, "ISO"),
    ("iso9001:2015", "ISO 9001:2015", "ISO 9001", "international", 2015, "ISO"),
    ("ISO 9001-2015", "ISO 9001:2015", "ISO 9001", "international", 2015, "ISO"),
    ("ISO 9001", "ISO 9001", "ISO 9001", "international", None, "ISO"),
    ("ISO/IEC 17025:2017", "ISO/IEC 17025:2017", "ISO/IEC 17025", "international", 2017, "ISO/IEC"),
    ("ISO/IEC17025", "ISO/IEC 17025", "ISO/IEC 17025", "international", None, "ISO/IEC"),
    ("ISO 6892-1:2019", "ISO 6892-1:2019", "ISO 6892-1", "international", 2019, "ISO"),
    ("ISO 10993-10", "ISO 10993-10", "ISO 10993-10", "international", None, "ISO"),
    ("IEC 60068-2-1:2007", "IEC 60068-2-1:2007", "IEC 60068-2-1", "international", 2007, "IEC"),
    ("ITU-T G.711", "ITU-T G.711", "ITU-T G.711", "international", None, "ITU-T"),
    # foreign
    ("EN ISO 6892-1:2019", "EN ISO 6892-1:2019", "EN ISO 6892-1", "foreign", 2019, "EN ISO"),
    ("EN 10025-2:2019", "EN 10025-2:2019", "EN 10025-2", "foreign", 2019, "EN"),
    ("BS EN ISO 9001:2015", "BS EN ISO 9001:2015", "BS EN ISO 9001", "foreign", 2015, "BS EN ISO"),
    ("DIN 50125:2016", "DIN 50125:2016", "DIN 50125", "foreign", 2016, "DIN"),
    ("JIS G3101:2015", "JIS G 3101:2015", "JIS G 3101", "foreign", 2015, "JIS"),
    ("ASTM E8/E8M-22", "ASTM E8/E8M-2022", "ASTM E8/E8M", "foreign", 2022, "ASTM"),
    ("ASTM D638-14", "ASTM D638-2014", "ASTM D638", "foreign", 2014, "ASTM"),
    ("astm a370", "ASTM A370", "ASTM A370", "foreign", None, "ASTM"),
    ("ASME B31.3-2020", "ASME B31.3-2020", "ASME B31.3", "foreign", 2020, "ASME"),
    # wrappers, titles and adoption notes are ignored
    ("《GB/T 228.1-2021》", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("“GB/T 228.1-2021”", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ('"JJG 52-2013"', "JJG 52-2013", "JJG 52", "metrology", 2013, "JJG"),
    ("GB/T 228.1-2021 金属材料 拉伸试验", *T2281),
    ("GB/T 228.1-2021金属材料", *T2281),
    ("《GB/T 228.1-2021 金属材料 拉伸试验》", *T2281),
    ("GB/T 228.1-2021 (idt ISO 6892-1:2019)", *T2281),
    ("GB/T 228.1-2021（ISO 6892-1:2019，MOD）", *T2281),
    ("GB/T 19001-2016/ISO 9001:2015", "GB/T 19001-2016", "GB/T 19001", "national", 2016, "GB/T"),
    ("ISO 9001:2015 Quality management", "ISO 9001:2015", "ISO 9001", "international", 2015, "ISO"),
    ("GB/T 228.1-2021；GB/T 229-2020", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
    ("\ufeffGB/T 228.1-2021\n", "GB/T 228.1-2021", "GB/T 228.1", "national", 2021, "GB/T"),
]  # fmt: skip

AMENDED = [
    ("ISO 9001:2015/Amd 1:2024", "ISO 9001:2015/Amd 1:2024", "Amd 1:2024"),
    ("ISO 9001:2015/AMD1:2024", "ISO 9001:2015/Amd 1:2024", "Amd 1:2024"),
    ("iso 9001:2015 / amd.1:2024", "ISO 9001:2015/Amd 1:2024", "Amd 1:2024"),
    ("ISO 9001:2015/Amd 1", "ISO 9001:2015/Amd 1", "Amd 1"),
    ("ISO 6892-1:2019/Cor 1:2020", "ISO 6892-1:2019/Cor 1:2020", "Cor 1:2020"),
    ("GB/T 228.1-2021/XG1-2023", "GB/T 228.1-2021/XG1-2023", "XG1-2023"),
    ("GB/T 228.1—2021/XG1—2023", "GB/T 228.1-2021/XG1-2023", "XG1-2023"),
    ("GB 2760-2014 XG1-2017", "GB 2760-2014/XG1-2017", "XG1-2017"),
]

# raw input → a fragment of the message
BAD = [
    ("", "标准号为空"),
    ("   ", "标准号为空"),
    ("《》", "标准号为空"),
    ("228.1-2021", "缺少标准代号"),
    ("拉伸试验", "缺少标准代号"),
    ("金属材料 GB/T 228.1-2021", "缺少标准代号"),
    ("/T 228.1", "缺少标准代号"),
    ("GB/T", "缺少标准顺序号"),
    ("GB/T -2021", "缺少标准顺序号"),
    ("GB/T-2021", "缺少标准顺序号"),
    ("Q/ABC", "缺少标准顺序号"),
    ("ISO", "缺少标准顺序号"),
    ("DB21/T", "缺少标准顺序号"),
    ("GB/T 228.1-3021", "年份“3021”不合理"),
    ("GB/T 228.1-2099", "年份“2099”不合理"),
    ("GB/T 228.1-1949", "年份“1949”不合理"),
    ("GB/T 228.1 3021", "年份“3021”不合理"),
    ("GB 1234-40", "年份“40”不合理"),
    ("ISO 9001:1900", "年份“1900”不合理"),
    ("ISO 9001:2015/Amd 1:3024", "年份“3024”不合理"),
    ("GB/T 228.1-21x", "格式不正确"),
    ("GB/T 228.1 2021x", "格式不正确"),
    ("GB/T 228.1-202", "格式不正确"),
    ("GB/T 228.1-20211", "格式不正确"),
    ("GB/T 228..1", "格式不正确"),
    ("GB/T 228.1#2021", "格式不正确"),
    ("ISO/T 123", "格式不正确"),
    ("ABCDE 123", "格式不正确"),
    ("DB211234-2020", "格式不正确"),
    ("GB/T " + "1" * 200, "标准号过长"),
    ("GB/T 1" + ".1" * 60 + "-2021", "标准号过长"),
    ("GB/T 228.1-2021 " + "金" * 2000, "标准号过长"),
    ("GB/T 228\x00.1-2021", "包含非法字符"),
    ("GB/T 228.1-2021\x00", "包含非法字符"),
    ("GB/T 228.1-2021😀", "包含非法字符"),
    ("😀", "包含非法字符"),
    ("GB/T 228.1-2021 拉伸试验 👍", "包含非法字符"),
]


@pytest.mark.parametrize(("raw", "canonical", "base", "family", "year", "prefix"), GOOD)
def test_parses_to_canonical(raw, canonical, base, family, year, prefix):
    code = parse_standard_code(raw)
    assert code.canonical == canonical
    assert code.base == base
    assert code.family == family
    assert code.year == year
    assert code.prefix == prefix
    assert code.is_versioned is (year is not None)
    assert code.amendment == ""
    assert normalise_standard_code(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical", "amendment"), AMENDED)
def test_amendments(raw, canonical, amendment):
    code = parse_standard_code(raw)
    assert code.canonical == canonical
    assert code.amendment == amendment
    assert "/" not in code.base.removeprefix(code.prefix)


@pytest.mark.parametrize("canonical", sorted({row[1] for row in GOOD} | {r[1] for r in AMENDED}))
def test_canonical_round_trips(canonical):
    code = parse_standard_code(canonical)
    assert code.canonical == canonical
    assert parse_standard_code(code.base).canonical == code.base


@pytest.mark.parametrize(("raw", "fragment"), BAD)
def test_rejects_with_a_clear_message(raw, fragment):
    with pytest.raises(InvalidStandardCode) as caught:
        parse_standard_code(raw)
    assert fragment in caught.value.detail
    assert caught.value.code == "invalid_standard_code"
    assert isinstance(caught.value, DomainError)
    with pytest.raises(InvalidStandardCode):
        normalise_standard_code(raw)


def test_message_names_the_code():
    with pytest.raises(InvalidStandardCode) as caught:
        parse_standard_code("GB/T 228.1-3021")
    assert caught.value.detail == "无法识别的标准号“GB/T 228.1-3021”：年份“3021”不合理"


def test_two_digit_years_follow_the_current_century_window():
    last = (datetime.now(tz=UTC).year + 2) % 100
    assert parse_standard_code(f"GB 1-{last:02d}").year == 2000 + last
    assert parse_standard_code("GB 1-00").year == 2000
    assert parse_standard_code("GB 1-50").year == 1950
    assert parse_standard_code("GB 1-99").year == 1999
    with pytest.raises(InvalidStandardCode, match="不合理"):
        parse_standard_code(f"GB 1-{last + 1:02d}")


def test_latest_plausible_year_is_two_years_ahead():
    latest = datetime.now(tz=UTC).year + 2
    assert parse_standard_code(f"GB/T 1-{latest}").year == latest
    with pytest.raises(InvalidStandardCode):
        parse_standard_code(f"GB/T 1-{latest + 1}")


def test_iso_dash_is_a_part_unless_it_reads_as_a_year():
    assert parse_standard_code("ISO 6892-1").number == "6892-1"
    assert parse_standard_code("IEC 61000-4-2").year is None
    assert parse_standard_code("ISO 6892-1-2019").canonical == "ISO 6892-1:2019"


def test_with_year():
    code = parse_standard_code("GB/T 228.1-2021")
    assert code.with_year(None).canonical == "GB/T 228.1"
    assert code.with_year(None).is_versioned is False
    assert code.with_year(2010).canonical == "GB/T 228.1-2010"
    assert code.with_year(2010).base == code.base
    amended = parse_standard_code("ISO 9001:2015/Amd 1:2024")
    assert amended.with_year(2015) == amended
    assert amended.with_year(2008).canonical == "ISO 9001:2008"
    assert amended.with_year(None).canonical == "ISO 9001"


def test_value_semantics():
    assert parse_standard_code("gbt 228.1—2021") == parse_standard_code("GB/T 228.1-2021")
    assert len({parse_standard_code("JJG52-2013"), parse_standard_code("JJG 52-2013")}) == 1
    code = StandardCode("GB/T", "228.1", 2021)
    assert code.canonical == "GB/T 228.1-2021"
    assert str(code) == "GB/T 228.1-2021"
    assert StandardCode("ISO", "9001", 2015, "Amd 1:2024").canonical == "ISO 9001:2015/Amd 1:2024"
    with pytest.raises(FrozenInstanceError):
        code.year = 2010  # type: ignore[misc]


def test_reference_catalogue_codes_are_already_canonical():
    reference = [
        "GB/T 1.1-2020", "GB 2762-2022", "GJB 9001C-2017", "HJ 91.1-2019", "JJF 1059.2-2012",
        "NB/T 47013.1-2015", "NY/T 391-2021", "RB/T 214-2017", "SH/T 0689-2000",
        "T/CCAA 39-2022", "T/CSAE 53-2020", "T/ZZB 0999-2019", "TSG 11-2020", "TSG Q7015-2016",
        "TSG T7001-2023", "TSG Z8001-2019", "DB21/T 3678-2022", "GB/T 10095.1-2022",
    ]  # fmt: skip
    for code in reference:
        assert normalise_standard_code(code) == code


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("GB/T 228.1-2021")
@example("Q/A1B2")
@example("ENT 1")
@example("\x1f")
@example("ß 1")
def test_arbitrary_text_parses_or_fails_cleanly(raw):
    try:
        code = parse_standard_code(raw)
    except InvalidStandardCode as error:
        assert error.detail
        return
    assert parse_standard_code(code.canonical).canonical == code.canonical
    assert code.family in {
        "national", "industry", "metrology", "special_equipment", "local", "group",
        "enterprise", "international", "foreign", "military",
    }  # fmt: skip


CODE_LIKE = st.text(
    alphabet=st.sampled_from(list("GBTQJFISOEDZXAM/-.: 0123456789—／－《》金")), max_size=30
)


@settings(max_examples=1000, deadline=None)
@given(CODE_LIKE)
def test_code_like_text_parses_or_fails_cleanly(raw):
    try:
        code = parse_standard_code(raw)
    except InvalidStandardCode:
        return
    assert parse_standard_code(code.canonical) == code
