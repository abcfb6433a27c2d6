"""Units and measuring ranges as they are written in capability scopes and service requests.

Pure functions, no database. :func:`parse_unit` reads a unit symbol in the forms people type
(``MPa``, ``兆帕``, ``ｍｐａ``, ``℃``, ``°C``, ``um``/``µm``/``μm``, ``m3/h``, ``N.m``) and
returns a :class:`Unit`: its canonical symbol, its *dimension* and the factor (and offset, for
℃ and °F) that take a value to the dimension's base unit. Two units convert into each other
only when their dimensions are equal, so ``mg/kg`` (mass fraction) and ``mg/L`` (mass
concentration) never do, and neither do the hardness scales.

The units live in one table (:data:`_UNITS`); a quotient such as ``L/min`` or ``μSv/h`` is
composed from two table entries when :data:`_QUOTIENTS` knows the pair of dimensions.

:func:`parse_range` reads ``0-60MPa``, ``(0~200)℃``, ``−40—150℃``, ``≤60MPa``, ``10kN以上``,
``0.5 kg - 50 t`` and the like into a :class:`Range`; :meth:`Range.covers` tells whether a
capability's range includes a requested one after unit conversion.

Lower-case input is accepted when it can only mean one unit (``mpa`` is MPa, there being no
mPa in the table); ``MW``/``mW`` or ``NM`` (nm or N·m) must be typed exactly.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import to_halfwidth

__all__ = [
    "IncompatibleUnits",
    "InvalidRange",
    "Range",
    "Unit",
    "UnknownUnit",
    "convert",
    "from_base",
    "make_range",
    "parse_number",
    "parse_range",
    "parse_unit",
    "same_dimension",
    "to_base",
    "values_close",
]

REL_TOLERANCE = 1e-9  # relative tolerance of every comparison, so 60 MPa == 60000 kPa
MAX_UNIT_LENGTH = 40
MAX_RANGE_LENGTH = 200


class UnknownUnit(DomainError):
    code = "unit_unknown"


class IncompatibleUnits(DomainError):
    code = "units_incompatible"


class InvalidRange(DomainError):
    code = "range_invalid"


@dataclass(frozen=True)
class Unit:
    """A unit: ``value × factor + offset`` is the value in the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float
    offset: float = 0.0

    def __str__(self) -> str:
        return self.symbol


# --- the table -------------------------------------------------------------------------------

_MICRO = "μ"  # U+03BC; µ (U+00B5) and a leading "u" are read as this

