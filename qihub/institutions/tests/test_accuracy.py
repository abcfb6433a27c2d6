import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qihub.core.errors import DomainError
from qihub.core.units import parse_range
from qihub.institutions.accuracy import (
    Accuracy,
    AccuracyKind,
    InvalidAccuracy,
    at_least_as_good,
    full_scale_magnitude,
    parse_accuracy,
)

RELATIVE = AccuracyKind.RELATIVE
FULL_SCALE = AccuracyKind.FULL_SCALE
ABSOLUTE = AccuracyKind.ABSOLUTE
CLASS = AccuracyKind.CLASS
MPE = AccuracyKind.MPE
FORMULA = AccuracyKind.FORMULA


# --- parse_accuracy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "relative", "k", "label"),
    [
        ("U=0.05%FS (k=2)", FULL_SCALE, 0.05, None, False, 2, ""),
        ("0.05%FS", FULL_SCALE, 0.05, None, False, None, ""),
        ("0.05 % F.S.", FULL_SCALE, 0.05, None, False, None, ""),
        ("0.05%满量程", FULL_SCALE, 0.05, None, False, None, ""),
        ("Ｕ＝０．０５％ＦＳ（ｋ＝２）", FULL_SCALE, 0.05, None, False, 2, ""),
        ("Urel=0.1%, k=2", RELATIVE, 0.1, None, False, 2, ""),
        ("Urel = 0.1 %，k = 2", RELATIVE, 0.1, None, False, 2, ""),
        ("Urel=1.2×10⁻³ (k=2)", RELATIVE, 0.12, None, False, 2, ""),
        ("Urel=1.2×10^-3", RELATIVE, 0.12, None, False, None, ""),
        ("Urel=1.2×10-3", RELATIVE, 0.12, None, False, None, ""),
        ("1.2e-3", RELATIVE, 0.12, None, False, None, ""),
        ("5×10⁻⁴", RELATIVE, 0.05, None, False, None, ""),
        ("相对扩展不确定度 0.5%", RELATIVE, 0.5, None, False, None, ""),
        ("U=2 ppm", RELATIVE, 0.0002, None, False, None, ""),
        ("0.1%", RELATIVE, 0.1, None, False, None, ""),
        ("0.1％", RELATIVE, 0.1, None, False, None, ""),
        ("±0.1%", RELATIVE, 0.1, None, False, None, ""),
        ("Urel=0.5%~2%", RELATIVE, 2, None, False, None, ""),  # the largest of a range
        ("(0.1~0.5)%", RELATIVE, 0.5, None, False, None, ""),
        ("U=0.3℃, k=2", ABSOLUTE, 0.3, "℃", False, 2, ""),
        ("U = 0.3 °C", ABSOLUTE, 0.3, "℃", False, None, ""),
        ("U=0.3K", ABSOLUTE, 0.3, "K", False, None, ""),
        ("±0.5℃", ABSOLUTE, 0.5, "℃", False, None, ""),
        ("U≤0.1℃", ABSOLUTE, 0.1, "℃", False, None, ""),
        ("U＜0.1℃", ABSOLUTE, 0.1, "℃", False, None, ""),
        ("≤0.1℃", ABSOLUTE, 0.1, "℃", False, None, ""),
        ("不大于0.05%", RELATIVE, 0.05, None, False, None, ""),
        ("U95=0.02mm", ABSOLUTE, 0.02, "mm", False, None, ""),
        ("扩展不确定度 U=0.5 μm (k=2)", ABSOLUTE, 0.5, "μm", False, 2, ""),
        ("U=0.5um", ABSOLUTE, 0.5, "μm", False, None, ""),
        ("U=0.5 L/min", ABSOLUTE, 0.5, "L/min", False, None, ""),
        ("U=1.5%RH", ABSOLUTE, 1.5, "%RH", False, None, ""),
        ("U=(0.3)℃", ABSOLUTE, 0.3, "℃", False, None, ""),
        ("U=0.5", ABSOLUTE, 0.5, None, False, None, ""),
        ("MPE: ±0.1%", MPE, 0.1, None, True, None, ""),
        ("MPE ±0.1％", MPE, 0.1, None, True, None, ""),
        ("最大允许误差 ±0.02 mm", MPE, 0.02, "mm", False, None, ""),
        ("最大允许误差：±0.5℃", MPE, 0.5, "℃", False, None, ""),
        ("MPE 0.5", MPE, 0.5, None, False, None, ""),
        ("0.4级", CLASS, 0.4, None, False, None, ""),
        ("1.6级", CLASS, 1.6, None, False, None, ""),
        ("1级", CLASS, 1, None, False, None, ""),
        ("0级", CLASS, 0, None, False, None, ""),
        ("准确度等级 0.5级", CLASS, 0.5, None, False, None, ""),
        ("准确度等级：0.5", CLASS, 0.5, None, False, None, ""),
        ("精度等级 0.25", CLASS, 0.25, None, False, None, ""),
        ("E2级", CLASS, None, None, False, None, "E2"),
        ("e2", CLASS, None, None, False, None, "E2"),
        ("F1", CLASS, None, None, False, None, "F1"),
        ("M1-2级", CLASS, None, None, False, None, "M1-2"),
        ("二等", CLASS, None, None, False, None, "二等"),
        ("2等", CLASS, None, None, False, None, "二等"),
        ("一级", CLASS, None, None, False, None, "一级"),
        ("K级", CLASS, None, None, False, None, "K"),
        ("U=(0.5+0.01L)μm", FORMULA, None, None, False, None, ""),
        ("U=0.3μm+2×10⁻⁶L", FORMULA, None, None, False, None, ""),
        ("U=(1.5+L/100)μm, k=2", FORMULA, None, None, False, 2, ""),
        ("U=2×10⁻⁶L", FORMULA, None, None, False, None, ""),
    ],
)
def test_parse_accuracy_reads_real_world_forms(text, kind, value, unit, relative, k, label):
    accuracy = parse_accuracy(text)
    assert accuracy.kind is kind
    assert accuracy.value == (pytest.approx(value) if value is not None else None)
    assert accuracy.unit == unit
    assert accuracy.relative is relative
    assert accuracy.k == k
    assert accuracy.label == label
    assert accuracy.text == text.strip()


