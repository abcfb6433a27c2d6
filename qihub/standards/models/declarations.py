"""Enterprise standard self-declarations (企业标准自我声明公开).

An enterprise publishes which standards a product is made to: catalogue standards (GB, industry,
local, group…) and its own Q/ enterprise standards, with the key indicators it promises. Where
an indicator is weaker than the cited national recommended standard's, the law (《标准化法》
第二十七条) requires it to say so, so each cited standard carries that disclosure.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def published(self) -> DeclarationQuerySet:
        return self.filter(status=Declaration.Status.PUBLISHED)

    def visible_to(self, user: Any) -> DeclarationQuerySet:
        """Published and withdrawn declarations are public; drafts only to the enterprise."""
        public = ~Q(status=Declaration.Status.DRAFT)
        if user is None or not user.is_authenticated:
            return self.filter(public)
        if user.is_platform_admin:
            return self.all()
        return self.filter(public | Q(enterprise__memberships__user=user)).distinct()

    def citing(self, standards: list[int]) -> DeclarationQuerySet:
        """Declarations that cite any of these standards (by pk)."""
        return self.filter(standards__standard__in=standards).distinct()


class Declaration(models.Model):
    """One product's self-declaration by one enterprise."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已公开")
        WITHDRAWN = "withdrawn", _("已撤回")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("企业"),
    )
    product_name = models.CharField(_("产品名称"), max_length=200)
    product_model = models.CharField(_("型号规格"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    is_forerunner = models.BooleanField(_("企业标准领跑者"), default=False)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="declaration_published_has_published_at",
            ),
        ]

    def __str__(self) -> str:
        model = f" {self.product_model}" if self.product_model else ""
        return f"{self.product_name}{model}"

    @property
    def page_path(self) -> str:
        """The public page (``web:declaration-detail``; a web test keeps the two in step). Built
        here because notices written by this app link to it and ``standards`` cannot import web."""
        return f"/declarations/{self.public_id}/"


class DeclaredStandard(models.Model):
    """One standard a declaration cites, with the key indicators promised under it."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="standards")
    standard = models.ForeignKey(
        "standards.Standard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("标准"),
        help_text=_("企业自有的 Q/ 标准不在目录中时为空"),
    )
    raw_code = models.CharField(_("填写的标准号"), max_length=200)
    canonical_code = models.CharField(_("标准号"), max_length=100, db_index=True)
    is_own_standard = models.BooleanField(_("企业自有标准"), default=False)
    # [{"name": "抗拉强度", "value": "≥520", "unit": "MPa", "national_value": "≥540"}, …]
    key_indicators = models.JSONField(_("主要技术指标"), default=list, blank=True)
    discloses_weaker_indicators = models.BooleanField(_("低于推荐性国家标准"), default=False)
    disclosure_text = models.TextField(_("低于推荐性国家标准的说明"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["declaration_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard__isnull=False) | Q(is_own_standard=True),
                name="declared_standard_catalogued_unless_own",
            ),
            models.CheckConstraint(
                condition=Q(discloses_weaker_indicators=False) | ~Q(disclosure_text=""),
                name="declared_standard_disclosure_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.canonical_code
