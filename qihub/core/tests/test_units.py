import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qihub.core.errors import DomainError
from qihub.core.units import (
    IncompatibleUnits,
    InvalidRange,
    Range,
    Unit,
    UnknownUnit,
    convert,
    from_base,
    known_units,
    make_range,
    parse_number,
    parse_range,
    parse_unit,
    same_dimension,
    to_base,
)

# --- parse_unit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "symbol", "dimension"),
    [
        # pressure
        ("MPa", "MPa", "pressure"),
        ("mpa", "MPa", "pressure"),
        ("ＭＰａ", "MPa", "pressure"),
        ("兆帕", "MPa", "pressure"),
        ("kPa", "kPa", "pressure"),
        ("KPA", "kPa", "pressure"),
        ("千帕", "kPa", "pressure"),
        ("帕", "Pa", "pressure"),
        ("GPa", "GPa", "pressure"),
        ("bar", "bar", "pressure"),
        ("mbar", "mbar", "pressure"),
        ("mmHg", "mmHg", "pressure"),
        ("mmH2O", "mmH2O", "pressure"),
        ("mmH₂O", "mmH2O", "pressure"),
        ("psi", "psi", "pressure"),
        ("atm", "atm", "pressure"),
        ("N/mm²", "N/mm²", "pressure"),
        ("kgf/cm2", "kgf/cm²", "pressure"),
        # temperature
        ("℃", "℃", "temperature"),
        ("°C", "℃", "temperature"),
        ("° C", "℃", "temperature"),
        ("ºC", "℃", "temperature"),
        ("C", "℃", "temperature"),
        ("摄氏度", "℃", "temperature"),
        ("K", "K", "temperature"),
        ("°F", "°F", "temperature"),
        ("℉", "°F", "temperature"),
        # length
        ("nm", "nm", "length"),
        ("μm", "μm", "length"),
        ("µm", "μm", "length"),  # MICRO SIGN
        ("um", "μm", "length"),
        ("mm", "mm", "length"),
        ("㎜", "mm", "length"),
        ("cm", "cm", "length"),
        ("m", "m", "length"),
        ("km", "km", "length"),
        ("米", "m", "length"),
        ("毫米", "mm", "length"),
        ("微米", "μm", "length"),
        # mass
        ("mg", "mg", "mass"),
        ("g", "g", "mass"),
        ("kg", "kg", "mass"),
        ("KG", "kg", "mass"),
        ("t", "t", "mass"),
        ("吨", "t", "mass"),
        ("克", "g", "mass"),
        ("千克", "kg", "mass"),
        ("毫克", "mg", "mass"),
        # force and torque
        ("N", "N", "force"),
        ("kN", "kN", "force"),
        ("MN", "MN", "force"),
        ("牛", "N", "force"),
        ("千牛", "kN", "force"),
        ("N·m", "N·m", "torque"),
        ("N.m", "N·m", "torque"),
        ("N*m", "N·m", "torque"),
        ("Nm", "N·m", "torque"),
        ("N m", "N·m", "torque"),
        ("kN·m", "kN·m", "torque"),
        ("kN.m", "kN·m", "torque"),
        # electrical
        ("V", "V", "voltage"),
        ("mV", "mV", "voltage"),
        ("kV", "kV", "voltage"),
        ("A", "A", "current"),
        ("mA", "mA", "current"),
        ("μA", "μA", "current"),
        ("uA", "μA", "current"),
        ("Ω", "Ω", "resistance"),
        ("Ω", "Ω", "resistance"),  # OHM SIGN
        ("kΩ", "kΩ", "resistance"),
        ("MΩ", "MΩ", "resistance"),
        ("兆欧", "MΩ", "resistance"),
        ("W", "W", "power"),
        ("kW", "kW", "power"),
        # frequency and time
        ("Hz", "Hz", "frequency"),
        ("kHz", "kHz", "frequency"),
        ("MHz", "MHz", "frequency"),
        ("mhz", "MHz", "frequency"),
        ("GHz", "GHz", "frequency"),
        ("s", "s", "time"),
        ("ms", "ms", "time"),
        ("min", "min", "time"),
        ("h", "h", "time"),
        ("秒", "s", "time"),
        ("分钟", "min", "time"),
        ("小时", "h", "time"),
        # volume and flow
        ("mL", "mL", "volume"),
        ("ml", "mL", "volume"),
        ("L", "L", "volume"),
        ("l", "L", "volume"),
        ("m³", "m³", "volume"),
        ("m3", "m³", "volume"),
        ("m^3", "m³", "volume"),
        ("毫升", "mL", "volume"),
        ("升", "L", "volume"),
        ("L/min", "L/min", "volume_flow"),
        ("l/min", "L/min", "volume_flow"),
        ("升/分钟", "L/min", "volume_flow"),
        ("L/h", "L/h", "volume_flow"),
        ("m³/h", "m³/h", "volume_flow"),
        ("m3/h", "m³/h", "volume_flow"),
        ("M3/H", "m³/h", "volume_flow"),
        ("m³/s", "m³/s", "volume_flow"),
        ("kg/h", "kg/h", "mass_flow"),
        ("t/h", "t/h", "mass_flow"),
        # speed
        ("m/s", "m/s", "speed"),
        ("km/h", "km/h", "speed"),
        ("r/min", "r/min", "rotational_speed"),
        ("rpm", "rpm", "rotational_speed"),
        # sound, humidity, fractions
        ("dB", "dB", "sound_level"),
        ("dB(A)", "dB(A)", "sound_level"),
        ("%RH", "%RH", "relative_humidity"),
        ("％RH", "%RH", "relative_humidity"),
        ("%rh", "%RH", "relative_humidity"),
        ("RH", "%RH", "relative_humidity"),
        ("%", "%", "fraction"),
        ("％", "%", "fraction"),
        ("ppm", "ppm", "fraction"),
        ("ppb", "ppb", "fraction"),
        ("mg/kg", "mg/kg", "mass_fraction"),
        ("g/kg", "g/kg", "mass_fraction"),
        ("μg/kg", "μg/kg", "mass_fraction"),
        ("ug/kg", "μg/kg", "mass_fraction"),
        ("%(m/m)", "%(m/m)", "mass_fraction"),
        ("% (m/m)", "%(m/m)", "mass_fraction"),
        ("mg/L", "mg/L", "mass_concentration"),
        ("mg/l", "mg/L", "mass_concentration"),
        ("μg/L", "μg/L", "mass_concentration"),
        ("g/L", "g/L", "mass_concentration"),
        ("mg/m³", "mg/m³", "mass_concentration"),
        ("mg/m3", "mg/m³", "mass_concentration"),
        ("μg/m³", "μg/m³", "mass_concentration"),
        ("毫克/升", "mg/L", "mass_concentration"),
        # hardness: one dimension per scale
        ("HRC", "HRC", "hardness_hrc"),
        ("hrc", "HRC", "hardness_hrc"),
        ("HB", "HB", "hardness_hb"),
        ("HBW", "HB", "hardness_hb"),
        ("HV", "HV", "hardness_hv"),
        ("HV10", "HV", "hardness_hv"),
        ("HV0.1", "HV", "hardness_hv"),
        # angle: ″ is the second of arc, not a length
        ("°", "°", "angle"),
        ("′", "′", "angle"),
        ("″", "″", "angle"),
        ("rad", "rad", "angle"),
        # light and radiation
        ("lx", "lx", "illuminance"),
        ("勒克斯", "lx", "illuminance"),
        ("μSv/h", "μSv/h", "dose_rate"),
        ("uSv/h", "μSv/h", "dose_rate"),
        ("µSv/h", "μSv/h", "dose_rate"),
        ("mSv/h", "mSv/h", "dose_rate"),
        # a unit in brackets, as in a column header
        ("(MPa)", "MPa", "pressure"),
        ("[℃]", "℃", "temperature"),
    ],
)
def test_parse_unit_reads_real_world_spellings(text, symbol, dimension):
    unit = parse_unit(text)
    assert unit.symbol == symbol
    assert unit.dimension == dimension


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("furlong", "无法识别"),
        ("mg/furlong", "无法识别"),
        ("m/m", "无法识别"),  # no quotient of two lengths in the table
        ("℃/h", "无法识别"),  # temperatures with an offset do not divide
        ("NM", "大小写有歧义"),  # nm or N·m
        ("MW", None),  # exactly typed: megawatt
        ("mw", "大小写有歧义"),  # mW or MW
        ("x" * 41, "过长"),
    ],
)
def test_parse_unit_rejects_what_it_cannot_read(text, message_part):
    if message_part is None:
        assert parse_unit(text).symbol == "MW"
        return
    with pytest.raises(UnknownUnit) as excinfo:
        parse_unit(text)
    assert excinfo.value.code == "unit_unknown"
    assert message_part in excinfo.value.detail


