"""Service requests: an enterprise's need → invitations → quotes → one order → one rating.

An enterprise posts a :class:`ServiceRequest` (the text it typed and the need understood from
it), invites institutions (each an :class:`Invitation`, due three working days later), invited
institutions answer with a :class:`Quote` or decline, the enterprise accepts one quote, which
makes the request's :class:`Order`, and rates the order once it is completed.

Who sees what is decided by the ``visible_to(user)`` filters below and nowhere else: the
enterprise's members see its requests and everything under them; an invited institution's
members see the requests they were invited to, their own invitation and quote and the order
they won, never a competitor's; platform administrators read everything; regulators and the
public see nothing (quotes and orders are commercial information). Writes are decided by the
services in ``requests.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("test", _("检验检测")),
    ("calibration", _("校准")),
    ("verification", _("检定")),
    ("certification", _("认证")),
    ("service", _("技术服务")),
]


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_platform_admin", False))


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


class ServiceRequestQuerySet(models.QuerySet["ServiceRequest"]):
    def visible_to(self, user: Any) -> ServiceRequestQuerySet:
        """The enterprise's own requests and those its institution was invited to."""
        if not _signed_in(user):
            return self.none()
        if _is_admin(user):
            return self.all()
        return self.filter(
            Q(enterprise__memberships__user=user)
            | Q(invitations__institution__memberships__user=user)
        ).distinct()

    def of_enterprise_member(self, user: Any) -> ServiceRequestQuerySet:
        """Requests of the enterprises ``user`` belongs to (what "my requests" lists)."""
        if not _signed_in(user):
            return self.none()
        return self.filter(enterprise__memberships__user=user).distinct()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: Any) -> InvitationQuerySet:
        """The enterprise sees every invitation of its requests; an institution only its own."""
        if not _signed_in(user):
            return self.none()
        if _is_admin(user):
            return self.all()
        return self.filter(
            Q(request__enterprise__memberships__user=user) | Q(institution__memberships__user=user)
        ).distinct()

    def for_institution_member(self, user: Any) -> InvitationQuerySet:
        """Invitations addressed to the institutions ``user`` belongs to (the inbox)."""
        if not _signed_in(user):
            return self.none()
        return self.filter(institution__memberships__user=user).distinct()

    def open(self) -> InvitationQuerySet:
        return self.filter(status=Invitation.Status.INVITED)


class OrderQuerySet(models.QuerySet["Order"]):
    def visible_to(self, user: Any) -> OrderQuerySet:
        """An order is seen by both of its sides (and platform administrators)."""
        if not _signed_in(user):
            return self.none()
        if _is_admin(user):
            return self.all()
        return self.filter(
            Q(enterprise__memberships__user=user) | Q(institution__memberships__user=user)
        ).distinct()


class ServiceRequest(models.Model):
    """What an enterprise needs done, in its words and as the platform understood them."""

    class Status(models.TextChoices):
        OPEN = "open", _("征集报价中")
        ORDERED = "ordered", _("已下单")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("企业"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发布人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    need_text = models.CharField(_("需求描述"), max_length=200)
    need = models.JSONField(_("识别出的需求"), default=dict, blank=True)
    kind = models.CharField(_("服务类型"), max_length=16, choices=KIND_CHOICES, blank=True)
    city = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务地点"),
    )
    budget_cny = models.DecimalField(
        _("预算（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(_("希望完成日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_cny__isnull=True) | Q(budget_cny__gt=0),
                name="service_request_budget_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def page_path(self) -> str:
        """``web:request-detail`` (a web test keeps the two in step); built here because
        notifications written by this app link to it and matching cannot import web."""
        return f"/requests/{self.public_id}/"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Invitation(models.Model):
    """One institution asked to quote for one request."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待答复")
        QUOTED = "quoted", _("已报价")
        DECLINED = "declined", _("已谢绝")
        NOT_RESPONDING = "not_responding", _("逾期未答复")
        WITHDRAWN = "withdrawn", _("已撤回")
        ACCEPTED = "accepted", _("已中选")
        CLOSED = "closed", _("未中选")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="invitations"
    )
    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="service_invitations",
        verbose_name=_("机构"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    due_at = models.DateTimeField(_("答复期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.INVITED
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.TextField(_("谢绝原因"), blank=True)
    match_reasons = models.JSONField(_("匹配理由"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["request_id", "invited_at", "id"]
        indexes = [models.Index(fields=["status", "invited_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "institution"], name="invitation_once_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("invited_at")), name="invitation_due_after_invited"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.institution}"

    @property
    def page_path(self) -> str:
        """``web:invitation-detail``: the institution's answer page."""
        return f"/invitations/{self.public_id}/"

    @property
    def current_quote(self) -> Quote | None:
        # Prefetch-friendly: reads the prefetched quotes when they are there.
        for quote in self.quotes.all():
            if quote.superseded_at is None:
                return quote
        return None


class Quote(models.Model):
    """An institution's price, turnaround and conditions. A revised quote supersedes the one
    before it (kept for the record); only the current one can be accepted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="quotes")
    price_cny = models.DecimalField(_("报价（元）"), max_digits=12, decimal_places=2)
    days = models.PositiveIntegerField(_("周期（天）"))
    conditions = models.TextField(_("条件说明"), blank=True)
    valid_until = models.DateField(_("报价有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invitation_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(superseded_at__isnull=True),
                name="quote_one_current_per_invitation",
            ),
            models.CheckConstraint(condition=Q(price_cny__gt=0), name="quote_price_positive"),
            models.CheckConstraint(condition=Q(days__gt=0), name="quote_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.price_cny} 元 / {self.days} 天"


class Order(models.Model):
    """The accepted quote, carried out: the one order of a request."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已接单")
        SAMPLES_RECEIVED = "samples_received", _("已收样")
        IN_PROGRESS = "in_progress", _("进行中")
        REPORT_ISSUED = "report_issued", _("已出具报告")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(ServiceRequest, on_delete=models.PROTECT, related_name="order")
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="order")
    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="service_orders"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="placed_orders"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    report_number = models.CharField(_("报告编号"), max_length=80, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["enterprise", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.request} ({self.get_status_display()})"

    @property
    def page_path(self) -> str:
        """``web:order-detail``."""
        return f"/orders/{self.public_id}/"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)


class OrderStatusChange(models.Model):
    """Append-only, dated history of an order's status: its timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True, choices=Order.Status.choices)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("order status history is append-only")
        super().save(*args, **kwargs)


class Rating(models.Model):
    """The enterprise's verdict on a completed order: 1–5 and a comment, once per order."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="service_ratings"
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("评价"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.score}/5"
