"""The standardisation registries behind three of the plan's 2025 targets.

省级专业标准化技术委员会 (≥30), 标准化试点示范项目 (≥50) and national standards led or joined
by Liaoning organisations (主导或参与制修订国家标准, ≥320). Writes go through
``qihub.standards.registries``; these models hold the rows and the rules the database enforces.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qihub.core.text import to_halfwidth

COMMITTEE_CODE_MAX_LENGTH = 30
# GB/T 2260 province code of Liaoning: the first two digits of every region code in it.
LIAONING_PREFIX = "21"
# LN/TC 12, LN/TC 12/SC 3: letters, digits, "/", "-", "." and single spaces.
_COMMITTEE_CODE_RE = re.compile(r"[A-Z][A-Z0-9]*(?:[/ .-][A-Z0-9]+)*", re.ASCII)
_PREFIX_NUMBER_RE = re.compile(r"(?<=[A-Z])(?=[0-9])", re.ASCII)
_DIGITS_RE = re.compile(r"[0-9]+", re.ASCII)


def normalise_committee_code(raw: str) -> str:
    """One form for a committee code as typed: ``ｌｎ／ｔｃ１２`` and ``LN / TC  12`` become
    ``LN/TC 12`` (half-width, upper case, no spaces around ``/``, one space before the number)."""
    text = to_halfwidth(raw or "").upper()
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ?/ ?", "/", text)
    text = re.sub(r" ?- ?", "-", text)
    # LN/TC12 → LN/TC 12: the number is separated from the letters that name the committee.
    parts = text.split("/")
    parts = [_PREFIX_NUMBER_RE.sub(" ", part, count=1) for part in parts]
    return "/".join(parts)


def committee_sort_key(code: str) -> str:
    """``LN/TC 2`` before ``LN/TC 10``: digit runs zero-padded so text order is natural order."""
    return _DIGITS_RE.sub(lambda match: match.group().zfill(6), code)[:60]


def validate_committee_code(value: str) -> None:
    if value != normalise_committee_code(value) or not _COMMITTEE_CODE_RE.fullmatch(value):
        raise ValidationError(
            _("技术委员会编号格式不正确（例如 LN/TC 12）：%(code)s"),
            code="invalid_committee_code",
            params={"code": value},
        )


class TechnicalCommitteeQuerySet(models.QuerySet["TechnicalCommittee"]):
    def active(self) -> TechnicalCommitteeQuerySet:
        return self.filter(status=TechnicalCommittee.Status.ACTIVE)

    def visible_to(self, user: Any) -> TechnicalCommitteeQuerySet:
        """The register is public (省级专业标准化技术委员会名单 is published)."""
        return self.all()


class TechnicalCommittee(models.Model):
    """A provincial standardisation technical committee (省级专业标准化技术委员会)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        DISSOLVED = "dissolved", _("已撤销")

    code = models.CharField(
        _("编号"),
        max_length=COMMITTEE_CODE_MAX_LENGTH,
        unique=True,
        validators=[validate_committee_code],
    )
    name_zh = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    scope = models.TextField(_("专业领域"), max_length=2000, blank=True)
    secretariat = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="technical_committee_secretariats",
        verbose_name=_("秘书处承担单位"),
    )
    chair = models.CharField(_("主任委员"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(
        _("委员人数"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    established_on = models.DateField(_("成立日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TechnicalCommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_count__gte=1), name="technical_committee_has_members"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class PilotProjectQuerySet(models.QuerySet["PilotProject"]):
    def counted(self) -> PilotProjectQuerySet:
        """The projects the plan target counts: under way or accepted (not failed, cancelled)."""
        return self.filter(status__in=[PilotProject.Status.UNDERWAY, PilotProject.Status.ACCEPTED])

    def visible_to(self, user: Any) -> PilotProjectQuerySet:
        """Pilot and demonstration projects are announced publicly; the register is public."""
        return self.all()


class PilotProject(models.Model):
    """A standardisation pilot or demonstration project (标准化试点示范项目) and its 承担单位."""

    class Kind(models.TextChoices):
        PILOT = "pilot", _("试点")
        DEMONSTRATION = "demonstration", _("示范")

    class Field(models.TextChoices):
        AGRICULTURE = "agriculture", _("农业")
        INDUSTRY = "industry", _("工业")
        SERVICE = "service", _("服务业")
        SOCIAL_GOVERNANCE = "social_governance", _("社会管理和公共服务")
        OTHER = "other", _("其他")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")

    class Status(models.TextChoices):
        UNDERWAY = "underway", _("建设中")
        ACCEPTED = "accepted", _("已验收")
        FAILED = "failed", _("未通过验收")
        CANCELLED = "cancelled", _("已撤销")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_zh = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    field = models.CharField(_("领域"), max_length=20, choices=Field.choices)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="standardisation_pilot_projects",
        verbose_name=_("承担单位"),
    )
    city = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        related_name="standardisation_pilot_projects",
        verbose_name=_("所在市"),
    )
    started_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("计划完成日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.UNDERWAY
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PilotProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name_zh", "id"]
        indexes = [models.Index(fields=["status", "level"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_zh"], name="pilot_project_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("started_on")), name="pilot_project_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("started_on")),
                name="pilot_project_accepted_after_start",
            ),
            # An acceptance date exactly when the project was accepted (验收通过).
            models.CheckConstraint(
                condition=(Q(status="accepted") & Q(accepted_on__isnull=False))
                | (~Q(status="accepted") & Q(accepted_on__isnull=True)),
                name="pilot_project_accepted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh


class ContributionQuerySet(models.QuerySet["NationalStandardContribution"]):
    def by_liaoning(self) -> ContributionQuerySet:
        """Contributions of organisations in the province (GB/T 2260 codes 21xxxx)."""
        return self.filter(organisation__city__code__startswith=LIAONING_PREFIX)

    def visible_to(self, user: Any) -> ContributionQuerySet:
        """Drafting organisations are printed in every national standard's foreword: public."""
        return self.all()


class NationalStandardContribution(models.Model):
    """A Liaoning organisation leading (主导) or joining (参与) the drafting of a national standard.

    ``standard_code`` is the canonical edition code (GB, GB/T or GB/Z). ``standard`` links the
    catalogue entry when the catalogue knows the code; when it does not, the row is kept and
    shown as not in the catalogue rather than refused.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("主导")
        PARTICIPATE = "participate", _("参与")

    standard_code = models.CharField(_("标准号"), max_length=100, db_index=True)
    standard = models.ForeignKey(
        "standards.Standard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("标准"),
        help_text=_("目录中没有该标准时为空"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="national_standard_contributions",
        verbose_name=_("单位"),
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    year = models.PositiveSmallIntegerField(_("发布年份"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "standard_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "standard_code"],
                name="contribution_unique_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_code} ({self.get_role_display()})"

    @property
    def in_catalogue(self) -> bool:
        return self.standard_id is not None