# (symbol, dimension, factor to the base unit, aliases); the first unit of a dimension with
# factor 1 is its base. Aliases are other spellings of the same unit; micro units get their
# "u" spelling automatically.
_Row = tuple[str, str, float, tuple[str, ...]]
_UNITS: tuple[_Row, ...] = (
    # pressure, base Pa
    ("Pa", "pressure", 1.0, ("帕", "帕斯卡")),
    ("hPa", "pressure", 1e2, ("百帕",)),
    ("kPa", "pressure", 1e3, ("千帕",)),
    ("MPa", "pressure", 1e6, ("兆帕",)),
    ("GPa", "pressure", 1e9, ("吉帕",)),
    ("bar", "pressure", 1e5, ("巴",)),
    ("mbar", "pressure", 1e2, ("毫巴",)),
    ("atm", "pressure", 101325.0, ("标准大气压",)),
    ("mmHg", "pressure", 133.322387415, ("毫米汞柱",)),
    ("mmH2O", "pressure", 9.80665, ("毫米水柱",)),
    ("mH2O", "pressure", 9806.65, ("米水柱",)),
    ("psi", "pressure", 6894.757293168361, ()),
    ("Torr", "pressure", 101325.0 / 760.0, ()),
    # temperature, base K (offsets below)
    ("K", "temperature", 1.0, ("开", "开尔文")),
    ("℃", "temperature", 1.0, ("°C", "C", "摄氏度", "度C")),
    ("°F", "temperature", 5.0 / 9.0, ("℉", "华氏度")),
    # length, base m
    ("m", "length", 1.0, ("米",)),
    ("nm", "length", 1e-9, ("纳米",)),
    ("μm", "length", 1e-6, ("微米",)),
    ("mm", "length", 1e-3, ("毫米",)),
    ("cm", "length", 1e-2, ("厘米",)),
    ("dm", "length", 1e-1, ("分米",)),
    ("km", "length", 1e3, ("千米", "公里")),
    # area, base m²
    ("m²", "area", 1.0, ("平方米",)),
    ("mm²", "area", 1e-6, ("平方毫米",)),
    ("cm²", "area", 1e-4, ("平方厘米",)),
    # volume, base m³
    ("m³", "volume", 1.0, ("立方米", "方")),
    ("L", "volume", 1e-3, ("升", "dm³")),
    ("mL", "volume", 1e-6, ("毫升", "cm³", "cc")),
    ("μL", "volume", 1e-9, ("微升", "mm³")),
    # mass, base kg
    ("kg", "mass", 1.0, ("千克", "公斤")),
    ("ng", "mass", 1e-12, ("纳克",)),
    ("μg", "mass", 1e-9, ("微克",)),
    ("mg", "mass", 1e-6, ("毫克",)),
    ("g", "mass", 1e-3, ("克",)),
    ("t", "mass", 1e3, ("吨",)),
    # force, base N
    ("N", "force", 1.0, ("牛", "牛顿")),
    ("mN", "force", 1e-3, ("毫牛",)),
    ("kN", "force", 1e3, ("千牛",)),
    ("MN", "force", 1e6, ("兆牛",)),
    ("kgf", "force", 9.80665, ("公斤力", "千克力")),
    # torque, base N·m
    ("N·m", "torque", 1.0, ("Nm", "牛·米", "牛米", "牛顿米")),
    ("mN·m", "torque", 1e-3, ("mNm",)),
    ("N·cm", "torque", 1e-2, ("Ncm",)),
    ("kN·m", "torque", 1e3, ("kNm", "千牛·米", "千牛米")),
    # electrical
    ("V", "voltage", 1.0, ("伏", "伏特")),
    ("μV", "voltage", 1e-6, ("微伏",)),
    ("mV", "voltage", 1e-3, ("毫伏",)),
    ("kV", "voltage", 1e3, ("千伏",)),
    ("A", "current", 1.0, ("安", "安培")),
    ("nA", "current", 1e-9, ("纳安",)),
    ("μA", "current", 1e-6, ("微安",)),
    ("mA", "current", 1e-3, ("毫安",)),
    ("kA", "current", 1e3, ("千安",)),
    ("Ω", "resistance", 1.0, ("ohm", "欧", "欧姆")),
    ("μΩ", "resistance", 1e-6, ("微欧",)),
    ("mΩ", "resistance", 1e-3, ("mohm", "毫欧")),
    ("kΩ", "resistance", 1e3, ("kohm", "千欧")),
    ("MΩ", "resistance", 1e6, ("Mohm", "兆欧")),
    ("GΩ", "resistance", 1e9, ("Gohm", "吉欧")),
    ("TΩ", "resistance", 1e12, ("Tohm", "太欧")),
    ("W", "power", 1.0, ("瓦", "瓦特")),
    ("μW", "power", 1e-6, ("微瓦",)),
    ("mW", "power", 1e-3, ("毫瓦",)),
    ("kW", "power", 1e3, ("千瓦",)),
    ("MW", "power", 1e6, ("兆瓦",)),
    ("J", "energy", 1.0, ("焦", "焦耳")),
    ("kJ", "energy", 1e3, ("千焦",)),
    ("MJ", "energy", 1e6, ("兆焦",)),
    ("kW·h", "energy", 3.6e6, ("kWh", "千瓦时")),
    ("F", "capacitance", 1.0, ("法", "法拉")),
    ("pF", "capacitance", 1e-12, ("皮法",)),
    ("nF", "capacitance", 1e-9, ("纳法",)),
    ("μF", "capacitance", 1e-6, ("微法",)),
    ("mF", "capacitance", 1e-3, ("毫法",)),
    # frequency, base Hz
    ("Hz", "frequency", 1.0, ("赫", "赫兹")),
    ("kHz", "frequency", 1e3, ("千赫", "千赫兹")),
    ("MHz", "frequency", 1e6, ("兆赫", "兆赫兹")),
    ("GHz", "frequency", 1e9, ("吉赫", "吉赫兹")),
    # time, base s
    ("s", "time", 1.0, ("秒", "sec")),
    ("ns", "time", 1e-9, ("纳秒",)),
    ("μs", "time", 1e-6, ("微秒",)),
    ("ms", "time", 1e-3, ("毫秒",)),
    ("min", "time", 60.0, ("分钟",)),
    ("h", "time", 3600.0, ("小时", "时", "hr")),
    ("d", "time", 86400.0, ("天", "日")),
    # revolutions (for r/min), base r
    ("r", "revolution", 1.0, ("转", "rev")),
    ("rpm", "rotational_speed", 1.0 / 60.0, ()),
    # amount of substance, base mol
    ("mol", "amount", 1.0, ("摩尔",)),
    ("mmol", "amount", 1e-3, ("毫摩尔",)),
    ("μmol", "amount", 1e-6, ("微摩尔",)),
    ("nmol", "amount", 1e-9, ("纳摩尔",)),
    # sound level (dB and its weightings read on one scale)
    ("dB", "sound_level", 1.0, ("分贝",)),
    ("dB(A)", "sound_level", 1.0, ("dBA",)),
    ("dB(C)", "sound_level", 1.0, ("dBC",)),
    # humidity
    ("%RH", "relative_humidity", 1.0, ("RH", "RH%", "%(RH)")),
    # fractions: plain numbers, mass fractions and volume fractions are three dimensions
    ("%", "fraction", 1e-2, ("百分比",)),
    ("‰", "fraction", 1e-3, ()),
    ("ppm", "fraction", 1e-6, ()),
    ("ppb", "fraction", 1e-9, ()),
    ("%(m/m)", "mass_fraction", 1e-2, ("%(w/w)", "%m/m", "%w/w", "%(质量分数)", "wt%")),
    ("%(V/V)", "volume_fraction", 1e-2, ("%V/V", "%vol", "vol%", "%(体积分数)")),
    # hardness: each scale its own dimension (conversions between scales are empirical tables)
    ("HRA", "hardness_hra", 1.0, ()),
    ("HRB", "hardness_hrb", 1.0, ()),
    ("HRC", "hardness_hrc", 1.0, ()),
    ("HB", "hardness_hb", 1.0, ("HBW", "HBS")),
    ("HV", "hardness_hv", 1.0, ()),
    ("HL", "hardness_hl", 1.0, ()),
    ("HS", "hardness_hs", 1.0, ()),
    # angle, base rad; ″ is the second of arc (NFKC turns it into two primes)
    ("rad", "angle", 1.0, ("弧度",)),
    ("mrad", "angle", 1e-3, ("毫弧度",)),
    ("μrad", "angle", 1e-6, ("微弧度",)),
    ("°", "angle", math.pi / 180.0, ()),
    ("′", "angle", math.pi / 10800.0, ()),
    ("″", "angle", math.pi / 648000.0, ()),
    # light
    ("lx", "illuminance", 1.0, ("勒克斯", "勒")),
    ("klx", "illuminance", 1e3, ("千勒克斯",)),
    # ionising radiation (dose rates come from the quotient table)
    ("Sv", "dose", 1.0, ("希沃特",)),
    ("mSv", "dose", 1e-3, ()),
    ("μSv", "dose", 1e-6, ()),
    ("nSv", "dose", 1e-9, ()),
    ("Gy", "absorbed_dose", 1.0, ("戈瑞",)),
    ("mGy", "absorbed_dose", 1e-3, ()),
    ("μGy", "absorbed_dose", 1e-6, ()),
    ("Bq", "activity", 1.0, ("贝可",)),
    ("kBq", "activity", 1e3, ()),
    ("MBq", "activity", 1e6, ()),
    # viscosity
    ("Pa·s", "dynamic_viscosity", 1.0, ()),
    ("mPa·s", "dynamic_viscosity", 1e-3, ("cP",)),
)

