"""``qihub import committees|pilot_projects|national_contributions FILE``: the standardisation
registries, all or nothing, re-running the same file changes nothing.

``committees`` (natural key ``code``)
    ``code,name_zh,name_en,scope,secretariat_uscc,chair,member_count,established_on,status``
    — ``code`` as typed (``ln/tc12`` is stored as ``LN/TC 12``); ``secretariat_uscc`` the
    秘书处承担单位, an organisation already on the platform; ``member_count`` a whole number
    from 1; ``established_on`` YYYY-MM-DD, not in the future; ``status`` ``active`` (default
    when empty) or ``dissolved``. ``name_en``, ``scope`` and ``chair`` may be empty.

``pilot_projects`` (natural key ``org_uscc`` + ``name_zh``)
    ``name_zh,kind,field,level,org_uscc,started_on,due_on,status,accepted_on``
    — ``kind`` ``pilot`` (试点) or ``demonstration`` (示范); ``field`` ``agriculture``,
    ``industry``, ``service``, ``social_governance`` or ``other``; ``level`` ``national`` or
    ``provincial``; ``org_uscc`` the 承担单位 (its city becomes the project's city);
    ``due_on`` not before ``started_on``; ``status`` ``underway`` (default when empty),
    ``accepted``, ``failed`` or ``cancelled``; ``accepted_on`` required exactly when
    ``accepted``, not before ``started_on`` and not in the future.

``national_contributions`` (natural key ``org_uscc`` + canonical ``standard_code``)
    ``standard_code,org_uscc,role,year``
    — ``standard_code`` a GB, GB/T or GB/Z code in any spelling (``gbt 228.1—2021``); a code
    the catalogue does not know is kept and flagged, not refused; ``role`` ``lead`` (主导) or
    ``participate`` (参与); ``year`` the year the standard was published: may be empty when
    the code carries it, must match it when both are given, and names the edition when the
    code has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.core.imports import ImportCounts, Importer, RowInvalid
from qihub.standards.registries import (
    CleanContribution,
    CommitteeData,
    ContributionData,
    PilotProjectData,
    Problem,
    clean_committee_data,
    clean_contribution_data,
    clean_pilot_project_data,
    upsert_committees,
    upsert_contributions,
    upsert_pilot_projects,
)

Errors = list[tuple[str, str]]


def _date(row: dict[str, str], column: str, errors: Errors, *, required: bool) -> date | None:
    value = row.get(column, "").strip()
    if not value:
        if required:
            errors.append((column, _("不能为空（YYYY-MM-DD）")))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((column, _("日期“%(value)s”应为 YYYY-MM-DD") % {"value": value}))
        return None


def _integer(row: dict[str, str], column: str, errors: Errors, *, required: bool) -> int | None:
    value = row.get(column, "").strip()
    if not value:
        if required:
            errors.append((column, _("不能为空")))
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        errors.append((column, _("“%(value)s”不是整数") % {"value": value}))
        return None
    return int(value)


class _OrganisationLookup:
    """USCC → organisation, one query per distinct code (each row is parsed twice)."""

    def __init__(self) -> None:
        self._cache: dict[str, Organisation | None] = {}

    def find(self, row: dict[str, str], column: str, errors: Errors) -> Organisation | None:
        raw = row.get(column, "").strip()
        if not raw:
            errors.append((column, _("不能为空")))
            return None
        try:
            uscc = normalise_uscc(raw)
        except InvalidUSCC as error:
            errors.append((column, error.detail))
            return None
        if uscc not in self._cache:
            self._cache[uscc] = (
                Organisation.objects.select_related("city").filter(uscc=uscc).first()
            )
        organisation = self._cache[uscc]
        if organisation is None:
            errors.append(
                (column, _("平台上没有统一社会信用代码为 %(uscc)s 的机构") % {"uscc": uscc})
            )
        return organisation


def _report(problems: list[Problem], columns: dict[str, str], errors: Errors) -> None:
    """The domain's problems, under their import columns; a column already reported unreadable
    is not reported again (its placeholder value would only add noise)."""
    unreadable = {column for column, _message in errors}
    for field, error in problems:
        column = columns.get(field, field)
        if column not in unreadable:
            errors.append((column, error.detail))


class CommitteeImporter(Importer[CommitteeData]):
    kind = "committees"
    columns = (
        "code",
        "name_zh",
        "name_en",
        "scope",
        "secretariat_uscc",
        "chair",
        "member_count",
        "established_on",
        "status",
    )
    required_columns = ("code", "name_zh", "secretariat_uscc", "member_count", "established_on")

    def prepare(self) -> None:
        self.organisations = _OrganisationLookup()

    def key(self, parsed: CommitteeData) -> str:
        return parsed.code

    def parse_row(self, row: dict[str, str]) -> CommitteeData:
        errors: Errors = []
        secretariat = self.organisations.find(row, "secretariat_uscc", errors)
        member_count = _integer(row, "member_count", errors, required=True)
        established_on = _date(row, "established_on", errors, required=True)
        # Placeholders stand in for unreadable cells so every other column is still checked.
        data, problems = clean_committee_data(
            CommitteeData(
                code=row.get("code", ""),
                name_zh=row.get("name_zh", ""),
                name_en=row.get("name_en", ""),
                scope=row.get("scope", ""),
                secretariat=secretariat or Organisation(),
                chair=row.get("chair", ""),
                member_count=1 if member_count is None else member_count,
                established_on=established_on or date.min,
                status=row.get("status", ""),
            )
        )
        _report(problems, {"secretariat": "secretariat_uscc"}, errors)
        if errors:
            raise RowInvalid(errors)
        return data

    def write_chunk(self, rows: Sequence[CommitteeData], *, by: Any) -> ImportCounts:
        return upsert_committees(rows, by=by)


class PilotProjectImporter(Importer[PilotProjectData]):
    kind = "pilot_projects"
    columns = (
        "name_zh",
        "kind",
        "field",
        "level",
        "org_uscc",
        "started_on",
        "due_on",
        "status",
        "accepted_on",
    )
    required_columns = ("name_zh", "kind", "field", "level", "org_uscc", "started_on", "due_on")

    def prepare(self) -> None:
        self.organisations = _OrganisationLookup()

    def key(self, parsed: PilotProjectData) -> str:
        return f"{parsed.organisation.uscc} {parsed.name_zh}"

    def parse_row(self, row: dict[str, str]) -> PilotProjectData:
        errors: Errors = []
        organisation = self.organisations.find(row, "org_uscc", errors)
        started_on = _date(row, "started_on", errors, required=True)
        due_on = _date(row, "due_on", errors, required=True)
        accepted_on = _date(row, "accepted_on", errors, required=False)
        # Placeholders stand in for unreadable cells so every other column is still checked.
        started = started_on or due_on or date.min
        data, problems = clean_pilot_project_data(
            PilotProjectData(
                name_zh=row.get("name_zh", ""),
                kind=row.get("kind", ""),
                field=row.get("field", ""),
                level=row.get("level", ""),
                organisation=organisation or Organisation(),
                started_on=started,
                due_on=due_on or started,
                status=row.get("status", ""),
                accepted_on=accepted_on,
            )
        )
        _report(problems, {"organisation": "org_uscc"}, errors)
        if errors:
            raise RowInvalid(errors)
        return data

    def write_chunk(self, rows: Sequence[PilotProjectData], *, by: Any) -> ImportCounts:
        return upsert_pilot_projects(rows, by=by)


class ContributionImporter(Importer[CleanContribution]):
    kind = "national_contributions"
    columns = ("standard_code", "org_uscc", "role", "year")
    required_columns = ("standard_code", "org_uscc", "role")

    def prepare(self) -> None:
        self.organisations = _OrganisationLookup()

    def key(self, parsed: CleanContribution) -> str:
        return f"{parsed.organisation.uscc} {parsed.standard_code}"

    def parse_row(self, row: dict[str, str]) -> CleanContribution:
        errors: Errors = []
        organisation = self.organisations.find(row, "org_uscc", errors)
        year = _integer(row, "year", errors, required=False)
        clean, problems = clean_contribution_data(
            ContributionData(
                standard_code=row.get("standard_code", ""),
                organisation=organisation or Organisation(),
                role=row.get("role", ""),
                year=year,
            )
        )
        _report(problems, {"organisation": "org_uscc"}, errors)
        if errors or clean is None:
            raise RowInvalid(errors)
        return clean

    def write_chunk(self, rows: Sequence[CleanContribution], *, by: Any) -> ImportCounts:
        return upsert_contributions(rows, by=by)
