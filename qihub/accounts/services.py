"""Every write to users, organisations, memberships and tokens. Each records an audit entry."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action, snapshot
from qihub.accounts.errors import (
    InvalidOrganisation,
    InvalidPassword,
    OrganisationExists,
    UnknownRegion,
)
from qihub.accounts.identifiers import normalise_uscc
from qihub.accounts.models import (
    ApiToken,
    AuditEntry,
    Membership,
    Notification,
    NotificationReceipt,
    Organisation,
    User,
)
from qihub.core.db import update_rows
from qihub.core.errors import PermissionDenied
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text, pinyin_full, pinyin_initials
from qihub.reference.models import Region

ORGANISATION_AUDITED_FIELDS = ("name", "kind", "city", "county", "address", "is_active")
PROFILE_FIELDS = (
    "name_en",
    "address",
    "phone",
    "email",
    "website",
    "description",
    "longitude",
    "latitude",
)
TOKEN_PREFIX = "qih_"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True)
class OrganisationData:
    """What identifies and places an organisation: one import row, or one registration."""

    uscc: str
    name: str
    kind: str
    city_code: str
    county_code: str = ""
    address: str = ""


def resolve_place(code: str) -> tuple[Region, Region | None]:
    """(city, county) for a prefecture or county-level GB/T 2260 code. Raises UnknownRegion."""
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or region.level == Region.Level.PROVINCE:
        raise UnknownRegion(_("未知的市或区县代码“%(code)s”") % {"code": code})
    if region.level == Region.Level.COUNTY and region.parent is not None:
        return region.parent, region
    return region, None


def clean_organisation_data(data: OrganisationData) -> OrganisationData:
    """Canonical USCC and name, known kind. Raises InvalidUSCC or InvalidOrganisation."""
    name = normalise_text(data.name)
    if not name:
        raise InvalidOrganisation(_("名称不能为空"))
    if len(name) > 200:
        raise InvalidOrganisation(_("名称过长（最多200字）"))
    if data.kind not in Organisation.Kind.values:
        raise InvalidOrganisation(
            _("未知的机构类型“%(kind)s”；可用：%(kinds)s")
            % {"kind": data.kind, "kinds": ", ".join(Organisation.Kind.values)}
        )
    return OrganisationData(
        uscc=normalise_uscc(data.uscc),
        name=name,
        kind=data.kind,
        city_code=data.city_code,
        county_code=data.county_code,
        address=normalise_text(data.address)[:300],
    )


def register_organisation(
    *,
    data: OrganisationData,
    by: User | None,
    jurisdiction: Region | None = None,
    profile: dict[str, Any] | None = None,
) -> Organisation:
    """Create an organisation. Raises InvalidUSCC, InvalidOrganisation, UnknownRegion or
    OrganisationExists."""
    data = clean_organisation_data(data)
    city, county = resolve_place(data.county_code or data.city_code)
    with transaction.atomic():
        if Organisation.objects.filter(uscc=data.uscc).exists():
            raise OrganisationExists(_("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc})
        organisation = Organisation(
            uscc=data.uscc,
            name=data.name,
            kind=data.kind,
            city=city,
            county=county,
            address=data.address,
            jurisdiction=jurisdiction,
            **(profile or {}),
        )
        _fill_derived(organisation)
        _full_clean(organisation)
        organisation.save()
        record_action(
            actor=by,
            action="accounts.organisation_registered",
            target=organisation,
            after=snapshot(organisation, ORGANISATION_AUDITED_FIELDS),
        )
    return organisation


def update_organisation_profile(
    *, organisation: Organisation, by: User, changes: dict[str, Any]
) -> Organisation:
    """Change the self-service profile fields. Raises InvalidOrganisation."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidOrganisation(_("不可修改的字段：%(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = snapshot(organisation, tuple(changes))
        for name, value in changes.items():
            setattr(organisation, name, value.strip() if isinstance(value, str) else value)
        _full_clean(organisation)
        organisation.save()
        record_action(
            actor=by,
            action="accounts.organisation_profile_updated",
            target=organisation,
            before=before,
            after=snapshot(organisation, tuple(changes)),
        )
    return organisation


def upsert_organisations(
    rows: Sequence[OrganisationData], *, by: User | None, regions: dict[str, Region] | None = None
) -> ImportCounts:
    """Create or update organisations by USCC in bulk (imports and demo data).

    Rows must already be clean (``clean_organisation_data``). Call inside a transaction.
    """
    regions = regions if regions is not None else {r.code: r for r in Region.objects.all()}
    existing = Organisation.objects.in_bulk([row.uscc for row in rows], field_name="uscc")
    counts = ImportCounts()
    to_create: list[Organisation] = []
    to_update: list[Organisation] = []
    entries: list[AuditEntry] = []
    for row in rows:
        city, county = _place_from(regions, row)
        current = existing.get(row.uscc)
        if current is None:
            organisation = Organisation(
                uscc=row.uscc,
                name=row.name,
                kind=row.kind,
                city=city,
                county=county,
                address=row.address,
            )
            _fill_derived(organisation)
            to_create.append(organisation)
            continue
        before = snapshot(current, ORGANISATION_AUDITED_FIELDS)
        current.name, current.kind, current.city, current.address = (
            row.name,
            row.kind,
            city,
            row.address,
        )
        if county is not None or row.county_code:
            current.county = county
        _fill_derived(current)
        after = snapshot(current, ORGANISATION_AUDITED_FIELDS)
        if after == before:
            counts.unchanged += 1
            continue
        to_update.append(current)
        entries.append(
            audit_entry(
                actor=by,
                action="accounts.organisation_updated",
                target=current,
                before=before,
                after=after,
            )
        )
    Organisation.objects.bulk_create(to_create, batch_size=500)
    Organisation.objects.bulk_update(
        to_update,
        ["name", "name_pinyin", "name_initials", "kind", "city", "county", "address", "updated_at"],
        batch_size=500,
    )
    entries.extend(
        audit_entry(
            actor=by,
            action="accounts.organisation_registered",
            target=organisation,
            after=snapshot(organisation, ORGANISATION_AUDITED_FIELDS),
        )
        for organisation in to_create
    )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return counts


def set_organisation_profiles(*, profiles: Mapping[str, Mapping[str, Any]], by: User | None) -> int:
    """Set profile fields (PROFILE_FIELDS) of many organisations by USCC, auditing each change;
    returns how many changed. Call inside a transaction. Raises InvalidOrganisation.

    Values pass the field-level half of ``full_clean`` (lengths, URL and e-mail syntax, decimal
    digits); the per-row queries of the other half are what a bulk path must avoid.
    """
    names = sorted({name for profile in profiles.values() for name in profile})
    unknown = set(names) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidOrganisation(_("不可修改的字段：%(fields)s") % {"fields": ", ".join(unknown)})
    stored = Organisation.objects.only("id", "uscc", "name", *names).in_bulk(
        list(profiles), field_name="uscc"
    )
    now = timezone.now()
    changed: list[Organisation] = []
    entries: list[AuditEntry] = []
    for uscc, profile in profiles.items():
        organisation = stored.get(uscc)
        if organisation is None:
            raise InvalidOrganisation(_("统一社会信用代码 %(uscc)s 未登记") % {"uscc": uscc})
        clean = {name: _clean_field(name, value) for name, value in profile.items()}
        fields = tuple(clean)
        if all(getattr(organisation, name) == value for name, value in clean.items()):
            continue
        before = snapshot(organisation, fields)
        for name, value in clean.items():
            setattr(organisation, name, value)
        organisation.updated_at = now
        changed.append(organisation)
        entries.append(
            audit_entry(
                actor=by,
                action="accounts.organisation_profile_updated",
                target=organisation,
                before=before,
                after=snapshot(organisation, fields),
            )
        )
    update_rows(Organisation, changed, [*names, "updated_at"])
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(changed)


def _clean_field(name: str, value: Any) -> Any:
    try:
        return Organisation._meta.get_field(name).clean(value, None)  # type: ignore[union-attr]
    except ValidationError as error:
        raise InvalidOrganisation(f"{name}: {' '.join(error.messages)}") from error


def _place_from(regions: dict[str, Region], row: OrganisationData) -> tuple[Region, Region | None]:
    code = row.county_code or row.city_code
    region = regions.get(code)
    if region is None or region.level == Region.Level.PROVINCE:
        raise UnknownRegion(_("未知的市或区县代码“%(code)s”") % {"code": code})
    if region.level == Region.Level.COUNTY:
        return regions[region.code[:4] + "00"], region
    return region, None


def _fill_derived(organisation: Organisation) -> None:
    organisation.name_pinyin = pinyin_full(organisation.name)[:600]
    organisation.name_initials = pinyin_initials(organisation.name)[:200]
    organisation.updated_at = timezone.now()


def _full_clean(organisation: Organisation) -> None:
    try:
        organisation.full_clean(validate_unique=False)
    except ValidationError as error:
        raise InvalidOrganisation(
            "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        ) from error


def create_user(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    by: User | None,
    is_platform_admin: bool = False,
) -> User:
    """Create a person's account. Raises InvalidPassword with every rule the password breaks."""
    user = User(
        username=username.strip(),
        email=email.strip(),
        display_name=display_name.strip(),
        is_platform_admin=is_platform_admin,
        is_staff=is_platform_admin,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidPassword(" ".join(error.messages)) from error
    user.set_password(password)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        record_action(
            actor=by,
            action="accounts.user_created",
            target=user,
            after={"username": user.username, "is_platform_admin": is_platform_admin},
        )
    return user


def set_platform_admin(*, user: User, is_platform_admin: bool, by: User | None) -> User:
    """Grant or withdraw platform administration (which includes the Django admin site)."""
    with transaction.atomic():
        before = {"is_platform_admin": user.is_platform_admin, "is_staff": user.is_staff}
        user.is_platform_admin = is_platform_admin
        user.is_staff = is_platform_admin
        user.save(update_fields=["is_platform_admin", "is_staff", "updated_at"])
        record_action(
            actor=by,
            action="accounts.platform_admin_granted"
            if is_platform_admin
            else "accounts.platform_admin_withdrawn",
            target=user,
            before=before,
            after={"is_platform_admin": is_platform_admin, "is_staff": is_platform_admin},
        )
    return user


def add_member(*, user: User, organisation: Organisation, role: str, by: User | None) -> Membership:
    """Give a user a role in an organisation (or change it)."""
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        record_action(
            actor=by,
            action="accounts.member_added" if created else "accounts.member_role_changed",
            target=organisation,
            after={"user": user.username, "role": role},
        )
    return membership


def issue_api_token(
    *, user: User, name: str, by: User, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token. Returns the token row and the secret, which is never stored."""
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name.strip() or "token",
            prefix=prefix,
            digest=ApiToken.digest_of(secret),
            expires_at=expires_at,
        )
        token.full_clean()
        token.save()
        record_action(
            actor=by,
            action="accounts.api_token_issued",
            target=token,
            after={"user": user.username, "prefix": prefix, "name": token.name},
        )
    return token, secret


def revoke_api_token(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token; revoking one already revoked changes nothing and records nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_action(
            actor=by,
            action="accounts.api_token_revoked",
            target=token,
            after={"prefix": token.prefix},
        )
    return token


def notify_organisation(
    *, organisation: Organisation, kind: str, title: str, message: str, link: str, by: User | None
) -> Notification:
    """An in-app notification every member of the organisation sees. In-app notifications are
    rows, so this joins the caller's transaction: they appear only if the change commits."""
    if link and not link.startswith("/"):
        raise ValidationError({"link": _("链接必须是站内相对地址")})
    with transaction.atomic():
        notification = Notification(
            recipient_organisation=organisation,
            kind=kind,
            title=title[:200],
            message=message,
            link=link,
        )
        notification.full_clean()
        notification.save()
        record_action(
            actor=by,
            action="accounts.notification_sent",
            target=organisation,
            after={"kind": kind, "title": notification.title, "link": link},
        )
    return notification


def mark_notification_read(*, notification: Notification, by: User) -> Notification:
    """Mark a notification read; marking it again changes nothing. Raises PermissionDenied when
    ``by`` is not its recipient (nor a member of the recipient organisation)."""
    with transaction.atomic():
        notification = Notification.objects.get(pk=notification.pk)
        if not _is_recipient(notification, by):
            raise PermissionDenied(_("这不是您的通知"))
        receipt, created = NotificationReceipt.objects.get_or_create(
            notification=notification, user=by
        )
        if created:
            record_action(
                actor=by,
                action="accounts.notification_read",
                target=notification,
                after={"read_at": receipt.read_at.isoformat()},
            )
    # Read state belongs to the reader (see Notification.is_read): annotate theirs.
    read_at = Value(receipt.read_at, output_field=DateTimeField())
    return Notification.objects.annotate(read_at=read_at).get(pk=notification.pk)


def _is_recipient(notification: Notification, user: User) -> bool:
    if notification.recipient_user_id is not None and notification.recipient_user_id == user.pk:
        return True
    return (
        notification.recipient_organisation_id is not None
        and Membership.objects.filter(
            user=user, organisation_id=notification.recipient_organisation_id
        ).exists()
    )
