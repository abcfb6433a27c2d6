"""Qualifications, their status history, and capability lines with the standards they cite.

A qualification's *recorded* status is what the issuing authority last said; its *effective*
status also reads the dates (see ``Qualification.effective_status_on``). Every presenter shows
the effective status, so an expired certificate is never shown as valid.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qihub.institutions.numbers import QualificationType
from qihub.institutions.querysets import (
    EXPIRED,
    NOT_YET_VALID,
    REVOKED,
    SUSPENDED,
    VALID,
    CapabilityLineQuerySet,
    QualificationQuerySet,
)

QUALIFICATION_TYPE_LABELS: dict[str, Any] = {
    QualificationType.CMA.value: _("检验检测机构资质认定（CMA）"),
    QualificationType.CNAS_L.value: _("实验室认可（CNAS）"),
    QualificationType.CNAS_C.value: _("认证机构认可（CNAS）"),
    QualificationType.CNCA_CB.value: _("认证机构批准（CNCA）"),
    QualificationType.METROLOGY_AUTH.value: _("计量授权"),
    QualificationType.SE_INSPECTION.value: _("特种设备检验检测机构核准"),
}
QUALIFICATION_TYPE_CHOICES = [
    (t.value, QUALIFICATION_TYPE_LABELS[t.value]) for t in QualificationType
]


class Qualification(models.Model):
    """One certificate an institution holds: a CMA, a CNAS accreditation, a CNCA approval, a
    metrology authorisation or a special-equipment inspection licence."""

    class Status(models.TextChoices):
        VALID = VALID, _("有效")
        SUSPENDED = SUSPENDED, _("暂停")
        REVOKED = REVOKED, pgettext_lazy("qualification status", "撤销")
        EXPIRED = EXPIRED, _("过期")

    class EffectiveStatus(models.TextChoices):
        VALID = VALID, _("有效")
        SUSPENDED = SUSPENDED, _("暂停")
        REVOKED = REVOKED, pgettext_lazy("qualification status", "撤销")
        EXPIRED = EXPIRED, _("过期")
        NOT_YET_VALID = NOT_YET_VALID, _("尚未生效")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("机构"),
    )
    type = models.CharField(_("资质类型"), max_length=20, choices=QUALIFICATION_TYPE_CHOICES)
    number = models.CharField(_("证书编号"), max_length=80)
    issuer = models.CharField(_("发证机关"), max_length=200, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(
        _("登记状态"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    status_reason = models.TextField(_("状态说明"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    # The parts of a 12-digit CMA number (year, issuing authority, professional field), kept as
    # columns so lists can filter on them; empty for other types.
    cma_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cma_authority = models.CharField(max_length=2, blank=True)
    cma_field = models.CharField(max_length=2, blank=True)
    last_expiry_notice_on = models.DateField(
        null=True, blank=True, help_text=_("最近一次到期提醒的日期（避免重复提醒）")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "type", "number"]
        indexes = [
            models.Index(fields=["valid_to"]),
            models.Index(fields=["type", "status"]),
            models.Index(fields=["cma_authority", "cma_field"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["type", "number"], name="qualification_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="qualification_valid_to_not_before_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"

    def effective_status_on(self, day: date) -> str:
        """The status that counts on ``day``: revoked, then expired (recorded or by date), then
        suspended, then not yet valid, else valid. Mirrors ``QualificationQuerySet``'s SQL."""
        if self.status == REVOKED:
            return REVOKED
        if self.status == EXPIRED or day > self.valid_to:
            return EXPIRED
        if self.status == SUSPENDED:
            return SUSPENDED
        if day < self.valid_from:
            return NOT_YET_VALID
        return VALID

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
        return self.effective_status_on(day) == VALID

    def days_left_on(self, day: date) -> int:
        return (self.valid_to - day).days


