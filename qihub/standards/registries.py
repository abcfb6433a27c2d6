"""The standardisation registries: technical committees, pilot/demonstration projects and
national standards led or joined by Liaoning organisations, counted against the plan's targets.

Writes are keyword-only services taking the acting user as ``by`` (None: a trusted command line
or the demo loader), each in one transaction with its audit entry. Who may write: platform
administrators and the provincial regulator for everything; a city regulator for pilot projects
and contributions of organisations in its city. The ``upsert_*`` functions are the bulk paths
of ``qihub import`` (trusted callers, like ``accounts.services.upsert_organisations``).

Reads are plain filters: these registries hold hundreds of rows, so a query is matched with
``icontains`` over a ``search_text`` column (name, English name, scope, the name's pinyin and
its initials), word by word, every word required.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qihub.accounts.audit import audit_entry, record_action
from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.accounts.queries import regulator_jurisdictions
from qihub.core.errors import Conflict, DomainError, PermissionDenied
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text, pinyin_full, pinyin_initials
from qihub.reference.models import PlanTarget, Region
from qihub.standards.codes import MIN_YEAR, InvalidStandardCode, parse_standard_code
from qihub.standards.models import (
    NationalStandardContribution,
    PilotProject,
    Standard,
    TechnicalCommittee,
)
from qihub.standards.models.registries import (
    COMMITTEE_CODE_MAX_LENGTH,
    committee_sort_key,
    normalise_committee_code,
    validate_committee_code,
)

# The plan targets (reference/data/plan_targets.csv) each registry counts towards.
COMMITTEE_TARGET_KEY = "standardization.provincial_tech_committees"
PILOT_TARGET_KEY = "standardization.new_pilot_demo_projects"
NATIONAL_TARGET_KEY = "standardization.national_standards_led_participated"

NATIONAL_FAMILY = "national"  # codes.py's family of GB, GB/T and GB/Z
MAX_QUERY_TERMS = 8
MAX_NAME = 200
MAX_NAME_EN = 300
MAX_SCOPE = 2000
MAX_CHAIR = 50
MAX_MEMBERS = 999


# --- errors -------------------------------------------------------------------------------------


class RegistryError(DomainError):
    code = "registry_error"


class InvalidRegistryEntry(RegistryError):
    """A value is missing, too long or not one of the allowed choices."""

    code = "invalid_registry_entry"


class RegistryDatesOutOfOrder(RegistryError):
    """Due before start, accepted before start, or a date in the future that cannot be."""

    code = "registry_dates_out_of_order"


class AcceptanceDateRequired(RegistryError):
    code = "acceptance_date_required"


class UnknownOrganisation(RegistryError):
    """No organisation of the platform has this USCC (or it is not a valid USCC)."""

    code = "unknown_organisation"


class NotANationalStandard(RegistryError):
    """Only GB, GB/T and GB/Z count towards national standards led or joined."""

    code = "not_a_national_standard"


class DuplicateCommitteeCode(RegistryError, Conflict):
    code = "duplicate_committee_code"


class DuplicatePilotProject(RegistryError, Conflict):
    code = "duplicate_pilot_project"


class DuplicateContribution(RegistryError, Conflict):
    code = "duplicate_contribution"


class RegistryActionNotAllowed(RegistryError, PermissionDenied):
    code = "registry_action_not_allowed"


# (field, error): every problem of one entry, so an import can report them all at once.
Problem = tuple[str, DomainError]


def _first(problems: list[Problem]) -> None:
    if problems:
        raise problems[0][1]


# --- who may write ------------------------------------------------------------------------------


def may_manage_registries(user: Any, *, city_code: str | None = None) -> bool:
    """Platform admins and the provincial regulator; a city regulator for ``city_code`` only."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    for region in regulator_jurisdictions(user):
        if region.level == Region.Level.PROVINCE or (city_code and region.code == city_code):
            return True
    return False


def _require_registrar(by: User | None, *, city_codes: Sequence[str | None] = (None,)) -> None:
    # None is a trusted caller (the command line, the demo loader): like the import paths.
    if by is None:
        return
    if not all(may_manage_registries(by, city_code=code) for code in city_codes):
        raise RegistryActionNotAllowed(_("只有平台管理员或主管的市场监督管理部门可以维护该名录"))