_OFFSETS = MappingProxyType({"℃": 273.15, "°F": 273.15 - 32.0 * 5.0 / 9.0})

# numerator dimension, denominator dimension → the quotient's dimension.
_QUOTIENTS = MappingProxyType(
    {
        ("volume", "time"): "volume_flow",
        ("mass", "time"): "mass_flow",
        ("length", "time"): "speed",
        ("revolution", "time"): "rotational_speed",
        ("mass", "volume"): "mass_concentration",
        ("mass", "mass"): "mass_fraction",
        ("volume", "volume"): "volume_fraction",
        ("amount", "volume"): "amount_concentration",
        ("amount", "mass"): "amount_content",
        ("mass", "area"): "areal_density",
        ("force", "area"): "pressure",
        ("force", "length"): "line_force",
        ("dose", "time"): "dose_rate",
        ("absorbed_dose", "time"): "absorbed_dose_rate",
        ("activity", "volume"): "activity_concentration",
        ("activity", "mass"): "specific_activity",
        ("area", "time"): "kinematic_viscosity",
        ("energy", "mass"): "specific_energy",
        ("voltage", "length"): "electric_field",
    }
)

_HARDNESS_WITH_LOAD = re.compile(r"(HV|HBW|HK)[0-9]+(?:\.[0-9]+)?(?:/[0-9.]+)*")


