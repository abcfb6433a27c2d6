"""Every write to certificates. Each records an audit entry in the same transaction.

Who may write a body's certificates: its members (any role: the person who runs the body's
data feed need not administer the organisation), platform administrators, and trusted
command-line imports (``by=None``). A body writes only its own certificates.

Uploads are all or nothing: ``push_certificates`` (the API batch) checks every item first and
raises ``BatchInvalid`` listing each problem; the file import does the same through
``core.imports``. Both end in ``upsert_certificates``, idempotent by (body, number).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action, snapshot
from qihub.accounts.models import AuditEntry, Membership, Organisation, User
from qihub.accounts.services import OrganisationData, upsert_organisations
from qihub.certification.errors import (
    BatchInvalid,
    InvalidCertificate,
    ItemError,
    NotACertificationBody,
    StatusTransitionNotAllowed,
)
from qihub.certification.freshness import record_upload
from qihub.certification.models import (
    Certificate,
    CertificateSite,
    CertificateStatusChange,
)
from qihub.certification.records import (
    CertificateData,
    CertificateLookups,
    SiteData,
    read_certificate,
)
from qihub.certification.transitions import transition_problem
from qihub.core.errors import PermissionDenied
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text
from qihub.reference.models import Region
from qihub.standards.models import Standard

AUDITED_FIELDS = (
    "holder",
    "holder_name",
    "cert_type",
    "standards_text",
    "scope",
    "is_accredited",
    "issued_on",
    "expires_on",
    "status",
    "status_reason",
)
UPDATED_COLUMNS = (
    "holder",
    "holder_name",
    "cert_type",
    "standards_text",
    "standard_codes",
    "has_unknown_standard",
    "scope",
    "is_accredited",
    "issued_on",
    "expires_on",
    "status",
    "status_reason",
    "status_changed_at",
    "updated_at",
)
MAX_BATCH = 1000
NEEDS_REASON = (
    Certificate.Status.SUSPENDED,
    Certificate.Status.WITHDRAWN,
    Certificate.Status.CANCELLED,
)
Source = CertificateStatusChange.Source


# --- who may write --------------------------------------------------------------------------------


def writable_bodies(user: User | None) -> set[int] | None:
    """The organisations whose certificates ``user`` may write; None means every one (trusted
    command line, platform administrators)."""
    if user is None or user.is_platform_admin:
        return None
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def _check_may_write_all(by: User | None, wanted: set[int]) -> None:
    allowed = writable_bodies(by)
    if allowed is None:
        return
    if wanted - allowed:
        raise PermissionDenied(_("认证机构只能报送本机构颁发的证书"))


# --- the upsert -----------------------------------------------------------------------------------


def _holders(rows: Sequence[CertificateData], *, by: User | None) -> dict[str, int]:
    """USCC → organisation id for every holder, creating the ones new to the platform (kind
    enterprise, named as certified, placed in their USCC's city) through accounts."""
    usccs = {row.holder_uscc for row in rows}
    known = dict(Organisation.objects.filter(uscc__in=usccs).values_list("uscc", "id"))
    new: dict[str, OrganisationData] = {}
    for row in rows:
        if row.holder_uscc in known or row.holder_uscc in new:
            continue
        if not row.holder_city_code:
            raise InvalidCertificate(
                _("获证组织 %(uscc)s 尚未在平台登记，无法自动建档") % {"uscc": row.holder_uscc}
            )
        new[row.holder_uscc] = OrganisationData(
            uscc=row.holder_uscc,
            name=row.holder_name,
            kind=Organisation.Kind.ENTERPRISE,
            city_code=row.holder_city_code,
        )
    if new:
        wanted = {data.city_code for data in new.values()}
        regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
        upsert_organisations(list(new.values()), by=by, regions=regions)
        known.update(Organisation.objects.filter(uscc__in=set(new)).values_list("uscc", "id"))
    return known


def _unknown_standards(rows: Sequence[CertificateData]) -> set[str]:
    """The cited codes the standards catalogue does not know (a code without a year is known
    when any edition is)."""
    codes = {code for row in rows for code in row.standard_codes}
    if not codes:
        return set()
    known = set(Standard.objects.filter(code__in=codes).values_list("code", flat=True))
    known |= set(Standard.objects.filter(base_code__in=codes).values_list("base_code", flat=True))
    return codes - known


def _sites_of(certificate_ids: Iterable[int]) -> dict[int, tuple[SiteData, ...]]:
    sites: dict[int, list[SiteData]] = {}
    for certificate_id, address, scope in CertificateSite.objects.filter(
        certificate_id__in=list(certificate_ids)
    ).values_list("certificate_id", "address", "scope"):
        sites.setdefault(certificate_id, []).append(SiteData(address, scope))
    return {key: tuple(value) for key, value in sites.items()}


def _apply(
    certificate: Certificate, row: CertificateData, holder_id: int, unknown: set[str]
) -> None:
    certificate.number = row.number
    certificate.cb_id = row.cb_id
    certificate.holder_id = holder_id
    certificate.holder_name = row.holder_name
    certificate.cert_type = row.cert_type
    certificate.standards_text = row.standards_text
    certificate.standard_codes = list(row.standard_codes)
    certificate.has_unknown_standard = row.standards_unparsed or any(
        code in unknown for code in row.standard_codes
    )
    certificate.scope = row.scope
    certificate.is_accredited = row.is_accredited
    certificate.issued_on = row.issued_on
    certificate.expires_on = row.expires_on


def _problem(current: Certificate, row: CertificateData) -> str | None:
    return transition_problem(
        current.status, row.status, renewed=row.expires_on > current.expires_on
    )


def upsert_certificates(
    rows: Sequence[CertificateData],
    *,
    by: User | None,
    source: str,
    uploaded_at: datetime | None = None,
) -> ImportCounts:
    """Create or update certificates by (body, number); a change of recorded status adds a
    history row with ``source``; each body's feed records the upload (``uploaded_at``, the same
    for every chunk of one upload). Rows must be checked (``records.read_certificate``). Call
    inside a transaction. Raises PermissionDenied, StatusTransitionNotAllowed or
    InvalidCertificate (a holder that cannot be created)."""
    counts = ImportCounts()
    if not rows:
        return counts
    now = uploaded_at or timezone.now()
    _check_may_write_all(by, {row.cb_id for row in rows})
    holders = _holders(rows, by=by)
    unknown = _unknown_standards(rows)
    condition = Q()
    for cb_id in {row.cb_id for row in rows}:
        condition |= Q(cb_id=cb_id, number__in={r.number for r in rows if r.cb_id == cb_id})
    existing = {(c.cb_id, c.number): c for c in Certificate.objects.filter(condition)}
    current_sites = _sites_of(c.pk for c in existing.values())
    actor = by if by is not None and by.pk else None
    to_create: list[Certificate] = []
    to_update: list[Certificate] = []
    history: list[tuple[Certificate, str]] = []
    site_changes: dict[int, tuple[SiteData, ...]] = {}
    new_sites: list[tuple[Certificate, tuple[SiteData, ...]]] = []
    entries: list[AuditEntry] = []
    for row in rows:
        current = existing.get((row.cb_id, row.number))
        if current is None:
            certificate = Certificate(
                status=row.status, status_reason=row.status_reason, status_changed_at=now
            )
            _apply(certificate, row, holders[row.holder_uscc], unknown)
            to_create.append(certificate)
            history.append((certificate, ""))
            if row.sites:
                new_sites.append((certificate, row.sites))
            continue
        problem = _problem(current, row)
        if problem is not None:
            raise StatusTransitionNotAllowed(
                _("证书 %(number)s：%(problem)s") % {"number": row.number, "problem": problem}
            )
        before = snapshot(current, AUDITED_FIELDS)
        from_status = current.status
        _apply(current, row, holders[row.holder_uscc], unknown)
        if from_status != row.status:
            current.status, current.status_reason = row.status, row.status_reason
            current.status_changed_at = now
            history.append((current, from_status))
        elif row.status_reason and row.status_reason != current.status_reason:
            current.status_reason = row.status_reason
        sites_changed = row.sites is not None and row.sites != current_sites.get(current.pk, ())
        if sites_changed and row.sites is not None:
            site_changes[current.pk] = row.sites
        after = snapshot(current, AUDITED_FIELDS)
        if after == before and not sites_changed:
            counts.unchanged += 1
            continue
        current.updated_at = now
        to_update.append(current)
        entries.append(
            audit_entry(
                actor=by,
                action="certification.certificate_updated",
                target=current,
                before=before,
                after={**after, **({"sites": len(row.sites or ())} if sites_changed else {})},
            )
        )
    Certificate.objects.bulk_create(to_create, batch_size=500)
    Certificate.objects.bulk_update(to_update, list(UPDATED_COLUMNS), batch_size=500)
    if site_changes:
        CertificateSite.objects.filter(certificate_id__in=list(site_changes)).delete()
    CertificateSite.objects.bulk_create(
        [
            CertificateSite(certificate_id=certificate_id, address=s.address, scope=s.scope)
            for certificate_id, sites in site_changes.items()
            for s in sites
        ]
        + [
            CertificateSite(certificate=c, address=s.address, scope=s.scope)
            for c, sites in new_sites
            for s in sites
        ],
        batch_size=500,
    )
    CertificateStatusChange.objects.bulk_create(
        [
            CertificateStatusChange(
                certificate=c,
                from_status=from_status,
                to_status=c.status,
                reason=c.status_reason,
                changed_at=now,
                by=actor,
                source=source,
            )
            for c, from_status in history
        ],
        batch_size=500,
    )
    entries.extend(
        audit_entry(
            actor=by,
            action="certification.certificate_recorded",
            target=c,
            after={**snapshot(c, AUDITED_FIELDS), "cb": c.cb_id, "source": source},
        )
        for c in to_create
    )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    per_body: dict[int, int] = {}
    for row in rows:
        per_body[row.cb_id] = per_body.get(row.cb_id, 0) + 1
    record_upload(items_per_body=per_body, at=now, source=source)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return counts


# --- the API batch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    received: int
    counts: ImportCounts
    uploaded_at: datetime


def _item_row(item: Mapping[str, Any]) -> dict[str, str]:
    row = {}
    for name in (
        "number",
        "cb_uscc",
        "holder_uscc",
        "holder_name",
        "cert_type",
        "standard",
        "scope",
        "issued_on",
        "expires_on",
        "status",
        "status_reason",
    ):
        value = item.get(name)
        row[name] = "" if value is None else str(value)
    accredited = item.get("accredited")
    row["accredited"] = "" if accredited is None else ("true" if accredited else "false")
    return row


def _transition_errors(rows: Sequence[tuple[int, CertificateData]]) -> list[ItemError]:
    condition = Q()
    for _index, row in rows:
        condition |= Q(cb_id=row.cb_id, number=row.number)
    existing = {
        (c.cb_id, c.number): c
        for c in Certificate.objects.filter(condition).only(
            "cb_id", "number", "status", "expires_on"
        )
    }
    errors = []
    for index, row in rows:
        current = existing.get((row.cb_id, row.number))
        problem = _problem(current, row) if current is not None else None
        if problem is not None:
            errors.append(ItemError(index, "status", problem))
    return errors


def push_certificates(
    *, items: Sequence[Mapping[str, Any]], by: User | None, source: str = Source.API
) -> PushResult:
    """A certification body's batch (at most 1,000 items, the import fields plus optional
    ``sites``): every item is checked first; any problem raises BatchInvalid listing
    ``(index, field, message)`` and nothing is written. Raises NotACertificationBody when the
    caller belongs to no body that may report certificates."""
    lookups = CertificateLookups.load()
    allowed = writable_bodies(by)
    if allowed is not None and not allowed & set(lookups.bodies.values()):
        raise NotACertificationBody(
            _("只有持有效认证机构批准书（CNCA-CB）的认证机构成员可以报送证书")
        )
    if len(items) > MAX_BATCH:
        raise BatchInvalid(
            _("每批最多 %(max)d 条证书") % {"max": MAX_BATCH},
            errors=[ItemError(MAX_BATCH, "-", _("超出每批上限"))],
        )
    errors: list[ItemError] = []
    rows: list[tuple[int, CertificateData]] = []
    seen: dict[tuple[int, str], int] = {}
    for index, item in enumerate(items):
        sites = item.get("sites")
        try:
            row = read_certificate(_item_row(item), lookups, sites=sites)
        except InvalidCertificate as error:
            errors.extend(ItemError(index, column, message) for column, message in error.errors)
            continue
        if allowed is not None and row.cb_id not in allowed:
            errors.append(
                ItemError(index, "cb_uscc", _("只能报送本机构颁发的证书，不能写入其他机构的证书"))
            )
            continue
        key = (row.cb_id, row.number)
        if key in seen:
            errors.append(
                ItemError(index, "number", _("与第 %(index)d 条重复") % {"index": seen[key]})
            )
            continue
        seen[key] = index
        rows.append((index, row))
    if rows:
        errors.extend(_transition_errors(rows))
    if errors:
        errors.sort(key=lambda e: e.index)
        raise BatchInvalid(
            _("%(count)d 处错误，整批未写入") % {"count": len(errors)}, errors=errors
        )
    uploaded_at = timezone.now()
    with transaction.atomic():
        counts = upsert_certificates(
            [row for _i, row in rows], by=by, source=source, uploaded_at=uploaded_at
        )
    return PushResult(received=len(items), counts=counts, uploaded_at=uploaded_at)


# --- one certificate ------------------------------------------------------------------------------


def change_certificate_status(
    *,
    certificate: Certificate,
    status: str,
    reason: str,
    by: User | None,
    source: str = Source.WEB,
) -> Certificate:
    """Suspend, restore, withdraw, expire or cancel one certificate; the same status again
    changes nothing. Raises PermissionDenied, InvalidCertificate (unknown status; no reason for a
    suspension, withdrawal or cancellation) or StatusTransitionNotAllowed."""
    reason = normalise_text(reason)
    if status not in Certificate.Status.values:
        raise InvalidCertificate(
            _("未知的状态“%(status)s”；可用：%(choices)s")
            % {"status": status, "choices": ", ".join(Certificate.Status.values)}
        )
    if status in NEEDS_REASON and not reason:
        raise InvalidCertificate(_("暂停、撤销或注销证书必须说明原因"))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        _check_may_write_all(by, {certificate.cb_id})
        if certificate.status == status:
            return certificate
        problem = transition_problem(certificate.status, status)
        if problem is not None:
            raise StatusTransitionNotAllowed(problem)
        now = timezone.now()
        before = {"status": certificate.status, "status_reason": certificate.status_reason}
        from_status = certificate.status
        certificate.status, certificate.status_reason = status, reason
        certificate.status_changed_at = now
        certificate.save(
            update_fields=["status", "status_reason", "status_changed_at", "updated_at"]
        )
        CertificateStatusChange(
            certificate=certificate,
            from_status=from_status,
            to_status=status,
            reason=reason,
            changed_at=now,
            by=by if by is not None and by.pk else None,
            source=source,
        ).save()
        record_action(
            actor=by,
            action="certification.certificate_status_changed",
            target=certificate,
            before=before,
            after={"status": status, "status_reason": reason, "source": source},
        )
        record_upload(items_per_body={certificate.cb_id: 1}, at=now, source=source)
    return certificate


def record_certificate(
    *, fields: Mapping[str, Any], by: User | None, source: str = Source.WEB, on: date | None = None
) -> Certificate:
    """Create or update one certificate from the import fields (text values, ``accredited`` a
    bool, optional ``sites``). Raises InvalidCertificate (every problem in ``errors``),
    PermissionDenied or StatusTransitionNotAllowed."""
    lookups = CertificateLookups.load(on)
    row = read_certificate(_item_row(fields), lookups, sites=fields.get("sites"))
    with transaction.atomic():
        upsert_certificates([row], by=by, source=source)
    return Certificate.objects.get(cb_id=row.cb_id, number=row.number)
