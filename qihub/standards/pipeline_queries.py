"""Reads about the local-standard pipeline: where projects are, how long they take, what is late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from qihub.accounts.queries import regulator_jurisdictions
from qihub.reference.models import PlanTarget, Region
from qihub.standards.models.projects import LocalStandardProject
from qihub.standards.pipeline import (
    ALLOWED_STAGE_MONTHS,
    STAGE_ORDER,
    add_months,
    review_due_on,
)

Stage = LocalStandardProject.Stage

# Months as the plan counts them: an average Gregorian month.
DAYS_PER_MONTH = 30.44
# 辽宁省质量基础设施建设实施方案 二(二): 地方标准平均制定周期缩短至18个月以内.
CYCLE_TARGET_KEY = "standardization.local_standard_cycle"


@dataclass(frozen=True)
class ProjectAge:
    project: LocalStandardProject
    days_in_stage: int
    allowed_days: int | None

    @property
    def is_overdue(self) -> bool:
        return self.allowed_days is not None and self.days_in_stage > self.allowed_days


@dataclass(frozen=True)
class StageSummary:
    stage: str
    label: str
    count: int
    projects: tuple[ProjectAge, ...]

    @property
    def overdue_count(self) -> int:
        return sum(1 for age in self.projects if age.is_overdue)

    @property
    def oldest_days(self) -> int | None:
        return max((age.days_in_stage for age in self.projects), default=None)


@dataclass(frozen=True)
class OverdueProject:
    project: LocalStandardProject
    reason: str  # "stage" or "review"
    due_on: dt.date
    days_late: int


def projects_for(jurisdiction: Region | None = None) -> Iterable[LocalStandardProject]:
    return (
        LocalStandardProject.objects.regulated_in(jurisdiction)
        .select_related("drafting_organisation", "regulator", "standard")
        .order_by("stage_entered_at", "id")
    )


def _allowed_until(project: LocalStandardProject) -> dt.date | None:
    months = ALLOWED_STAGE_MONTHS.get(project.stage)
    if months is None:
        return None
    return add_months(timezone.localdate(project.stage_entered_at), months)


def pipeline_overview(
    jurisdiction: Region | None = None, *, today: dt.date | None = None
) -> list[StageSummary]:
    """Every stage, in pipeline order (终止 last), with each project's age in its stage."""
    today = today or timezone.localdate()
    by_stage: dict[str, list[ProjectAge]] = {stage: [] for stage in Stage.values}
    for project in projects_for(jurisdiction):
        entered = timezone.localdate(project.stage_entered_at)
        until = _allowed_until(project)
        by_stage[project.stage].append(
            ProjectAge(
                project=project,
                days_in_stage=(today - entered).days,
                allowed_days=(until - entered).days if until else None,
            )
        )
    order = [*STAGE_ORDER, Stage.TERMINATED]
    return [
        StageSummary(
            stage=stage,
            label=str(Stage(stage).label),
            count=len(by_stage[stage]),
            projects=tuple(by_stage[stage]),
        )
        for stage in order
    ]


def average_cycle_months(projects: Iterable[LocalStandardProject]) -> float | None:
    """Mean 立项 → 批准发布 time in months (days / 30.44) over published projects; None if none."""
    cycles = [
        (project.published_on - project.approved_on).days
        for project in projects
        if project.published_on is not None and project.approved_on is not None
    ]
    if not cycles:
        return None
    return round(sum(cycles) / len(cycles) / DAYS_PER_MONTH, 1)


def overdue_projects(
    today: dt.date | None = None, *, jurisdiction: Region | None = None
) -> list[OverdueProject]:
    """Projects older than their stage allows, and standards whose 复审 is due, most late first."""
    today = today or timezone.localdate()
    overdue: list[OverdueProject] = []
    for project in projects_for(jurisdiction):
        until = _allowed_until(project)
        if until is not None and until < today:
            overdue.append(
                OverdueProject(
                    project, reason="stage", due_on=until, days_late=(today - until).days
                )
            )
        if project.stage in {Stage.PUBLISHED, Stage.IMPLEMENTED}:
            due = review_due_on(project)
            if due is not None and due < today:
                overdue.append(
                    OverdueProject(
                        project, reason="review", due_on=due, days_late=(today - due).days
                    )
                )
    overdue.sort(key=lambda item: (-item.days_late, item.project.pk))
    return overdue


class NotARegulator(Exception):
    """The user may not see the pipeline dashboard."""


def pipeline_scope(user: Any) -> Region | None:
    """The region whose pipeline ``user`` oversees (None: the whole province).

    Raises NotARegulator for anyone but regulators and platform admins.
    """
    if getattr(user, "is_platform_admin", False):
        return None
    regions = regulator_jurisdictions(user)
    if not regions:
        raise NotARegulator
    if any(region.level == Region.Level.PROVINCE for region in regions):
        return None
    return regions[0]


@dataclass(frozen=True)
class PipelineDashboard:
    stages: list[StageSummary]
    average_cycle_months: float | None
    target_cycle_months: float | None
    overdue: list[OverdueProject]

    @property
    def meets_target(self) -> bool | None:
        if self.average_cycle_months is None or self.target_cycle_months is None:
            return None
        return self.average_cycle_months <= self.target_cycle_months


def pipeline_dashboard(
    jurisdiction: Region | None = None, *, today: dt.date | None = None
) -> PipelineDashboard:
    """Stage counts with ages, the average cycle against the plan's target, and what is late."""
    today = today or timezone.localdate()
    target = PlanTarget.objects.filter(key=CYCLE_TARGET_KEY).first()
    return PipelineDashboard(
        stages=pipeline_overview(jurisdiction, today=today),
        average_cycle_months=average_cycle_months(
            LocalStandardProject.objects.regulated_in(jurisdiction).filter(
                published_on__isnull=False
            )
        ),
        target_cycle_months=float(target.target_value) if target else None,
        overdue=overdue_projects(today, jurisdiction=jurisdiction),
    )