def _require_some_registrar(by: User | None) -> None:
    """Anyone who may manage some city's entries; checked before the input, so an outsider
    learns nothing from validation messages. The city is checked once the input is clean."""
    if by is None or by.is_platform_admin or regulator_jurisdictions(by):
        return
    raise RegistryActionNotAllowed(_("只有平台管理员或主管的市场监督管理部门可以维护该名录"))


# --- organisations ------------------------------------------------------------------------------


def find_organisation(uscc: str) -> Organisation:
    """The organisation with this USCC (any spelling). Raises UnknownOrganisation."""
    try:
        canonical = normalise_uscc(uscc)
    except InvalidUSCC as error:
        raise UnknownOrganisation(error.detail) from error
    organisation = Organisation.objects.select_related("city").filter(uscc=canonical).first()
    if organisation is None:
        raise UnknownOrganisation(
            _("平台上没有统一社会信用代码为 %(uscc)s 的机构") % {"uscc": canonical}
        )
    return organisation


def _organisation_problem(organisation: Organisation | None, field: str) -> list[Problem]:
    if organisation is None or organisation.pk is None:
        return [(field, UnknownOrganisation(_("须指定平台上已登记的机构")))]
    return []


def _text(value: str, *, field: str, label: str, limit: int, required: bool) -> list[Problem]:
    if required and not value:
        return [(field, InvalidRegistryEntry(_("%(label)s不能为空") % {"label": label}))]
    if len(value) > limit:
        return [
            (
                field,
                InvalidRegistryEntry(
                    _("%(label)s过长（最多 %(limit)d 字）") % {"label": label, "limit": limit}
                ),
            )
        ]
    return []


def _choice(value: str, choices: Any, *, field: str, label: str) -> list[Problem]:
    if value in choices.values:
        return []
    return [
        (
            field,
            InvalidRegistryEntry(
                _("未知的%(label)s“%(value)s”；可用：%(choices)s")
                % {"label": label, "value": value, "choices": ", ".join(choices.values)},
            ),
        )
    ]


def _not_future(day: date | None, *, field: str, label: str) -> list[Problem]:
    if day is not None and day > timezone.localdate():
        return [
            (
                field,
                RegistryDatesOutOfOrder(
                    _("%(label)s不能晚于今天：%(day)s") % {"label": label, "day": day.isoformat()}
                ),
            )
        ]
    return []


def _save(instance: Any, duplicate: DomainError) -> None:
    """Check the fields and save; a unique constraint that another transaction won meanwhile
    becomes ``duplicate``. (Uniqueness was checked just before; the database has the last word.)"""
    instance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise duplicate from error


def _terms(query: str) -> list[str]:
    return normalise_text(query).lower().split(" ")[:MAX_QUERY_TERMS] if query.strip() else []


