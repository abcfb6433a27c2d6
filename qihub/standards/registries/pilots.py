"""Standardisation pilot and demonstration projects (标准化试点示范项目): register, update,
import and search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action
from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text
from qihub.reference.models import Region
from qihub.standards.models import PilotProject
from qihub.standards.registries.common import (
    MAX_NAME,
    AcceptanceDateRequired,
    DuplicatePilotProject,
    InvalidRegistryEntry,
    Problem,
    RegistryDatesOutOfOrder,
    _choice,
    _every_term,
    _first,
    _not_future,
    _organisation_problem,
    _pinyin_text,
    _require_registrar,
    _require_some_registrar,
    _save,
    _terms,
    _text,
)

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
            PilotProject.objects.select_for_update(of=("self",))
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


# --- reads --------------------------------------------------------------------------------------


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
