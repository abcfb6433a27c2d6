"""``qihub import qualifications FILE`` and ``qihub import capabilities FILE``.

qualifications: ``org_uscc,type,number,issuer,valid_from,valid_to,status``
capabilities: ``org_uscc,qualification_no,kind,field,object,parameter,standard,range_min,
range_max,unit,uncertainty,restriction,price_cny,turnaround_days`` (see ``scope.py``).

Both stream: ``prepare()`` loads compact lookups only (USCC → id, number → qualification,
catalogue code → (id, in force)); each chunk of 1,000 rows costs one query for the existing
natural keys. Re-running the same file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation, User
from qihub.accounts.queries import is_organisation_admin
from qihub.accounts.querysets import INSTITUTION_KINDS
from qihub.core.errors import DomainError, PermissionDenied
from qihub.core.imports import (
    ImportCounts,
    Importer,
    ImportResult,
    RowError,
    RowInvalid,
    check_header,
    read_rows,
)
from qihub.core.text import normalise_text
from qihub.institutions.errors import InvalidCapability
from qihub.institutions.models import Qualification
from qihub.institutions.numbers import QualificationType, normalise_qualification_number
from qihub.institutions.scope import (
    COLUMNS,
    REQUIRED_COLUMNS,
    CapabilityData,
    ScopeLookups,
    read_capability,
)
from qihub.institutions.services import (
    QualificationData,
    replace_scope,
    upsert_capabilities,
    upsert_qualifications,
)

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
STATUS_ALIASES = {
    **{s: s for s in Qualification.Status.values},
    "有效": Qualification.Status.VALID,
    "暂停": Qualification.Status.SUSPENDED,
    "撤销": Qualification.Status.REVOKED,
    "过期": Qualification.Status.EXPIRED,
    "失效": Qualification.Status.EXPIRED,
}


def parse_date(text: str) -> date | None:
    """2026-03-31, 2026/3/31, 2026.03.31 or 2026年3月31日; None when unreadable."""
    match = _DATE.fullmatch(normalise_text(text))
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _date(row: dict[str, str], column: str, errors: list[tuple[str, str]]) -> date | None:
    value = row.get(column, "").strip()
    if not value:
        errors.append((column, _("日期不能为空")))
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.append((column, _("日期“%(value)s”应为 YYYY-MM-DD") % {"value": value}))
    return parsed


class QualificationImporter(Importer[QualificationData]):
    kind = "qualifications"
    columns = ("org_uscc", "type", "number", "issuer", "valid_from", "valid_to", "status")
    required_columns = ("org_uscc", "type", "number", "valid_from", "valid_to")

    def prepare(self) -> None:
        self.institutions: dict[str, int] = dict(
            Organisation.objects.filter(kind__in=INSTITUTION_KINDS)
            .values_list("uscc", "id")
            .iterator()
        )
        self.owners: dict[tuple[str, str], int] = {
            (type, number): organisation_id
            for type, number, organisation_id in Qualification.objects.values_list(
                "type", "number", "organisation_id"
            ).iterator()
        }

    def key(self, parsed: QualificationData) -> str:
        return f"{parsed.type} {parsed.number}"

    def parse_row(self, row: dict[str, str]) -> QualificationData:
        errors: list[tuple[str, str]] = []
        organisation_id = self._organisation(row, errors)
        type_text = normalise_text(row.get("type", "")).upper()
        try:
            kind: QualificationType | None = QualificationType(type_text)
        except ValueError:
            kind = None
            errors.append(
                (
                    "type",
                    _("未知的资质类型“%(type)s”；可用：%(types)s")
                    % {"type": type_text, "types": ", ".join(t.value for t in QualificationType)},
                )
            )
        number = ""
        if kind is not None:
            try:
                number = normalise_qualification_number(kind, row.get("number", ""))
            except DomainError as error:
                errors.append(("number", error.detail))
        owner = self.owners.get((kind.value, number)) if kind is not None and number else None
        if owner is not None and organisation_id is not None and owner != organisation_id:
            errors.append(
                ("number", _("资质证书 %(number)s 已登记在其他机构名下") % {"number": number})
            )
        issuer = normalise_text(row.get("issuer", ""))
        if len(issuer) > 200:
            errors.append(("issuer", _("过长（最多200字）")))
        valid_from = _date(row, "valid_from", errors)
        valid_to = _date(row, "valid_to", errors)
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(("valid_to", _("有效期至不能早于有效期起")))
        status_text = normalise_text(row.get("status", "")).lower() or Qualification.Status.VALID
        status = STATUS_ALIASES.get(status_text)
        if status is None:
            errors.append(
                (
                    "status",
                    _("未知的状态“%(value)s”；可用：%(choices)s")
                    % {"value": status_text, "choices": ", ".join(Qualification.Status.values)},
                )
            )
        if errors or organisation_id is None or kind is None or not valid_from or not valid_to:
            raise RowInvalid(errors)
        return QualificationData(
            organisation_id=organisation_id,
            type=kind.value,
            number=number,
            valid_from=valid_from,
            valid_to=valid_to,
            issuer=issuer,
            status=status or Qualification.Status.VALID,
        )

    def _organisation(self, row: dict[str, str], errors: list[tuple[str, str]]) -> int | None:
        try:
            uscc = normalise_uscc(row.get("org_uscc", ""))
        except InvalidUSCC as error:
            errors.append(("org_uscc", error.detail))
            return None
        organisation_id = self.institutions.get(uscc)
        if organisation_id is None:
            if Organisation.objects.filter(uscc=uscc).exists():
                message = _("%(uscc)s 不是检验检测、校准、认证等机构，不能登记资质")
            else:
                message = _("未登记的机构“%(uscc)s”")
            errors.append(("org_uscc", message % {"uscc": uscc}))
        return organisation_id

    def write_chunk(self, rows: Sequence[QualificationData], *, by: Any) -> ImportCounts:
        return upsert_qualifications(rows, by=by)


class CapabilityImporter(Importer[CapabilityData]):
    kind = "capabilities"
    columns = COLUMNS
    required_columns = REQUIRED_COLUMNS

    def __init__(self, lookups: ScopeLookups | None = None) -> None:
        self.lookups = lookups

    def prepare(self) -> None:
        if self.lookups is None:
            self.lookups = ScopeLookups.load()

    def key(self, parsed: CapabilityData) -> str:
        return parsed.natural_key

    def describe_key(self, parsed: CapabilityData) -> str:
        # The key is a digest; name the line the way its row reads.
        codes = ";".join(s.code for s in parsed.standards)
        parts = (parsed.kind, parsed.object, parsed.parameter, codes)
        return " / ".join(part for part in parts if part)

    def parse_row(self, row: dict[str, str]) -> CapabilityData:
        assert self.lookups is not None  # noqa: S101 - prepare() ran (run_import calls it first)
        try:
            return read_capability(row, self.lookups)
        except InvalidCapability as error:
            raise RowInvalid(error.errors) from error

    def write_chunk(self, rows: Sequence[CapabilityData], *, by: Any) -> ImportCounts:
        return upsert_capabilities(rows, by=by)


@dataclass
class ScopeUpload:
    """What an institution's scope upload did: the import result, plus lines removed."""

    result: ImportResult
    removed: int = 0