def _every_term(terms: list[str], fields: Sequence[str]) -> Q:
    """Each word in at least one of ``fields`` (icontains), all words required."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def _pinyin_text(*names: str) -> str:
    """The names, their pinyin and their initials: what a pinyin or initials query finds."""
    parts: list[str] = []
    for name in names:
        if name:
            parts.extend((pinyin_full(name), pinyin_initials(name)))
    return " ".join(parts)


# --- technical committees (省级专业标准化技术委员会) ------------------------------------------


@dataclass(frozen=True)
class CommitteeData:
    """One committee as registered or imported. ``code`` as typed (normalised on cleaning)."""

    code: str
    name_zh: str
    secretariat: Organisation
    member_count: int
    established_on: date
    name_en: str = ""
    scope: str = ""
    chair: str = ""
    status: str = TechnicalCommittee.Status.ACTIVE

    @classmethod
    def of(cls, committee: TechnicalCommittee) -> CommitteeData:
        """The stored committee as data, to change a field with ``dataclasses.replace``."""
        return cls(
            code=committee.code,
            name_zh=committee.name_zh,
            secretariat=committee.secretariat,
            member_count=committee.member_count,
            established_on=committee.established_on,
            name_en=committee.name_en,
            scope=committee.scope,
            chair=committee.chair,
            status=committee.status,
        )


def clean_committee_data(data: CommitteeData) -> tuple[CommitteeData, list[Problem]]:
    """Normalised data and every problem found, keyed by field (import column names)."""
    data = replace(
        data,
        code=normalise_committee_code(data.code),
        name_zh=normalise_text(data.name_zh),
        name_en=normalise_text(data.name_en),
        scope=normalise_text(data.scope),
        chair=normalise_text(data.chair),
        status=(data.status or TechnicalCommittee.Status.ACTIVE).strip().lower(),
    )
    problems: list[Problem] = []
    if not data.code:
        problems.append(("code", InvalidRegistryEntry(_("技术委员会编号不能为空"))))
    elif len(data.code) > COMMITTEE_CODE_MAX_LENGTH:
        problems.append(("code", InvalidRegistryEntry(_("技术委员会编号过长"))))
    else:
        try:
            validate_committee_code(data.code)
        except ValidationError as error:
            problems.append(("code", InvalidRegistryEntry(error.messages[0])))
    problems += _text(data.name_zh, field="name_zh", label=_("名称"), limit=MAX_NAME, required=True)
    problems += _text(
        data.name_en, field="name_en", label=_("英文名称"), limit=MAX_NAME_EN, required=False
    )
    problems += _text(
        data.scope, field="scope", label=_("专业领域"), limit=MAX_SCOPE, required=False
    )
    problems += _text(
        data.chair, field="chair", label=_("主任委员"), limit=MAX_CHAIR, required=False
    )
    problems += _organisation_problem(data.secretariat, "secretariat")
    if not 1 <= data.member_count <= MAX_MEMBERS:
        problems.append(
            (
                "member_count",
                InvalidRegistryEntry(
                    _("委员人数应为 1 至 %(max)d 之间的整数") % {"max": MAX_MEMBERS}
                ),
            )
        )
    problems += _not_future(data.established_on, field="established_on", label=_("成立日期"))
    problems += _choice(data.status, TechnicalCommittee.Status, field="status", label=_("状态"))
    return data, problems


def _committee_state(committee: TechnicalCommittee) -> dict[str, Any]:
    return {
        "code": committee.code,
        "name_zh": committee.name_zh,
        "name_en": committee.name_en,
        "scope": committee.scope,
        "secretariat": committee.secretariat.uscc,
        "chair": committee.chair,
        "member_count": committee.member_count,
        "established_on": committee.established_on.isoformat(),
        "status": committee.status,
    }


def _apply_committee(committee: TechnicalCommittee, data: CommitteeData) -> None:
    committee.code = data.code
    committee.name_zh = data.name_zh
    committee.name_en = data.name_en
    committee.scope = data.scope
    committee.secretariat = data.secretariat
    committee.chair = data.chair
    committee.member_count = data.member_count
    committee.established_on = data.established_on
    committee.status = data.status
    committee.sort_key = committee_sort_key(data.code)
    committee.search_text = " ".join(
        part
        for part in (
            data.code.lower(),
            data.name_zh,
            data.name_en.lower(),
            data.scope,
            data.chair,
            _pinyin_text(data.name_zh),
        )
        if part
    )


def _duplicate_code(code: str) -> DuplicateCommitteeCode:
    return DuplicateCommitteeCode(_("技术委员会编号 %(code)s 已登记") % {"code": code})


def register_committee(*, data: CommitteeData, by: User | None) -> TechnicalCommittee:
    """Register a provincial technical committee. Raises RegistryActionNotAllowed,
    InvalidRegistryEntry, UnknownOrganisation, RegistryDatesOutOfOrder, DuplicateCommitteeCode."""
    _require_registrar(by)
    data, problems = clean_committee_data(data)
    _first(problems)
    with transaction.atomic():
        if TechnicalCommittee.objects.filter(code=data.code).exists():
            raise _duplicate_code(data.code)
        committee = TechnicalCommittee()
        _apply_committee(committee, data)
        _save(committee, _duplicate_code(data.code))
        record_action(
            actor=by,
            action="standards.committee_registered",
            target=committee,
            after=_committee_state(committee),
        )
    return committee


def update_committee(
    *, committee: TechnicalCommittee, data: CommitteeData, by: User | None
) -> TechnicalCommittee:
    """Replace a committee's entry (renumbered, renamed, dissolved…); nothing is written when
    nothing changes. Raises what ``register_committee`` raises."""
    _require_registrar(by)
    data, problems = clean_committee_data(data)
    _first(problems)
    with transaction.atomic():
        committee = (
            TechnicalCommittee.objects.select_for_update()
            .select_related("secretariat")
            .get(pk=committee.pk)
        )
        if (
            data.code != committee.code
            and TechnicalCommittee.objects.filter(code=data.code).exists()
        ):
            raise _duplicate_code(data.code)
        before = _committee_state(committee)
        _apply_committee(committee, data)
        after = _committee_state(committee)
        if after != before:
            _save(committee, _duplicate_code(data.code))
            record_action(
                actor=by,
                action="standards.committee_updated",
                target=committee,
                before=before,
                after=after,
            )
    return committee


def upsert_committees(rows: Sequence[CommitteeData], *, by: User | None) -> ImportCounts:
    """Create or update committees by code (``qihub import committees``). Rows must be clean
    (``clean_committee_data`` without problems). Call inside a transaction."""
    counts = ImportCounts()
    entries: list[AuditEntry] = []
    existing = TechnicalCommittee.objects.select_related("secretariat").in_bulk(
        [row.code for row in rows], field_name="code"
    )
    for data in rows:
        committee = existing.get(data.code)
        before = _committee_state(committee) if committee is not None else None
        committee = committee or TechnicalCommittee()
        _apply_committee(committee, data)
        after = _committee_state(committee)
        if before == after:
            counts.unchanged += 1
            continue
        committee.save()
        if before is None:
            counts.created += 1
            action = "standards.committee_registered"
        else:
            counts.updated += 1
            action = "standards.committee_updated"
        entries.append(
            audit_entry(actor=by, action=action, target=committee, before=before, after=after)
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return counts


# --- pilot and demonstration projects (标准化试点示范项目) ----------------------------------


@dataclass(frozen=True)
class PilotProjectData:
    """One pilot or demonstration project. ``city`` None: the organisation's city (for a new
    project) or the city already recorded (for an update)."""

    name_zh: str
    kind: str
    field: str
    level: str
    organisation: Organisation
    started_on: date
    due_on: date
    status: str = PilotProject.Status.UNDERWAY
    accepted_on: date | None = None
    city: Region | None = None

    @classmethod
    def of(cls, project: PilotProject) -> PilotProjectData:
        return cls(
            name_zh=project.name_zh,
            kind=project.kind,
            field=project.field,
            level=project.level,
            organisation=project.organisation,
            started_on=project.started_on,
            due_on=project.due_on,
            status=project.status,
            accepted_on=project.accepted_on,
            city=project.city,
        )


def clean_pilot_project_data(data: PilotProjectData) -> tuple[PilotProjectData, list[Problem]]:
    """Normalised data and every problem found, keyed by field."""
    data = replace(
        data,
        name_zh=normalise_text(data.name_zh),
        kind=data.kind.strip().lower(),
        field=data.field.strip().lower(),
        level=data.level.strip().lower(),
        status=(data.status or PilotProject.Status.UNDERWAY).strip().lower(),
    )
    problems: list[Problem] = []
    problems += _text(
        data.name_zh, field="name_zh", label=_("项目名称"), limit=MAX_NAME, required=True
    )
    problems += _choice(data.kind, PilotProject.Kind, field="kind", label=_("类别"))
    problems += _choice(data.field, PilotProject.Field, field="field", label=_("领域"))
    problems += _choice(data.level, PilotProject.Level, field="level", label=_("级别"))
    problems += _choice(data.status, PilotProject.Status, field="status", label=_("状态"))
    problems += _organisation_problem(data.organisation, "organisation")
    if data.city is not None and data.city.level != Region.Level.PREFECTURE:
        problems.append(("city", InvalidRegistryEntry(_("所在市须为地级市"))))
    if data.due_on < data.started_on:
        problems.append(
            (
                "due_on",
                RegistryDatesOutOfOrder(
                    _("计划完成日期 %(due)s 早于开始日期 %(start)s")
                    % {"due": data.due_on.isoformat(), "start": data.started_on.isoformat()}
                ),
            )
        )
    accepted = data.status == PilotProject.Status.ACCEPTED
    if accepted and data.accepted_on is None:
        problems.append(("accepted_on", AcceptanceDateRequired(_("已验收的项目须填写验收日期"))))
    elif not accepted and data.accepted_on is not None:
        problems.append(
            (
                "accepted_on",
                InvalidRegistryEntry(
                    _("只有已验收的项目才有验收日期"), code="acceptance_date_not_allowed"
                ),
            )
        )
    elif data.accepted_on is not None:
        if data.accepted_on < data.started_on:
            problems.append(
                (
                    "accepted_on",
                    RegistryDatesOutOfOrder(
                        _("验收日期 %(accepted)s 早于开始日期 %(start)s")
                        % {
                            "accepted": data.accepted_on.isoformat(),
                            "start": data.started_on.isoformat(),
                        }
                    ),
                )
            )
        problems += _not_future(data.accepted_on, field="accepted_on", label=_("验收日期"))
    return data, problems


def _pilot_state(project: PilotProject) -> dict[str, Any]:
    return {
        "name_zh": project.name_zh,
        "kind": project.kind,
        "field": project.field,
        "level": project.level,
        "organisation": project.organisation.uscc,
        "city": project.city.code,
        "started_on": project.started_on.isoformat(),
        "due_on": project.due_on.isoformat(),
        "status": project.status,
        "accepted_on": project.accepted_on.isoformat() if project.accepted_on else None,
    }


def _apply_pilot(project: PilotProject, data: PilotProjectData) -> None:
    project.name_zh = data.name_zh
    project.kind = data.kind
    project.field = data.field
    project.level = data.level
    project.organisation = data.organisation
    if data.city is not None:
        project.city = data.city
    elif project.city_id is None:
        project.city = data.organisation.city
    project.started_on = data.started_on
    project.due_on = data.due_on
    project.status = data.status
    project.accepted_on = data.accepted_on
    project.search_text = " ".join(
        part for part in (data.name_zh, _pinyin_text(data.name_zh)) if part
    )


def _duplicate_pilot(data: PilotProjectData) -> DuplicatePilotProject:
    return DuplicatePilotProject(
        _("%(organisation)s 已登记项目“%(name)s”")
        % {"organisation": data.organisation.name, "name": data.name_zh}
    )


def _city_code(data: PilotProjectData) -> str:
    city = data.city or data.organisation.city
    return city.code


def register_pilot_project(*, data: PilotProjectData, by: User | None) -> PilotProject:
    """Register a pilot or demonstration project. Raises RegistryActionNotAllowed,
    InvalidRegistryEntry, UnknownOrganisation, RegistryDatesOutOfOrder, AcceptanceDateRequired,
    DuplicatePilotProject."""
    _require_some_registrar(by)
    data, problems = clean_pilot_project_data(data)
    _first(problems)
    _require_registrar(by, city_codes=[_city_code(data)])
    with transaction.atomic():
        if PilotProject.objects.filter(
            organisation=data.organisation, name_zh=data.name_zh
        ).exists():
            raise _duplicate_pilot(data)
        project = PilotProject()
        _apply_pilot(project, data)
        _save(project, _duplicate_pilot(data))
        record_action(
            actor=by,
            action="standards.pilot_project_registered",
            target=project,
            after=_pilot_state(project),
        )
    return project


def update_pilot_project(
    *, project: PilotProject, data: PilotProjectData, by: User | None
) -> PilotProject:
    """Replace a project's entry (accepted, failed, cancelled, extended…); nothing is written
    when nothing changes. Raises what ``register_pilot_project`` raises."""
    _require_some_registrar(by)
    data, problems = clean_pilot_project_data(data)
    _first(problems)
    with transaction.atomic():
        project = (
            PilotProject.objects.select_for_update()
            .select_related("organisation", "city")
            .get(pk=project.pk)
        )
        new_city = data.city.code if data.city is not None else project.city.code
        _require_registrar(by, city_codes=[project.city.code, new_city])
        renamed = (data.organisation.pk, data.name_zh) != (
            project.organisation_id,
            project.name_zh,
        )
        if (
            renamed
            and PilotProject.objects.filter(
                organisation=data.organisation, name_zh=data.name_zh
            ).exists()
        ):
            raise _duplicate_pilot(data)
        before = _pilot_state(project)
        _apply_pilot(project, data)
        after = _pilot_state(project)
        if after != before:
            _save(project, _duplicate_pilot(data))
            record_action(
                actor=by,
                action="standards.pilot_project_updated",
                target=project,
                before=before,
                after=after,
            )
    return project


def upsert_pilot_projects(rows: Sequence[PilotProjectData], *, by: User | None) -> ImportCounts:
    """Create or update projects by (organisation, name) (``qihub import pilot_projects``).
    Rows must be clean. Call inside a transaction."""
    counts = ImportCounts()
    entries: list[AuditEntry] = []
    # One IN over the names, not an OR per row: SQLite limits the depth of an expression.
    existing = {
        (project.organisation_id, project.name_zh): project
        for project in PilotProject.objects.filter(
            name_zh__in={row.name_zh for row in rows}
        ).select_related("organisation", "city")
    }
    for data in rows:
        project = existing.get((data.organisation.pk, data.name_zh))
        before = _pilot_state(project) if project is not None else None
        project = project or PilotProject()
        _apply_pilot(project, data)
        after = _pilot_state(project)
        if before == after:
            counts.unchanged += 1
            continue
        project.save()
        if before is None:
            counts.created += 1
            action = "standards.pilot_project_registered"
        else:
            counts.updated += 1
            action = "standards.pilot_project_updated"
        entries.append(
            audit_entry(actor=by, action=action, target=project, before=before, after=after)
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return counts


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
            NationalStandardContribution.objects.select_for_update()
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


def committees_matching(q: str = "", *, status: str | None = None) -> QuerySet[TechnicalCommittee]:
    """Committees whose code, name, English name, scope, chair, pinyin or initials, or
    secretariat name contain every word of ``q``; a code typed in full comes first."""
    committees = TechnicalCommittee.objects.select_related("secretariat")
    if status:
        committees = committees.filter(status=status)
    terms = _terms(q)
    if not terms:
        return committees
    condition = _every_term(terms, ["search_text", "secretariat__name"])
    code = normalise_committee_code(q)
    if re.search(r"[0-9]", code):
        condition |= Q(code=code) | Q(code__startswith=f"{code}/")
        return committees.filter(condition).order_by(
            Case(When(code=code, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "sort_key",
            "code",
        )
    return committees.filter(condition)


def pilot_projects_matching(
    q: str = "",
    *,
    kind: str | None = None,
    level: str | None = None,
    status: str | None = None,
    city: str | None = None,
    field: str | None = None,
) -> QuerySet[PilotProject]:
    """Projects whose name (or its pinyin) or organisation's name contains every word of ``q``,
    filtered by kind, level, status, field and city (a GB/T 2260 city code)."""
    projects = PilotProject.objects.select_related("organisation", "city")
    filters = {"kind": kind, "level": level, "status": status, "field": field, "city__code": city}
    projects = projects.filter(**{name: value for name, value in filters.items() if value})
    terms = _terms(q)
    if terms:
        projects = projects.filter(
            _every_term(terms, ["search_text", "organisation__name", "organisation__name_pinyin"])
        )
    return projects


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


@dataclass(frozen=True)
class RegistryCount:
    """One registry's count against its plan target (None when the target is not loaded)."""

    registry: str
    key: str
    label: str
    count: int
    target: Decimal | None
    comparator: str
    unit: str
    deadline: date | None

    @property
    def percent(self) -> int | None:
        """How far towards the target, in whole percent (over 100 once exceeded)."""
        if self.target is None or self.target <= 0:
            return None
        return int(Decimal(self.count) * 100 / self.target)

    @property
    def progress(self) -> int | None:
        """The percent for a progress bar: at most 100."""
        return None if self.percent is None else min(self.percent, 100)

    @property
    def comparator_label(self) -> str:
        """≥ or > as people write it."""
        return str(PlanTarget.Comparator(self.comparator).label)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        if self.comparator == PlanTarget.Comparator.MORE_THAN:
            return self.count > self.target
        return self.count >= self.target


