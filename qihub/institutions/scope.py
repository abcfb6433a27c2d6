"""Reading one capability line as an institution's scope table gives it, into structured data.

``read_capability(row, lookups)`` checks a row of the capabilities import
(``org_uscc,qualification_no,kind,field,object,parameter,standard,range_min,range_max,unit,
uncertainty,restriction,price_cny,turnaround_days``) against compact lookups loaded once
(``ScopeLookups.load``) and returns a ``CapabilityData`` ready for ``services.upsert_capabilities``.

Structurally wrong rows are refused with every problem found (an unknown organisation, a
qualification of another organisation, a kind outside the list, a non-numeric range or one with
min > max, a missing unit for a range). What is merely not understood is kept and flagged: a
field the taxonomy does not know, a unit the platform cannot convert (the range is kept as
typed, without base values, so it never satisfies a ranged request), uncertainty text that does
not parse, a standard code the catalogue does not know (or cannot even read).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.accounts.querysets import INSTITUTION_KINDS
from qihub.core.errors import DomainError
from qihub.core.search import segment
from qihub.core.text import normalise_text
from qihub.core.units import make_range, parse_unit
from qihub.institutions.accuracy import parse_accuracy
from qihub.institutions.errors import InvalidCapability
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.numbers import QualificationType, normalise_qualification_number
from qihub.reference.models import Field
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.models import Standard

COLUMNS = (
    "org_uscc",
    "qualification_no",
    "kind",
    "field",
    "object",
    "parameter",
    "standard",
    "range_min",
    "range_max",
    "unit",
    "uncertainty",
    "restriction",
    "price_cny",
    "turnaround_days",
)
REQUIRED_COLUMNS = ("org_uscc", "qualification_no", "kind", "object")
MAX_STANDARDS = 30
MAX_TURNAROUND_DAYS = 3650
MAX_PRICE = Decimal("9999999999.99")

Kind = CapabilityLine.Kind
# What a line of each kind may hang on. Service lines (standardisation and other technical
# services) need no qualification at all.
QUALIFICATION_TYPES_FOR_KIND: dict[str, frozenset[str]] = {
    Kind.TEST: frozenset(
        {QualificationType.CMA, QualificationType.CNAS_L, QualificationType.SE_INSPECTION}
    ),
    Kind.CALIBRATION: frozenset(
        {QualificationType.CNAS_L, QualificationType.METROLOGY_AUTH, QualificationType.CMA}
    ),
    Kind.VERIFICATION: frozenset({QualificationType.METROLOGY_AUTH}),
    Kind.CERTIFICATION: frozenset({QualificationType.CNCA_CB, QualificationType.CNAS_C}),
    Kind.SERVICE: frozenset(),
}
KIND_ALIASES: dict[str, str] = {
    **{kind.value: kind.value for kind in Kind},
    "检验检测": Kind.TEST,
    "检验": Kind.TEST,
    "检测": Kind.TEST,
    "检验/检测": Kind.TEST,
    "校准": Kind.CALIBRATION,
    "检定": Kind.VERIFICATION,
    "认证": Kind.CERTIFICATION,
    "技术服务": Kind.SERVICE,
    "服务": Kind.SERVICE,
}
_CODE_SEPARATORS = re.compile(r"[;；、,，\n]+")
_PARENTHESISED = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class CitedStandard:
    """One method standard as a line cites it, resolved against the catalogue."""

    code: str  # canonical when readable, else the text as typed
    base_code: str
    year: int | None
    standard_id: int | None = None  # the exact edition, when a year was given and is known
    is_known: bool = False
    in_force: bool = True  # False: the edition (or, without a year, every edition) is out of force


@dataclass(frozen=True)
class CapabilityData:
    """One capability line, checked and resolved; what ``upsert_capabilities`` writes."""

    organisation_id: int
    qualification_id: int | None
    natural_key: str
    kind: str
    object: str
    parameter: str = ""
    field_id: int | None = None
    field_text: str = ""
    standards: tuple[CitedStandard, ...] = ()
    range_min: float | None = None
    range_max: float | None = None
    range_text: str = ""
    unit: str = ""
    dimension: str = ""
    range_min_base: float | None = None
    range_max_base: float | None = None
    uncertainty_text: str = ""
    accuracy: dict[str, Any] | None = None
    restriction: str = ""
    price_cny: Decimal | None = None
    turnaround_days: int | None = None
    search_text: str = ""

    @property
    def standards_text(self) -> str:
        return "; ".join(s.code for s in self.standards)[:1000]

    @property
    def standards_flag(self) -> str:
        if any(s.is_known and not s.in_force for s in self.standards):
            return CapabilityLine.StandardsFlag.OUT_OF_FORCE
        if any(not s.is_known for s in self.standards):
            return CapabilityLine.StandardsFlag.UNKNOWN_CODE
        return CapabilityLine.StandardsFlag.NONE

    @property
    def accuracy_kind(self) -> str:
        return str(self.accuracy.get("kind") or "") if self.accuracy else ""

    @property
    def accuracy_value(self) -> float | None:
        value = self.accuracy.get("value") if self.accuracy else None
        return float(value) if isinstance(value, int | float) else None

    @property
    def is_flagged(self) -> bool:
        return (
            self.standards_flag != CapabilityLine.StandardsFlag.NONE
            or (bool(self.field_text) and self.field_id is None)
            or (bool(self.uncertainty_text) and self.accuracy is None)
            or (bool(self.unit) and not self.dimension)
        )

    def line_values(self) -> dict[str, Any]:
        """The CapabilityLine columns this data sets (everything but keys and timestamps)."""
        return {
            "qualification_id": self.qualification_id,
            "kind": self.kind,
            "field_id": self.field_id,
            "field_text": self.field_text,
            "object": self.object,
            "parameter": self.parameter,
            "standards_text": self.standards_text,
            "range_text": self.range_text,
            "range_min": self.range_min,
            "range_max": self.range_max,
            "unit": self.unit,
            "dimension": self.dimension,
            "range_min_base": self.range_min_base,
            "range_max_base": self.range_max_base,
            "uncertainty_text": self.uncertainty_text,
            "accuracy": self.accuracy,
            "accuracy_kind": self.accuracy_kind,
            "accuracy_value": self.accuracy_value,
            "restriction": self.restriction,
            "price_cny": self.price_cny,
            "turnaround_days": self.turnaround_days,
            "search_text": self.search_text,
            "standards_flag": self.standards_flag,
            "is_flagged": self.is_flagged,
        }


def natural_key(
    *, uscc: str, qualification_number: str, kind: str, object: str, parameter: str, codes: Any
) -> str:
    """sha1 of the normalised (organisation, qualification, kind, object, parameter, standard
    codes): how a re-import finds the line it updates instead of adding a duplicate."""
    parts = [
        uscc,
        qualification_number,
        kind,
        normalise_text(object).casefold(),
        normalise_text(parameter).casefold(),
        ";".join(sorted(set(codes))),
    ]
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


@dataclass
class QualificationRef:
    id: int
    organisation_id: int
    type: str
    number: str


@dataclass
class ScopeLookups:
    """Compact lookups loaded once per import: never the file, never whole model rows.

    ``catalogue`` maps a canonical code to (id, in force); ``bases`` maps a base code to
    whether any edition of it is in force. 300,000 standards fit comfortably.
    """

    institutions: dict[str, int] = field(default_factory=dict)
    qualifications: dict[str, QualificationRef] = field(default_factory=dict)
    fields_by_code: dict[str, int] = field(default_factory=dict)
    fields_by_name: dict[str, int] = field(default_factory=dict)
    field_names: dict[int, str] = field(default_factory=dict)
    catalogue: dict[str, tuple[int, bool]] = field(default_factory=dict)
    bases: dict[str, bool] = field(default_factory=dict)
    only_organisation: Organisation | None = None
    _numbers: dict[str, QualificationRef | None] = field(default_factory=dict)

    @classmethod
    def load(cls, *, organisation: Organisation | None = None) -> ScopeLookups:
        """Everything ``read_capability`` needs; with ``organisation``, rows of any other
        organisation are refused (an institution uploading its own scope)."""
        lookups = cls(only_organisation=organisation)
        institutions = Organisation.objects.filter(kind__in=INSTITUTION_KINDS)
        qualifications = Qualification.objects.all()
        if organisation is not None:
            institutions = institutions.filter(pk=organisation.pk)
            qualifications = qualifications.filter(organisation=organisation)
        lookups.institutions = dict(institutions.values_list("uscc", "id").iterator())
        for pk, organisation_id, type, number in qualifications.values_list(
            "id", "organisation_id", "type", "number"
        ).iterator():
            lookups.qualifications[number] = QualificationRef(pk, organisation_id, type, number)
        for pk, code, name in Field.objects.values_list("id", "code", "name_zh"):
            lookups.fields_by_code[code.upper()] = pk
            lookups.field_names[pk] = name
            lookups.fields_by_name.setdefault(normalise_text(name), pk)
            short = normalise_text(_PARENTHESISED.sub("", name))
            if short:
                lookups.fields_by_name.setdefault(short, pk)
        current = Standard.Status.CURRENT
        for pk, code, base, status in Standard.objects.values_list(
            "id", "code", "base_code", "status"
        ).iterator(chunk_size=5000):
            in_force = status == current
            lookups.catalogue[code] = (pk, in_force)
            lookups.bases[base] = lookups.bases.get(base, False) or in_force
        return lookups

    def qualification(self, text: str) -> QualificationRef | None:
        """The qualification a number names, in any of the spellings its type accepts."""
        if text in self._numbers:
            return self._numbers[text]
        found = self.qualifications.get(normalise_text(text))
        if found is None:
            for type in QualificationType:
                try:
                    canonical = normalise_qualification_number(type, text)
                except DomainError:
                    continue
                found = self.qualifications.get(canonical)
                if found is not None:
                    break
        self._numbers[text] = found
        return found

    def cite(self, text: str) -> CitedStandard:
        parsed = _parse_code(text)
        if parsed is None:
            raw = normalise_text(text)[:100]
            return CitedStandard(code=raw, base_code=raw, year=None)
        code, base, year = parsed
        if year is not None:
            known = self.catalogue.get(code)
            if known is None:
                return CitedStandard(code=code, base_code=base, year=year)
            return CitedStandard(code, base, year, known[0], True, known[1])
        if base not in self.bases:
            return CitedStandard(code=code, base_code=base, year=None)
        return CitedStandard(code, base, None, None, True, self.bases[base])


@lru_cache(maxsize=50_000)
def _parse_code(text: str) -> tuple[str, str, int | None] | None:
    try:
        code = parse_standard_code(text)
    except InvalidStandardCode:
        return None
    return code.canonical, code.base, code.year


@lru_cache(maxsize=100_000)
def _segment(text: str) -> str:
    # Scope tables repeat the same objects and parameters thousands of times.
    return segment(text)


def _number(text: str, column: str, errors: list[tuple[str, str]]) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text.replace("−", "-"))
    except ValueError:
        errors.append((column, _("“%(value)s”不是数字") % {"value": text}))
        return None
    if not math.isfinite(value):
        errors.append((column, _("“%(value)s”不是有限的数字") % {"value": text}))
        return None
    return value


def _range_text(low: str, high: str, unit: str) -> str:
    low, high = low.strip(), high.strip()
    if low and high:
        text = low if low == high else f"{low}~{high}"
    elif low:
        text = f"≥{low}"
    elif high:
        text = f"≤{high}"
    else:
        return ""
    return f"{text} {unit}".strip()


@lru_cache(maxsize=20_000)
def _accuracy(text: str) -> dict[str, Any] | None:
    """The structured accuracy as JSON data (shared between rows: never mutate it)."""
    if not text:
        return None
    try:
        accuracy = parse_accuracy(text)
    except DomainError:
        return None  # kept as text and flagged, never refused
    # JSON-safe and comparable with what the database returns.
    data: dict[str, Any] = json.loads(json.dumps(accuracy.as_dict(), default=str))
    return data


def _price(text: str, errors: list[tuple[str, str]]) -> Decimal | None:
    text = text.strip().replace(",", "").removeprefix("¥").removesuffix("元").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(("price_cny", _("价格“%(value)s”不是数字") % {"value": text}))
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        errors.append(("price_cny", _("价格“%(value)s”超出范围") % {"value": text}))
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.append(("price_cny", _("价格最多两位小数")))
        return None
    return value.quantize(Decimal("0.01"))


def _days(text: str, errors: list[tuple[str, str]]) -> int | None:
    text = text.strip()
    digits = text.removesuffix("天").strip()
    if not digits:
        return None
    if not digits.isascii() or not digits.isdigit() or int(digits) > MAX_TURNAROUND_DAYS:
        errors.append(
            (
                "turnaround_days",
                _("周期“%(value)s”应为 0–%(max)d 的整数天数")
                % {"value": text, "max": MAX_TURNAROUND_DAYS},
            )
        )
        return None
    return int(digits)


def _text(row: Mapping[str, str], column: str, limit: int, errors: list[tuple[str, str]]) -> str:
    value = normalise_text(row.get(column, ""))
    if len(value) > limit:
        errors.append((column, _("过长（最多%(n)d字）") % {"n": limit}))
    return value


def read_capability(row: Mapping[str, str], lookups: ScopeLookups) -> CapabilityData:
    """Check and resolve one row. Raises InvalidCapability with every (column, message)."""
    errors: list[tuple[str, str]] = []

    organisation_id, uscc = _organisation(row, lookups, errors)
    kind = KIND_ALIASES.get(normalise_text(row.get("kind", "")).lower(), "")
    if not kind:
        errors.append(
            (
                "kind",
                _("未知的类别“%(value)s”；可用：%(choices)s")
                % {
                    "value": normalise_text(row.get("kind", "")),
                    "choices": ", ".join(f"{k.value}（{k.label}）" for k in Kind),
                },
            )
        )
    qualification = _qualification(row, kind, organisation_id, lookups, errors)

    field_text = _text(row, "field", 100, errors)
    field_id = None
    if field_text:
        field_id = lookups.fields_by_code.get(field_text.upper()) or lookups.fields_by_name.get(
            field_text
        )
    object_text = _text(row, "object", 200, errors)
    if not object_text:
        errors.append(("object", _("检测/校准对象不能为空")))
    parameter = _text(row, "parameter", 200, errors)

    standards: dict[str, CitedStandard] = {}
    for part in _CODE_SEPARATORS.split(row.get("standard", "")):
        if part.strip():
            cited = lookups.cite(part)
            standards.setdefault(cited.code, cited)
    if len(standards) > MAX_STANDARDS:
        errors.append(("standard", _("一行最多引用 %(n)d 项标准") % {"n": MAX_STANDARDS}))

    low_text, high_text = row.get("range_min", ""), row.get("range_max", "")
    low = _number(low_text, "range_min", errors)
    high = _number(high_text, "range_max", errors)
    if low is not None and high is not None and low > high:
        errors.append(
            (
                "range_max",
                _("范围下限 %(low)s 大于上限 %(high)s") % {"low": low_text, "high": high_text},
            )
        )
    unit_text = normalise_text(row.get("unit", ""))
    measured = _measured(unit_text, low, high, low_text, high_text, errors)

    uncertainty_text = _text(row, "uncertainty", 200, errors)
    restriction = _text(row, "restriction", 500, errors)
    price = _price(row.get("price_cny", ""), errors)
    days = _days(row.get("turnaround_days", ""), errors)

    if errors or organisation_id is None:
        raise InvalidCapability("; ".join(f"{c}: {m}" for c, m in errors), errors=errors)

    codes = tuple(standards)
    field_name = lookups.field_names.get(field_id, field_text) if field_id else field_text
    search_words = [_segment(object_text), _segment(parameter), _segment(field_name)]
    search_words.extend(_segment(f"{s.code} {s.base_code}") for s in standards.values())
    return CapabilityData(
        organisation_id=organisation_id,
        qualification_id=qualification.id if qualification else None,
        natural_key=natural_key(
            uscc=uscc,
            qualification_number=qualification.number if qualification else "",
            kind=kind,
            object=object_text,
            parameter=parameter,
            codes=codes,
        ),
        kind=kind,
        object=object_text,
        parameter=parameter,
        field_id=field_id,
        field_text="" if field_id else field_text,
        standards=tuple(standards.values()),
        uncertainty_text=uncertainty_text,
        accuracy=_accuracy(uncertainty_text),
        restriction=restriction,
        price_cny=price,
        turnaround_days=days,
        search_text=" ".join(w for w in search_words if w),
        **measured,
    )


def _organisation(
    row: Mapping[str, str], lookups: ScopeLookups, errors: list[tuple[str, str]]
) -> tuple[int | None, str]:
    try:
        uscc = normalise_uscc(row.get("org_uscc", ""))
    except InvalidUSCC as error:
        errors.append(("org_uscc", error.detail))
        return None, ""
    organisation_id = lookups.institutions.get(uscc)
    if organisation_id is not None:
        return organisation_id, uscc
    only = lookups.only_organisation
    if only is not None and only.uscc != uscc:
        errors.append(
            (
                "org_uscc",
                _("只能导入本机构（%(own)s）的能力范围，不能导入“%(uscc)s”")
                % {"own": only.uscc, "uscc": uscc},
            )
        )
    elif Organisation.objects.filter(uscc=uscc).exists():
        errors.append(
            (
                "org_uscc",
                _("%(uscc)s 不是检验检测、校准、认证等机构，不能登记能力") % {"uscc": uscc},
            )
        )
    else:
        errors.append(("org_uscc", _("未登记的机构“%(uscc)s”") % {"uscc": uscc}))
    return None, uscc


def _qualification(
    row: Mapping[str, str],
    kind: str,
    organisation_id: int | None,
    lookups: ScopeLookups,
    errors: list[tuple[str, str]],
) -> QualificationRef | None:
    number = normalise_text(row.get("qualification_no", ""))
    if kind == Kind.SERVICE:
        if number:
            errors.append(("qualification_no", _("技术服务不需要资质，资质证书编号应留空")))
        return None
    if not number:
        if kind:
            errors.append(("qualification_no", _("必须填写授予该能力的资质证书编号")))
        return None
    found = lookups.qualification(number)
    if found is None:
        errors.append(
            ("qualification_no", _("未登记的资质证书编号“%(number)s”") % {"number": number})
        )
        return None
    if organisation_id is not None and found.organisation_id != organisation_id:
        errors.append(
            (
                "qualification_no",
                _("资质证书“%(number)s”属于其他机构") % {"number": found.number},
            )
        )
        return None
    allowed = QUALIFICATION_TYPES_FOR_KIND.get(kind)
    if allowed is not None and found.type not in allowed:
        errors.append(
            (
                "qualification_no",
                _("%(kind)s能力不能挂在 %(type)s 资质下；可用：%(types)s")
                % {
                    "kind": Kind(kind).label,
                    "type": found.type,
                    "types": ", ".join(sorted(allowed)),
                },
            )
        )
        return None
    return found


def _measured(
    unit_text: str,
    low: float | None,
    high: float | None,
    low_text: str,
    high_text: str,
    errors: list[tuple[str, str]],
) -> dict[str, Any]:
    """Range columns: the unit in canonical form and both bounds in base units."""
    empty: dict[str, Any] = {}
    if not unit_text:
        if low is not None or high is not None:
            errors.append(("unit", _("填写了范围就必须填写单位")))
        return empty
    try:
        unit = parse_unit(unit_text)
    except DomainError:
        # Kept as typed and flagged (see CapabilityLine.unit_unknown): no dimension, no base
        # values, so the line can never be taken to cover a requested range.
        kept: dict[str, Any] = {"unit": unit_text[:30], "dimension": ""}
        if low is not None and high is not None and low > high:
            return empty  # already reported on range_max
        if low is not None or high is not None:
            kept.update(
                range_min=low,
                range_max=high,
                range_text=_range_text(low_text, high_text, unit_text[:30]),
            )
        return kept
    values: dict[str, Any] = {"unit": unit.symbol, "dimension": unit.dimension}
    if low is None and high is None:
        return values
    if low is not None and high is not None and low > high:
        return empty  # already reported on range_max
    try:
        measured = make_range(low, high, unit_text)
    except DomainError as error:
        errors.append(("unit", error.detail))
        return empty
    values.update(
        range_min=low,
        range_max=high,
        range_min_base=measured.base_low(),
        range_max_base=measured.base_high(),
        range_text=_range_text(low_text, high_text, unit.symbol),
    )
    return values
