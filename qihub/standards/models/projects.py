"""Local-standard (DB21) projects: the pipeline from application to implementation and review."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qihub.standards.codes import InvalidStandardCode, parse_standard_code

# 辽宁省地方标准: DB21 (mandatory) or DB21/T (recommended); city-level DB21xx codes are not ours.
LOCAL_PREFIXES = frozenset({"DB21", "DB21/T"})


def validate_local_standard_code(value: str) -> None:
    try:
        code = parse_standard_code(value)
    except InvalidStandardCode as error:
        raise ValidationError(error.detail, code="invalid_code") from error
    if code.family != "local" or code.prefix not in LOCAL_PREFIXES:
        raise ValidationError(
            _("地方标准编号须以 DB21 或 DB21/T 开头：%(code)s"),
            code="not_local",
            params={"code": value},
        )


class LocalStandardProjectQuerySet(models.QuerySet["LocalStandardProject"]):
    def visible_to(self, user: Any) -> LocalStandardProjectQuerySet:
        """Every project is public to read (制定全过程公开); services check writes."""
        return self.all()

    def in_stage(self, stage: str) -> LocalStandardProjectQuerySet:
        return self.filter(stage=stage)

    def regulated_in(self, region: Any) -> LocalStandardProjectQuerySet:
        """Projects whose responsible regulator covers ``region`` (a province sees everything)."""
        if region is None or region.level == "province":
            return self.all()
        return self.filter(regulator__jurisdiction=region)


class LocalStandardProject(models.Model):
    """One DB21 local standard being made, from 立项申请 to 实施, 复审 and 废止."""

    class Stage(models.TextChoices):
        APPLICATION = "application", _("立项申请")
        APPROVED = "approved", _("立项")
        DRAFTING = "drafting", _("起草")
        CONSULTATION = "consultation", _("征求意见")
        TECHNICAL_REVIEW = "technical_review", _("技术审查")
        PUBLISHED = "published", _("批准发布")
        IMPLEMENTED = "implemented", _("实施")
        WITHDRAWN = "withdrawn", _("废止")
        TERMINATED = "terminated", _("终止")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("标准名称"), max_length=300)
    proposed_code = models.CharField(
        _("拟定标准编号"), max_length=100, validators=[validate_local_standard_code]
    )
    drafting_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="drafted_local_standard_projects",
        verbose_name=_("起草单位"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposed_local_standard_projects",
        verbose_name=_("申请人"),
    )
    regulator = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="regulated_local_standard_projects",
        limit_choices_to={"kind": "regulator"},
        verbose_name=_("主管部门"),
    )
    industry = models.ForeignKey(
        "reference.Industry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_standard_projects",
        verbose_name=_("所属产业"),
    )
    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLICATION
    )
    applied_on = models.DateField(_("申请日期"))
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("进入本阶段时间"))
    last_reviewed_on = models.DateField(_("最近复审日期"), null=True, blank=True)
    consultation_opens_on = models.DateField(_("征求意见开始"), null=True, blank=True)
    consultation_closes_on = models.DateField(_("征求意见截止"), null=True, blank=True)
    standard = models.ForeignKey(
        "standards.Standard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_standard_projects",
        verbose_name=_("发布的标准"),
    )
    revises = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("修订自"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LocalStandardProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["stage", "stage_entered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=F("applied_on")),
                name="local_project_approved_not_before_applied",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | (Q(approved_on__isnull=False) & Q(published_on__gte=F("approved_on"))),
                name="local_project_published_after_approved",
            ),
            models.CheckConstraint(
                condition=Q(consultation_closes_on__isnull=True)
                | Q(consultation_opens_on__isnull=True)
                | Q(consultation_closes_on__gt=F("consultation_opens_on")),
                name="local_project_consultation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposed_code} {self.title}"

    def clean(self) -> None:
        regulator = self.regulator if self.regulator_id else None
        if regulator is not None and regulator.kind != "regulator":
            raise ValidationError({"regulator": _("主管部门必须是监管部门")})

    @property
    def is_mandatory(self) -> bool:
        return parse_standard_code(self.proposed_code).prefix == "DB21"

    @property
    def is_closed(self) -> bool:
        return self.stage in {self.Stage.WITHDRAWN, self.Stage.TERMINATED}


class StageTransition(models.Model):
    """One move of a project from one stage to the next: the project's history."""

    project = models.ForeignKey(
        LocalStandardProject, on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(max_length=20, choices=LocalStandardProject.Stage.choices)
    to_stage = models.CharField(max_length=20, choices=LocalStandardProject.Stage.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_standard_transitions",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


class PublicComment(models.Model):
    """A comment on a draft during its consultation (征求意见), and the drafters' reply."""

    project = models.ForeignKey(
        LocalStandardProject, on_delete=models.CASCADE, related_name="comments"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="local_standard_comments",
    )
    body = models.TextField(_("意见"), max_length=4000)
    reply = models.TextField(_("答复"), max_length=4000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_standard_comment_replies",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class ReviewDecision(models.Model):
    """复审: confirm the standard, revise it (a new project) or withdraw it."""

    class Outcome(models.TextChoices):
        CONFIRM = "confirm", _("继续有效")
        REVISE = "revise", _("修订")
        WITHDRAW = "withdraw", _("废止")

    project = models.ForeignKey(
        LocalStandardProject, on_delete=models.CASCADE, related_name="reviews"
    )
    decided_on = models.DateField(_("复审日期"))
    outcome = models.CharField(_("复审结论"), max_length=10, choices=Outcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="local_standard_reviews"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.decided_on} {self.outcome}"
