"""Every write to qualifications and capability scopes. Each records an audit entry.

Who may write: the organisation's admins (``accounts.queries.is_organisation_admin``), platform
admins, and trusted command-line imports (``by=None``). Lifting a suspension or a revocation is
for platform admins (and imports) only: an institution cannot restore its own qualification.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action, snapshot
from qihub.accounts.models import AuditEntry, Membership, Organisation, User
from qihub.accounts.queries import is_organisation_admin
from qihub.core.db import update_rows
from qihub.core.errors import PermissionDenied
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text
from qihub.institutions.errors import (
    InvalidCapability,
    InvalidQualification,
    NotAnInstitution,
    QualificationNumberTaken,
    StatusChangeNotAllowed,
)
from qihub.institutions.models import (
    CapabilityLine,
    CapabilityStandard,
    Qualification,
    QualificationStatusChange,
)
from qihub.institutions.numbers import (
    QualificationType,
    normalise_qualification_number,
    parse_cma_number,
)
from qihub.institutions.scope import CapabilityData, CitedStandard

QUALIFICATION_AUDITED_FIELDS = (
    "type",
    "number",
    "issuer",
    "valid_from",
    "valid_to",
    "status",
    "status_reason",
)
CHUNK_SIZE = 1000
Status = Qualification.Status


# --- permissions ------------------------------------------------------------------------------


def _check_may_write(organisation: Organisation, by: User | None) -> None:
    if by is None or is_organisation_admin(by, organisation):
        return
    raise PermissionDenied(
        _("只有%(name)s的管理员或平台管理员可以修改其资质和能力范围") % {"name": organisation.name}
    )


def _check_may_write_all(by: User | None, wanted: set[int]) -> None:
    """Raise PermissionDenied unless ``by`` may write every organisation in ``wanted``."""
    if by is None or by.is_platform_admin:
        return
    allowed = set(
        Membership.objects.filter(
            user=by, role=Membership.Role.ADMIN, organisation_id__in=wanted
        ).values_list("organisation_id", flat=True)
    )
    if wanted - allowed:
        raise PermissionDenied(_("只能修改本机构的资质和能力范围"))


def _check_institution(organisation: Organisation) -> None:
    if not organisation.is_institution:
        raise NotAnInstitution(
            _("%(name)s 不是检验检测、校准、认证等机构，不能登记资质或能力")
            % {"name": organisation.name}
        )


def _may_restore(by: User | None) -> bool:
    return by is None or by.is_platform_admin


# --- qualifications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QualificationData:
    """One qualification, already checked (see ``clean_qualification``)."""

    organisation_id: int
    type: str
    number: str
    valid_from: date
    valid_to: date
    issuer: str = ""
    status: str = Status.VALID
    status_reason: str = ""


def clean_qualification(
    *,
    organisation: Organisation,
    type: str,
    number: str,
    valid_from: date,
    valid_to: date,
    issuer: str = "",
    status: str = Status.VALID,
    status_reason: str = "",
) -> QualificationData:
    """Canonical number, known type and status, dates in order. Raises InvalidQualification,
    InvalidQualificationNumber or NotAnInstitution."""
    _check_institution(organisation)
    try:
        kind = QualificationType(type)
    except ValueError:
        raise InvalidQualification(
            _("未知的资质类型“%(type)s”；可用：%(types)s")
            % {"type": type, "types": ", ".join(t.value for t in QualificationType)}
        ) from None
    if status not in Status.values:
        raise InvalidQualification(
            _("未知的状态“%(status)s”；可用：%(choices)s")
            % {"status": status, "choices": ", ".join(Status.values)}
        )
    if valid_to < valid_from:
        raise InvalidQualification(_("有效期至不能早于有效期起"))
    issuer = normalise_text(issuer)
    if len(issuer) > 200:
        raise InvalidQualification(_("发证机关过长（最多200字）"))
    return QualificationData(
        organisation_id=organisation.pk,
        type=kind.value,
        number=normalise_qualification_number(kind, number),
        valid_from=valid_from,
        valid_to=valid_to,
        issuer=issuer,
        status=status,
        status_reason=normalise_text(status_reason),
    )


def _cma_parts(data: QualificationData) -> dict[str, Any]:
    if data.type != QualificationType.CMA:
        return {"cma_year": None, "cma_authority": "", "cma_field": ""}
    parts = parse_cma_number(data.number)
    return {"cma_year": parts.year, "cma_authority": parts.authority, "cma_field": parts.field}


def _apply(qualification: Qualification, data: QualificationData) -> None:
    qualification.organisation_id = data.organisation_id
    qualification.type = data.type
    qualification.number = data.number
    qualification.issuer = data.issuer
    qualification.valid_from = data.valid_from
    if qualification.valid_to != data.valid_to:
        # A renewal: the expiry thresholds (expiry.py) start again for the new date.
        qualification.last_expiry_notice_on = None
    qualification.valid_to = data.valid_to
    for name, value in _cma_parts(data).items():
        setattr(qualification, name, value)


def _history(
    qualification: Qualification, *, from_status: str, reason: str, by: User | None
) -> QualificationStatusChange:
    return QualificationStatusChange(
        qualification=qualification,
        from_status=from_status,
        to_status=qualification.status,
        reason=reason,
        changed_at=qualification.status_changed_at,
        by=by if by is not None and by.pk else None,
    )


def _check_restore(current: str, wanted: str, by: User | None, number: str) -> None:
    """A revocation is final and a suspension is lifted only by platform admins (or imports)."""
    lifting = (current == Status.REVOKED and wanted != current) or (
        current == Status.SUSPENDED and wanted == Status.VALID
    )
    if lifting and not _may_restore(by):
        raise StatusChangeNotAllowed(
            _("资质 %(number)s 已%(status)s，只有平台管理员可以变更其状态")
            % {"number": number, "status": Status(current).label}
        )


def _full_clean(qualification: Qualification) -> None:
    try:
        qualification.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise InvalidQualification("; ".join(error.messages)) from error


def record_qualification(
    *,
    organisation: Organisation,
    type: str,
    number: str,
    valid_from: date,
    valid_to: date,
    by: User | None,
    issuer: str = "",
    status: str = Status.VALID,
    status_reason: str = "",
) -> Qualification:
    """Create or update a qualification by (type, number); a change of recorded status adds a
    history row. Raises PermissionDenied, NotAnInstitution, InvalidQualification,
    InvalidQualificationNumber, QualificationNumberTaken or StatusChangeNotAllowed."""
    _check_may_write(organisation, by)
    data = clean_qualification(
        organisation=organisation,
        type=type,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        issuer=issuer,
        status=status,
        status_reason=status_reason,
    )
    with transaction.atomic():
        qualification = (
            Qualification.objects.select_for_update()
            .filter(type=data.type, number=data.number)
            .first()
        )
        if qualification is not None and qualification.organisation_id != organisation.pk:
            raise QualificationNumberTaken(
                _("资质证书 %(number)s 已登记在其他机构名下") % {"number": data.number}
            )
        before = None
        from_status = ""
        if qualification is None:
            qualification = Qualification(status=data.status, status_reason=data.status_reason)
        else:
            before = snapshot(qualification, QUALIFICATION_AUDITED_FIELDS)
            from_status = qualification.status
            _check_restore(qualification.status, data.status, by, data.number)
        _apply(qualification, data)
        status_changed = before is None or from_status != data.status
        if status_changed:
            qualification.status = data.status
            qualification.status_reason = data.status_reason
            qualification.status_changed_at = timezone.now()
        _full_clean(qualification)
        after = snapshot(qualification, QUALIFICATION_AUDITED_FIELDS)
        if before is not None and before == after:
            return qualification
        qualification.save()
        if status_changed:
            _history(
                qualification, from_status=from_status, reason=data.status_reason, by=by
            ).save()
        record_action(
            actor=by,
            action="institutions.qualification_recorded"
            if before is None
            else "institutions.qualification_updated",
            target=qualification,
            before=before,
            after=after,
        )
    return qualification


def change_qualification_status(
    *, qualification: Qualification, status: str, reason: str, by: User | None
) -> Qualification:
    """Suspend, revoke, expire or restore a qualification; the same status again changes
    nothing. Raises PermissionDenied, InvalidQualification (unknown status, or no reason for a
    suspension or revocation) or StatusChangeNotAllowed."""
    reason = normalise_text(reason)
    if status not in Status.values:
        raise InvalidQualification(
            _("未知的状态“%(status)s”；可用：%(choices)s")
            % {"status": status, "choices": ", ".join(Status.values)}
        )
    if status in (Status.SUSPENDED, Status.REVOKED) and not reason:
        raise InvalidQualification(_("暂停或撤销资质必须说明原因"))
    with transaction.atomic():
        qualification = (
            Qualification.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=qualification.pk)
        )
        _check_may_write(qualification.organisation, by)
        if qualification.status == status:
            return qualification
        _check_restore(qualification.status, status, by, qualification.number)
        before = {"status": qualification.status, "status_reason": qualification.status_reason}
        from_status = qualification.status
        qualification.status = status
        qualification.status_reason = reason
        qualification.status_changed_at = timezone.now()
        qualification.save(
            update_fields=["status", "status_reason", "status_changed_at", "updated_at"]
        )
        _history(qualification, from_status=from_status, reason=reason, by=by).save()
        record_action(
            actor=by,
            action="institutions.qualification_status_changed",
            target=qualification,
            before=before,
            after={"status": status, "status_reason": reason},
        )
    return qualification


def upsert_qualifications(rows: Sequence[QualificationData], *, by: User | None) -> ImportCounts:
    """Create or update many qualifications by (type, number) (imports and demo data).

    Rows must be clean (``clean_qualification``, or the importer's checks, which also refuse a
    number recorded for another organisation). Call inside a transaction. Raises
    PermissionDenied or StatusChangeNotAllowed."""
    counts = ImportCounts()
    if not rows:
        return counts
    _check_may_write_all(by, {row.organisation_id for row in rows})
    existing = {
        (q.type, q.number): q
        for q in Qualification.objects.filter(number__in={row.number for row in rows})
    }
    now = timezone.now()
    to_create: list[Qualification] = []
    to_update: list[Qualification] = []
    history: list[tuple[Qualification, str, str]] = []
    entries: list[AuditEntry] = []
    for row in rows:
        current = existing.get((row.type, row.number))
        if current is None:
            qualification = Qualification(
                status=row.status, status_reason=row.status_reason, status_changed_at=now
            )
            _apply(qualification, row)
            to_create.append(qualification)
            history.append((qualification, "", row.status_reason))
            continue
        if current.organisation_id != row.organisation_id:
            raise QualificationNumberTaken(
                _("资质证书 %(number)s 已登记在其他机构名下") % {"number": row.number}
            )
        before = snapshot(current, QUALIFICATION_AUDITED_FIELDS)
        from_status = current.status
        _apply(current, row)
        if from_status != row.status:
            _check_restore(from_status, row.status, by, row.number)
            current.status, current.status_reason = row.status, row.status_reason
            current.status_changed_at = now
            history.append((current, from_status, row.status_reason))
        after = snapshot(current, QUALIFICATION_AUDITED_FIELDS)
        if after == before:
            counts.unchanged += 1
            continue
        current.updated_at = now
        to_update.append(current)
        entries.append(
            audit_entry(
                actor=by,
                action="institutions.qualification_updated",
                target=current,
                before=before,
                after=after,
            )
        )
    Qualification.objects.bulk_create(to_create, batch_size=500)
    update_rows(
        Qualification,
        to_update,
        [
            "issuer",
            "valid_from",
            "valid_to",
            "status",
            "status_reason",
            "status_changed_at",
            "cma_year",
            "cma_authority",
            "cma_field",
            "last_expiry_notice_on",
            "updated_at",
        ],
    )
    QualificationStatusChange.objects.bulk_create(
        [_history(q, from_status=f, reason=r, by=by) for q, f, r in history], batch_size=500
    )
    entries.extend(
        audit_entry(
            actor=by,
            action="institutions.qualification_recorded",
            target=q,
            after=snapshot(q, QUALIFICATION_AUDITED_FIELDS),
        )
        for q in to_create
    )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return counts


# --- capability lines -------------------------------------------------------------------------

LINE_COLUMNS = (
    "qualification_id",
    "kind",
    "field_id",
    "field_text",
    "object",
    "parameter",
    "standards_text",
    "range_text",
    "range_min",
    "range_max",
    "unit",
    "dimension",
    "range_min_base",
    "range_max_base",
    "uncertainty_text",
    "accuracy",
    "accuracy_kind",
    "accuracy_value",
    "restriction",
    "price_cny",
    "turnaround_days",
    "search_text",
    "standards_flag",
    "is_flagged",
)
_UPDATE_FIELDS = [name.removesuffix("_id") for name in LINE_COLUMNS] + ["updated_at"]
# What an audit entry of a changed line shows (search_text and denormalised columns omitted).
_AUDITED_LINE_COLUMNS = tuple(
    c
    for c in LINE_COLUMNS
    if c not in {"search_text", "accuracy", "accuracy_kind", "accuracy_value", "is_flagged"}
)


def _standard_rows(line_id: int, standards: Iterable[CitedStandard]) -> list[CapabilityStandard]:
    return [
        CapabilityStandard(
            line_id=line_id,
            code=s.code,
            base_code=s.base_code,
            year=s.year,
            standard_id=s.standard_id,
            is_known=s.is_known,
        )
        for s in standards
    ]


def _standards_state(standards: Iterable[CitedStandard]) -> set[tuple[Any, ...]]:
    return {(s.code, s.standard_id, s.is_known) for s in standards}


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: str(v) if not isinstance(v, str | int | float | bool | type(None)) else v
        for k, v in values.items()
    }


def upsert_capabilities(rows: Sequence[CapabilityData], *, by: User | None) -> ImportCounts:
    """Create or update capability lines by natural key, with the standards they cite (imports,
    scope uploads, demo data): one query finds the existing lines, new ones are bulk-created,
    changed ones updated in one statement. Rows come from ``scope.read_capability``. Call
    inside a transaction. Raises PermissionDenied, or InvalidCapability for two rows with one
    natural key."""
    counts = ImportCounts()
    if not rows:
        return counts
    _check_may_write_all(by, {row.organisation_id for row in rows})
    keys = [row.natural_key for row in rows]
    if len(set(keys)) != len(keys):
        raise InvalidCapability(
            _("同一批能力中有重复的行（机构、资质、类别、对象、参数和标准都相同）")
        )
    now = timezone.now()
    existing: dict[tuple[int, str], dict[str, Any]] = {
        (values["organisation_id"], values["natural_key"]): values
        for values in CapabilityLine.objects.filter(natural_key__in=keys).values(
            "id", "organisation_id", "natural_key", *LINE_COLUMNS
        )
    }
    cited: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
    if existing:
        for line_id, code, standard_id, is_known in CapabilityStandard.objects.filter(
            line_id__in=[v["id"] for v in existing.values()]
        ).values_list("line_id", "code", "standard_id", "is_known"):
            cited[line_id].add((code, standard_id, is_known))

    to_create: list[tuple[CapabilityLine, CapabilityData]] = []
    to_update: list[CapabilityLine] = []
    relink: list[tuple[int, CapabilityData]] = []
    entries: list[AuditEntry] = []
    created_by_organisation: dict[int, int] = defaultdict(int)
    for row in rows:
        values = row.line_values()
        current = existing.get((row.organisation_id, row.natural_key))
        if current is None:
            line = CapabilityLine(
                organisation_id=row.organisation_id,
                natural_key=row.natural_key,
                created_at=now,
                updated_at=now,
                **values,
            )
            to_create.append((line, row))
            created_by_organisation[row.organisation_id] += 1
            continue
        changed = [name for name, value in values.items() if current[name] != value]
        standards_changed = cited[current["id"]] != _standards_state(row.standards)
        if not changed and not standards_changed:
            counts.unchanged += 1
            continue
        counts.updated += 1
        if standards_changed:
            relink.append((current["id"], row))
        if changed:
            line = CapabilityLine(
                id=current["id"],
                organisation_id=row.organisation_id,
                natural_key=row.natural_key,
                updated_at=now,
                **values,
            )
            to_update.append(line)
        audited = [c for c in changed if c in _AUDITED_LINE_COLUMNS]
        entries.append(
            audit_entry(
                actor=by,
                action="institutions.capability_updated",
                target=CapabilityLine(id=current["id"], object=row.object, parameter=row.parameter),
                before=_jsonable({c: current[c] for c in audited})
                | (
                    {"standards": sorted(s[0] for s in cited[current["id"]])}
                    if standards_changed
                    else {}
                ),
                after=_jsonable({c: values[c] for c in audited})
                | ({"standards": [s.code for s in row.standards]} if standards_changed else {}),
            )
        )

    lines = [line for line, _row in to_create]
    CapabilityLine.objects.bulk_create(lines, batch_size=500)
    new_standards: list[CapabilityStandard] = []
    for line, row in to_create:
        new_standards.extend(_standard_rows(line.pk, row.standards))
    update_rows(CapabilityLine, to_update, _UPDATE_FIELDS)
    if relink:
        CapabilityStandard.objects.filter(line_id__in=[line_id for line_id, _ in relink]).delete()
        for line_id, row in relink:
            new_standards.extend(_standard_rows(line_id, row.standards))
    CapabilityStandard.objects.bulk_create(new_standards, batch_size=1000)
    if created_by_organisation:
        organisations = Organisation.objects.only("id", "uscc", "name").in_bulk(
            list(created_by_organisation)
        )
        entries.extend(
            audit_entry(
                actor=by,
                action="institutions.capabilities_added",
                target=organisations[organisation_id],
                after={"created": created},
            )
            for organisation_id, created in created_by_organisation.items()
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    counts.created += len(to_create)
    return counts


@dataclass
class ScopeReplaced:
    counts: ImportCounts
    removed: int


def replace_scope(
    *,
    organisation: Organisation,
    qualification: Qualification | None,
    rows: Iterable[CapabilityData],
    by: User | None,
) -> ScopeReplaced:
    """Make the organisation's lines under ``qualification`` (None: its service lines) exactly
    ``rows``: upsert them in chunks (``rows`` may be a stream), then remove the lines absent
    from them. Raises PermissionDenied, NotAnInstitution or InvalidCapability (a row of another
    organisation or qualification); on any error nothing is written."""
    _check_may_write(organisation, by)
    _check_institution(organisation)
    if qualification is not None and qualification.organisation_id != organisation.pk:
        raise InvalidCapability(_("该资质不属于本机构"))
    qualification_id = qualification.pk if qualification is not None else None
    counts = ImportCounts()
    keys: set[str] = set()
    iterator = iter(rows)
    with transaction.atomic():
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            for row in chunk:
                if (
                    row.organisation_id != organisation.pk
                    or row.qualification_id != qualification_id
                ):
                    raise InvalidCapability(
                        _("“%(line)s”不属于所替换的资质范围")
                        % {"line": " / ".join(p for p in (row.object, row.parameter) if p)}
                    )
                if row.natural_key in keys:
                    raise InvalidCapability(
                        _("“%(line)s”重复出现")
                        % {"line": " / ".join(p for p in (row.object, row.parameter) if p)}
                    )
                keys.add(row.natural_key)
            counts.add(upsert_capabilities(chunk, by=by))
        scope = CapabilityLine.objects.filter(organisation=organisation)
        scope = (
            scope.filter(qualification=qualification)
            if qualification is not None
            else scope.filter(qualification__isnull=True)
        )
        stale = [pk for pk, key in scope.values_list("id", "natural_key") if key not in keys]
        for start in range(0, len(stale), CHUNK_SIZE):
            CapabilityLine.objects.filter(pk__in=stale[start : start + CHUNK_SIZE]).delete()
        record_action(
            actor=by,
            action="institutions.scope_replaced",
            target=organisation,
            after={
                "qualification": str(qualification) if qualification is not None else None,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "removed": len(stale),
            },
        )
    return ScopeReplaced(counts=counts, removed=len(stale))


def delete_capability(*, line: CapabilityLine, by: User | None) -> None:
    """Remove one capability line. Raises PermissionDenied."""
    with transaction.atomic():
        line = CapabilityLine.objects.select_related("organisation").get(pk=line.pk)
        _check_may_write(line.organisation, by)
        before = {
            **_jsonable(snapshot(line, ("kind", "object", "parameter", "range_text"))),
            "standards": line.standards_text,
            "organisation": line.organisation.uscc,
        }
        record_action(
            actor=by, action="institutions.capability_deleted", target=line, before=before
        )
        line.delete()


# --- bulk column updates ----------------------------------------------------------------------