def _unit_key(text: str) -> str:
    """The lookup key of a unit spelling: NFKC (℃→°C, µ→μ, ³→3, full-width→ASCII), no spaces,
    every multiplication dot a full stop, no ^ before exponents."""
    text = text.replace("º", "°").replace("˚", "°")  # ordinal and ring, both typed as degree
    text = unicodedata.normalize("NFKC", to_halfwidth(text))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[·⋅•∙*×]", ".", text)
    text = text.replace("**", "").replace("^", "").replace("µ", _MICRO)
    return text


def _build_index() -> tuple[dict[str, Unit], dict[str, frozenset[Unit]]]:
    exact: dict[str, Unit] = {}
    for symbol, dimension, factor, aliases in _UNITS:
        unit = Unit(symbol, dimension, factor, _OFFSETS.get(symbol, 0.0))
        spellings = {symbol, *aliases}
        spellings |= {s.replace(_MICRO, "u") for s in spellings if s.startswith(_MICRO)}
        for spelling in spellings:
            key = _unit_key(spelling)
            if exact.get(key, unit) != unit:  # a table mistake, caught by the tests at import
                raise RuntimeError(f"unit spelling {spelling!r} is listed twice")
            exact[key] = unit
    folded: dict[str, set[Unit]] = {}
    for key, unit in exact.items():
        folded.setdefault(key.casefold(), set()).add(unit)
    return exact, {key: frozenset(units) for key, units in folded.items()}


_EXACT, _FOLDED = _build_index()
_EXACT_VIEW = MappingProxyType(_EXACT)
_FOLDED_VIEW = MappingProxyType(_FOLDED)


def known_units() -> Iterable[Unit]:
    """Every unit of the table once (quotients such as L/min are not listed)."""
    return sorted(set(_EXACT_VIEW.values()), key=lambda u: (u.dimension, u.factor, u.symbol))


def _lookup(key: str) -> Unit | None:
    unit = _EXACT_VIEW.get(key)
    if unit is not None:
        return unit
    candidates = _FOLDED_VIEW.get(key.casefold(), frozenset())
    if len(candidates) == 1:
        return next(iter(candidates))
    if len(candidates) > 1:
        symbols = "、".join(sorted(u.symbol for u in candidates))
        raise UnknownUnit(
            _("单位“%(unit)s”大小写有歧义，可能是 %(symbols)s，请按标准大小写书写")
            % {"unit": key, "symbols": symbols}
        )
    if _HARDNESS_WITH_LOAD.fullmatch(key.upper()):
        return _EXACT_VIEW.get("HB" if key.upper().startswith("HB") else "HV")
    return None


