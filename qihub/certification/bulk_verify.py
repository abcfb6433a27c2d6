"""Bulk verification of a buyer's supplier list: nothing is stored.

Each supplier (a name and/or a USCC) gets its certificates and how they were matched:

* ``exact``: the USCC is a holder's USCC;
* ``loose``: no USCC match, but the name matches a holder's registered name or a name printed on
  a certificate once both are reduced to a *name key*: half-width, no spaces, punctuation or
  brackets, without the legal form (有限公司, 有限责任公司, 股份有限公司, 集团…) and, failing that,
  also without a leading province or city name (``大连海通阀门`` ≈ ``海通阀门（大连）``);
* ``none``: nothing matched (which, like a "not found" on the verification page, may mean the
  issuing body never uploaded).

A file: UTF-8 CSV (a BOM is fine) with a header holding ``name`` and/or ``uscc`` (also
名称 / 企业名称 / 统一社会信用代码), at most 5,000 rows and 2 MB. A row with an invalid USCC and
no name, or with neither, is reported as a bad row; the others are still answered.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.certification.models import Certificate
from qihub.certification.types import type_name
from qihub.core.errors import DomainError
from qihub.core.text import normalise_text, to_halfwidth
from qihub.reference.models import Region

MAX_ROWS = 5_000
MAX_API_ROWS = 1_000
MAX_BYTES = 2 * 1024 * 1024
EXACT, LOOSE, NONE = "exact", "loose", "none"
NAME_HEADERS = ("name", "名称", "企业名称", "供应商名称", "单位名称")
USCC_HEADERS = ("uscc", "统一社会信用代码", "信用代码")
# Longest first, so 股份有限公司 goes before 有限公司.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "集团",
    "公司",
    "有限",
    "CO.,LTD",
    "COLTD",
    "LTD",
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


class BulkVerifyInvalid(DomainError):
    """The file as a whole cannot be read (encoding, size, header, too many rows)."""

    code = "bulk_verify_invalid"


@cache
def _place_names() -> tuple[str, ...]:
    names: set[str] = {"辽宁省", "辽宁"}
    for name in Region.objects.values_list("name", flat=True):
        names.add(name)
        for suffix in ("市", "区", "县"):
            if name.endswith(suffix) and len(name) > 2:
                names.add(name[: -len(suffix)])
    return tuple(sorted(names, key=len, reverse=True))


def name_key(name: str) -> str:
    """The name reduced for loose matching: no spacing, punctuation, brackets or legal form."""
    text = unicodedata.normalize("NFKC", to_halfwidth(name or "")).upper()
    text = _NOT_WORD.sub("", text)
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            form_key = _NOT_WORD.sub("", form)
            if text.endswith(form_key) and len(text) > len(form_key):
                text = text[: -len(form_key)]
                changed = True
    return text


def place_free_key(key: str) -> str:
    """``name_key`` without province or city names anywhere in it (大连海通阀门 → 海通阀门)."""
    reduced = key
    for place in _place_names():
        reduced = reduced.replace(place, "")
    return reduced if len(reduced) >= 2 else key


@dataclass(frozen=True)
class Supplier:
    line: int  # the file's line number (header = 1), or the list index + 1
    name: str
    uscc: str  # canonical, or "" when absent or invalid
    uscc_text: str  # as given


@dataclass
class SupplierResult:
    supplier: Supplier
    match: str
    certificates: list[Certificate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        today = timezone.localdate()
        return {
            "line": self.supplier.line,
            "name": self.supplier.name,
            "uscc": self.supplier.uscc or self.supplier.uscc_text,
            "match": self.match,
            "notes": self.notes,
            "certificates": [certificate_facts(c, today) for c in self.certificates],
        }


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


@dataclass
class BulkResult:
    results: list[SupplierResult]
    bad_rows: list[BadRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = {EXACT: 0, LOOSE: 0, NONE: 0}
        for result in self.results:
            counts[result.match] += 1
        return counts


def certificate_facts(certificate: Certificate, today: date) -> dict[str, object]:
    return {
        "number": certificate.number,
        "public_id": str(certificate.public_id),
        "holder_uscc": certificate.holder.uscc,
        "holder_name": certificate.holder_name,
        "cb_name": certificate.cb.name,
        "cert_type": certificate.cert_type,
        "cert_type_name": type_name(certificate.cert_type),
        "status": certificate.status,
        "effective_status": certificate.effective_status_on(today),
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }


# --- reading ---------------------------------------------------------------------------------


def _header_index(header: Sequence[str], names: Iterable[str]) -> int | None:
    cleaned = [normalise_text(h).lower() for h in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def _cell(record: Sequence[str], at: int | None) -> str:
    return record[at] if at is not None and at < len(record) else ""


def read_supplier_file(data: bytes) -> tuple[list[Supplier], list[BadRow]]:
    """Read the uploaded CSV. Raises BulkVerifyInvalid for a file that cannot be used at all."""
    if len(data) > MAX_BYTES:
        raise BulkVerifyInvalid(_("文件过大（最多 2 MB）"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkVerifyInvalid(
            _("文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
        ) from None
    if "\x00" in text:
        raise BulkVerifyInvalid(_("文件含有不允许的字符（NUL），不是文本 CSV"))
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if not header:
            raise BulkVerifyInvalid(_("文件为空；第一行应为表头，含 name 和/或 uscc 列"))
        name_at = _header_index(header, NAME_HEADERS)
        uscc_at = _header_index(header, USCC_HEADERS)
        if name_at is None and uscc_at is None:
            raise BulkVerifyInvalid(
                _("表头中没有 name（名称）或 uscc（统一社会信用代码）列；表头为：%(header)s")
                % {"header": ", ".join(header)[:200]}
            )
        rows: list[dict[str, str]] = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                rows.append({})
                continue
            rows.append({"name": _cell(record, name_at), "uscc": _cell(record, uscc_at)})
            if len(rows) > MAX_ROWS:
                raise BulkVerifyInvalid(_("行数过多（最多 %(max)d 行供应商）") % {"max": MAX_ROWS})
    except csv.Error as error:
        raise BulkVerifyInvalid(
            _("第 %(line)d 行无法按 CSV 读取：%(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return read_suppliers(rows, first_line=2)


def read_suppliers(
    rows: Sequence[Mapping[str, str]], *, first_line: int = 1
) -> tuple[list[Supplier], list[BadRow]]:
    """Check each row; an empty mapping is a blank line (skipped silently)."""
    suppliers: list[Supplier] = []
    bad: list[BadRow] = []
    for offset, row in enumerate(rows):
        line = first_line + offset
        if not row:
            continue
        name = normalise_text(row.get("name") or "")
        uscc_text = normalise_text(row.get("uscc") or "")
        if "\x00" in name or "\x00" in uscc_text:
            bad.append(BadRow(line, _("含有不允许的字符")))
            continue
        if len(name) > 200:
            bad.append(BadRow(line, _("名称过长（最多200字）")))
            continue
        uscc = ""
        if uscc_text:
            try:
                uscc = normalise_uscc(uscc_text)
            except InvalidUSCC as error:
                if not name:
                    bad.append(BadRow(line, error.detail))
                    continue
                suppliers.append(Supplier(line, name, "", uscc_text))
                continue
        if not name and not uscc:
            bad.append(BadRow(line, _("名称和统一社会信用代码都为空")))
            continue
        suppliers.append(Supplier(line, name, uscc, uscc_text))
    return suppliers, bad


# --- matching --------------------------------------------------------------------------------


@dataclass
class _NameIndex:
    by_key: dict[str, set[int]]
    by_place_free: dict[str, set[int]]

    @classmethod
    def build(cls) -> _NameIndex:
        """Holder ids by name key, from registered names and names as certified (only
        organisations that hold at least one certificate)."""
        by_key: dict[str, set[int]] = defaultdict(set)
        by_place_free: dict[str, set[int]] = defaultdict(set)
        names = set(Certificate.objects.values_list("holder_id", "holder_name").distinct()) | set(
            Organisation.objects.filter(certificates__isnull=False)
            .values_list("id", "name")
            .distinct()
        )
        for holder_id, name in names:
            key = name_key(name)
            if key:
                by_key[key].add(holder_id)
                by_place_free[place_free_key(key)].add(holder_id)
        return cls(dict(by_key), dict(by_place_free))

    def holders(self, name: str) -> set[int]:
        key = name_key(name)
        if not key:
            return set()
        found = self.by_key.get(key)
        if found:
            return found
        return self.by_place_free.get(place_free_key(key), set())


def match_suppliers(suppliers: Sequence[Supplier]) -> list[SupplierResult]:
    """Each supplier's certificates and match quality (see the module docstring)."""
    usccs = {s.uscc for s in suppliers if s.uscc}
    holder_by_uscc = dict(
        Organisation.objects.filter(uscc__in=usccs, certificates__isnull=False)
        .values_list("uscc", "id")
        .distinct()
    )
    index: _NameIndex | None = None
    matched: list[tuple[Supplier, str, set[int], list[str]]] = []
    for supplier in suppliers:
        notes: list[str] = []
        if supplier.uscc_text and not supplier.uscc:
            notes.append(_("统一社会信用代码无效，已按名称匹配"))
        if supplier.uscc and supplier.uscc in holder_by_uscc:
            matched.append((supplier, EXACT, {holder_by_uscc[supplier.uscc]}, notes))
            continue
        if supplier.uscc:
            notes.append(_("该统一社会信用代码名下没有证书"))
        if supplier.name:
            if index is None:
                index = _NameIndex.build()
            holders = index.holders(supplier.name)
            if holders:
                if supplier.uscc:
                    notes.append(_("按名称找到的获证组织，统一社会信用代码与所填不同，请核对"))
                matched.append((supplier, LOOSE, set(holders), notes))
                continue
        matched.append((supplier, NONE, set(), notes))
    wanted = {holder for _s, _m, holders, _n in matched for holder in holders}
    by_holder: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in (
        Certificate.objects.filter(holder_id__in=wanted)
        .select_related("cb", "holder")
        .order_by("holder_id", "-expires_on", "number")
    ):
        by_holder[certificate.holder_id].append(certificate)
    return [
        SupplierResult(
            supplier=supplier,
            match=match,
            certificates=[c for holder in sorted(holders) for c in by_holder.get(holder, [])],
            notes=notes,
        )
        for supplier, match, holders, notes in matched
    ]