def test_default_unit_applies_to_a_bare_absolute_figure():
    assert parse_accuracy("U=0.5", default_unit="兆帕").unit == "MPa"
    assert parse_accuracy("U=0.5 kPa", default_unit="MPa").unit == "kPa"
    assert parse_accuracy("0.1%", default_unit="MPa").unit is None


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("abc", "无法识别"),
        ("k=2", "无法识别"),
        ("U=", "无法识别"),
        ("±", "无法识别"),
        ("高精度", "无法识别"),
        ("U=0", "应大于0"),
        ("0%FS", "应大于0"),
        ("U=-0.5℃", "无法识别"),
        ("Urel=0.1mm", "无法识别"),  # relative and a unit at once
        ("U=0.3 furlong", "furlong"),
        ("0.1%~0.5mm", "无法识别"),
        ("0.1~0.2~0.3%", "无法识别"),
        ("x" * 201, "过长"),
    ],
)
def test_parse_accuracy_rejects_garbage(text, message_part):
    with pytest.raises(InvalidAccuracy) as excinfo:
        parse_accuracy(text)
    assert excinfo.value.code == "accuracy_invalid"
    assert message_part in excinfo.value.detail


def test_invalid_accuracy_is_a_domain_error():
    assert issubclass(InvalidAccuracy, DomainError)


def test_parse_accuracy_with_an_unknown_default_unit():
    with pytest.raises(InvalidAccuracy):
        parse_accuracy("U=0.5", default_unit="furlong")


@given(st.text(max_size=40))
def test_parse_accuracy_raises_only_invalid_accuracy(text):
    try:
        accuracy = parse_accuracy(text)
    except InvalidAccuracy:
        return
    assert accuracy.text == text.strip()


# --- the dict form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["U=0.05%FS (k=2)", "U=0.3℃, k=2", "MPE: ±0.1%", "E2级", "1.6级", "U=(0.5+0.01L)μm"],
)
def test_as_dict_round_trips(text):
    accuracy = parse_accuracy(text)
    data = accuracy.as_dict()
    assert data["kind"] == accuracy.kind.value
    assert data["text"] == text
    assert Accuracy.from_dict(data) == accuracy


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "bogus"},
        {"kind": "relative", "value": "abc"},
        {"kind": "relative", "value": float("nan")},
        {"kind": "relative", "value": [1]},
        {"kind": "absolute", "value": 1, "unit": 5},
    ],
)
def test_from_dict_rejects_malformed_data(data):
    with pytest.raises(InvalidAccuracy):
        Accuracy.from_dict(data)


def test_str_is_the_original_text_or_a_description():
    assert str(parse_accuracy("U=0.05%FS (k=2)")) == "U=0.05%FS (k=2)"
    assert str(Accuracy(FULL_SCALE, 0.05, None)) == "0.05%FS"
    assert str(Accuracy(ABSOLUTE, 0.3, "℃")) == "U=0.3℃"
    assert str(Accuracy(MPE, 0.1, None, relative=True)) == "MPE ±0.1%"
    assert str(Accuracy(CLASS, None, None, label="E2")) == "E2"


