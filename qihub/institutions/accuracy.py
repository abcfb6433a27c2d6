"""Accuracy and uncertainty of a capability line or a service request, and how to compare them.

Pure functions, no database. :func:`parse_accuracy` reads what laboratories and enterprises write
in the "uncertainty" column — ``U=0.05%FS (k=2)``, ``Urel=1.2×10⁻³``, ``U=0.3℃, k=2``,
``MPE: ±0.1%``, ``最大允许误差 ±0.02 mm``, ``1.6级``, ``E2级``, ``二等``, ``U≤0.1℃``,
``U=(0.5+0.01L)μm`` — into an :class:`Accuracy`, keeping the original text.
:func:`at_least_as_good` tells whether an offered accuracy satisfies a required one, or returns
None when that cannot be said honestly (the matcher then shows "精度需人工确认").

Kinds (:class:`AccuracyKind`):

- ``RELATIVE`` — a percentage of the reading (``Urel=0.1%``, ``0.1%``, ``2×10⁻⁶``, ``5 ppm``);
  ``value`` is in percent.
- ``FULL_SCALE`` — a percentage of the instrument's full scale (``0.05%FS``); ``value`` in percent.
- ``ABSOLUTE`` — a value in a unit (``U=0.3℃``, ``±0.5℃``); ``unit`` is the canonical symbol.
- ``MPE`` — a maximum permissible error (``MPE: ±0.1%``, ``最大允许误差 ±0.02 mm``), either a
  percentage (``relative=True``) or a value in ``unit``.
- ``CLASS`` — an accuracy class: a number (``1.6级`` → 1.6) or a label (``E2``, ``二等``, ``一级``).
- ``FORMULA`` — a length-dependent expression (``(0.5+0.01L)μm``), kept but never compared.

A range of figures (``Urel=0.5%~2%``) keeps the largest one, the figure the whole scope can
promise. The coverage factor (``k=2``) is kept in ``k`` but does not enter comparisons.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import to_halfwidth
from qihub.core.units import (
    IncompatibleUnits,
    Range,
    UnknownUnit,
    convert,
    parse_unit,
    values_close,
)

__all__ = [
    "Accuracy",
    "AccuracyKind",
    "InvalidAccuracy",
    "at_least_as_good",
    "full_scale_magnitude",
    "parse_accuracy",
]

MAX_ACCURACY_LENGTH = 200


class InvalidAccuracy(DomainError):
    code = "accuracy_invalid"


class AccuracyKind(StrEnum):
    RELATIVE = "relative"
    FULL_SCALE = "full_scale"
    ABSOLUTE = "absolute"
    CLASS = "class"
    MPE = "mpe"
    FORMULA = "formula"


@dataclass(frozen=True)
class Accuracy:
    """One accuracy figure; ``text`` is always what was typed."""

    kind: AccuracyKind
    value: float | None
    unit: str | None
    relative: bool = False
    k: float | None = None
    label: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict (stored in the capability line's JSON column)."""
        return {
            "kind": self.kind.value,
            "value": self.value,
            "unit": self.unit,
            "relative": self.relative,
            "k": self.k,
            "label": self.label,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Accuracy:
        """The inverse of :meth:`as_dict`. Raises InvalidAccuracy for a malformed dict."""
        try:
            kind = AccuracyKind(str(data["kind"]))
            value = _optional_float(data.get("value"))
            k = _optional_float(data.get("k"))
            unit = data.get("unit")
            if unit is not None and not isinstance(unit, str):
                raise TypeError(unit)
            return cls(
                kind=kind,
                value=value,
                unit=unit,
                relative=bool(data.get("relative", False)),
                k=k,
                label=str(data.get("label") or ""),
                text=str(data.get("text") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise InvalidAccuracy(_("精度数据格式不对")) from None

    @property
    def is_numeric_class(self) -> bool:
        return self.kind is AccuracyKind.CLASS and self.value is not None

    def __str__(self) -> str:
        return self.text or _describe(self)


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _describe(accuracy: Accuracy) -> str:
    value = "" if accuracy.value is None else _fmt(accuracy.value)
    match accuracy.kind:
        case AccuracyKind.RELATIVE:
            return f"Urel={value}%"
        case AccuracyKind.FULL_SCALE:
            return f"{value}%FS"
        case AccuracyKind.ABSOLUTE:
            return f"U={value}{accuracy.unit or ''}"
        case AccuracyKind.MPE:
            return f"MPE ±{value}{'%' if accuracy.relative else accuracy.unit or ''}"
        case AccuracyKind.CLASS:
            return accuracy.label or f"{value}级"
    return ""


# --- parsing ---------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_NUMBER = (
    r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:\s*[×xX*]\s*10\s*(?:\^|\*\*)?\s*[+-]?[0-9]+|[eE][+-]?[0-9]+)?"
)
_POWER = re.compile(r"\s*[×xX*]\s*10\s*(?:\^|\*\*)?\s*")
_K = re.compile(r"[,;，；、]?\s*[(\[]?\s*k\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*[)\]]?", re.I)
# Words before the figure, longest first; each may be followed by ":", "=", "≤" or "<".
_MPE_WORDS = r"最大允许示值误差|最大允许误差|允许误差|示值误差|MPE|MPEV"
_RELATIVE_WORDS = r"相对扩展不确定度|相对不确定度|U95rel|Urel|U_rel|Ur|urel"
_CLASS_WORDS = r"准确度等级|精度等级|准确度级别|等级|级别|class|cl\.?"
_PLAIN_WORDS = r"扩展不确定度|测量不确定度|不确定度|准确度|精度|U95|U|u"
_PREFIX = re.compile(
    rf"^(?:(?P<mpe>{_MPE_WORDS})|(?P<rel>{_RELATIVE_WORDS})|(?P<cls>{_CLASS_WORDS})"
    rf"|(?P<plain>{_PLAIN_WORDS}))\s*(?:[:=≤<]|<=|≦|不大于|不超过|为)?\s*",
    re.I,
)
_AT_MOST = re.compile(r"^(?:≤|<=|≦|<|不大于|不超过)\s*")  # a request: "≤0.1%"
_FIGURE = re.compile(rf"^(?P<pm>±|\+/-|\+-)?\s*(?P<num>{_NUMBER})\s*(?P<suffix>.*)$")
_FULL_SCALE = re.compile(r"^%\s*(?:of\s*)?(?:F\.?S\.?|满量程|满度|量程|FSO)$", re.I)
_READING = re.compile(r"^%\s*(?:of\s*)?(?:RD|rdg|reading|读数|示值)?$", re.I)
_CLASS_SUFFIX = re.compile(r"^(?:级|class)$", re.I)
_LABEL = re.compile(r"^(?P<label>[EFM][0-9](?:-[0-9])?|[K])\s*(?:级|等级|class)?$", re.I)
_CHINESE_RANK = re.compile(r"^(?P<num>[一二三四五六七八九十]|[0-9]{1,2})\s*(?P<rank>等|级)$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:~|至|到)\s*")
# A term proportional to the measured length or diameter: "0.01L", "2×10⁻⁶L", "10^-6·D".
_FORMULA_TERM = re.compile(r"[0-9.)][·×*]?\s*[LlDd](?=\s*(?:$|[)\]+,;]))")
_PLUS = re.compile(r"(?<![eE^])\+")
_CHINESE_NUMERALS = "一二三四五六七八九十"


def _invalid(text: str) -> InvalidAccuracy:
    return InvalidAccuracy(
        _("无法识别的精度“%(text)s”，示例：U=0.05%%FS (k=2)、Urel=0.1%%、U=0.3℃、MPE ±0.1%%、0.4级")
        % {"text": text}
    )


def _normalise(text: str) -> str:
    # Powers of ten written with superscripts (10⁻³) become 10^-3 before NFKC would turn them
    # into plain digits (10-3 reads the same, 10³ would read as 103).
    text = re.sub(r"10([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "10^" + m[1].translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", to_halfwidth(text))
    text = re.sub("[\u2212\ufe63\u2010\u2011]", "-", text)
    text = text.replace("～", "~").replace("〜", "~")
    text = re.sub(r"[\u2012-\u2015]+", "~", text)
    return re.sub(r"\s+", " ", text).strip()


def _to_float(token: str) -> float:
    return float(_POWER.sub("e", token.replace(" ", "")))


def _strip_brackets(text: str) -> str:
    while len(text) > 2 and text[0] + text[-1] in {"()", "[]"}:
        text = text[1:-1].strip()
    return text


def parse_accuracy(text: str, *, default_unit: str | None = None) -> Accuracy:
    """Read an accuracy or uncertainty as typed. ``default_unit`` is used for a bare absolute
    figure with no unit (``U=0.5`` in a scope whose range is in MPa).

    Raises InvalidAccuracy for empty text, garbage, zero or negative figures and unknown units.
    """
    original = (text or "").strip() if isinstance(text, str) else ""
    if not original:
        raise InvalidAccuracy(_("精度不能为空"))
    if len(original) > MAX_ACCURACY_LENGTH:
        raise InvalidAccuracy(_("精度过长（最多%(max)d个字符）") % {"max": MAX_ACCURACY_LENGTH})
    body = _normalise(original)

    k: float | None = None
    if match := _K.search(body):
        k = float(match[1])
        body = (body[: match.start()] + body[match.end() :]).strip(" ,;，；")

    mpe = relative_word = class_word = False
    while match := _PREFIX.match(body):
        if not match.group(0).strip() or match.end() == 0:
            break
        mpe = mpe or bool(match["mpe"])
        relative_word = relative_word or bool(match["rel"])
        class_word = class_word or bool(match["cls"])
        rest = body[match.end() :]
        # "U" or "u" alone is a prefix only when a figure follows, not the start of "um".
        if match["plain"] in {"U", "u"} and rest[:1].isalpha() and not rest.startswith("("):
            break
        body = rest.strip()
    body = _AT_MOST.sub("", body.strip(" :：="), count=1).strip()
    if not body:
        raise _invalid(original)

    if _PLUS.search(body.lstrip("+±")) or _FORMULA_TERM.search(body):
        return Accuracy(AccuracyKind.FORMULA, None, None, k=k, text=original)

    if label := _class_label(body):
        return Accuracy(AccuracyKind.CLASS, None, None, k=k, label=label, text=original)

    value, suffix, scientific = _figure(body, original)
    return _classify(
        value,
        suffix,
        scientific=scientific,
        original=original,
        k=k,
        mpe=mpe,
        relative_word=relative_word,
        class_word=class_word,
        default_unit=default_unit,
    )


def _class_label(body: str) -> str:
    """``E2``/``F1``/``M1-2``/``K`` (weights, gauge blocks) or ``二等``/``一级``; "" otherwise."""
    if match := _LABEL.fullmatch(body):
        return match["label"].upper()
    if match := _CHINESE_RANK.fullmatch(body):
        number = match["num"]
        if number.isdigit():
            if not 1 <= int(number) <= len(_CHINESE_NUMERALS):
                return ""
            if match["rank"] == "级":  # "1级" is a numeric class, like "0.4级"
                return ""
            number = _CHINESE_NUMERALS[int(number) - 1]
        return f"{number}{match['rank']}"
    return ""


def _figure(body: str, original: str) -> tuple[float, str, bool]:
    """The figure (the largest of a range), the text after it, and whether it was written as a
    power of ten (1.2×10⁻³, 1.2e-3)."""
    body = body.strip()
    # "(0.1~0.5)%" — a bracketed figure or range with the suffix outside.
    bracketed = re.fullmatch(r"\((?P<inner>[^()]*)\)\s*(?P<suffix>.*)", body)
    parts: list[str]
    common_suffix = ""
    if bracketed:
        parts = _RANGE_SEPARATOR.split(bracketed["inner"].strip())
        common_suffix = bracketed["suffix"].strip()
    else:
        parts = _RANGE_SEPARATOR.split(body)
    if len(parts) > 2:
        raise _invalid(original)
    values: list[float] = []
    suffixes: list[str] = []
    for part in parts:
        match = _FIGURE.fullmatch(part.strip())
        if not match:
            raise _invalid(original)
        values.append(_to_float(match["num"]))
        suffixes.append(match["suffix"].strip())
    suffix = common_suffix or suffixes[-1]
    if any(s and s != suffix for s in suffixes[:-1]) and not common_suffix:
        # "0.1%~0.5 mm": the two ends do not describe the same kind of figure.
        raise _invalid(original)
    if common_suffix and any(suffixes):
        raise _invalid(original)
    scientific = any(re.search(r"[eE×xX*]", part) for part in parts)
    return max(values), _strip_brackets(suffix), scientific


def _classify(
    value: float,
    suffix: str,
    *,
    scientific: bool,
    original: str,
    k: float | None,
    mpe: bool,
    relative_word: bool,
    class_word: bool,
    default_unit: str | None,
) -> Accuracy:
    if not math.isfinite(value):
        raise _invalid(original)
    compact = suffix.replace(" ", "")

    if _CLASS_SUFFIX.fullmatch(compact) or (class_word and not compact):
        return Accuracy(AccuracyKind.CLASS, value, None, k=k, text=original)
    if value <= 0:
        raise InvalidAccuracy(_("精度“%(text)s”应大于0") % {"text": original})
    if _FULL_SCALE.fullmatch(compact):
        return Accuracy(AccuracyKind.FULL_SCALE, value, None, k=k, text=original)
    if _READING.fullmatch(compact):
        kind = AccuracyKind.MPE if mpe else AccuracyKind.RELATIVE
        return Accuracy(kind, value, None, relative=mpe, k=k, text=original)
    if compact.lower() == "ppm":
        kind = AccuracyKind.MPE if mpe else AccuracyKind.RELATIVE
        return Accuracy(kind, value * 1e-4, None, relative=mpe, k=k, text=original)
    if not compact:
        if relative_word or scientific:
            # Urel=1.2×10⁻³ is a fraction: 0.12 %.
            kind = AccuracyKind.MPE if mpe else AccuracyKind.RELATIVE
            return Accuracy(kind, value * 100.0, None, relative=mpe, k=k, text=original)
        unit_symbol = _unit_symbol(default_unit, original) if default_unit else None
        kind = AccuracyKind.MPE if mpe else AccuracyKind.ABSOLUTE
        return Accuracy(kind, value, unit_symbol, k=k, text=original)
    if relative_word:
        # "Urel=0.1 mm" says relative and gives a unit: contradictory.
        raise _invalid(original)
    kind = AccuracyKind.MPE if mpe else AccuracyKind.ABSOLUTE
    return Accuracy(kind, value, _unit_symbol(compact, original), k=k, text=original)


def _unit_symbol(text: str, original: str) -> str:
    try:
        return parse_unit(text).symbol
    except UnknownUnit:
        raise InvalidAccuracy(
            _("精度“%(text)s”中的单位“%(unit)s”无法识别") % {"text": original, "unit": text}
        ) from None


# --- comparing -------------------------------------------------------------------------------

# Ladders of class labels, best first. Only labels on the same ladder compare.
_LADDERS: tuple[tuple[str, ...], ...] = (
    ("E1", "E2", "F1", "F2", "M1", "M1-2", "M2", "M2-3", "M3"),  # weights, OIML R 111 / JJG 99
    tuple(f"{n}等" for n in _CHINESE_NUMERALS),  # 一等 (best) … standards of a verification scheme
    tuple(f"{n}级" for n in _CHINESE_NUMERALS),  # 一级 (best) …
)

_RELATIVE_GROUP = "relative"  # a percentage of the reading
_ABSOLUTE_GROUP = "absolute"  # a value in a unit
_FULL_SCALE_GROUP = "full_scale"  # a percentage of the full scale (numeric classes included)


def _group(accuracy: Accuracy) -> str | None:
    if accuracy.kind is AccuracyKind.RELATIVE:
        return _RELATIVE_GROUP
    if accuracy.kind is AccuracyKind.MPE:
        return _RELATIVE_GROUP if accuracy.relative else _ABSOLUTE_GROUP
    if accuracy.kind is AccuracyKind.ABSOLUTE:
        return _ABSOLUTE_GROUP
    if accuracy.kind is AccuracyKind.FULL_SCALE or accuracy.is_numeric_class:
        return _FULL_SCALE_GROUP
    return None  # formulas, class labels


def full_scale_magnitude(capability_range: Range) -> float | None:
    """The full scale of a capability range as ``at_least_as_good`` wants it: the largest
    ``|bound|`` times the unit's factor (an interval in base units, so 0–60 ℃ gives 60, not
    333.15). None for a range unbounded on either side."""
    magnitudes = capability_range.magnitudes()
    if magnitudes is None:
        return None
    factor = capability_range.unit.factor if capability_range.unit else 1.0
    return magnitudes[1] * factor


def _at_most(a: float, b: float) -> bool:
    return a <= b or values_close(a, b)


def _compare_labels(offered: Accuracy, required: Accuracy) -> bool | None:
    if not offered.label or not required.label:
        return None  # a label against a number: no honest answer
    if offered.label == required.label:
        return True
    for ladder in _LADDERS:
        if offered.label in ladder and required.label in ladder:
            return ladder.index(offered.label) <= ladder.index(required.label)
    return None


def _absolute_in_base(accuracy: Accuracy, dimension: str | None) -> float | None:
    """An absolute figure as an interval in the base unit of ``dimension``; None when its unit
    is of another dimension (or missing while the range has one)."""
    if accuracy.value is None:
        return None
    if accuracy.unit is None:
        return accuracy.value if dimension is None else None
    try:
        unit = parse_unit(accuracy.unit)
    except UnknownUnit:
        return None
    if unit.dimension != dimension:
        return None
    return accuracy.value * unit.factor


def _offered_in_base(
    offered: Accuracy, over: Range, offered_full_scale: float | None
) -> float | None:
    """The largest error the offer allows anywhere in the requested range (base units)."""
    group = _group(offered)
    if group == _ABSOLUTE_GROUP:
        return _absolute_in_base(offered, over.dimension)
    magnitudes = over.magnitudes()
    if offered.value is None or magnitudes is None:
        return None
    if group == _FULL_SCALE_GROUP:
        if offered_full_scale is None:
            return None
        return offered.value / 100.0 * offered_full_scale
    factor = over.unit.factor if over.unit else 1.0
    return offered.value / 100.0 * magnitudes[1] * factor  # relative: worst at the top


def _required_in_base(required: Accuracy, over: Range) -> float | None:
    """The smallest error the request allows anywhere in the requested range (base units)."""
    group = _group(required)
    if group == _ABSOLUTE_GROUP:
        return _absolute_in_base(required, over.dimension)
    magnitudes = over.magnitudes()
    if required.value is None or magnitudes is None:
        return None
    smallest, largest = magnitudes
    factor = over.unit.factor if over.unit else 1.0
    if group == _FULL_SCALE_GROUP or smallest == 0.0:
        # A range from zero is specified against its full scale: "0–40 MPa, 0.1 %" is 0.04 MPa.
        return required.value / 100.0 * largest * factor
    return required.value / 100.0 * smallest * factor


def at_least_as_good(
    offered: Accuracy,
    required: Accuracy,
    *,
    over: Range | None = None,
    offered_full_scale: float | None = None,
) -> bool | None:
    """Whether ``offered`` (a capability's accuracy) satisfies ``required`` (a request's).

    Smaller is better. True/False when the figures can be compared honestly, None otherwise
    (the caller shows "精度需人工确认"; this function never guesses True). The rules:

    1. A ``FORMULA`` on either side → None.
    2. Class labels compare only with labels: equal labels → True; labels on one known ladder
       (weights E1 < E2 < F1 < F2 < M1 …; 一等 < 二等 …; 一级 < 二级 …) → by rank; otherwise
       None. A label against a number → None.
    3. Figures of the same group compare directly, without a range:
       - percentages of the reading (``RELATIVE``, relative ``MPE``): offered % ≤ required %;
       - absolute values (``ABSOLUTE``, absolute ``MPE``): converted to one unit as intervals
         (0.5 ℃ = 0.5 K); different dimensions or a missing unit → None;
       - full-scale figures (``FULL_SCALE`` and numeric ``CLASS`` — a 1.6级 gauge ≈ ±1.6 %FS):
         when ``over`` and ``offered_full_scale`` are both known, as absolute values (rule 4);
         otherwise the percentages, the same convention as comparing class indices.
    4. Otherwise both sides are turned into absolute values over ``over`` (the requested range,
       whose dimension the absolute figures must share), in base units:
       - offered ``FULL_SCALE``/numeric ``CLASS``: pct/100 × ``offered_full_scale`` (the
         capability's full scale in base units, see :func:`full_scale_magnitude`; without it,
         None);
       - offered percentage of reading: pct/100 × the largest |value| of ``over`` (its worst
         point);
       - required percentage of reading: pct/100 × the smallest |value| of ``over`` (the
         hardest point), except that a range from zero (0–40 MPa) is specified against its
         full scale, so pct/100 × the largest |value|;
       - required ``FULL_SCALE``/numeric ``CLASS``: pct/100 × the largest |value| of ``over``;
       - absolute figures: converted to base units as intervals.
       Offered ≤ required (relative tolerance 1e-9) → True, else False; anything missing
       (no ``over``, unbounded range, no full scale, unit of another dimension) → None.

    DESIGN's example: a capability of 0–60 MPa with U = 0.05 %FS offers 0.05 % × 60 MPa =
    0.03 MPa; a request for 0–40 MPa at 0.1 % allows 0.1 % × 40 MPa = 0.04 MPa, so True.
    The coverage factor ``k`` is not used, nor is a test-uncertainty ratio applied.
    """
    if AccuracyKind.FORMULA in (offered.kind, required.kind):
        return None
    if offered.label or required.label:
        return _compare_labels(offered, required)
    offered_group, required_group = _group(offered), _group(required)
    if offered_group is None or required_group is None:
        return None
    if offered.value is None or required.value is None:
        return None

    if offered_group == required_group == _RELATIVE_GROUP:
        return _at_most(offered.value, required.value)
    if offered_group == required_group == _ABSOLUTE_GROUP:
        if offered.unit is None or required.unit is None:
            if offered.unit != required.unit:
                return None  # one figure has a unit, the other none
            return _at_most(offered.value, required.value)
        try:
            offered_value = convert(offered.value, offered.unit, required.unit, difference=True)
        except (IncompatibleUnits, UnknownUnit):
            return None
        return _at_most(offered_value, required.value)
    if offered_group == required_group == _FULL_SCALE_GROUP and (
        over is None or offered_full_scale is None
    ):
        return _at_most(offered.value, required.value)

    if over is None:
        return None
    offered_base = _offered_in_base(offered, over, offered_full_scale)
    required_base = _required_in_base(required, over)
    if offered_base is None or required_base is None:
        return None
    return _at_most(offered_base, required_base)
