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
from django.utils.translation import pgettext_lazy

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
        WITHDRAWN = WITHDRAWN, pgettext_lazy("certificate status", "撤销")
        EXPIRED = EXPIRED, _("过期")
        CANCELLED = CANCELLED, _("注销")

    class EffectiveStatus(models.TextChoices):
        ACTIVE = ACTIVE, _("有效")
        SUSPENDED = SUSPENDED, _("暂停")
        WITHDRAWN = WITHDRAWN, pgettext_lazy("certificate status", "撤销")
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


# --- buyers' tools, risk monitoring (issue 6, items 4 and 5) -------------------------------------


class WatchlistEntry(models.Model):
    """One thing a user watches: a certificate number (canonical) or a supplier's USCC."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("证书编号")
        SUPPLIER = "supplier", _("供应商（统一社会信用代码）")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_watches"
    )
    kind = models.CharField(_("关注类型"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("证书编号或统一社会信用代码"), max_length=60)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "value"], name="watch_kind_value")]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="watch_unique_entry")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.value}"


class WatchNotice(models.Model):
    """A notice already sent to a user about a certificate (``event``: ``status:<change id>`` or
    ``expiry:<expires_on>``): what makes ``watch-notify`` idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "certificate", "event"], name="watch_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.certificate_id} {self.event}"


class WatchScan(models.Model):
    """Where ``watch-notify`` got to in the status history (one row, ``name="status"``)."""

    name = models.CharField(max_length=20, unique=True)
    last_change_id = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_change_id}"


class ApprovedScope(models.Model):
    """A certification type a body is approved to certify (its CNCA-CB approval's scope)."""

    cb = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="approved_cert_types"
    )
    cert_type = models.CharField(_("认证类型"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cb_id", "cert_type"]
        constraints = [
            models.UniqueConstraint(fields=["cb", "cert_type"], name="approved_scope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cb_id}: {self.cert_type}"


class HolderDeregistration(models.Model):
    """An organisation's business registration was cancelled (注销) or revoked (吊销) on ``on``,
    as the market-entity register reports it."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="deregistration"
    )
    on = models.DateField(_("注销/吊销日期"))
    source = models.CharField(_("来源"), max_length=100)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "organisation_id"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.on}"


class RiskWarning(models.Model):
    """One early warning raised by a rule (``risk.py``) about a certificate, a body or a number.

    ``subject_key`` names what it is about (``certificate:<id>``, ``number:<number>``,
    ``body-month:<cb id>:<YYYY-MM>``); at most one live (open or acknowledged) warning exists
    per (rule, subject)."""

    class Rule(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("超出机构批准范围")
        UNQUALIFIED_ISSUE = "unqualified_issue", _("机构资质无效期间发证")
        ACTIVE_PAST_EXPIRY = "active_past_expiry", _("过期仍登记为有效")
        HOLDER_DEREGISTERED = "holder_deregistered", _("获证组织已注销")
        DUPLICATE_NUMBER = "duplicate_number", _("证书编号被多家机构使用")
        ISSUANCE_SPIKE = "issuance_spike", _("月发证量异常偏高")

    class Severity(models.TextChoices):
        HIGH = "high", _("高")
        MEDIUM = "medium", _("中")
        LOW = "low", _("低")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已确认")
        RESOLVED = "resolved", _("已解决")
        DISMISSED = "dismissed", _("已排除")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.CharField(_("规则"), max_length=30, choices=Rule.choices)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    subject_key = models.CharField(max_length=120)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.CASCADE, related_name="risk_warnings"
    )
    cb = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risk_warnings",
        verbose_name=_("认证机构"),
    )
    city = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在市"),
    )
    details = models.JSONField(default=dict, blank=True)
    reasoning = models.TextField(_("判断依据"))
    status = models.CharField(
        _("处理状态"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    status_reason = models.TextField(_("处理说明"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_risk_warnings",
        verbose_name=_("承办人"),
    )
    first_seen = models.DateTimeField(_("首次发现"))
    last_seen = models.DateTimeField(_("最近发现"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        indexes = [
            models.Index(fields=["status", "rule"], name="risk_status_rule"),
            models.Index(fields=["city", "status"], name="risk_city_status"),
            models.Index(fields=["rule", "subject_key"], name="risk_rule_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="risk_one_live_warning_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject_key}"

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ACKNOWLEDGED)


class RiskWarningChange(models.Model):
    """Append-only history of a warning: status changes and assignments, who and why."""

    warning = models.ForeignKey(RiskWarning, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["warning_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id}: {self.action} {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("risk warning history is append-only")
        super().save(*args, **kwargs)