# --- at_least_as_good ------------------------------------------------------------------------


def test_design_example_capability_covers_request():
    # DESIGN: a calibration capability of 0–60 MPa with U = 0.05 %FS covers a request for
    # 0–40 MPa at 0.1 %: 0.05 % × 60 MPa = 0.03 MPa ≤ 0.1 % × 40 MPa = 0.04 MPa.
    capability_range = parse_range("0-60MPa")
    offered = parse_accuracy("U=0.05%FS (k=2)")
    required = parse_accuracy("0.1%")

    result = at_least_as_good(
        offered,
        required,
        over=parse_range("0-40MPa"),
        offered_full_scale=full_scale_magnitude(capability_range),
    )

    assert result is True
    assert capability_range.covers(parse_range("0-40MPa"))


def test_design_example_fails_for_a_tighter_request():
    # 0.05 % × 60 MPa = 0.03 MPa > 0.05 % × 40 MPa = 0.02 MPa
    capability_range = parse_range("0-60MPa")

    result = at_least_as_good(
        parse_accuracy("U=0.05%FS (k=2)"),
        parse_accuracy("0.05%"),
        over=parse_range("0-40MPa"),
        offered_full_scale=full_scale_magnitude(capability_range),
    )

    assert result is False


def test_design_example_fails_for_a_range_beyond_the_capability():
    assert not parse_range("0-60MPa").covers(parse_range("0-100MPa"))


def test_full_scale_in_other_units_of_the_request():
    # the request in kPa, the capability's full scale in base units (Pa)
    result = at_least_as_good(
        parse_accuracy("0.05%FS"),
        parse_accuracy("0.1%"),
        over=parse_range("0~40000 kPa"),
        offered_full_scale=full_scale_magnitude(parse_range("0-60MPa")),
    )
    assert result is True


@pytest.mark.parametrize(
    ("offered", "required", "expected"),
    [
        # same group, no range needed
        ("Urel=0.05%", "0.1%", True),
        ("Urel=0.1%", "0.1%", True),
        ("Urel=0.2%", "0.1%", False),
        ("Urel=1×10⁻³", "0.1%", True),
        ("MPE ±0.05%", "Urel=0.1%", True),
        ("U=0.3℃", "U≤0.5℃", True),
        ("U=0.3℃", "U≤0.1℃", False),
        ("U=0.3℃", "U≤0.3 K", True),  # an interval: 0.3 ℃ is 0.3 K
        ("U=0.9°F", "U≤0.5℃", True),
        ("U=2 μm", "最大允许误差 ±0.002 mm", True),
        ("U=3 μm", "最大允许误差 ±0.002 mm", False),
        ("U=30 kPa", "U≤0.03 MPa", True),
        ("U=0.5", "U≤0.5", True),
        ("0.4级", "1.6级", True),
        ("1.6级", "0.4级", False),
        ("0.4级", "0.4级", True),
        ("0.05%FS", "0.1%FS", True),  # percentages when no full scales are given
        ("0.2%FS", "0.1%FS", False),
        ("0.05%FS", "0.4级", True),
        ("1.6级", "0.5%FS", False),
        # labels
        ("E2级", "E2", True),
        ("E2", "F1", True),  # an E2 lab can do F1 weights
        ("F1", "E2", False),
        ("M1", "M1-2", True),
        ("一等", "二等", True),
        ("三等", "二等", False),
        ("一级", "二级", True),
    ],
)
def test_at_least_as_good_without_a_range(offered, required, expected):
    assert at_least_as_good(parse_accuracy(offered), parse_accuracy(required)) is expected


@pytest.mark.parametrize(
    ("offered", "required"),
    [
        ("U=(0.5+0.01L)μm", "U=1μm"),  # formulas are kept, not compared
        ("U=1μm", "U=(0.5+0.01L)μm"),
        ("E2", "二等"),  # labels on different ladders
        ("K级", "E2"),
        ("E2", "0.5级"),  # a label against a number
        ("0.5级", "E2"),
        ("U=0.3℃", "U≤0.5 mm"),  # different dimensions
        ("U=0.3℃", "U≤0.5"),  # a unit against none
        ("U=0.3℃", "0.1%"),  # cross-kind without a range
        ("0.05%FS", "0.1%"),
        ("Urel=0.1%", "U≤0.1℃"),
        ("1.6级", "最大允许误差 ±0.02 MPa"),
    ],
)
def test_at_least_as_good_returns_none_when_it_cannot_say(offered, required):
    assert at_least_as_good(parse_accuracy(offered), parse_accuracy(required)) is None