@lru_cache(maxsize=2048)
def parse_unit(text: str) -> Unit:
    """The unit a spelling stands for. Raises UnknownUnit (with the spelling) otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise UnknownUnit(_("单位不能为空"))
    if len(text) > MAX_UNIT_LENGTH:
        raise UnknownUnit(_("单位过长（最多%(max)d个字符）") % {"max": MAX_UNIT_LENGTH})
    key = _unit_key(text)
    # A unit wrapped in brackets, as in a column header: (MPa), [℃].
    while len(key) > 2 and key[0] + key[-1] in {"()", "[]"} and not _lookup_safe(key):
        key = key[1:-1]
    unit = _lookup(key)
    if unit is None and key.count("/") == 1:
        unit = _quotient(*key.split("/"))
    if unit is None:
        raise UnknownUnit(_("无法识别的单位“%(unit)s”") % {"unit": text.strip()})
    return unit


def _lookup_safe(key: str) -> Unit | None:
    try:
        return _lookup(key)
    except UnknownUnit:
        return None


def _quotient(numerator: str, denominator: str) -> Unit | None:
    top, bottom = _lookup(numerator), _lookup(denominator)
    if top is None or bottom is None or top.offset or bottom.offset:
        return None
    dimension = _QUOTIENTS.get((top.dimension, bottom.dimension))
    if dimension is None:
        return None
    return Unit(f"{top.symbol}/{bottom.symbol}", dimension, top.factor / bottom.factor)


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else parse_unit(unit)


def to_base(value: float, unit: Unit) -> float:
    """``value`` in the base unit of the unit's dimension (℃ → K adds 273.15)."""
    return value * unit.factor + unit.offset


def from_base(value: float, unit: Unit) -> float:
    """The inverse of :func:`to_base`."""
    return (value - unit.offset) / unit.factor


def convert(
    value: float, from_unit: Unit | str, to_unit: Unit | str, *, difference: bool = False
) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``.

    With ``difference=True`` the value is an interval (an uncertainty, a tolerance): offsets are
    ignored, so 0.5 ℃ is 0.5 K. Raises IncompatibleUnits across dimensions, UnknownUnit for a
    spelling it cannot read.
    """
    source, target = _as_unit(from_unit), _as_unit(to_unit)
    if source.dimension != target.dimension:
        raise IncompatibleUnits(
            _("单位 %(a)s 与 %(b)s 量纲不同，不能换算") % {"a": source.symbol, "b": target.symbol}
        )
    if difference:
        return value * source.factor / target.factor
    return from_base(to_base(value, source), target)


def same_dimension(a: Unit | str, b: Unit | str) -> bool:
    """True when values in ``a`` and ``b`` can be converted into each other."""
    return _as_unit(a).dimension == _as_unit(b).dimension


def values_close(a: float, b: float) -> bool:
    """Equal within the module's relative tolerance (1e-9)."""
    return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=0.0)


def _at_most(a: float, b: float) -> bool:
    return a <= b or values_close(a, b)


# --- numbers ---------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPT_EXPONENT = re.compile(r"10([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
# A decimal number with optional sign, thousands separators and a power of ten.
_NUMBER = (
    r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:\s*[×xX*]\s*10\s*(?:\^|\*\*)\s*[+-]?[0-9]+|[eE][+-]?[0-9]+)?"
)
_NUMBER_RE = re.compile(_NUMBER)
_POWER = re.compile(r"\s*[×xX*]\s*10\s*(?:\^|\*\*)\s*")


def _normalise_numbers(text: str) -> str:
    """Half-width, superscript powers of ten as ``10^n``, every minus sign a hyphen-minus."""
    text = _SUPERSCRIPT_EXPONENT.sub(lambda m: "10^" + m[1].translate(_SUPERSCRIPTS), text)
    text = to_halfwidth(text)
    return re.sub("[\u2212\ufe63\u2010\u2011]", "-", text)


def _to_float(token: str) -> float:
    value = float(_POWER.sub("e", token.replace(",", "").replace(" ", "")))
    if not math.isfinite(value):
        raise InvalidRange(_("数值“%(value)s”超出范围") % {"value": token})
    return value


