import pytest
from hypothesis import given
from hypothesis import strategies as st

from qihub.core.errors import DomainError
from qihub.institutions.numbers import (
    CMA_AUTHORITIES,
    CmaNumber,
    InvalidQualificationNumber,
    QualificationType,
    cma_authority_for_province,
    normalise_qualification_number,
    parse_cma_number,
)

# --- CMA -------------------------------------------------------------------------------------


def test_parse_cma_number_splits_the_layout():
    # 2021, 辽宁省, 环境与环保, 质量技术监督, serial 0123
    number = parse_cma_number("210612110123")

    assert number == CmaNumber(
        number="210612110123",
        year=2021,
        authority="06",
        field="12",
        ministry="11",
        serial="0123",
    )
    assert number.authority_name == "辽宁省"
    assert number.province_code == "21"
    assert number.field_name == "环境与环保"
    assert number.ministry_name == "质量技术监督"
    assert not number.is_national
    assert str(number) == "210612110123"


def test_parse_cma_number_national_authority():
    number = parse_cma_number("190000340045")
    assert number.is_national
    assert number.authority_name == "国家认证认可监督管理委员会"
    assert number.province_code == ""
    assert number.field_name == "食品"
    assert number.ministry_name == "其他"
    assert number.year == 2019


@pytest.mark.parametrize(
    "text",
    [
        "210612110123",
        "２１０６１２１１０１２３",
        "2106 1211 0123",
        " 210612110123 ",
        "21 06 12 11 0123",
        "CMA 210612110123",
        "cma210612110123",
        "CMA证书编号：210612110123",
    ],
)
def test_parse_cma_number_tolerates_typing(text):
    assert parse_cma_number(text).number == "210612110123"


def test_unknown_field_and_ministry_codes_have_no_name():
    number = parse_cma_number("210699880123")
    assert number.field_name is None
    assert number.ministry_name is None


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("21061211012", "12位数字"),  # 11 digits
        ("2106121101234", "12位数字"),  # 13 digits
        ("21061211012A", "12位数字"),
        ("2106-1211-0123", "12位数字"),
        ("213212110123", "第3–4位“32”"),  # authority 32 does not exist
        ("219912110123", "第3–4位“99”"),
        ("216512110123", "第3–4位“65”"),  # a GB/T 2260 code is not an authority code
    ],
)
def test_parse_cma_number_rejects(text, message_part):
    with pytest.raises(InvalidQualificationNumber) as excinfo:
        parse_cma_number(text)
    assert excinfo.value.code == "qualification_number_invalid"
    assert message_part in excinfo.value.detail


def test_every_authority_code_from_00_to_31_is_known():
    assert sorted(CMA_AUTHORITIES) == [f"{n:02d}" for n in range(32)]
    for code in CMA_AUTHORITIES:
        assert parse_cma_number(f"21{code}12110001").authority == code


@pytest.mark.parametrize(
    ("province", "authority"),
    [("21", "06"), ("210000", "06"), ("11", "01"), ("65", "31"), ("44", "19"), ("２１", "06")],
)
def test_cma_authority_for_province(province, authority):
    assert cma_authority_for_province(province) == authority


@pytest.mark.parametrize("province", ["", "00", "71", "81", "99", "ab"])
def test_cma_authority_for_province_rejects(province):
    with pytest.raises(InvalidQualificationNumber):
        cma_authority_for_province(province)


@given(st.text(max_size=30))
def test_parse_cma_number_raises_only_its_own_error(text):
    try:
        number = parse_cma_number(text)
    except InvalidQualificationNumber:
        return
    assert len(number.number) == 12


