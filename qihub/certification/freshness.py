"""How fresh each certification body's data is, and reminders to bodies gone silent.

A body's data is as of its last successful upload (file import, API batch or a status change
on the web; an unchanged upload counts, since it confirms the data). ``remind_silent_bodies``
tells each body with an effectively valid CNCA-CB approval that has not uploaded for 30 days
(or never has) once per silence period: ``silence_reminded_at`` later than the last upload
means this period was already reminded; the next upload starts a new period. Meant to run
daily (``qihub certification remind-silent``, cron-able).

``cached_coverage`` keeps the coverage figures (what "not found" answers explain themselves
with) in Django's shared cache under ``qihub:certification:coverage:v1:<local date>`` for
``COVERAGE_CACHE_SECONDS`` (60 s): the public verification path would otherwise count feeds
and approvals on every miss. ``record_upload`` drops the entry (at once and again on commit);
a new, suspended or lapsed CNCA-CB approval shows within the minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.models import Organisation, User
from qihub.accounts.services import notify_organisation
from qihub.certification.models import CertificationBodyFeed
from qihub.institutions.models import Qualification
from qihub.institutions.numbers import QualificationType

SILENCE_DAYS = 30
NOTICE_KIND = "certificate_feed_silent"
DESK_PATH = "/certificates/manage/?cb={uscc}"  # the body's desk (web), where it uploads
COVERAGE_CACHE_KEY = "qihub:certification:coverage:v1:{day}"
COVERAGE_CACHE_SECONDS = 60


def record_upload(*, items_per_body: Mapping[int, int], at: datetime, source: str) -> None:
    """Note a successful upload for each body (call inside the upload's transaction). Chunks
    of one upload share ``at``, so their item counts add up."""
    forget_cached_coverage()
    transaction.on_commit(forget_cached_coverage)
    for organisation_id, items in items_per_body.items():
        feed, created = CertificationBodyFeed.objects.select_for_update().get_or_create(
            organisation_id=organisation_id,
            defaults={
                "last_upload_at": at,
                "last_upload_source": source,
                "last_upload_items": items,
            },
        )
        if created:
            continue
        feed.last_upload_items = (
            feed.last_upload_items + items if feed.last_upload_at == at else items
        )
        feed.last_upload_at = at
        feed.last_upload_source = source
        feed.save(
            update_fields=[
                "last_upload_at",
                "last_upload_source",
                "last_upload_items",
                "updated_at",
            ]
        )


def data_as_of(organisation_id: int) -> datetime | None:
    """When the body last uploaded, or None when it never has."""
    return (
        CertificationBodyFeed.objects.filter(organisation_id=organisation_id)
        .values_list("last_upload_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Coverage:
    """How much of the certification world the platform's data covers, for "not found"."""

    bodies_reporting: int  # bodies that ever uploaded
    bodies_fresh: int  # … within the last 30 days
    bodies_approved: int  # bodies holding an effectively valid CNCA-CB approval
    oldest_upload_at: datetime | None
    newest_upload_at: datetime | None


def coverage(now: datetime | None = None) -> Coverage:
    now = now or timezone.now()
    since = now - timedelta(days=SILENCE_DAYS)
    figures = CertificationBodyFeed.objects.filter(last_upload_at__isnull=False).aggregate(
        reporting=Count("id"),
        fresh=Count("id", filter=Q(last_upload_at__gte=since)),
        oldest=Min("last_upload_at"),
        newest=Max("last_upload_at"),
    )
    approved = (
        Qualification.objects.filter(type=QualificationType.CNCA_CB.value)
        .effectively_valid(timezone.localdate(now))
        .values("organisation_id")
        .distinct()
        .count()
    )
    return Coverage(
        bodies_reporting=figures["reporting"],
        bodies_fresh=figures["fresh"],
        bodies_approved=approved,
        oldest_upload_at=figures["oldest"],
        newest_upload_at=figures["newest"],
    )


def _coverage_key(now: datetime) -> str:
    return COVERAGE_CACHE_KEY.format(day=timezone.localdate(now).isoformat())


def cached_coverage() -> Coverage:
    """``coverage()`` now, from the shared cache when counted less than a minute ago."""
    now = timezone.now()
    key = _coverage_key(now)
    stored = cache.get(key)
    if isinstance(stored, dict):
        try:
            return Coverage(**stored)
        except TypeError:  # stored by another version of Coverage: count again
            pass
    figures = coverage(now)
    cache.set(key, asdict(figures), COVERAGE_CACHE_SECONDS)
    return figures


def forget_cached_coverage() -> None:
    """Drop today's cached coverage figures (after an upload changed them)."""
    cache.delete(_coverage_key(timezone.now()))


@dataclass(frozen=True)
class SilentBody:
    organisation: Organisation
    last_upload_at: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "uscc": self.organisation.uscc,
            "name": self.organisation.name,
            "last_upload_at": self.last_upload_at.isoformat() if self.last_upload_at else None,
        }


