"""``qihub import standards FILE``: the catalogue, with both directions of the version chain.

Columns: code,title_zh,title_en,type,status,published_on,effective_on,replaces,replaced_by,
ics,ccs,issuer (``replaces``/``replaced_by`` may hold several codes separated by ``;``), and an
optional ``industries`` column of industry keys (``MNM;AEM-01``, see reference/data/industries.csv).
When the file has that column it is authoritative for each row (empty clears the links); when it
has not, links made earlier are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from qihub.core.imports import ImportCounts, Importer, RowInvalid
from qihub.core.text import normalise_text
from qihub.reference.models import Industry
from qihub.standards.codes import InvalidStandardCode, StandardCode, parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.services import StandardData, upsert_standards


def _date(row: dict[str, str], column: str, errors: list[tuple[str, str]]) -> date | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((column, _("日期“%(value)s”应为 YYYY-MM-DD") % {"value": value}))
        return None


def _codes(
    row: dict[str, str], column: str, errors: list[tuple[str, str]]
) -> tuple[StandardCode, ...]:
    codes = []
    for part in row.get(column, "").replace("；", ";").split(";"):
        if not part.strip():
            continue
        try:
            code = parse_standard_code(part)
        except InvalidStandardCode as error:
            errors.append((column, error.detail))
            continue
        if code.year is None:
            errors.append(
                (column, _("“%(code)s”缺少年份：版本关系须指明版本") % {"code": code.canonical})
            )
            continue
        codes.append(code)
    return tuple(codes)


# The catalogue shipped with the platform (real standards; see data/README.md).
SHIPPED_CATALOGUE = Path(__file__).resolve().parent / "data" / "standards.csv"


class StandardImporter(Importer[StandardData]):
    kind = "standards"
    columns = (
        "code",
        "title_zh",
        "title_en",
        "type",
        "status",
        "published_on",
        "effective_on",
        "replaces",
        "replaced_by",
        "ics",
        "ccs",
        "issuer",
        "industries",
    )
    required_columns = ("code", "title_zh", "type", "status")

    def prepare(self) -> None:
        self.industry_keys = set(Industry.objects.values_list("key", flat=True))

    def key(self, parsed: StandardData) -> str:
        return parsed.code.canonical

    def parse_row(self, row: dict[str, str]) -> StandardData:
        errors: list[tuple[str, str]] = []
        code: StandardCode | None = None
        try:
            code = parse_standard_code(row.get("code", ""))
            if code.year is None:
                errors.append(("code", _("目录条目须带年份（如 GB/T 228.1-2021）")))
        except InvalidStandardCode as error:
            errors.append(("code", error.detail))
        title_zh = normalise_text(row.get("title_zh", ""))
        if not title_zh:
            errors.append(("title_zh", _("中文名称不能为空")))
        kind = row.get("type", "").strip()
        if kind not in Standard.Type.values:
            errors.append(("type", _("未知的标准类型“%(value)s”") % {"value": kind}))
        status = row.get("status", "").strip()
        if status not in Standard.Status.values:
            errors.append(
                (
                    "status",
                    _("未知的状态“%(value)s”；可用：%(choices)s")
                    % {"value": status, "choices": ", ".join(Standard.Status.values)},
                )
            )
        published_on = _date(row, "published_on", errors)
        effective_on = _date(row, "effective_on", errors)
        if published_on and effective_on and effective_on < published_on:
            errors.append(("effective_on", _("实施日期早于发布日期")))
        replaces = _codes(row, "replaces", errors)
        replaced_by = _codes(row, "replaced_by", errors)
        if code is not None and code.canonical in {c.canonical for c in replaces + replaced_by}:
            errors.append(("replaces", _("标准不能代替自身")))
        industries = self._industries(row, errors)
        if errors or code is None:
            raise RowInvalid(errors)
        return StandardData(
            code=code,
            title_zh=title_zh[:300],
            title_en=normalise_text(row.get("title_en", ""))[:400],
            type=kind,
            status=status,
            published_on=published_on,
            effective_on=effective_on,
            replaces=replaces,
            replaced_by=replaced_by,
            ics=row.get("ics", "")[:40],
            ccs=row.get("ccs", "")[:20],
            issuer=normalise_text(row.get("issuer", ""))[:200],
            industries=industries,
        )

    def _industries(
        self, row: dict[str, str], errors: list[tuple[str, str]]
    ) -> tuple[str, ...] | None:
        if "industries" not in row:
            return None
        cells = row["industries"].replace("；", ";").split(";")
        keys = tuple(dict.fromkeys(k.strip().upper() for k in cells if k.strip()))
        unknown = [k for k in keys if k not in self.industry_keys]
        if unknown:
            errors.append(
                (
                    "industries",
                    _("未知的产业分类“%(keys)s”（见产业目录）") % {"keys": "、".join(unknown)},
                )
            )
        return keys

    def write_chunk(self, rows: Sequence[StandardData], *, by: Any) -> ImportCounts:
        return upsert_standards(rows, by=by)