def parse_number(text: str | float | int | None) -> float | None:
    """A number from an import column: ``''`` → None; full-width digits, ``−40``, ``1,000``,
    ``1.2×10⁻³`` and ``1e-3`` accepted. Raises InvalidRange for anything else."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise InvalidRange(_("“%(value)s”不是数值") % {"value": text})
    if isinstance(text, int | float):
        value = float(text)
        if not math.isfinite(value):
            raise InvalidRange(_("数值“%(value)s”超出范围") % {"value": text})
        return value
    cleaned = _normalise_numbers(unicodedata.normalize("NFC", text)).strip()
    if not cleaned:
        return None
    if len(cleaned) > MAX_UNIT_LENGTH or not _NUMBER_RE.fullmatch(cleaned):
        raise InvalidRange(_("“%(value)s”不是数值") % {"value": text.strip()[:MAX_UNIT_LENGTH]})
    return _to_float(cleaned)


# --- ranges ----------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.12g}"


@dataclass(frozen=True)
class Range:
    """A closed interval ``[low, high]`` in ``unit``; a None bound is unbounded on that side."""

    low: float | None
    high: float | None
    unit: Unit | None
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for bound in (self.low, self.high):
            if bound is not None and not math.isfinite(bound):
                raise InvalidRange(_("范围的上下限必须是有限数值"))
        if self.low is not None and self.high is not None and self.low > self.high:
            raise InvalidRange(
                _("范围下限 %(low)s 大于上限 %(high)s")
                % {"low": _fmt(self.low), "high": _fmt(self.high)}
            )

    @property
    def dimension(self) -> str | None:
        return self.unit.dimension if self.unit else None

    def _base(self, value: float | None) -> float | None:
        if value is None or self.unit is None:
            return value
        return to_base(value, self.unit)

    def base_low(self) -> float | None:
        return self._base(self.low)

    def base_high(self) -> float | None:
        return self._base(self.high)

    def _check_comparable(self, other: Range) -> None:
        if self.dimension != other.dimension:
            mine = self.unit.symbol if self.unit else _("无单位")
            theirs = other.unit.symbol if other.unit else _("无单位")
            raise IncompatibleUnits(
                _("范围的单位 %(a)s 与 %(b)s 量纲不同，不能比较") % {"a": mine, "b": theirs}
            )

    def covers(self, other: Range) -> bool:
        """True when every value of ``other`` lies in this range (inclusive, after conversion).

        Raises IncompatibleUnits when the dimensions differ (or one range has no unit).
        """
        self._check_comparable(other)
        low, high = self.base_low(), self.base_high()
        other_low, other_high = other.base_low(), other.base_high()
        if low is not None and (other_low is None or not _at_most(low, other_low)):
            return False
        return high is None or (other_high is not None and _at_most(other_high, high))

    def contains(self, value: float, unit: Unit | str | None = None) -> bool:
        """True when ``value`` (in ``unit``, default this range's unit) lies in the range."""
        point_unit = self.unit if unit is None else _as_unit(unit)
        return self.covers(Range(value, value, point_unit))

    def converted(self, unit: Unit | str) -> Range:
        """The same interval expressed in another unit of the same dimension."""
        target = _as_unit(unit)
        source = self.unit
        if source is None:
            raise IncompatibleUnits(_("无单位的范围不能换算"))
        low = None if self.low is None else convert(self.low, source, target)
        high = None if self.high is None else convert(self.high, source, target)
        return Range(low, high, target, self.text)

    def magnitudes(self) -> tuple[float, float] | None:
        """The smallest and largest ``|value|`` over the range, in this range's own unit
        (0 when the range spans zero); None when unbounded."""
        if self.low is None or self.high is None:
            return None
        if self.low <= 0.0 <= self.high:
            return 0.0, max(-self.low, self.high)
        low, high = sorted((abs(self.low), abs(self.high)))
        return low, high

    def __str__(self) -> str:
        unit = f" {self.unit.symbol}" if self.unit else ""
        if self.low is None and self.high is None:
            return _("不限")
        if self.low is None:
            return f"≤{_fmt(self.high or 0.0)}{unit}"
        if self.high is None:
            return f"≥{_fmt(self.low)}{unit}"
        if self.low == self.high:
            return f"{_fmt(self.low)}{unit}"
        return f"{_fmt(self.low)}~{_fmt(self.high)}{unit}"


_SEPARATOR = r"(?:~|-|至|到)"
_DASHES = re.compile(r"[\u2012-\u2015\u301c\u2053]+")  # en/em dashes, wave dash: separators
_REMARK = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_LABEL = re.compile(r"^[^0-9:：±≤≥<>+-]{1,20}[:：]\s*")
_AT_MOST = r"≤|<=|=<|≦|<|不大于|不超过|小于等于|小于|低于|最大|至多|max\.?|upto"
_AT_LEAST = r"≥|>=|=>|≧|>|不小于|不低于|大于等于|大于|高于|最小|至少|min\.?"
_PREFIX_BOUND = re.compile(
    rf"^(?:(?P<most>{_AT_MOST})|(?P<least>{_AT_LEAST}))\s*(?P<rest>.+)$", re.I
)
_SUFFIX_BOUND = re.compile(
    r"^(?P<rest>.+?)\s*(?:(?P<most>及以下|以下|以内|及以内)|(?P<least>及以上|以上))\s*"
    r"(?:[(（](?:含|包含|含本数)[)）])?$"
)
# After a number: not the rest of a longer number ("1e-05" is not "1" in unit "e" to "05").
_END = r"(?![0-9]|[eE][+-]?[0-9]|\s*[×xX*]\s*10\s*(?:\^|\*\*))"
_TWO_ENDS = re.compile(
    rf"^\(?\s*(?P<lo>{_NUMBER}){_END}\s*(?P<lu>[^\s0-9~+\-.][^~]*?)?\s*{_SEPARATOR}\s*"
    rf"(?P<hi>{_NUMBER}){_END}\s*\)?\s*(?P<hu>.*)$"
)
_ONE_VALUE = re.compile(rf"^\(?\s*(?P<v>{_NUMBER})\s*\)?\s*(?P<u>.*)$")
_SYMMETRIC = re.compile(rf"^(?:±|\+/-|\+-)\s*\(?\s*(?P<v>{_NUMBER})\s*\)?\s*(?P<u>.*)$")
_OPEN_END = re.compile(rf"^\(?\s*(?P<v>{_NUMBER})\s*(?P<u>[^~]*?)\s*~\s*\)?\s*(?P<u2>[^0-9]*)$")
_OPEN_START = re.compile(rf"^\(?\s*~\s*(?P<v>{_NUMBER})\s*\)?\s*(?P<u>.*)$")


def _clean_range_text(text: str) -> str:
    text = _normalise_numbers(unicodedata.normalize("NFC", text))
    text = text.replace("～", "~").replace("〜", "~").replace("∼", "~").replace("（", "(")
    text = text.replace("）", ")").replace("【", "[").replace("】", "]")
    text = _DASHES.sub("~", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip("。;；,，、")
    return _LABEL.sub("", text, count=1).strip()


def _without_remark(text: str) -> str | None:
    """The text without a trailing remark in brackets — "(表压)", "(25℃时)", "(k=2)" — when a
    number comes before it; None when there is no such remark."""
    match = _REMARK.search(text)
    if match and re.search(r"[0-9]", text[: match.start()]):
        return text[: match.start()].rstrip()
    return None


def _unreadable(original: str) -> InvalidRange:
    return InvalidRange(_("无法识别的范围“%(text)s”") % {"text": original})


def _range_unit(text: str | None, original: str) -> Unit | None:
    text = (text or "").strip()
    if not text:
        return None
    if re.match(r"[0-9~+\-]", text) or "~" in text:
        raise _unreadable(original)
    return parse_unit(text)


def _parse_core(text: str, original: str) -> Range:
    """Two ends, one end open, ``±v`` or a single value (no ≤/以上 wording)."""
    if match := _SYMMETRIC.fullmatch(text):
        value = abs(_to_float(match["v"]))
        return Range(-value, value, _range_unit(match["u"], original), original)
    if match := _TWO_ENDS.fullmatch(text):
        low, high = _to_float(match["lo"]), _to_float(match["hi"])
        low_unit = _range_unit(match["lu"], original)
        high_unit = _range_unit(match["hu"], original)
        if low_unit and high_unit and low_unit != high_unit:
            if low_unit.dimension != high_unit.dimension:
                raise InvalidRange(
                    _("范围两端的单位 %(a)s 与 %(b)s 量纲不同")
                    % {"a": low_unit.symbol, "b": high_unit.symbol}
                )
            low = convert(low, low_unit, high_unit)
        return Range(low, high, high_unit or low_unit, original)
    if match := _OPEN_START.fullmatch(text):
        return Range(None, _to_float(match["v"]), _range_unit(match["u"], original), original)
    if match := _OPEN_END.fullmatch(text):
        unit_text = (match["u"] or "").strip() or (match["u2"] or "").strip()
        return Range(_to_float(match["v"]), None, _range_unit(unit_text, original), original)
    if match := _ONE_VALUE.fullmatch(text):
        value = _to_float(match["v"])
        return Range(value, value, _range_unit(match["u"], original), original)
    raise _unreadable(original)


def _parse_bounded(text: str, original: str) -> Range:
    bound = _PREFIX_BOUND.fullmatch(text) or _SUFFIX_BOUND.fullmatch(text)
    if not bound:
        return _parse_core(text, original)
    inner = _parse_core(bound["rest"].strip(), original)
    if inner.low != inner.high:  # "0~60MPa以内": the wording adds nothing to two ends
        return inner
    if bound["most"]:
        return Range(None, inner.high, inner.unit, original)
    return Range(inner.low, None, inner.unit, original)


def parse_range(text: str) -> Range:
    """A measuring range as written in scopes and requests.

    ``0-60MPa``, ``0～60 MPa``, ``(0~200)℃``, ``-40 ~ +150℃``, ``−40—150℃`` → both bounds;
    ``≤60MPa``, ``60兆帕以下``/``以内`` → no lower bound; ``≥10 kN``, ``10kN以上``, ``大于10 kN``
    → no upper bound (bounds are inclusive either way); ``1.6 MPa`` → [1.6, 1.6]; ``±10 V`` →
    [-10, 10]; ``0.5 kg - 50 t`` → both ends in the upper end's unit; a trailing remark in
    brackets (``(表压)``) is ignored, a leading label (``测量范围：``) too. No unit at all gives
    a dimensionless range (counts).

    Raises InvalidRange (unreadable, lower bound above upper, ends of different dimensions)
    or UnknownUnit.
    """
    original = (text or "").strip() if isinstance(text, str) else ""
    if not original:
        raise InvalidRange(_("范围不能为空"))
    if len(original) > MAX_RANGE_LENGTH:
        raise InvalidRange(_("范围过长（最多%(max)d个字符）") % {"max": MAX_RANGE_LENGTH})
    cleaned: str | None = _clean_range_text(original)
    if not re.search(r"[0-9]", cleaned or ""):
        raise InvalidRange(_("范围“%(text)s”中没有数值") % {"text": original})
    # Try the whole text first — "dB(A)" and "(0~60)(MPa)" end in brackets that belong to the
    # unit — then without each trailing remark in turn; report the last attempt's error.
    error: DomainError = _unreadable(original)
    while cleaned:
        try:
            return _parse_bounded(cleaned, original)
        except (InvalidRange, UnknownUnit) as exc:
            error = exc
        cleaned = _without_remark(cleaned)
    raise error


def make_range(low: str | float | None, high: str | float | None, unit: str | None) -> Range:
    """A range from import columns (``range_min``, ``range_max``, ``unit``); an empty bound is
    unbounded, an empty unit means a dimensionless range.

    Raises InvalidRange (a bound that is not a number, lower above upper) or UnknownUnit.
    """
    low_value, high_value = parse_number(low), parse_number(high)
    parsed_unit = parse_unit(unit) if unit is not None and unit.strip() else None
    made = Range(low_value, high_value, parsed_unit)
    return replace(made, text=str(made))
