"""Read-only facts the rest of the platform points at. Loaded by ``qihub load_reference_data``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet["Region"]):
    def cities(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.PREFECTURE)

    def counties(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.COUNTY)


class Region(models.Model):
    """An administrative division with its six-digit GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        PREFECTURE = "prefecture", _("地级市")
        COUNTY = "county", _("县级")

    code = models.CharField(max_length=6, unique=True)
    name = models.CharField(max_length=50)
    name_en = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices)
    admin_type = models.CharField(max_length=10, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    longitude = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def city_code(self) -> str:
        """The prefecture-level code this region belongs to (itself for a city)."""
        return self.code[:4] + "00" if self.level != self.Level.PROVINCE else self.code


class Industry(models.Model):
    """A group or item of the province's industry taxonomy, mapped to GB/T 4754-2017 codes."""

    key = models.CharField(max_length=12, unique=True)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    gbt4754_codes = models.CharField(max_length=200, blank=True)
    gbt4754_names = models.TextField(blank=True)
    liaoning_context = models.TextField(blank=True)
    is_trillion_base = models.BooleanField(
        default=False, help_text="One of the province's three trillion-yuan industrial bases."
    )

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name_zh


class Cluster(models.Model):
    """A development zone, park, base or product cluster."""

    key = models.CharField(max_length=12, unique=True)
    name_zh = models.CharField(max_length=100)
    type = models.CharField(max_length=40)
    level = models.CharField(max_length=12)
    city = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clusters")
    county = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="county_clusters"
    )
    industries = models.ManyToManyField(Industry, related_name="clusters", blank=True)
    main_industries_zh = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name_zh


class PlanTarget(models.Model):
    """A 2025 target of the provincial quality-infrastructure plan."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "≥"
        MORE_THAN = ">", ">"
        AT_MOST = "<=", "≤"
        RANGE = "range", _("区间")

    key = models.CharField(max_length=80, unique=True)
    area = models.CharField(max_length=30)
    description_zh = models.CharField(max_length=200)
    description_en = models.CharField(max_length=200, blank=True)
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_value_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    comparator = models.CharField(max_length=6, choices=Comparator.choices)
    unit = models.CharField(max_length=20)
    deadline = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "key"]

    def __str__(self) -> str:
        return self.description_zh


class Field(models.Model):
    """A testing field (检验检测领域, TF01…) or a metrology discipline and its sub-groups
    (十大计量, CQ01…, CQ0101…): the taxonomy capability lines are filed under."""

    class Scheme(models.TextChoices):
        INSPECTION_TESTING_FIELD = "inspection_testing_field", _("检验检测领域")
        CALIBRATION_QUANTITY_FAMILY = "calibration_quantity_family", _("计量专业")

    scheme = models.CharField(max_length=40, choices=Scheme.choices)
    code = models.CharField(max_length=12, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    examples_zh = models.CharField(max_length=300, blank=True)
    typical_standards = models.CharField(
        max_length=300, blank=True, help_text="Codes separated by ';' (all in the catalogue)."
    )
    confidence = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh
