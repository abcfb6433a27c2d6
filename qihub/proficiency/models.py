"""PT schemes, rounds, participations, submissions, scores and follow-up cases.

A :class:`Scheme` is a standing programme (measurand, unit, matrix); each :class:`Round` of it
has a provider, dates, the σ_pt and assigned-value policies and a status that only moves forward
(planned → enrolling → open → closed → evaluated → published; ``services.py``). A laboratory
enrols (a :class:`Participation` with a random anonymous code), submits one
:class:`Submission`, and after evaluation gets a :class:`Score`. Publication opens a
:class:`FollowUp` for every questionable or unsatisfactory result.

Who sees what is decided in ``queries.py`` (``round_view``) and by the ``visible_to`` filters
below, and nowhere else: before publication a participant sees only its own submission; after
it, its own scores and the anonymous table (codes, never names); the round's provider and the
PT regulators see everything; the public sees the programme list and published anonymous tables.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qihub.accounts.models import Membership, Organisation


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def pt_regulator_filter(user: Any) -> Q:
    """Memberships that make ``user`` a PT regulator: a provincial regulator bureau."""
    return Q(
        user=user,
        organisation__kind=Organisation.Kind.REGULATOR,
        organisation__jurisdiction__level="province",
    )


def is_pt_regulator(user: Any) -> bool:
    """Platform administrators and members of the provincial regulator run PT for the province
    and read every round, result and follow-up case."""
    if not _signed_in(user):
        return False
    if getattr(user, "is_platform_admin", False):
        return True
    return Membership.objects.filter(pt_regulator_filter(user)).exists()


class Classification(models.TextChoices):
    SATISFACTORY = "satisfactory", _("满意")
    QUESTIONABLE = "questionable", _("有问题")
    UNSATISFACTORY = "unsatisfactory", _("不满意")


class Scheme(models.Model):
    """A proficiency-testing programme: what is measured, in which matrix, in which unit."""

    code = models.CharField(_("计划编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    field = models.ForeignKey(
        "reference.Field",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pt_schemes",
        verbose_name=_("领域"),
    )
    measurand = models.CharField(_("被测量"), max_length=200)
    unit = models.CharField(_("单位"), max_length=40, help_text=_("core.units 的规范写法"))
    matrix = models.CharField(_("基质/样品类型"), max_length=200, blank=True)
    industries = models.ManyToManyField(
        "reference.Industry", blank=True, related_name="pt_schemes", verbose_name=_("覆盖行业")
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="pt_schemes",
        verbose_name=_("组织方"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoundQuerySet(models.QuerySet["Round"]):
    def published(self) -> RoundQuerySet:
        return self.filter(status=Round.Status.PUBLISHED)

    def in_year(self, year: int) -> RoundQuerySet:
        return self.filter(year=year)

    def managed_by(self, user: Any) -> RoundQuerySet:
        """Rounds ``user`` runs: every round for a PT regulator, else its organisations'."""
        if not _signed_in(user):
            return self.none()
        if is_pt_regulator(user):
            return self.all()
        return self.filter(provider__memberships__user=user).distinct()


class Round(models.Model):
    """One round of a scheme: samples sent out once, results collected, scored, published."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        ENROLLING = "enrolling", _("报名中")
        OPEN = "open", _("结果提交中")
        CLOSED = "closed", _("已截止")
        EVALUATED = "evaluated", _("已评价")
        PUBLISHED = "published", _("已发布")

    class SigmaPolicy(models.TextChoices):
        FIXED = "fixed", _("规定值（适用性）")
        ROBUST_SD = "robust_sd", _("参加者稳健标准差")
        HORWITZ = "horwitz", _("Horwitz 函数（Thompson 修正）")

    class AssignedPolicy(models.TextChoices):
        ALGORITHM_A = "algorithm_a", _("稳健平均值（算法 A）")
        Q_HAMPEL = "q_hampel", _("稳健平均值（Q/Hampel 法）")
        REFERENCE = "reference", _("参考值")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("计划")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("轮次编号"), max_length=40, unique=True)
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="pt_rounds",
        verbose_name=_("组织方"),
    )
    sample_description = models.TextField(_("样品说明"), blank=True)
    sigma_policy = models.CharField(_("σ_pt 取值方式"), max_length=12, choices=SigmaPolicy.choices)
    # The fixed σ_pt (in the scheme's unit) or, for Horwitz, the mass fraction c.
    sigma_value = models.FloatField(_("σ_pt 或 Horwitz c"), null=True, blank=True)
    assigned_policy = models.CharField(
        _("指定值确定方式"), max_length=12, choices=AssignedPolicy.choices
    )
    reference_value = models.FloatField(_("参考值"), null=True, blank=True)
    reference_uncertainty = models.FloatField(_("参考值标准不确定度 u"), null=True, blank=True)
    enrolment_opens_on = models.DateField(_("报名开始"))
    enrolment_closes_on = models.DateField(_("报名截止"))
    dispatch_on = models.DateField(_("样品发放"))
    submission_deadline_on = models.DateField(_("结果提交截止"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # What the last evaluation found (ISO 13528 clauses 7–9), in the scheme's unit.
    assigned_value = models.FloatField(_("指定值"), null=True, blank=True)
    u_assigned = models.FloatField(_("指定值标准不确定度"), null=True, blank=True)
    robust_sd = models.FloatField(_("稳健标准差"), null=True, blank=True)
    sigma_pt = models.FloatField(_("能力评定标准差"), null=True, blank=True)
    z_prime_required = models.BooleanField(_("需用 z′"), default=False)
    results_used = models.PositiveIntegerField(_("用于统计的结果数"), default=0)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "status"], name="pt_round_year_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolment_closes_on__gte=models.F("enrolment_opens_on"))
                & Q(dispatch_on__gte=models.F("enrolment_closes_on"))
                & Q(submission_deadline_on__gte=models.F("dispatch_on")),
                name="pt_round_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.scheme.name}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_evaluation(self) -> bool:
        return self.status in (self.Status.EVALUATED, self.Status.PUBLISHED)


class RoundTransition(models.Model):
    """One step of a round's status, who made it and when (the round's visible history)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Round.Status.choices)
    to_status = models.CharField(max_length=12, choices=Round.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.from_status} → {self.to_status}"


