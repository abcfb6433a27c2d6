"""Demo local-standard (DB21) projects across every stage, with believable timelines.

Bulk equivalents of the pipeline services (history is back-dated, which the services refuse):
projects, their stage transitions and, for published ones, the catalogue entry through
``upsert_standards``. Some projects are overdue in their stage; some standards were published
more than five years ago, so their 复审 is due.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

from qihub.accounts.models import Organisation, User
from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.models.projects import LocalStandardProject, StageTransition
from qihub.standards.pipeline import ALLOWED_STAGE_MONTHS, STAGE_ORDER
from qihub.standards.services import StandardData, upsert_standards

Stage = LocalStandardProject.Stage

TITLES = (
    "辣椒酱生产技术规程",
    "设施农业日光温室建造技术规程",
    "设施农业番茄基质栽培技术规程",
    "菱镁制品术语",
    "菱镁矿开采安全技术规范",
    "海参养殖技术规范",
    "海参加工质量安全控制规范",
    "南果梨贮藏保鲜技术规程",
    "辽宁绒山羊饲养管理规范",
    "工业机器人系统集成安全要求",
    "数控机床精度检验规范",
    "滑雪场服务质量规范",
    "大樱桃设施栽培技术规程",
    "钢铁企业碳排放核算指南",
    "石化装置泄漏检测与修复技术规范",
)
# Typical days spent in each stage (approved → drafting is short; drafting is long).
TYPICAL_DAYS: dict[str, int] = {
    Stage.APPLICATION: 60,
    Stage.APPROVED: 20,
    Stage.DRAFTING: 170,
    Stage.CONSULTATION: 45,
    Stage.TECHNICAL_REVIEW: 80,
    Stage.PUBLISHED: 120,
}


# Share of projects that are late in their current stage: the regulator's overdue list should
# hold a few, not most.
OVERDUE_SHARE = 0.12


def _timeline(rng: random.Random, *, final: str, today: dt.date) -> list[tuple[str, dt.date]]:
    """(stage, day entered) from application to ``final``, ending with the current stage.

    Built backwards from today: first how long the project has sat in its current stage
    (usually within the allowed time, sometimes over it), then each earlier stage's duration.
    """
    stages = STAGE_ORDER[: STAGE_ORDER.index(final) + 1]
    allowed = ALLOWED_STAGE_MONTHS.get(final)
    if allowed is None:
        # Implemented: up to seven years ago, so some standards are due for their 5-year review.
        age = rng.randint(30, 7 * 365)
    elif rng.random() < OVERDUE_SHARE:
        age = int(allowed * 30.44 * rng.uniform(1.1, 2.0))
    else:
        age = int(allowed * 30.44 * rng.uniform(0.05, 0.9))
    day = today - dt.timedelta(days=age)
    timeline = [(final, day)]
    for stage in reversed(stages[:-1]):
        day = day - dt.timedelta(days=int(TYPICAL_DAYS[stage] * rng.uniform(0.5, 1.3)))
        timeline.append((stage, day))
    timeline.reverse()
    return timeline


def load_local_standard_demo(*, seed: int, count: int) -> int:
    """Create ``count`` demo projects; returns how many were created (0 without organisations)."""
    rng = random.Random(seed)
    drafters = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.STANDARDS_BODY, Organisation.Kind.TESTING_LAB]
        ).order_by("pk")[:200]
    )
    regulators = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.REGULATOR, jurisdiction__isnull=False
        ).order_by("pk")
    )
    proposer = User.objects.filter(is_platform_admin=True).order_by("pk").first()
    if not drafters or not regulators or proposer is None:
        return 0
    today = timezone.localdate()
    taken = set(
        LocalStandardProject.objects.filter(proposed_code__startswith="DB21").values_list(
            "proposed_code", flat=True
        )
    )
    created = 0
    with transaction.atomic():
        # Numbers already used by an earlier run are skipped, not counted: a larger scale loaded
        # on top of a smaller one still reaches its number of projects.
        for number in itertools.count(5000 + seed % 1000):
            if created >= count:
                break
            mandatory = rng.random() < 0.1
            code = parse_standard_code(f"{'DB21' if mandatory else 'DB21/T'} {number}")
            if code.canonical in taken:
                continue
            final = rng.choice([*STAGE_ORDER[:-1], Stage.IMPLEMENTED, Stage.IMPLEMENTED])
            timeline = _timeline(rng, final=final, today=today)
            stage, entered = timeline[-1]
            dates = dict(timeline)
            project = LocalStandardProject(
                title=rng.choice(TITLES),
                proposed_code=code.canonical,
                drafting_organisation=rng.choice(drafters),
                regulator=rng.choice(regulators),
                proposer=proposer,
                stage=stage,
                applied_on=timeline[0][1],
                approved_on=dates.get(Stage.APPROVED),
                published_on=dates.get(Stage.PUBLISHED),
                stage_entered_at=_moment(entered),
            )
            if Stage.CONSULTATION in dates:
                project.consultation_opens_on = dates[Stage.CONSULTATION]
                project.consultation_closes_on = dates[Stage.CONSULTATION] + dt.timedelta(days=30)
            if project.published_on is not None:
                project.standard = _publish(project, project.published_on)
            project.full_clean()
            project.save()
            StageTransition.objects.bulk_create(
                StageTransition(
                    project=project, from_stage=a, to_stage=b, at=_moment(on), actor=proposer
                )
                for (a, _entered), (b, on) in pairwise(timeline)
            )
            taken.add(code.canonical)
            created += 1
    return created


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _publish(project: LocalStandardProject, published_on: dt.date) -> Standard:
    parsed = parse_standard_code(project.proposed_code)
    edition = parse_standard_code(f"{parsed.canonical}-{published_on.year}")
    upsert_standards(
        [
            StandardData(
                code=edition,
                title_zh=project.title,
                type=(
                    Standard.Type.LOCAL_MANDATORY
                    if parsed.prefix == "DB21"
                    else Standard.Type.LOCAL_RECOMMENDED
                ),
                status=Standard.Status.CURRENT,
                published_on=published_on,
                issuer=project.regulator.name,
            )
        ],
        by=None,
    )
    return Standard.objects.get(code=edition.canonical)