def test_parse_unit_keeps_case_when_it_matters():
    assert parse_unit("nm").dimension == "length"
    assert parse_unit("Nm").dimension == "torque"
    assert parse_unit("mW").factor == pytest.approx(1e-3)
    assert parse_unit("MW").factor == pytest.approx(1e6)
    assert parse_unit("mΩ").factor == pytest.approx(1e-3)
    assert parse_unit("MΩ").factor == pytest.approx(1e6)


def test_errors_are_domain_errors_with_stable_codes():
    assert issubclass(UnknownUnit, DomainError)
    assert IncompatibleUnits.code == "units_incompatible"
    assert InvalidRange.code == "range_invalid"


def test_every_table_unit_reads_back_from_its_symbol():
    for unit in known_units():
        assert parse_unit(unit.symbol) == unit


# --- conversion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (60, "MPa", "kPa", 60000),
        (1, "bar", "kPa", 100),
        (1, "atm", "kPa", 101.325),
        (760, "mmHg", "Pa", 101325.0),
        (1, "psi", "kPa", 6.894757),
        (10, "mmH2O", "Pa", 98.0665),
        (1, "kgf/cm²", "MPa", 0.0980665),
        (1, "N/mm²", "MPa", 1),
        (0, "℃", "K", 273.15),
        (-40, "℃", "°F", -40),
        (100, "℃", "°F", 212),
        (300, "K", "℃", 26.85),
        (1, "km", "mm", 1e6),
        (5, "μm", "mm", 0.005),
        (2.5, "t", "kg", 2500),
        (1, "kN·m", "N·m", 1000),
        (1, "m³/h", "L/min", 1000 / 60),
        (1, "t/h", "kg/h", 1000),
        (36, "km/h", "m/s", 10),
        (1, "mg/L", "μg/L", 1000),
        (1, "mg/m³", "μg/m³", 1000),
        (1, "%(m/m)", "mg/kg", 10000),
        (1, "%", "ppm", 10000),
        (1, "mSv/h", "μSv/h", 1000),
        (60, "r/min", "rpm", 60),
        (1, "°", "″", 3600),
        (1, "°", "′", 60),
        (1, "GHz", "MHz", 1000),
        (1, "h", "min", 60),
    ],
)
def test_convert(value, source, target, expected):
    assert convert(value, source, target) == pytest.approx(expected, rel=1e-6)