# --- normalise_qualification_number ----------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "text", "expected"),
    [
        (QualificationType.CMA, "２１０６ 1211 0123", "210612110123"),
        ("CMA", "210612110123", "210612110123"),
        ("cma", "210612110123", "210612110123"),
        # CNAS laboratories
        (QualificationType.CNAS_L, "CNAS L1234", "CNAS L1234"),
        (QualificationType.CNAS_L, "CNASL1234", "CNAS L1234"),
        (QualificationType.CNAS_L, "cnas l 1234", "CNAS L1234"),
        (QualificationType.CNAS_L, "L1234", "CNAS L1234"),
        (QualificationType.CNAS_L, "ＣＮＡＳ　Ｌ０１２３", "CNAS L0123"),
        (QualificationType.CNAS_L, "CNAS L10234", "CNAS L10234"),
        ("CNAS-L", "l 1234", "CNAS L1234"),
        ("cnas_l", "CNAS L1234", "CNAS L1234"),
        # CNAS certification bodies
        (QualificationType.CNAS_C, "CNAS C123-M", "CNAS C123-M"),
        (QualificationType.CNAS_C, "CNAS C123-P", "CNAS C123-P"),
        (QualificationType.CNAS_C, "CNAS C123-S", "CNAS C123-S"),
        (QualificationType.CNAS_C, "C123-M", "CNAS C123-M"),
        (QualificationType.CNAS_C, "cnas c001-m", "CNAS C001-M"),
        (QualificationType.CNAS_C, "CNAS C123—P", "CNAS C123-P"),
        (QualificationType.CNAS_C, "CNASC123M", "CNAS C123-M"),
        # CNCA approvals of certification bodies
        (QualificationType.CNCA_CB, "CNCA-R-2002-001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA-RF-2016-45", "CNCA-RF-2016-45"),
        (QualificationType.CNCA_CB, "cnca-r-2002-001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA－R－2002－001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA R 2002 001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA-R—2002—001", "CNCA-R-2002-001"),
        # metrology authorisations: kept as typed, after normalise_text
        (QualificationType.METROLOGY_AUTH, "(辽)法计(2021)01012号", "(辽)法计(2021)01012号"),
        (QualificationType.METROLOGY_AUTH, "（辽）法计（2021）01012号", "(辽)法计(2021)01012号"),
        (QualificationType.METROLOGY_AUTH, "辽计授(2020)第015号", "辽计授(2020)第015号"),
        (QualificationType.METROLOGY_AUTH, "辽计授〔2020〕第015号", "辽计授〔2020〕第015号"),
        (QualificationType.METROLOGY_AUTH, "  沈计授[2019] 008号 ", "沈计授[2019] 008号"),
        # special-equipment inspection bodies
        (QualificationType.SE_INSPECTION, "TS7110236-2026", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "ts7110236-2026", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "TS 7110236 - 2026", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "ＴＳ７１１０２３６－２０２６", "TS7110236-2026"),
        ("SE-INSPECTION", "TS71102362026", "TS7110236-2026"),
    ],
)
def test_normalise_qualification_number(type_, text, expected):
    assert normalise_qualification_number(type_, text) == expected


@pytest.mark.parametrize(
    ("type_", "text", "message_part"),
    [
        (QualificationType.CMA, "", "不能为空"),
        (QualificationType.CMA, "CNAS L1234", "12位数字"),
        (QualificationType.CMA, "219912110123", "发证机关代码"),
        (QualificationType.CNAS_L, "", "不能为空"),
        (QualificationType.CNAS_L, "CNAS C123-M", "CNAS L1234"),
        (QualificationType.CNAS_L, "CNAS L", "CNAS L1234"),
        (QualificationType.CNAS_L, "CNAS L12a4", "CNAS L1234"),
        (QualificationType.CNAS_L, "CNAS L1234567", "CNAS L1234"),
        (QualificationType.CNAS_C, "CNAS C123", "CNAS C123-M"),
        (QualificationType.CNAS_C, "CNAS L1234", "CNAS C123-M"),
        (QualificationType.CNAS_C, "CNAS C-M", "CNAS C123-M"),
        (QualificationType.CNCA_CB, "CNCA-2002-001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA-R-02-001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA-R-2002", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNAS-R-2002-001", "CNCA-R-2002-001"),
        (QualificationType.CNCA_CB, "CNCA-X-2002-001", "CNCA-R-2002-001"),
        (QualificationType.METROLOGY_AUTH, "辽法计01012号", "括号中的年份"),
        (QualificationType.METROLOGY_AUTH, "(辽)法计(2021)", "括号中的年份"),
        (QualificationType.METROLOGY_AUTH, "(辽)法计(21)01012号", "括号中的年份"),
        (QualificationType.METROLOGY_AUTH, "(辽)" + "法" * 100 + "(2021)01号", "过长"),
        (QualificationType.SE_INSPECTION, "TS711023-2026", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "TS7110236-26", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "7110236-2026", "TS7110236-2026"),
        (QualificationType.SE_INSPECTION, "TS7110236-3026", "TS7110236-2026"),
        ("BOGUS", "123", "未知的资质类型"),
        ("", "123", "未知的资质类型"),
    ],
)
def test_normalise_qualification_number_rejects(type_, text, message_part):
    with pytest.raises(InvalidQualificationNumber) as excinfo:
        normalise_qualification_number(type_, text)
    assert excinfo.value.code == "qualification_number_invalid"
    assert message_part in excinfo.value.detail


def test_overlong_input_is_refused_before_parsing():
    with pytest.raises(InvalidQualificationNumber) as excinfo:
        normalise_qualification_number(QualificationType.CNAS_L, "L" + "1" * 500)
    assert "过长" in excinfo.value.detail


def test_qualification_types_match_the_import_format():
    assert [t.value for t in QualificationType] == [
        "CMA",
        "CNAS-L",
        "CNAS-C",
        "CNCA-CB",
        "METROLOGY-AUTH",
        "SE-INSPECTION",
    ]
    assert issubclass(InvalidQualificationNumber, DomainError)


@given(
    type_=st.sampled_from(list(QualificationType)),
    text=st.text(max_size=40),
)
def test_normalise_raises_only_its_own_error_and_is_idempotent(type_, text):
    try:
        canonical = normalise_qualification_number(type_, text)
    except InvalidQualificationNumber:
        return
    assert normalise_qualification_number(type_, canonical) == canonical