class QualificationStatusChange(models.Model):
    """Append-only history of a qualification's recorded status, from its creation on."""

    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, blank=True, choices=Qualification.Status.choices)
    to_status = models.CharField(max_length=12, choices=Qualification.Status.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["qualification_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.qualification}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("qualification status history is append-only")
        super().save(*args, **kwargs)


class CapabilityLine(models.Model):
    """One thing an institution is qualified to do: kind, field, object, parameter, method
    standards, range, uncertainty, restrictions, price and turnaround.

    Structured values sit next to the text they came from. What could not be understood (a field
    the taxonomy does not know, uncertainty text that does not parse, a standard code the
    catalogue does not know or that is no longer in force) is kept and flagged
    (``is_flagged``); such a line still matches on what was understood.

    ``search_text`` is indexed by PostgreSQL GIN or an SQLite FTS5 table kept in sync by
    triggers (migration 0001): a migration that makes SQLite rebuild this table must re-create
    them.
    """

    class Kind(models.TextChoices):
        TEST = "test", _("检验检测")
        CALIBRATION = "calibration", _("校准")
        VERIFICATION = "verification", _("检定")
        CERTIFICATION = "certification", _("认证")
        SERVICE = "service", _("技术服务")

    class StandardsFlag(models.TextChoices):
        NONE = "none", _("正常")
        UNKNOWN_CODE = "unknown_code", _("标准号未收录")
        OUT_OF_FORCE = "out_of_force", _("标准已被代替或废止")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="capabilities",
        verbose_name=_("机构"),
    )
    qualification = models.ForeignKey(
        Qualification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="capabilities",
        verbose_name=_("资质"),
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    field = models.ForeignKey(
        "reference.Field",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capabilities",
        verbose_name=_("领域"),
    )
    field_text = models.CharField(
        _("领域（原文）"), max_length=100, blank=True, help_text=_("分类表中没有时保留原文")
    )
    object = models.CharField(_("对象"), max_length=200)
    parameter = models.CharField(_("参数"), max_length=200, blank=True)
    standards_text = models.CharField(_("方法标准"), max_length=1000, blank=True)
    range_text = models.CharField(_("范围"), max_length=200, blank=True)
    range_min = models.FloatField(null=True, blank=True)
    range_max = models.FloatField(null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    dimension = models.CharField(max_length=40, blank=True)
    range_min_base = models.FloatField(null=True, blank=True)
    range_max_base = models.FloatField(null=True, blank=True)
    uncertainty_text = models.CharField(_("不确定度/准确度"), max_length=200, blank=True)
    accuracy = models.JSONField(null=True, blank=True)
    accuracy_kind = models.CharField(max_length=20, blank=True)
    accuracy_value = models.FloatField(null=True, blank=True)
    restriction = models.CharField(_("限制范围"), max_length=500, blank=True)
    price_cny = models.DecimalField(
        _("参考价格（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    turnaround_days = models.PositiveIntegerField(_("周期（天）"), null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    natural_key = models.CharField(max_length=40, editable=False)
    standards_flag = models.CharField(
        max_length=16, choices=StandardsFlag.choices, default=StandardsFlag.NONE
    )
    is_flagged = models.BooleanField(_("需要关注"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CapabilityLineQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "field"]),
            models.Index(fields=["organisation", "kind"]),
            models.Index(fields=["organisation", "is_flagged"]),
            models.Index(fields=["dimension", "range_min_base", "range_max_base"]),
            models.Index(fields=["natural_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "natural_key"], name="capability_line_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(qualification__isnull=False) | Q(kind="service"),
                name="capability_line_qualification_unless_service",
            ),
            models.CheckConstraint(
                condition=Q(range_min__isnull=True)
                | Q(range_max__isnull=True)
                | Q(range_max__gte=F("range_min")),
                name="capability_line_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.object, self.parameter]
        return " / ".join(p for p in parts if p)

    @property
    def field_unknown(self) -> bool:
        return bool(self.field_text) and self.field_id is None

    @property
    def accuracy_unparsed(self) -> bool:
        return bool(self.uncertainty_text) and self.accuracy is None

    @property
    def unit_unknown(self) -> bool:
        """A unit the platform cannot convert: the range is kept as typed, never compared."""
        return bool(self.unit) and not self.dimension

    @property
    def attention_reasons(self) -> list[str]:
        """Stable codes for what needs the institution's attention on this line."""
        reasons = []
        if self.field_unknown:
            reasons.append("field_unknown")
        if self.accuracy_unparsed:
            reasons.append("accuracy_unparsed")
        if self.unit_unknown:
            reasons.append("unit_unknown")
        if self.standards_flag == self.StandardsFlag.UNKNOWN_CODE:
            reasons.append("standard_unknown")
        elif self.standards_flag == self.StandardsFlag.OUT_OF_FORCE:
            reasons.append("standard_out_of_force")
        return reasons


class CapabilityStandard(models.Model):
    """A method standard a capability line cites, as cited (canonical code), and the catalogue
    edition it names when the catalogue knows it. No year means "any edition" of base_code."""

    line = models.ForeignKey(CapabilityLine, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=100)
    base_code = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    standard = models.ForeignKey(
        "standards.Standard",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="capability_citations",
    )
    is_known = models.BooleanField(default=False)

    class Meta:
        ordering = ["line_id", "id"]
        indexes = [
            models.Index(fields=["base_code", "year"]),
            # "Does this line cite one of these standards?", line by line, from the index alone
            # (the matching engine's candidate windows).
            models.Index(fields=["base_code", "line"], name="capability_standard_base_line"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["line", "code"], name="capability_standard_unique"),
        ]

    def __str__(self) -> str:
        return self.code