def test_convert_accepts_unit_objects():
    assert convert(1, parse_unit("MPa"), parse_unit("kPa")) == pytest.approx(1000)


def test_convert_difference_ignores_offsets():
    assert convert(0.5, "℃", "K", difference=True) == pytest.approx(0.5)
    assert convert(9, "°F", "℃", difference=True) == pytest.approx(5)
    assert convert(0.5, "℃", "K") == pytest.approx(273.65)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("mg/kg", "mg/L"),  # mass fraction vs mass concentration
        ("ppm", "mg/kg"),
        ("HRC", "HV"),
        ("HB", "HRC"),
        ("MPa", "℃"),
        ("L/min", "kg/h"),  # volume flow vs mass flow
        ("″", "mm"),  # second of arc is not a length
        ("%", "%RH"),
        ("N·m", "N"),
    ],
)
def test_convert_refuses_different_dimensions(source, target):
    with pytest.raises(IncompatibleUnits) as excinfo:
        convert(1, source, target)
    assert excinfo.value.code == "units_incompatible"
    assert not same_dimension(source, target)


def test_convert_unknown_unit():
    with pytest.raises(UnknownUnit):
        convert(1, "MPa", "parsec")


def test_same_dimension():
    assert same_dimension("MPa", "kPa")
    assert same_dimension("℃", "K")
    assert same_dimension(parse_unit("L/min"), "m³/h")
    assert not same_dimension("mg/kg", "mg/L")