def import_scope(
    *,
    organisation: Organisation,
    qualification: Qualification | None,
    path: Path,
    by: User | None,
    dry_run: bool = False,
) -> ScopeUpload:
    """An institution re-uploads its whole scope for one qualification (None: its service
    lines) from a capabilities file: every row is checked first (``row N, column C: message``),
    then the lines are replaced (absent ones removed), all or nothing. Rows of another
    organisation or another qualification are row errors. Raises PermissionDenied and, for an
    unreadable file, ImportFileError."""
    if by is not None and not is_organisation_admin(by, organisation):
        raise PermissionDenied(_("只有本机构管理员或平台管理员可以上传能力范围"))
    importer = CapabilityImporter(ScopeLookups.load(organisation=organisation))
    result = ImportResult(kind=importer.kind, dry_run=dry_run)
    check_header(importer, path)
    wanted = qualification.number if qualification is not None else ""
    seen: dict[str, int] = {}
    for number, row in read_rows(path):
        result.rows += 1
        if row.pop("__extra__", None):
            _add(result, RowError(number, "-", "more cells than header columns"))
        try:
            parsed = importer.parse_row(row)
        except RowInvalid as invalid:
            for column, message in invalid.errors:
                _add(result, RowError(number, column, message))
            continue
        if parsed.qualification_id != (qualification.pk if qualification else None):
            _add(
                result,
                RowError(
                    number,
                    "qualification_no",
                    _("本次只上传资质“%(number)s”的能力范围") % {"number": wanted}
                    if wanted
                    else _("本次只上传无需资质的技术服务"),
                ),
            )
            continue
        if parsed.natural_key in seen:
            _add(
                result,
                RowError(
                    number, "object", _("与第 %(row)d 行重复") % {"row": seen[parsed.natural_key]}
                ),
            )
        else:
            seen[parsed.natural_key] = number
    if not result.ok or dry_run:
        return ScopeUpload(result=result)
    with transaction.atomic():
        replaced = replace_scope(
            organisation=organisation,
            qualification=qualification,
            rows=(importer.parse_row(row) for row in _rows_without_extra(path)),
            by=by,
        )
    result.counts = replaced.counts
    return ScopeUpload(result=result, removed=replaced.removed)


def _rows_without_extra(path: Path) -> Iterator[dict[str, str]]:
    for _number, row in read_rows(path):
        row.pop("__extra__", None)
        yield row


def _add(result: ImportResult, error: RowError) -> None:
    result.error_count += 1
    if len(result.errors) < 1000:
        result.errors.append(error)
