"""A signed-in user's watchlist of certificates and suppliers, and the notices it sends.

An entry is a certificate number (any spelling; stored canonical) or a supplier's USCC (every
certificate that organisation holds). ``notify_watchers`` (``qihub certification watch-notify``,
cron it daily) sends an in-app notification to the watching user:

* when a watched certificate's recorded status changes: it reads the append-only status
  history after the last change it handled (``WatchScan``), so every change is seen once,
  whichever way it arrived (import, API batch, web); changes made before the user started
  watching, and a certificate's first report, are not news;
* once per certificate per expiry date, when an effectively active watched certificate will
  expire within 30 days (a renewal moves ``expires_on``, so the next expiry is told again).

Both are idempotent: ``WatchNotice`` remembers what each user was told.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qihub.accounts.audit import record_action
from qihub.accounts.identifiers import InvalidUSCC, is_valid_uscc, normalise_uscc
from qihub.accounts.models import Notification, User
from qihub.certification.models import (
    Certificate,
    CertificateStatusChange,
    WatchlistEntry,
    WatchNotice,
    WatchScan,
)
from qihub.certification.numbers import normalise_certificate_number
from qihub.certification.types import type_name
from qihub.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from qihub.core.text import normalise_text

EXPIRY_DAYS = 30
MAX_ENTRIES = 500
NOTICE_STATUS = "certificate_watch_status"
NOTICE_EXPIRY = "certificate_watch_expiry"
WATCHLIST_PATH = "/certificates/watchlist/"
Kind = WatchlistEntry.Kind


class InvalidWatch(DomainError):
    code = "watch_invalid"


class AlreadyWatched(Conflict):
    code = "watch_duplicate"


class WatchNotFound(NotFound):
    code = "watch_not_found"


def read_watch_value(value: str, kind: str = "") -> tuple[str, str]:
    """(kind, canonical value) of what a user typed. Without ``kind``: a valid USCC is a
    supplier, anything else a certificate number. Raises InvalidWatch or
    InvalidCertificateNumber / InvalidUSCC (both DomainErrors)."""
    text = normalise_text(value)
    if kind and kind not in Kind.values:
        raise InvalidWatch(_("未知的关注类型“%(kind)s”；可用：number、supplier") % {"kind": kind})
    if kind == Kind.SUPPLIER or (not kind and is_valid_uscc(text)):
        return Kind.SUPPLIER, normalise_uscc(text)
    return Kind.NUMBER, normalise_certificate_number(text)


def watches_of(user: User) -> QuerySet[WatchlistEntry]:
    return WatchlistEntry.objects.filter(user=user).order_by("-created_at", "-id")


def add_watch(*, user: User, value: str, kind: str = "", note: str = "") -> WatchlistEntry:
    """Watch a certificate number or a supplier. Raises InvalidWatch (bad value, list full),
    InvalidUSCC / InvalidCertificateNumber, or AlreadyWatched."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录"))
    kind, canonical = read_watch_value(value, kind)
    note = normalise_text(note)
    if len(note) > 200:
        raise InvalidWatch(_("备注过长（最多200字）"))
    with transaction.atomic():
        if WatchlistEntry.objects.filter(user=user, kind=kind, value=canonical).exists():
            raise AlreadyWatched(_("“%(value)s”已在关注列表中") % {"value": canonical})
        if WatchlistEntry.objects.filter(user=user).count() >= MAX_ENTRIES:
            raise InvalidWatch(_("关注列表最多 %(max)d 项") % {"max": MAX_ENTRIES})
        try:
            with transaction.atomic():
                entry = WatchlistEntry.objects.create(
                    user=user, kind=kind, value=canonical, note=note
                )
        except IntegrityError:  # a concurrent add of the same entry
            raise AlreadyWatched(_("“%(value)s”已在关注列表中") % {"value": canonical}) from None
        record_action(
            actor=user,
            action="certification.watch_added",
            target=entry,
            after={"kind": kind, "value": canonical},
        )
    return entry


def remove_watch(*, user: User, public_id: UUID | str) -> None:
    """Stop watching. Raises WatchNotFound (also for another user's entry)."""
    with transaction.atomic():
        entry = WatchlistEntry.objects.filter(user=user, public_id=public_id).first()
        if entry is None:
            raise WatchNotFound(_("关注列表中没有这一项"))
        record_action(
            actor=user,
            action="certification.watch_removed",
            target=entry,
            before={"kind": entry.kind, "value": entry.value},
        )
        entry.delete()


def certificates_watched(entry: WatchlistEntry) -> QuerySet[Certificate]:
    """The certificates an entry covers, today's effective status annotated."""
    found = Certificate.objects.all()
    if entry.kind == Kind.NUMBER:
        found = found.filter(number=entry.value)
    else:
        found = found.filter(holder__uscc=entry.value)
    return (
        found.with_effective_status(timezone.localdate())
        .select_related("cb", "holder")
        .order_by("-expires_on", "number")
    )


# --- notices ---------------------------------------------------------------------------------


@dataclass
class NotifyReport:
    status_notices: int = 0
    expiry_notices: int = 0
    changes_read: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "status_notices": self.status_notices,
            "expiry_notices": self.expiry_notices,
            "changes_read": self.changes_read,
        }


def notify_user(*, user: User, kind: str, title: str, message: str, link: str) -> Notification:
    """An in-app notification to one user (accounts offers only ``notify_organisation``)."""
    notification = Notification(
        recipient_user=user, kind=kind, title=title[:200], message=message, link=link
    )
    notification.full_clean()
    notification.save()
    record_action(
        actor=None,
        action="accounts.notification_sent",
        target=user,
        after={"kind": kind, "title": notification.title, "link": link},
    )
    return notification