def test_to_base_and_from_base():
    celsius = parse_unit("℃")
    assert to_base(25, celsius) == pytest.approx(298.15)
    assert from_base(298.15, celsius) == pytest.approx(25)
    assert to_base(2, parse_unit("MPa")) == 2e6


@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    pair=st.sampled_from(
        [("MPa", "kPa"), ("℃", "°F"), ("℃", "K"), ("m³/h", "L/min"), ("mg/L", "μg/L"), ("t", "g")]
    ),
)
def test_convert_round_trips(value, pair):
    source, target = pair
    back = convert(convert(value, source, target), target, source)
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-6)


# --- parse_range -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "symbol"),
    [
        ("0-60MPa", 0, 60, "MPa"),
        ("0～60 MPa", 0, 60, "MPa"),
        ("0~60兆帕", 0, 60, "MPa"),
        ("0至60MPa", 0, 60, "MPa"),
        ("(0~200)℃", 0, 200, "℃"),
        ("（0～200）℃", 0, 200, "℃"),
        ("-40~150 ℃", -40, 150, "℃"),
        ("-40 ~ +150℃", -40, 150, "℃"),
        ("−40—150℃", -40, 150, "℃"),  # unicode minus, em dash as separator
        ("－40～150℃", -40, 150, "℃"),  # full-width hyphen-minus
        ("-40℃~150℃", -40, 150, "℃"),
        ("-40--10℃", -40, -10, "℃"),
        ("20C~30C", 20, 30, "℃"),
        ("60兆帕以下", None, 60, "MPa"),
        ("≤60MPa", None, 60, "MPa"),
        ("<=60 MPa", None, 60, "MPa"),
        ("不大于60MPa", None, 60, "MPa"),
        ("60MPa以内", None, 60, "MPa"),
        ("60MPa及以下", None, 60, "MPa"),
        ("≥10 kN", 10, None, "kN"),
        ("10kN以上", 10, None, "kN"),
        ("10kN及以上", 10, None, "kN"),
        ("大于10 kN", 10, None, "kN"),
        ("(0.1~10)mm", 0.1, 10, "mm"),
        ("0-60 MPa (表压)", 0, 60, "MPa"),
        ("0-60 MPa（表压）", 0, 60, "MPa"),
        ("0~60 MPa (G)", 0, 60, "MPa"),
        ("1.6 MPa", 1.6, 1.6, "MPa"),
        ("10 mg/kg ~ 500 mg/kg", 10, 500, "mg/kg"),
        ("0.5 kg - 50 t", 0.0005, 50, "t"),
        ("±10 V", -10, 10, "V"),
        ("30~130dB(A)", 30, 130, "dB(A)"),
        ("(0~60)(MPa)", 0, 60, "MPa"),
        ("测量范围：0~60MPa", 0, 60, "MPa"),
        ("(1~1×10⁶)Ω", 1, 1e6, "Ω"),
        ("1×10^-3~1×10^3 Pa", 1e-3, 1e3, "Pa"),
        ("1e-3~1e3 Pa", 1e-3, 1e3, "Pa"),
        ("0~1,000 kN", 0, 1000, "kN"),
        ("０～１００℃", 0, 100, "℃"),
        ("(10~95)%RH", 10, 95, "%RH"),
        ("0~360°", 0, 360, "°"),
        ("0~30″", 0, 30, "″"),
        ("0~100 m³/h", 0, 100, "m³/h"),
        ("0.1~500 μSv/h", 0.1, 500, "μSv/h"),
        ("20~70 HRC", 20, 70, "HRC"),
        ("~60MPa", None, 60, "MPa"),
        ("10~", 10, None, None),
        ("0~60MPa以内", 0, 60, "MPa"),
        ("0~100", 0, 100, None),
        ("5", 5, 5, None),
        ("0~60MPa。", 0, 60, "MPa"),
        ("0~60MPa；", 0, 60, "MPa"),
    ],
)
def test_parse_range_reads_real_world_texts(text, low, high, symbol):
    parsed = parse_range(text)
    assert parsed.low == pytest.approx(low) if low is not None else parsed.low is None
    assert parsed.high == pytest.approx(high) if high is not None else parsed.high is None
    assert (parsed.unit.symbol if parsed.unit else None) == symbol
    assert parsed.text == text.strip()