REGISTRY_LABELS: Mapping[str, Any] = {
    "committees": gettext_lazy("省级专业标准化技术委员会"),
    "pilot_projects": gettext_lazy("标准化试点示范项目"),
    "national_contributions": gettext_lazy("主导或参与制修订国家标准"),
}


def registry_counts() -> list[RegistryCount]:
    """The three registries against their 2025 targets: active committees; pilot projects under
    way or accepted; distinct national standards (by code) with at least one contribution of an
    organisation in Liaoning."""
    targets = PlanTarget.objects.in_bulk(
        [COMMITTEE_TARGET_KEY, PILOT_TARGET_KEY, NATIONAL_TARGET_KEY], field_name="key"
    )
    counts = {
        "committees": (COMMITTEE_TARGET_KEY, TechnicalCommittee.objects.active().count()),
        "pilot_projects": (PILOT_TARGET_KEY, PilotProject.objects.counted().count()),
        "national_contributions": (
            NATIONAL_TARGET_KEY,
            NationalStandardContribution.objects.by_liaoning()
            .order_by()
            .values("standard_code")
            .distinct()
            .count(),
        ),
    }
    rows = []
    for registry, (key, count) in counts.items():
        target = targets.get(key)
        rows.append(
            RegistryCount(
                registry=registry,
                key=key,
                label=str(REGISTRY_LABELS[registry]),
                count=count,
                target=target.target_value if target else None,
                comparator=target.comparator if target else PlanTarget.Comparator.AT_LEAST,
                unit=target.unit if target else "",
                deadline=target.deadline if target else None,
            )
        )
    return rows
