"""People and organisations, what they may do, and the append-only record of what they did."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qihub.accounts.querysets import (
    INSTITUTION_KINDS,
    AuditEntryQuerySet,
    OrganisationQuerySet,
)


class User(AbstractUser):
    """A person who signs in. Platform administrators have ``is_platform_admin``."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    is_platform_admin = models.BooleanField(_("平台管理员"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    """Any body the platform knows, identified by its 统一社会信用代码 (USCC)."""

    class Kind(models.TextChoices):
        TESTING_LAB = "testing_lab", _("检验检测机构")
        CALIBRATION_LAB = "calibration_lab", _("校准实验室")
        METROLOGY_INSTITUTE = "metrology_institute", _("计量技术机构")
        CERTIFICATION_BODY = "certification_body", _("认证机构")
        STANDARDS_BODY = "standards_body", _("标准化机构")
        SPECIAL_EQUIPMENT_BODY = "special_equipment_body", _("特种设备检验检测机构")
        ENTERPRISE = "enterprise", _("企业")
        REGULATOR = "regulator", _("监管部门")
        STATION_OPERATOR = "station_operator", _("一站式服务站")

    INSTITUTION_KINDS = INSTITUTION_KINDS

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    name_pinyin = models.CharField(max_length=600, blank=True, editable=False)
    name_initials = models.CharField(max_length=200, blank=True, editable=False)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    city = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("所在市"),
    )
    county = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_organisations",
        verbose_name=_("所在区县"),
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=5, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=5, null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.URLField(_("网站"), blank=True)
    description = models.TextField(_("简介"), blank=True)
    jurisdiction = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulators",
        verbose_name=_("监管辖区"),
        help_text=_("仅监管部门：全省或某一地级市"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "uscc"]
        indexes = [
            models.Index(fields=["kind", "city"]),
            models.Index(fields=["name_initials"]),
            models.Index(fields=["name_pinyin"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=True) | Q(kind="regulator"),
                name="organisation_jurisdiction_only_for_regulators",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind in self.INSTITUTION_KINDS


class Membership(models.Model):
    """A user's place in an organisation. Admins manage the organisation's profile and members."""

    class Role(models.TextChoices):
        MEMBER = "member", _("成员")
        ADMIN = "admin", _("管理员")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for machines. Only a SHA-256 digest is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEntry(models.Model):
    """One write, by whom, on what, from where, with the state before and after.

    Append-only: the model refuses updates and deletes, and database triggers refuse them too
    (migration ``audit_entry_append_only``), so not even raw SQL from the app can rewrite history.
    """

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    client_address = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly(_("审计日志只能追加，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly(_("审计日志只能追加，不能删除"))


class AuditLogIsAppendOnly(Exception):
    pass


class Notification(models.Model):
    """An in-app message to an organisation (all its members see it) or to one user.

    Other apps write these through ``accounts.services.notify_organisation``; ``kind`` is a short
    stable string they choose (``standard_superseded``) so pages can filter or group them.
    """

    recipient_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收机构"),
    )
    recipient_user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收用户"),
    )
    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    message = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False) | Q(recipient_user__isnull=False),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        # ``read_at`` is annotated by ``queries.notifications_for`` from the viewing user's
        # receipt, because members of one organisation read its notifications separately.
        return getattr(self, "read_at", None) is not None


class NotificationReceipt(models.Model):
    """That one user has read one notification (each member of an organisation reads its own)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_receipts")
    read_at = models.DateTimeField(_("已读时间"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "user"], name="notification_read_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.notification_id}"