@pytest.mark.parametrize(
    ("text", "error", "message_part"),
    [
        ("", InvalidRange, "不能为空"),
        ("   ", InvalidRange, "不能为空"),
        ("MPa", InvalidRange, "没有数值"),
        ("高压", InvalidRange, "没有数值"),
        ("60~0MPa", InvalidRange, "大于上限"),
        ("150~-40℃", InvalidRange, "大于上限"),
        ("50 t - 0.5 kg", InvalidRange, "大于上限"),
        ("1-2-3", InvalidRange, "无法识别"),
        ("0~60MPa~70", InvalidRange, "无法识别"),
        ("10 mg/kg ~ 500 mg/L", InvalidRange, "量纲不同"),
        ("0~60 parsec", UnknownUnit, "parsec"),
        ("0~60 NM", UnknownUnit, "歧义"),
        ("1" * 201, InvalidRange, "过长"),
    ],
)
def test_parse_range_rejects_bad_text(text, error, message_part):
    with pytest.raises(error) as excinfo:
        parse_range(text)
    assert message_part in excinfo.value.detail


def test_parse_range_never_crashes_on_non_text():
    with pytest.raises(InvalidRange):
        parse_range(None)  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_parse_range_raises_only_domain_errors(text):
    try:
        parsed = parse_range(text)
    except (InvalidRange, UnknownUnit):
        return
    assert isinstance(parsed, Range)


@given(
    low=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    span=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    unit=st.sampled_from(["MPa", "℃", "mm", "mg/kg", "L/min"]),
)
def test_parse_range_reads_back_its_own_display(low, span, unit):
    made = Range(low, low + span, parse_unit(unit))
    again = parse_range(str(made))
    assert again == made or (
        math.isclose(again.low or 0, made.low or 0, rel_tol=1e-9, abs_tol=1e-9)
        and math.isclose(again.high or 0, made.high or 0, rel_tol=1e-9, abs_tol=1e-9)
    )


# --- Range -----------------------------------------------------------------------------------


def test_range_refuses_low_above_high_when_built_directly():
    with pytest.raises(InvalidRange):
        Range(10, 1, parse_unit("MPa"))
    with pytest.raises(InvalidRange):
        Range(float("nan"), 1, None)


def test_range_equality_ignores_the_original_text():
    assert parse_range("0-60MPa") == parse_range("(0~60)兆帕")


def test_base_bounds():
    parsed = parse_range("-40~150℃")
    assert parsed.base_low() == pytest.approx(233.15)
    assert parsed.base_high() == pytest.approx(423.15)
    assert parse_range("≤60MPa").base_low() is None
    assert parse_range("0~100").base_high() == 100


@pytest.mark.parametrize(
    ("capability", "request_", "expected"),
    [
        ("0-60MPa", "0-40MPa", True),
        ("0-60MPa", "0-100MPa", False),
        ("0-60MPa", "0~60000kPa", True),  # equal after conversion (tolerance)
        ("0-60MPa", "0~60001kPa", False),
        ("0-60MPa", "1.6 MPa", True),
        ("0-60MPa", "-0.1~10MPa", False),
        ("(0~200)℃", "273.15~473.15 K", True),
        ("(0~200)℃", "32~392 °F", True),
        ("(0~200)℃", "-10~100℃", False),
        ("≤60MPa", "-5~60MPa", True),
        ("≥10 kN", "10~1000 kN", True),
        ("≥10 kN", "≥20 kN", True),
        ("0~100 kN", "≥20 kN", False),  # an open request is not covered by a closed range
        ("≥10 kN", "≤20 kN", False),
        ("0.5 kg - 50 t", "1~20000 kg", True),
        ("0~100", "5~10", True),
        ("10 mg/kg ~ 500 mg/kg", "0.001%(m/m)~0.05%(m/m)", True),
    ],
)
def test_covers(capability, request_, expected):
    assert parse_range(capability).covers(parse_range(request_)) is expected