class Participation(models.Model):
    """A laboratory enrolled in a round, known to everyone but the regulator by its code."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    laboratory = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="pt_participations",
        verbose_name=_("实验室"),
    )
    # Random, never derived from the laboratory: see services.new_participant_code.
    code = models.CharField(_("参加者代码"), max_length=8)
    enrolled_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "laboratory"], name="pt_participation_once_per_round"
            ),
            models.UniqueConstraint(fields=["round", "code"], name="pt_participation_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Submission(models.Model):
    """A participant's one result: as reported, and converted to the scheme's unit."""

    participation = models.OneToOneField(
        Participation, on_delete=models.CASCADE, related_name="submission"
    )
    value = models.FloatField(_("结果（报告单位）"))
    expanded_uncertainty = models.FloatField(_("扩展不确定度 U"), null=True, blank=True)
    coverage_factor = models.FloatField(_("包含因子 k"), null=True, blank=True)
    method = models.CharField(_("检测方法"), max_length=200, blank=True)
    unit = models.CharField(_("报告单位"), max_length=40)
    converted_value = models.FloatField(_("结果（计划单位）"))
    converted_uncertainty = models.FloatField(_("U（计划单位）"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The regulator's outlier review: an excluded result is still scored, but not used for the
    # assigned value and the robust SD (ISO 13528 7.7.1, results known to be invalid).
    is_excluded = models.BooleanField(_("不参与统计"), default=False)
    exclusion_reason = models.CharField(_("剔除理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["participation_id"]

    def __str__(self) -> str:
        return f"{self.participation.code}: {self.value} {self.unit}"


class Score(models.Model):
    """A participant's scores from the round's last evaluation (ISO 13528 clause 9)."""

    participation = models.OneToOneField(
        Participation, on_delete=models.CASCADE, related_name="score"
    )
    z = models.FloatField(null=True, blank=True)
    z_prime = models.FloatField(null=True, blank=True)
    zeta = models.FloatField(null=True, blank=True)
    en = models.FloatField(null=True, blank=True)
    z_class = models.CharField(max_length=16, choices=Classification.choices, blank=True)
    z_prime_class = models.CharField(max_length=16, choices=Classification.choices, blank=True)
    zeta_class = models.CharField(max_length=16, choices=Classification.choices, blank=True)
    en_class = models.CharField(max_length=16, choices=Classification.choices, blank=True)
    classification = models.CharField(
        _("评价结果"), max_length=16, choices=Classification.choices, blank=True
    )

    class Meta:
        ordering = ["participation_id"]

    def __str__(self) -> str:
        return f"{self.participation_id}: {self.classification}"

    @property
    def is_outlier(self) -> bool:
        """An action signal (|z| or |z′| ≥ 3): what the regulator reviews before publishing."""
        return self.classification == Classification.UNSATISFACTORY


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> FollowUpQuerySet:
        """The laboratory's own cases, and every case for PT regulators; nothing for others."""
        if not _signed_in(user):
            return self.none()
        if is_pt_regulator(user):
            return self.all()
        return self.filter(
            Q(laboratory__memberships__user=user)
            | Q(participation__round__provider__memberships__user=user)
        ).distinct()

    def unresolved(self) -> FollowUpQuerySet:
        return self.exclude(status=FollowUp.Status.CLOSED)


class FollowUp(models.Model):
    """One-to-one follow-up of a questionable or unsatisfactory result."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("已提交整改")
        RETURNED = "returned", _("退回补充")
        ACCEPTED = "accepted", _("整改已认可")
        CLOSED = "closed", _("已关闭")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="follow_up"
    )
    laboratory = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="pt_follow_ups"
    )
    classification = models.CharField(max_length=16, choices=Classification.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    root_cause = models.TextField(_("原因分析"), blank=True)
    corrective_actions = models.TextField(_("纠正措施"), blank=True)
    evidence = models.TextField(_("证明材料"), blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["laboratory", "status"], name="pt_followup_lab_status")]

    def __str__(self) -> str:
        return f"{self.participation.code} {self.get_status_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.CLOSED