def verify_file(data: bytes) -> BulkResult:
    suppliers, bad = read_supplier_file(data)
    return BulkResult(results=match_suppliers(suppliers), bad_rows=bad)


def verify_list(items: Sequence[Mapping[str, str]]) -> BulkResult:
    """The API's list of {name, uscc} (at most 1,000)."""
    if len(items) > MAX_API_ROWS:
        raise BulkVerifyInvalid(_("每次最多 %(max)d 个供应商") % {"max": MAX_API_ROWS})
    suppliers, bad = read_suppliers([dict(item) or {"name": ""} for item in items])
    return BulkResult(results=match_suppliers(suppliers), bad_rows=bad)


RESULT_COLUMNS = (
    "line",
    "input_name",
    "input_uscc",
    "match",
    "holder_uscc",
    "holder_name",
    "number",
    "cert_type",
    "cb_name",
    "effective_status",
    "issued_on",
    "expires_on",
    "notes",
)


def result_csv(result: BulkResult) -> str:
    """The downloadable answer: one line per certificate found (one per supplier with none),
    then the bad rows; UTF-8 with a BOM so Excel reads it."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RESULT_COLUMNS)
    today = timezone.localdate()
    for item in result.results:
        s = item.supplier
        base = [s.line, _safe(s.name), _safe(s.uscc or s.uscc_text), item.match]
        notes = "；".join(item.notes)
        if not item.certificates:
            writer.writerow([*base, "", "", "", "", "", "", "", "", notes])
        for c in item.certificates:
            writer.writerow(
                [
                    *base,
                    c.holder.uscc,
                    _safe(c.holder_name),
                    c.number,
                    c.cert_type,
                    _safe(c.cb.name),
                    c.effective_status_on(today),
                    c.issued_on.isoformat(),
                    c.expires_on.isoformat(),
                    notes,
                ]
            )
    for bad in result.bad_rows:
        writer.writerow([bad.line, "", "", "error", "", "", "", "", "", "", "", "", bad.message])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