def _watchers(
    certificates: list[Certificate],
) -> dict[int, list[WatchlistEntry]]:
    """Certificate id → the entries that cover it."""
    numbers = {c.number for c in certificates}
    usccs = {c.holder.uscc for c in certificates}
    entries = WatchlistEntry.objects.filter(
        Q(kind=Kind.NUMBER, value__in=numbers) | Q(kind=Kind.SUPPLIER, value__in=usccs)
    ).select_related("user")
    by_key: dict[tuple[str, str], list[WatchlistEntry]] = defaultdict(list)
    for entry in entries:
        by_key[(entry.kind, entry.value)].append(entry)
    return {
        c.pk: by_key[(Kind.NUMBER, c.number)] + by_key[(Kind.SUPPLIER, c.holder.uscc)]
        for c in certificates
    }


def _send_once(
    *, user: User, certificate: Certificate, event: str, kind: str, title: str, message: str
) -> bool:
    with transaction.atomic():
        _notice, created = WatchNotice.objects.get_or_create(
            user=user, certificate=certificate, event=event
        )
        if not created:
            return False
        notify_user(
            user=user,
            kind=kind,
            title=title,
            message=message,
            link=f"/certificates/{certificate.public_id}/",
        )
    return True


def _status_label(status: str) -> str:
    return str(Certificate.Status(status).label) if status in Certificate.Status.values else status


def _notify_status_changes(now: datetime, report: NotifyReport, chunk: int = 2_000) -> None:
    scan, _created = WatchScan.objects.get_or_create(name="status")
    last = scan.last_change_id
    while True:
        changes = list(
            CertificateStatusChange.objects.filter(pk__gt=last, changed_at__lte=now)
            .select_related("certificate__holder", "certificate__cb")
            .order_by("pk")[:chunk]
        )
        if not changes:
            break
        report.changes_read += len(changes)
        news = [c for c in changes if c.from_status]
        watchers = _watchers([c.certificate for c in news])
        for change in news:
            certificate = change.certificate
            for entry in watchers.get(certificate.pk, []):
                if entry.created_at > change.changed_at:
                    continue
                title = _("关注的证书 %(number)s 状态变更：%(from)s → %(to)s") % {
                    "number": certificate.number,
                    "from": _status_label(change.from_status),
                    "to": _status_label(change.to_status),
                }
                message = _(
                    "%(holder)s 的%(type)s证书（%(cb)s 颁发）登记状态于 %(day)s 由“%(from)s”"
                    "变为“%(to)s”。%(reason)s"
                ) % {
                    "holder": certificate.holder_name,
                    "type": type_name(certificate.cert_type),
                    "cb": certificate.cb.name,
                    "day": timezone.localtime(change.changed_at).date().isoformat(),
                    "from": _status_label(change.from_status),
                    "to": _status_label(change.to_status),
                    "reason": (_("原因：%(reason)s") % {"reason": change.reason})
                    if change.reason
                    else "",
                }
                if _send_once(
                    user=entry.user,
                    certificate=certificate,
                    event=f"status:{change.pk}",
                    kind=NOTICE_STATUS,
                    title=title,
                    message=message,
                ):
                    report.status_notices += 1
        last = changes[-1].pk
        WatchScan.objects.filter(pk=scan.pk).update(last_change_id=last, ran_at=now)


def _notify_expiring(now: datetime, report: NotifyReport) -> None:
    today = timezone.localdate(now)
    end = today + timedelta(days=EXPIRY_DAYS)
    numbers = WatchlistEntry.objects.filter(kind=Kind.NUMBER).values("value")
    usccs = WatchlistEntry.objects.filter(kind=Kind.SUPPLIER).values("value")
    expiring = list(
        Certificate.objects.expiring_between(today, end)
        .filter(Q(number__in=numbers) | Q(holder__uscc__in=usccs))
        .select_related("holder", "cb")
    )
    watchers = _watchers(expiring)
    for certificate in expiring:
        days = (certificate.expires_on - today).days
        for entry in watchers.get(certificate.pk, []):
            title = ngettext(
                "关注的证书 %(number)s 将于 %(days)d 天后到期",
                "关注的证书 %(number)s 将于 %(days)d 天后到期",
                days,
            ) % {
                "number": certificate.number,
                "days": days,
            }
            message = _(
                "%(holder)s 的%(type)s证书（%(cb)s 颁发）有效期至 %(day)s。"
                "到期前如未换证，证书将失效。"
            ) % {
                "holder": certificate.holder_name,
                "type": type_name(certificate.cert_type),
                "cb": certificate.cb.name,
                "day": certificate.expires_on.isoformat(),
            }
            if _send_once(
                user=entry.user,
                certificate=certificate,
                event=f"expiry:{certificate.expires_on.isoformat()}",
                kind=NOTICE_EXPIRY,
                title=title,
                message=message,
            ):
                report.expiry_notices += 1


def notify_watchers(now: datetime | None = None) -> NotifyReport:
    """Send the status-change and expiry notices not sent yet (idempotent; cron it daily)."""
    now = now or timezone.now()
    report = NotifyReport()
    _notify_status_changes(now, report)
    _notify_expiring(now, report)
    return report


__all__ = [
    "AlreadyWatched",
    "InvalidUSCC",
    "InvalidWatch",
    "NotifyReport",
    "WatchNotFound",
    "add_watch",
    "certificates_watched",
    "notify_watchers",
    "read_watch_value",
    "remove_watch",
    "watches_of",
]