@pytest.mark.parametrize(
    ("capability", "request_"),
    [
        ("0~500 mg/kg", "0~500 mg/L"),
        ("20~70 HRC", "100~500 HV"),
        ("0~100", "0~10 MPa"),
        ("0~10 MPa", "0~100"),
    ],
)
def test_covers_refuses_different_dimensions(capability, request_):
    with pytest.raises(IncompatibleUnits):
        parse_range(capability).covers(parse_range(request_))


@given(
    low=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    span=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_a_range_covers_itself_in_other_units(low, span):
    in_mpa = Range(low, low + span, parse_unit("MPa"))
    assert in_mpa.covers(in_mpa)
    assert in_mpa.covers(in_mpa.converted("kPa"))
    assert in_mpa.converted("kPa").covers(in_mpa)


def test_contains_and_converted():
    capability = parse_range("0-60MPa")
    assert capability.contains(59_999, "kPa")
    assert capability.contains(30)
    assert not capability.contains(61)
    converted = capability.converted("kPa")
    assert (converted.low, converted.high, converted.unit) == (0, 60_000, parse_unit("kPa"))
    with pytest.raises(IncompatibleUnits):
        parse_range("0~100").converted("MPa")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0-40MPa", (0, 40)),
        ("-40~150℃", (0, 150)),
        ("10~40MPa", (10, 40)),
        ("-50~-10℃", (10, 50)),
        ("≤60MPa", None),
    ],
)
def test_magnitudes(text, expected):
    assert parse_range(text).magnitudes() == expected


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("0-60MPa", "0~60 MPa"),
        ("≤60MPa", "≤60 MPa"),
        ("10kN以上", "≥10 kN"),
        ("1.6 MPa", "1.6 MPa"),
        ("0~100", "0~100"),
    ],
)
def test_range_display(text, display):
    assert str(parse_range(text)) == display


# --- make_range and parse_number -------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "unit", "expected"),
    [
        ("0", "60", "MPa", (0, 60, "MPa")),
        (0, 60.5, "MPa", (0, 60.5, "MPa")),
        ("−40", "１５０", "℃", (-40, 150, "℃")),
        ("", "60", "兆帕", (None, 60, "MPa")),
        ("10", None, "kN", (10, None, "kN")),
        ("0", "1,000", "kN", (0, 1000, "kN")),
        ("1.2×10⁻³", "1e3", "Pa", (0.0012, 1000, "Pa")),
        ("0", "100", "", (0, 100, None)),
        ("0", "100", None, (0, 100, None)),
    ],
)
def test_make_range_from_import_columns(low, high, unit, expected):
    made = make_range(low, high, unit)
    assert made.low == (pytest.approx(expected[0]) if expected[0] is not None else None)
    assert made.high == (pytest.approx(expected[1]) if expected[1] is not None else None)
    assert (made.unit.symbol if made.unit else None) == expected[2]
    assert made.text


@pytest.mark.parametrize(
    ("low", "high", "unit", "error"),
    [
        ("60", "0", "MPa", InvalidRange),
        ("abc", "60", "MPa", InvalidRange),
        ("0", "六十", "MPa", InvalidRange),
        ("0", "inf", "MPa", InvalidRange),
        (float("inf"), 1, "MPa", InvalidRange),
        ("0", "60", "parsec", UnknownUnit),
        (True, 1, "MPa", InvalidRange),
    ],
)
def test_make_range_rejects_bad_columns(low, high, unit, error):
    with pytest.raises(error):
        make_range(low, high, unit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("12.5", 12.5),
        ("+3", 3),
        ("-0.5", -0.5),
        (".5", 0.5),
        ("1,234.5", 1234.5),
        ("2E3", 2000),
        (7, 7.0),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_unit_is_a_frozen_value():
    unit = Unit("MPa", "pressure", 1e6)
    assert unit == parse_unit("兆帕")
    with pytest.raises(AttributeError):
        unit.symbol = "kPa"  # type: ignore[misc]
