"""National standards led or joined by Liaoning organisations (主导或参与制修订国家标准):
record, update, import, link to the catalogue and search."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action
from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.core.imports import ImportCounts
from qihub.standards.codes import MIN_YEAR, InvalidStandardCode, parse_standard_code
from qihub.standards.models import NationalStandardContribution, Standard
from qihub.standards.registries.common import (
    DuplicateContribution,
    InvalidRegistryEntry,
    NotANationalStandard,
    Problem,
    _choice,
    _every_term,
    _first,
    _organisation_problem,
    _require_registrar,
    _require_some_registrar,
    _save,
    _terms,
)

NATIONAL_FAMILY = "national"  # codes.py's family of GB, GB/T and GB/Z


# --- national standards led or joined (主导或参与制修订国家标准) -----------------------------


@dataclass(frozen=True)
class ContributionData:
    """One organisation's part in one national standard. ``standard_code`` as typed; without a
    year in the code, ``year`` says which edition; with one, ``year`` may be left out."""

    standard_code: str
    organisation: Organisation
    role: str
    year: int | None = None


@dataclass(frozen=True)
class CleanContribution:
    """A contribution ready to store: the canonical edition code and its catalogue entry."""

    standard_code: str
    organisation: Organisation
    role: str
    year: int
    standard: Standard | None


def clean_contribution_data(
    data: ContributionData,
) -> tuple[CleanContribution | None, list[Problem]]:
    """The canonical edition and its catalogue entry (None when the catalogue does not know
    it: kept, shown as not in the catalogue), or the problems found, keyed by field."""
    problems: list[Problem] = []
    role = data.role.strip().lower()
    problems += _choice(role, NationalStandardContribution.Role, field="role", label=_("角色"))
    problems += _organisation_problem(data.organisation, "organisation")
    this_year = timezone.localdate().year
    year = data.year
    if year is not None and not MIN_YEAR <= year <= this_year:
        problems.append(
            (
                "year",
                InvalidRegistryEntry(
                    _("发布年份应在 %(min)d 至 %(max)d 之间") % {"min": MIN_YEAR, "max": this_year}
                ),
            )
        )
    canonical = ""
    try:
        code = parse_standard_code(data.standard_code)
    except InvalidStandardCode as error:
        problems.append(("standard_code", error))
    else:
        if code.family != NATIONAL_FAMILY:
            problems.append(
                (
                    "standard_code",
                    NotANationalStandard(
                        _("%(code)s 不是国家标准（GB、GB/T 或 GB/Z）") % {"code": code.canonical}
                    ),
                )
            )
        elif code.year is None:
            # GB/T 228.1 with year 2021: the edition GB/T 228.1-2021.
            if year is None:
                problems.append(
                    ("year", InvalidRegistryEntry(_("标准号未带年代号时须填写发布年份")))
                )
            else:
                code = code.with_year(year)
        elif year is None:
            year = code.year
            if year > this_year:
                problems.append(
                    (
                        "standard_code",
                        InvalidRegistryEntry(
                            _("%(code)s 的年代号晚于今年") % {"code": code.canonical}
                        ),
                    )
                )
        elif year != code.year:
            problems.append(
                (
                    "year",
                    InvalidRegistryEntry(
                        _("发布年份 %(year)d 与标准号 %(code)s 的年代号不一致")
                        % {"year": year, "code": code.canonical},
                        code="year_mismatch",
                    ),
                )
            )
        canonical = code.canonical
    if problems or year is None:
        return None, problems
    return (
        CleanContribution(
            standard_code=canonical,
            organisation=data.organisation,
            role=role,
            year=year,
            standard=Standard.objects.filter(code=canonical).first(),
        ),
        problems,
    )


def _contribution_state(contribution: NationalStandardContribution) -> dict[str, Any]:
    return {
        "standard_code": contribution.standard_code,
        "standard": contribution.standard.code if contribution.standard else None,
        "organisation": contribution.organisation.uscc,
        "role": contribution.role,
        "year": contribution.year,
    }


def _apply_contribution(
    contribution: NationalStandardContribution, data: CleanContribution
) -> None:
    contribution.standard_code = data.standard_code
    contribution.standard = data.standard
    contribution.organisation = data.organisation
    contribution.role = data.role
    contribution.year = data.year


def _duplicate_contribution(data: CleanContribution) -> DuplicateContribution:
    return DuplicateContribution(
        _("%(organisation)s 参与 %(code)s 的记录已存在")
        % {"organisation": data.organisation.name, "code": data.standard_code}
    )


def _clean_contribution(data: ContributionData) -> CleanContribution:
    clean, problems = clean_contribution_data(data)
    _first(problems)
    if clean is None:  # not reached: no problems means a clean row
        raise InvalidRegistryEntry(_("记录不完整"))
    return clean


def record_contribution(*, data: ContributionData, by: User | None) -> NationalStandardContribution:
    """Record that an organisation led or joined a national standard. A code the catalogue does
    not know is kept (``standard`` None). Raises RegistryActionNotAllowed, InvalidStandardCode,
    NotANationalStandard, InvalidRegistryEntry, UnknownOrganisation, DuplicateContribution."""
    _require_some_registrar(by)
    clean = _clean_contribution(data)
    _require_registrar(by, city_codes=[clean.organisation.city.code])
    with transaction.atomic():
        if NationalStandardContribution.objects.filter(
            organisation=clean.organisation, standard_code=clean.standard_code
        ).exists():
            raise _duplicate_contribution(clean)
        contribution = NationalStandardContribution()
        _apply_contribution(contribution, clean)
        _save(contribution, _duplicate_contribution(clean))
        record_action(
            actor=by,
            action="standards.contribution_recorded",
            target=contribution,
            after=_contribution_state(contribution),
        )
    return contribution


def update_contribution(
    *, contribution: NationalStandardContribution, role: str, by: User | None
) -> NationalStandardContribution:
    """Change the role (主导/参与) of a recorded contribution. Raises RegistryActionNotAllowed,
    InvalidRegistryEntry."""
    _require_some_registrar(by)
    with transaction.atomic():
        contribution = (
            NationalStandardContribution.objects.select_for_update(of=("self",))
            .select_related("organisation__city", "standard")
            .get(pk=contribution.pk)
        )
        clean = _clean_contribution(
            ContributionData(
                standard_code=contribution.standard_code,
                organisation=contribution.organisation,
                role=role,
                year=contribution.year,
            )
        )
        _require_registrar(by, city_codes=[contribution.organisation.city.code])
        before = _contribution_state(contribution)
        _apply_contribution(contribution, clean)
        after = _contribution_state(contribution)
        if after != before:
            _save(contribution, _duplicate_contribution(clean))
            record_action(
                actor=by,
                action="standards.contribution_updated",
                target=contribution,
                before=before,
                after=after,
            )
    return contribution


def upsert_contributions(rows: Sequence[CleanContribution], *, by: User | None) -> ImportCounts:
    """Create or update contributions by (organisation, code) (``qihub import
    national_contributions``); a row whose code the catalogue has since learnt gets linked.
    Rows must be clean. Call inside a transaction."""
    counts = ImportCounts()
    entries: list[AuditEntry] = []
    # One IN over the codes, not an OR per row: SQLite limits the depth of an expression.
    existing = {
        (item.organisation_id, item.standard_code): item
        for item in NationalStandardContribution.objects.filter(
            standard_code__in={row.standard_code for row in rows}
        ).select_related("organisation", "standard")
    }
    for data in rows:
        contribution = existing.get((data.organisation.pk, data.standard_code))
        before = _contribution_state(contribution) if contribution is not None else None
        contribution = contribution or NationalStandardContribution()
        _apply_contribution(contribution, data)
        after = _contribution_state(contribution)
        if before == after:
            counts.unchanged += 1
            continue
        contribution.save()
        if before is None:
            counts.created += 1
            action = "standards.contribution_recorded"
        else:
            counts.updated += 1
            action = "standards.contribution_updated"
        entries.append(
            audit_entry(actor=by, action=action, target=contribution, before=before, after=after)
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return counts


def link_contributions_to_catalogue(*, by: User | None) -> int:
    """Link contributions recorded before the catalogue knew their standard (run after a
    catalogue import); returns how many were linked."""
    linked = 0
    with transaction.atomic():
        unlinked = NationalStandardContribution.objects.filter(standard__isnull=True)
        codes = set(unlinked.values_list("standard_code", flat=True))
        known = Standard.objects.in_bulk(list(codes), field_name="code")
        entries: list[AuditEntry] = []
        for contribution in unlinked.filter(standard_code__in=list(known)).select_related(
            "organisation"
        ):
            before = _contribution_state(contribution)
            contribution.standard = known[contribution.standard_code]
            contribution.save(update_fields=["standard", "updated_at"])
            entries.append(
                audit_entry(
                    actor=by,
                    action="standards.contribution_linked",
                    target=contribution,
                    before=before,
                    after=_contribution_state(contribution),
                )
            )
            linked += 1
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    return linked


# --- reads --------------------------------------------------------------------------------------


def contributions_matching(
    q: str = "",
    *,
    role: str | None = None,
    year: int | None = None,
    city: str | None = None,
) -> QuerySet[NationalStandardContribution]:
    """Contributions whose standard code or title, or organisation name (or its pinyin),
    contains every word of ``q``; any spelling of a code (``gbt 228.1``) finds its editions."""
    contributions = NationalStandardContribution.objects.select_related(
        "organisation__city", "standard"
    )
    if role:
        contributions = contributions.filter(role=role)
    if year:
        contributions = contributions.filter(year=year)
    if city:
        contributions = contributions.filter(organisation__city__code=city)
    terms = _terms(q)
    if not terms:
        return contributions
    condition = _every_term(
        terms,
        ["standard_code", "standard__title_zh", "organisation__name", "organisation__name_pinyin"],
    )
    with contextlib.suppress(InvalidStandardCode):
        code = parse_standard_code(q)
        if code.year is not None:
            condition |= Q(standard_code=code.canonical)
        else:
            condition |= Q(standard_code__startswith=f"{code.base}-")
    return contributions.filter(condition)
