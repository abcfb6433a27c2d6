"""Certificates, their sites and status history, and each certification body's data feed.

A certificate's *recorded* status is what its body last said; its *effective* status also reads
the dates (``Certificate.effective_status_on``; the same rule in SQL in
``querysets.effective_status_expression``). Every answer shows the effective status, so an
``active`` certificate past ``expires_on`` is never shown as valid.

Numbers are unique per body, not globally: two bodies using the same number is a risk to
detect (issue 6, item 5), not something to refuse, so a lookup by number may find several.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qihub.certification.querysets import (
    ACTIVE,
    CANCELLED,
    EXPIRED,
    NOT_YET_VALID,
    SUSPENDED,
    WITHDRAWN,
    CertificateQuerySet,
)


class Certificate(models.Model):
    """One certificate as its certification body reported it."""

    class Status(models.TextChoices):
        ACTIVE = ACTIVE, _("有效")
        SUSPENDED = SUSPENDED, _("暂停")
        WITHDRAWN = WITHDRAWN, _("撤销")
        EXPIRED = EXPIRED, _("过期")
        CANCELLED = CANCELLED, _("注销")

    class EffectiveStatus(models.TextChoices):
        ACTIVE = ACTIVE, _("有效")
        SUSPENDED = SUSPENDED, _("暂停")
        WITHDRAWN = WITHDRAWN, _("撤销")
        EXPIRED = EXPIRED, _("过期")
        CANCELLED = CANCELLED, _("注销")
        NOT_YET_VALID = NOT_YET_VALID, _("尚未生效")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(
        _("证书编号"), max_length=60, help_text=_("规范形式：半角、大写、无空格")
    )
    cb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="issued_certificates",
        verbose_name=_("认证机构"),
    )
    holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("获证组织"),
    )
    holder_name = models.CharField(
        _("获证组织名称（证书所载）"),
        max_length=200,
        help_text=_("证书上的名称，可能与登记名称不同"),
    )
    cert_type = models.CharField(_("认证类型"), max_length=20, help_text=_("types.py 中的代码"))
    standards_text = models.CharField(_("认证依据"), max_length=500, blank=True)
    # Canonical codes of the cited standards (standards.codes); a code that does not parse is
    # kept as typed. ``has_unknown_standard``: one of them is not in the catalogue (kept, flagged).
    standard_codes = models.JSONField(default=list, blank=True)
    has_unknown_standard = models.BooleanField(default=False)
    scope = models.TextField(_("认证范围"), blank=True)
    is_accredited = models.BooleanField(_("认可标志"), default=False)
    issued_on = models.DateField(_("颁证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(
        _("登记状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("状态说明"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["cb_id", "number"]
        indexes = [
            models.Index(fields=["number"], name="certificate_number"),
            models.Index(fields=["holder", "status"], name="certificate_holder_status"),
            models.Index(fields=["cb", "issued_on"], name="certificate_cb_issued"),
            models.Index(fields=["expires_on"], name="certificate_expires"),
            models.Index(fields=["cert_type", "status"], name="certificate_type_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cb", "number"], name="certificate_unique_cb_number"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")),
                name="certificate_expires_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def effective_status_on(self, day: date) -> str:
        """The status that counts on ``day``: cancelled / withdrawn (final), then expired
        (recorded or by date), then suspended, then not yet valid, else active. Mirrors
        ``querysets.effective_status_expression``."""
        if self.status in (CANCELLED, WITHDRAWN):
            return self.status
        if self.status == EXPIRED or day > self.expires_on:
            return EXPIRED
        if self.status == SUSPENDED:
            return SUSPENDED
        if day < self.issued_on:
            return NOT_YET_VALID
        return ACTIVE

    @property
    def effective_status(self) -> str:
        """Today's effective status, or the one ``with_effective_status(on)`` annotated."""
        annotated = getattr(self, "effective_status_on_day", None)
        if annotated is not None:
            return str(annotated)
        return self.effective_status_on(timezone.localdate())

    def get_effective_status_display(self) -> str:
        return str(self.EffectiveStatus(self.effective_status).label)

    def is_valid_on(self, day: date) -> bool:
        return self.effective_status_on(day) == ACTIVE


class CertificateSite(models.Model):
    """A certified site: an address, with its own scope when it differs from the certificate's."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="sites")
    address = models.CharField(_("地址"), max_length=300)
    scope = models.TextField(_("该场所的认证范围"), blank=True)

    class Meta:
        ordering = ["certificate_id", "id"]

    def __str__(self) -> str:
        return self.address


class CertificateStatusChange(models.Model):
    """Append-only history of a certificate's recorded status, from its first report on."""

    class Source(models.TextChoices):
        IMPORT = "import", _("文件导入")
        API = "api", _("接口推送")
        WEB = "web", _("网页操作")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, blank=True, choices=Certificate.Status.choices)
    to_status = models.CharField(max_length=12, choices=Certificate.Status.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["certificate_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("certificate status history is append-only")
        super().save(*args, **kwargs)


class CertificationBodyFeed(models.Model):
    """How fresh a certification body's data is: its last successful upload (a file import or an
    API batch, changed or not: an unchanged upload still confirms the data), and the last
    reminder sent while it was silent (``freshness.remind_silent_bodies``)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="certificate_feed"
    )
    last_upload_at = models.DateTimeField(_("最近上传时间"), null=True, blank=True)
    last_upload_source = models.CharField(
        max_length=10, blank=True, choices=CertificateStatusChange.Source.choices
    )
    last_upload_items = models.PositiveIntegerField(default=0)
    silence_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id"]
        indexes = [models.Index(fields=["last_upload_at"], name="certificate_feed_last_upload")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last_upload_at}"
