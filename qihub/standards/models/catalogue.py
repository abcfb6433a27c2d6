"""Standards and the version chain that says which edition is in force."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StandardQuerySet(models.QuerySet["Standard"]):
    def in_force(self) -> StandardQuerySet:
        return self.filter(status=Standard.Status.CURRENT)

    def of_base(self, base_code: str) -> StandardQuerySet:
        """Every edition of one standard, whatever its year."""
        return self.filter(base_code=base_code)


class Standard(models.Model):
    """One edition of a standard, identified by its canonical code (e.g. GB/T 228.1-2021)."""

    class Type(models.TextChoices):
        MANDATORY = "mandatory", _("强制性国家标准")
        RECOMMENDED = "recommended", _("推荐性国家标准")
        GUIDANCE = "guidance", _("国家标准化指导性技术文件")
        VERIFICATION_REGULATION = "verification_regulation", _("计量检定规程")
        CALIBRATION_SPEC = "calibration_spec", _("计量校准规范")
        METROLOGY_TECHNICAL_SPEC = "metrology_technical_spec", _("计量技术规范")
        TYPE_EVALUATION_PROGRAM = "type_evaluation_program", _("型式评价大纲")
        SAFETY_TECHNICAL_SPECIFICATION = "safety_technical_specification", _("特种设备安全技术规范")
        INDUSTRY_MANDATORY = "industry_mandatory", _("强制性行业标准")
        INDUSTRY_RECOMMENDED = "industry_recommended", _("推荐性行业标准")
        INDUSTRY_STANDARD = "industry_standard", _("行业标准")
        ENVIRONMENTAL = "environmental_standard", _("生态环境标准")
        ENVIRONMENTAL_RECOMMENDED = "environmental_standard_recommended", _("推荐性生态环境标准")
        LOCAL_MANDATORY = "local_mandatory", _("强制性地方标准")
        LOCAL_RECOMMENDED = "local_recommended", _("推荐性地方标准")
        GROUP = "group", _("团体标准")
        ENTERPRISE = "enterprise", _("企业标准")
        INTERNATIONAL = "international", _("国际标准")
        FOREIGN = "foreign", _("国外标准")
        MILITARY = "military", _("国家军用标准")

    class Status(models.TextChoices):
        CURRENT = "current", _("现行")
        SUPERSEDED = "superseded", _("被代替")
        WITHDRAWN = "withdrawn", _("废止")
        UPCOMING = "upcoming", _("即将实施")

    code = models.CharField(_("标准号"), max_length=100, unique=True)
    base_code = models.CharField(max_length=100, db_index=True, editable=False)
    prefix = models.CharField(max_length=30)
    family = models.CharField(max_length=30, db_index=True)
    number = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title_zh = models.CharField(_("中文名称"), max_length=300)
    title_en = models.CharField(_("英文名称"), max_length=400, blank=True)
    type = models.CharField(_("类型"), max_length=40, choices=Type.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("废止日期"), null=True, blank=True)
    replaces = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="replaced_by",
        blank=True,
        verbose_name=_("代替"),
    )
    ics = models.CharField("ICS", max_length=40, blank=True)
    ccs = models.CharField("CCS", max_length=20, blank=True)
    issuer = models.CharField(_("发布机构"), max_length=200, blank=True)
    technical_committee = models.CharField(_("归口单位/技术委员会"), max_length=200, blank=True)
    industries = models.ManyToManyField(
        "reference.Industry",
        blank=True,
        related_name="standards",
        verbose_name=_("适用产业"),
        help_text=_("产业链分类（reference.Industry）；检索时选一级类也包含其下的二级类"),
    )
    is_catalogued = models.BooleanField(
        default=True,
        help_text=_("否：只因其他标准代替它而得知的版本，尚无完整条目"),
    )
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["base_code", "year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(published_on__isnull=True)
                | Q(effective_on__gte=models.F("published_on")),
                name="standard_effective_not_before_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"
