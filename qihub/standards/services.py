"""Writes to the catalogue. Upserts keep both directions of the version chain consistent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from qihub.accounts.audit import audit_entry, record_action
from qihub.accounts.models import AuditEntry, User
from qihub.core.imports import ImportCounts
from qihub.core.search import segment
from qihub.reference.models import Industry
from qihub.standards.codes import StandardCode
from qihub.standards.declarations import notify_declarations_citing
from qihub.standards.models import Standard
from qihub.standards.signals import standards_left_force

AUDITED_FIELDS = (
    "title_zh",
    "title_en",
    "type",
    "status",
    "published_on",
    "effective_on",
    "withdrawn_on",
    "ics",
    "ccs",
    "issuer",
)


@dataclass(frozen=True)
class StandardData:
    """One catalogue row, already validated (see importers.StandardImporter)."""

    code: StandardCode
    title_zh: str
    type: str
    status: str
    title_en: str = ""
    published_on: date | None = None
    effective_on: date | None = None
    withdrawn_on: date | None = None
    replaces: tuple[StandardCode, ...] = field(default=())
    replaced_by: tuple[StandardCode, ...] = field(default=())
    ics: str = ""
    ccs: str = ""
    issuer: str = ""
    # Industry keys; None leaves the standard's links as they are (the file had no such column).
    industries: tuple[str, ...] | None = None


def _fields(data: StandardData) -> dict[str, Any]:
    return {
        "base_code": data.code.base,
        "prefix": data.code.prefix,
        "family": data.code.family,
        "number": data.code.number,
        "year": data.code.year,
        "title_zh": data.title_zh,
        "title_en": data.title_en,
        "type": data.type,
        "status": data.status,
        "published_on": data.published_on,
        "effective_on": data.effective_on,
        "withdrawn_on": data.withdrawn_on,
        "ics": data.ics,
        "ccs": data.ccs,
        "issuer": data.issuer,
        "is_catalogued": True,
    }


def _state(standard: Standard) -> dict[str, Any]:
    state: dict[str, Any] = {name: getattr(standard, name) for name in AUDITED_FIELDS}
    for name in ("published_on", "effective_on", "withdrawn_on"):
        value = state[name]
        state[name] = value.isoformat() if value else None
    state["replaces"] = sorted(s.code for s in standard.replaces.all())
    state["industries"] = sorted(i.key for i in standard.industries.all())
    return state


def upsert_standards(rows: Sequence[StandardData], *, by: User | None) -> ImportCounts:
    """Create or update catalogue rows by canonical code, with their version links.

    A code a row names in ``replaces``/``replaced_by`` that the catalogue does not hold yet is
    created as an uncatalogued edition, so the chain is complete whatever the order of the rows;
    the row that describes it later completes it. Call inside a transaction.
    """
    counts = ImportCounts()
    entries: list[AuditEntry] = []
    # Editions this call puts out of force (their own row, or superseded by a newer one's):
    # enterprises whose declarations cite them are told at the end (change-impact notices).
    out_of_force: list[Standard] = []
    for data in rows:
        standard = Standard.objects.filter(code=data.code.canonical).first()
        before = _state(standard) if standard is not None else None
        if standard is None:
            standard = Standard(code=data.code.canonical)
        for name, value in _fields(data).items():
            setattr(standard, name, value)
        # What the full-text index holds (search.search_standards): codes and titles, segmented.
        standard.search_text = segment(
            f"{data.code.canonical} {data.code.base} {data.title_zh} {data.title_en}"
        )
        if _has_successor_in_force(standard):
            # A row may still call an edition current after a newer one in force replaced it.
            standard.status = Standard.Status.SUPERSEDED
        standard.full_clean(validate_unique=False, exclude=["replaces"])
        standard.save()
        if data.industries is not None:
            standard.industries.set(Industry.objects.filter(key__in=data.industries))
        out_of_force.extend(_link(standard, data))
        if before is not None and before["status"] != standard.status:
            out_of_force.append(standard)
        after = _state(standard)
        if before is None:
            counts.created += 1
            entries.append(
                audit_entry(
                    actor=by, action="standards.standard_created", target=standard, after=after
                )
            )
        elif before != after:
            counts.updated += 1
            entries.append(
                audit_entry(
                    actor=by,
                    action="standards.standard_updated",
                    target=standard,
                    before=before,
                    after=after,
                )
            )
        else:
            counts.unchanged += 1
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    notify_declarations_citing(standards=out_of_force, by=by)
    if out_of_force:
        # Apps above standards (institutions' capability scopes) react to the same change.
        standards_left_force.send(sender=Standard, standards=out_of_force, by=by)
    return counts


def _has_successor_in_force(standard: Standard) -> bool:
    return (
        standard.pk is not None
        and standard.status == Standard.Status.CURRENT
        and standard.replaced_by.filter(status=Standard.Status.CURRENT).exists()
    )


def _link(standard: Standard, data: StandardData) -> list[Standard]:
    """Record the version links; returns the editions it supersedes."""
    superseded: list[Standard] = []
    for old_code in data.replaces:
        old = _edition(old_code, like=data, status=Standard.Status.SUPERSEDED)
        standard.replaces.add(old)
        if standard.status == Standard.Status.CURRENT and old.status == Standard.Status.CURRENT:
            # A newer edition in force supersedes the old one.
            old.status = Standard.Status.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            superseded.append(old)
    for new_code in data.replaced_by:
        new = _edition(new_code, like=data, status=Standard.Status.CURRENT)
        new.replaces.add(standard)
    return superseded


def _edition(code: StandardCode, *, like: StandardData, status: str) -> Standard:
    """The catalogued edition with this code, or an uncatalogued one made from its neighbour."""
    existing = Standard.objects.filter(code=code.canonical).first()
    if existing is not None:
        return existing
    return Standard.objects.create(
        code=code.canonical,
        base_code=code.base,
        prefix=code.prefix,
        family=code.family,
        number=code.number,
        year=code.year,
        title_zh=like.title_zh,
        title_en=like.title_en,
        type=like.type,
        status=status,
        is_catalogued=False,
        search_text=segment(f"{code.canonical} {code.base} {like.title_zh} {like.title_en}"),
    )


def add_standards_in_bulk(rows: Sequence[StandardData], *, by: User | None) -> int:
    """Add catalogue editions that are not there yet, fast; returns how many were added.

    For loading a large catalogue into an empty or growing database (hundreds of thousands of
    editions): rows whose code exists are skipped, not updated; ``replaces`` links to editions in
    this batch or already stored (unknown ones are left out); one audit entry covers the batch.
    Use ``upsert_standards`` (the import) for updates and change-impact notices.
    """
    codes = [data.code.canonical for data in rows]
    existing = set(Standard.objects.filter(code__in=codes).values_list("code", flat=True))
    fresh = [data for data in rows if data.code.canonical not in existing]
    if not fresh:
        return 0
    with transaction.atomic():
        created = Standard.objects.bulk_create(
            [
                Standard(
                    code=data.code.canonical,
                    search_text=segment(
                        f"{data.code.canonical} {data.code.base} {data.title_zh} {data.title_en}"
                    ),
                    **_fields(data),
                )
                for data in fresh
            ],
            batch_size=1000,
        )
        ids = {standard.code: standard.pk for standard in created}
        wanted = {c.canonical for data in fresh for c in data.replaces} - ids.keys()
        ids.update(Standard.objects.filter(code__in=wanted).values_list("code", "pk"))
        Link = Standard.replaces.through
        Link.objects.bulk_create(
            [
                Link(from_standard_id=ids[data.code.canonical], to_standard_id=ids[old.canonical])
                for data in fresh
                for old in data.replaces
                if old.canonical in ids
            ],
            batch_size=2000,
        )
        record_action(
            actor=by,
            action="standards.catalogue_bulk_added",
            target=None,
            after={"count": len(created), "first": created[0].code, "last": created[-1].code},
        )
    return len(created)