@pytest.mark.parametrize(
    ("offered", "required", "over", "full_scale", "expected"),
    [
        # offered %FS against an absolute requirement: 0.05 % × 60 MPa = 0.03 MPa
        ("0.05%FS", "最大允许误差 ±0.05 MPa", "0-40MPa", "0-60MPa", True),
        ("0.05%FS", "最大允许误差 ±0.02 MPa", "0-40MPa", "0-60MPa", False),
        ("0.05%FS", "U≤30 kPa", "0-40MPa", "0-60MPa", True),
        # a gauge class read as %FS: 0.4 % × 10 MPa = 0.04 MPa
        ("0.4级", "U≤0.05 MPa", "0-6MPa", "0-10MPa", True),
        ("0.4级", "U≤0.03 MPa", "0-6MPa", "0-10MPa", False),
        # %FS against %FS once both full scales are known: 0.05 % × 600 = 0.3 > 0.1 % × 40
        ("0.05%FS", "0.1%FS", "0-40MPa", "0-600MPa", False),
        ("0.05%FS", "0.1%FS", "0-40MPa", "0-60MPa", True),
        # an absolute offer against a relative requirement, range from zero: 0.1 % × 40 MPa
        ("U=0.03 MPa", "0.1%", "0-40MPa", None, True),
        ("U=0.05 MPa", "0.1%", "0-40MPa", None, False),
        # ... and a range away from zero: the hardest point is 10 MPa → 0.01 MPa
        ("U=0.03 MPa", "0.1%", "10-40MPa", None, False),
        ("U=0.01 MPa", "0.1%", "10-40MPa", None, True),
        # a relative offer against an absolute requirement: worst at the top, 0.1 % × 40 MPa
        ("Urel=0.1%", "U≤0.05 MPa", "0-40MPa", None, True),
        ("Urel=0.1%", "U≤0.03 MPa", "0-40MPa", None, False),
        # temperatures: intervals, not absolute temperatures
        ("U=0.3℃", "0.5%", "0~100℃", None, True),  # 0.5 % × 100 ℃ = 0.5 K
        ("U=0.3℃", "0.1%", "0~100℃", None, False),
        ("0.5%FS", "U≤0.5℃", "0~100℃", "0~100℃", True),
        ("0.5%FS", "U≤0.5 K", "0~100℃", "0~200℃", False),
        # units converted on the way: 0.1 % × 40 MPa = 40 kPa
        ("U=30 kPa", "0.1%", "0-40MPa", None, True),
    ],
)
def test_at_least_as_good_across_kinds_over_a_range(offered, required, over, full_scale, expected):
    result = at_least_as_good(
        parse_accuracy(offered),
        parse_accuracy(required),
        over=parse_range(over),
        offered_full_scale=full_scale_magnitude(parse_range(full_scale)) if full_scale else None,
    )
    assert result is expected


@pytest.mark.parametrize(
    ("offered", "required", "over", "full_scale"),
    [
        ("0.05%FS", "U≤0.05 MPa", "0-40MPa", None),  # no full scale for the offer
        ("U=0.03 MPa", "0.1%", "≥10 MPa", None),  # unbounded request
        ("U=0.3℃", "0.1%", "0-40MPa", None),  # offer in another dimension than the range
        ("U=0.3", "0.1%", "0-40MPa", None),  # offer without a unit
        ("U=(0.5+0.01L)μm", "0.1%", "0-100mm", None),
        ("E2", "0.1%", "0-100g", None),
    ],
)
def test_at_least_as_good_over_a_range_returns_none_when_data_is_missing(
    offered, required, over, full_scale
):
    result = at_least_as_good(
        parse_accuracy(offered),
        parse_accuracy(required),
        over=parse_range(over),
        offered_full_scale=full_scale_magnitude(parse_range(full_scale)) if full_scale else None,
    )
    assert result is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0-60MPa", 60e6),
        ("-100~50 kPa", 100e3),
        ("0~100℃", 100),
        ("0~100", 100),
        ("≤60MPa", None),
    ],
)
def test_full_scale_magnitude(text, expected):
    result = full_scale_magnitude(parse_range(text))
    assert result == (pytest.approx(expected) if expected is not None else None)


@given(
    offered=st.floats(min_value=1e-6, max_value=100),
    required=st.floats(min_value=1e-6, max_value=100),
)
def test_relative_comparison_is_a_total_order(offered, required):
    a = Accuracy(RELATIVE, offered, None)
    b = Accuracy(RELATIVE, required, None)
    assert at_least_as_good(a, b) is (
        offered <= required or math.isclose(offered, required, rel_tol=1e-9)
    )
    assert at_least_as_good(a, b) or at_least_as_good(b, a)