def silent_bodies(now: datetime, *, days: int = SILENCE_DAYS) -> list[SilentBody]:
    """Approved, active bodies whose last upload is ``days`` or more before ``now`` (or who
    never uploaded), longest silent first."""
    approved = (
        Qualification.objects.filter(type=QualificationType.CNCA_CB.value)
        .effectively_valid(timezone.localdate(now))
        .values("organisation_id")
    )
    bodies = Organisation.objects.filter(pk__in=approved, is_active=True).order_by("uscc")
    feeds = {
        f.organisation_id: f.last_upload_at
        for f in CertificationBodyFeed.objects.filter(organisation__in=bodies)
    }
    cutoff = now - timedelta(days=days)
    silent = [
        SilentBody(body, feeds.get(body.pk))
        for body in bodies
        if feeds.get(body.pk) is None or feeds[body.pk] <= cutoff  # type: ignore[operator]
    ]
    return sorted(silent, key=lambda s: (s.last_upload_at is not None, s.last_upload_at or now))


def remind_silent_bodies(now: datetime | None = None, *, by: User | None = None) -> int:
    """Notify each silent body once per silence period; returns how many were notified."""
    now = now or timezone.now()
    sent = 0
    for item in silent_bodies(now):
        with transaction.atomic():
            feed, _created = CertificationBodyFeed.objects.select_for_update().get_or_create(
                organisation=item.organisation
            )
            reminded = feed.silence_reminded_at
            if reminded is not None and (
                feed.last_upload_at is None or reminded >= feed.last_upload_at
            ):
                continue  # already reminded in this silence period
            if feed.last_upload_at is None:
                title = _("贵机构尚未向平台报送认证证书数据")
                message = _(
                    "平台尚未收到贵机构的证书数据。公众查验证书时，未报送的证书只能显示为“未找到”。"
                    "请在平台的“证书管理”页面上传证书文件，或通过 POST /api/v1/certificates/batch "
                    "接口报送。"
                )
            else:
                days = (now - feed.last_upload_at).days
                title = _("贵机构的证书数据已 %(days)d 天未更新") % {"days": days}
                message = _(
                    "贵机构最近一次报送证书数据是在 %(day)s。公众查验页面会显示数据更新日期；"
                    "请及时报送新颁发、暂停、撤销和注销的证书，以免查验结果过时。"
                ) % {"day": timezone.localtime(feed.last_upload_at).date().isoformat()}
            notify_organisation(
                organisation=item.organisation,
                kind=NOTICE_KIND,
                title=title,
                message=message,
                link=DESK_PATH.format(uscc=item.organisation.uscc),
                by=by,
            )
            feed.silence_reminded_at = now
            feed.save(update_fields=["silence_reminded_at", "updated_at"])
        sent += 1
    return sent
