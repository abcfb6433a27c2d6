"""The registries counted against the plan's targets, for the summary page and API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from qihub.reference.models import PlanTarget
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee

# The plan targets (reference/data/plan_targets.csv) each registry counts towards.
COMMITTEE_TARGET_KEY = "standardization.provincial_tech_committees"
PILOT_TARGET_KEY = "standardization.new_pilot_demo_projects"
NATIONAL_TARGET_KEY = "standardization.national_standards_led_participated"


@dataclass(frozen=True)
class RegistryCount:
    """One registry's count against its plan target (None when the target is not loaded)."""

    registry: str
    key: str
    label: str
    count: int
    target: Decimal | None
    comparator: str
    unit: str
    deadline: date | None

    @property
    def percent(self) -> int | None:
        """How far towards the target, in whole percent (over 100 once exceeded)."""
        if self.target is None or self.target <= 0:
            return None
        return int(Decimal(self.count) * 100 / self.target)

    @property
    def progress(self) -> int | None:
        """The percent for a progress bar: at most 100."""
        return None if self.percent is None else min(self.percent, 100)

    @property
    def comparator_label(self) -> str:
        """≥ or > as people write it."""
        return str(PlanTarget.Comparator(self.comparator).label)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        if self.comparator == PlanTarget.Comparator.MORE_THAN:
            return self.count > self.target
        return self.count >= self.target


REGISTRY_LABELS: Mapping[str, Any] = {
    "committees": gettext_lazy("省级专业标准化技术委员会"),
    "pilot_projects": gettext_lazy("标准化试点示范项目"),
    "national_contributions": gettext_lazy("主导或参与制修订国家标准"),
}


def registry_counts() -> list[RegistryCount]:
    """The three registries against their 2025 targets: active committees; pilot projects under
    way or accepted; distinct national standards (by code) with at least one contribution of an
    organisation in Liaoning."""
    targets = PlanTarget.objects.in_bulk(
        [COMMITTEE_TARGET_KEY, PILOT_TARGET_KEY, NATIONAL_TARGET_KEY], field_name="key"
    )
    counts = {
        "committees": (COMMITTEE_TARGET_KEY, TechnicalCommittee.objects.active().count()),
        "pilot_projects": (PILOT_TARGET_KEY, PilotProject.objects.counted().count()),
        "national_contributions": (
            NATIONAL_TARGET_KEY,
            NationalStandardContribution.objects.by_liaoning()
            .order_by()
            .values("standard_code")
            .distinct()
            .count(),
        ),
    }
    rows = []
    for registry, (key, count) in counts.items():
        target = targets.get(key)
        rows.append(
            RegistryCount(
                registry=registry,
                key=key,
                label=str(REGISTRY_LABELS[registry]),
                count=count,
                target=target.target_value if target else None,
                comparator=target.comparator if target else PlanTarget.Comparator.AT_LEAST,
                unit=target.unit if target else "",
                deadline=target.deadline if target else None,
            )
        )
    return rows
