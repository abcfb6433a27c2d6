"""Demo proficiency testing: Liaoning's five 2020 programmes, run end to end through the services,
and this year's rounds (one open for results, one taking enrolments).

The 2020 programmes are the ones the province actually ran (mortar cube compressive strength,
total sulphur in coal, textile fibre content, enrofloxacin in freeze-dried chicken powder,
benzene in indoor air), with plausible assigned values and between-laboratory spreads, a few
gross outliers, a few laboratories reporting in another (convertible) unit, a few late ones
(refused) and a few that never report. Each round is enrolled, opened, closed, evaluated and
published with the dates of 2020 (the services' ``now``), so follow-up cases open for the
questionable and unsatisfactory results; most are taken through to closure, a few stay open.

The demo laboratory login (``demo_lab_admin``) takes part in every programme; its mortar result
is unsatisfactory, so it has an open case, and this year's mortar round (its next result in the
scheme) is open for it to submit. Idempotent: a round whose code exists is left alone.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qihub.accounts.models import Organisation, User
from qihub.demo.scales import Scale
from qihub.proficiency.followup import (
    close_follow_up,
    review_follow_up,
    submit_corrective_action,
)
from qihub.proficiency.models import FollowUp, Participation, Round, Scheme
from qihub.proficiency.services import (
    LateSubmission,
    close_round,
    create_round,
    create_scheme,
    enrol,
    evaluate_round,
    open_enrolment,
    open_submissions,
    publish_round,
    submit_result,
)
from qihub.reference.models import Field, Industry

LAB_LOGIN = "demo_lab_admin"
LAB_KINDS = (
    Organisation.Kind.TESTING_LAB,
    Organisation.Kind.METROLOGY_INSTITUTE,
    Organisation.Kind.CALIBRATION_LAB,
)
OPEN_CASES_LEFT = 3  # follow-up cases of 2020 left unresolved, besides the demo lab's


@dataclass(frozen=True)
class Programme:
    scheme_code: str
    name: str
    measurand: str
    unit: str
    matrix: str
    field_code: str
    industries: tuple[str, ...]
    sigma_policy: str
    sigma_value: float | None
    assigned_policy: str
    centre: float  # the true value results scatter around
    spread: float  # between-laboratory SD of competent laboratories
    method: str
    alt_unit: str = ""  # a convertible unit some laboratories report in
    reference: tuple[float, float] | None = None  # (value, u) for a reference-value round
    digits: int = 2


PROGRAMMES: tuple[Programme, ...] = (
    Programme(
        "LNPT-MORTAR",
        "砂浆立方体抗压强度",
        "抗压强度",
        "MPa",
        "M15 水泥砂浆立方体试块（70.7 mm）",
        "TF02",
        ("NMT-04",),
        Round.SigmaPolicy.ROBUST_SD,
        None,
        Round.AssignedPolicy.ALGORITHM_A,
        15.8,
        0.75,
        "JGJ/T 70-2009",
        alt_unit="N/mm²",
        digits=1,
    ),
    Programme(
        "LNPT-COAL-S",
        "煤中全硫",
        "全硫 St,d",
        "%",
        "烟煤空气干燥基样品（0.2 mm）",
        "TF19",
        ("PCF-02",),
        Round.SigmaPolicy.FIXED,
        0.04,
        Round.AssignedPolicy.ALGORITHM_A,
        1.27,
        0.03,
        "GB/T 214-2007 库仑滴定法",
    ),
    Programme(
        "LNPT-TEXTILE",
        "纺织品纤维含量",
        "棉纤维含量",
        "%",
        "棉/涤纶混纺机织物",
        "TF16",
        ("CSG-01",),
        Round.SigmaPolicy.FIXED,
        1.0,
        Round.AssignedPolicy.Q_HAMPEL,
        58.6,
        0.8,
        "GB/T 2910.11-2009",
        digits=1,
    ),
    Programme(
        "LNPT-ENRO",
        "冻干鸡肉粉中恩诺沙星",
        "恩诺沙星",
        "μg/kg",
        "冻干鸡肉粉",
        "TF05",
        ("AGF-04",),
        Round.SigmaPolicy.HORWITZ,
        86e-9,
        Round.AssignedPolicy.ALGORITHM_A,
        86.0,
        11.0,
        "GB/T 21312-2007 液相色谱-串联质谱法",
        alt_unit="mg/kg",
        digits=1,
    ),
    Programme(
        "LNPT-BENZENE",
        "室内空气中苯",
        "苯",
        "mg/m³",
        "活性炭管采样加标样品",
        "TF03",
        ("CSG-04",),
        Round.SigmaPolicy.FIXED,
        0.011,
        Round.AssignedPolicy.REFERENCE,
        0.112,
        0.008,
        "GB/T 18883-2022 附录 C 气相色谱法",
        reference=(0.112, 0.002),
        digits=3,
    ),
)

# Participants per 2020 programme, in PROGRAMMES order: tens to about a hundred in Liaoning
# (mortar is the largest: every construction-materials lab takes it), fewer in small datasets.
# The national dataset is a volume dataset of the same province's programmes.
PARTICIPANTS: dict[str, tuple[int, ...]] = {
    "tiny": (6, 5, 5, 5, 6),
    "small": (24, 14, 10, 12, 18),
    "liaoning": (96, 48, 36, 42, 68),
    "national": (96, 48, 36, 42, 68),
}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _provider() -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.REGULATOR, jurisdiction__level="province"
    ).first()


def _demo_lab() -> Organisation | None:
    user = User.objects.filter(username=LAB_LOGIN).first()
    if user is None:
        return None
    lab = Organisation.objects.filter(memberships__user=user).first()
    return lab if lab is not None and lab.is_institution else None


def _laboratories(
    count: int, rng: random.Random, demo_lab: Organisation | None
) -> list[Organisation]:
    pool = list(Organisation.objects.filter(kind__in=LAB_KINDS, is_active=True).order_by("uscc"))
    if demo_lab is not None:
        pool = [lab for lab in pool if lab.pk != demo_lab.pk]
    chosen = rng.sample(pool, min(count - (demo_lab is not None), len(pool)))
    return ([demo_lab] if demo_lab is not None else []) + chosen


def _scheme(programme: Programme, provider: Organisation) -> Scheme:
    existing = Scheme.objects.filter(code=programme.scheme_code).first()
    if existing is not None:
        return existing
    return create_scheme(
        code=programme.scheme_code,
        name=programme.name,
        measurand=programme.measurand,
        unit=programme.unit,
        matrix=programme.matrix,
        provider=provider,
        field=Field.objects.filter(code=programme.field_code).first(),
        industries=Industry.objects.filter(key__in=programme.industries),
        by=None,
    )


def _result(
    programme: Programme, rng: random.Random, *, outlier: bool, far: bool = False
) -> tuple[float, str, float | None]:
    """(value, unit, U) as a laboratory would report it; ``far`` makes a gross outlier that stays
    unsatisfactory even in a six-laboratory round."""
    value = rng.gauss(programme.centre, programme.spread)
    if far:
        value = programme.centre + 9.0 * programme.spread
    elif outlier:
        value = programme.centre + rng.choice((-1, 1)) * rng.uniform(4.5, 7.0) * programme.spread
    value = max(value, programme.centre * 0.05)
    big_u = round(2 * programme.spread * rng.uniform(0.5, 1.2), programme.digits + 1)
    unit = programme.unit
    if programme.alt_unit and rng.random() < 0.2:
        unit = programme.alt_unit
        value = value / 1000 if unit == "mg/kg" else value  # μg/kg → mg/kg; N/mm² = MPa
        big_u = big_u / 1000 if unit == "mg/kg" else big_u
        return round(value, programme.digits + 3), unit, big_u
    return round(value, programme.digits), unit, big_u


def _run_2020(
    programme: Programme,
    number: int,
    provider: Organisation,
    count: int,
    rng: random.Random,
    demo_lab: Organisation | None,
) -> Round | None:
    code = f"LNPT-2020-{number:02d}"
    if Round.objects.filter(code=code).exists():
        return None
    opens = date(2020, 3, 2) + timedelta(days=35 * (number - 1))
    closes, dispatch = opens + timedelta(days=21), opens + timedelta(days=30)
    deadline = dispatch + timedelta(days=28)
    round_ = create_round(
        scheme=_scheme(programme, provider),
        year=2020,
        code=code,
        enrolment_opens_on=opens,
        enrolment_closes_on=closes,
        dispatch_on=dispatch,
        submission_deadline_on=deadline,
        sigma_policy=programme.sigma_policy,
        sigma_value=programme.sigma_value,
        assigned_policy=programme.assigned_policy,
        reference_value=programme.reference[0] if programme.reference else None,
        reference_uncertainty=programme.reference[1] if programme.reference else None,
        sample_description=f"{programme.matrix}，每家 1 份",
        by=None,
    )
    open_enrolment(round=round_, by=None, now=_at(opens))
    labs = _laboratories(count, rng, demo_lab)
    participations = [
        enrol(round=round_, laboratory=lab, by=None, now=_at(opens + timedelta(days=i % 20)))
        for i, lab in enumerate(labs)
    ]
    open_submissions(round=round_, by=None, now=_at(dispatch))
    for participation in participations:
        is_demo = demo_lab is not None and participation.laboratory_id == demo_lab.pk
        fate = rng.random()
        if fate < 0.03 and not is_demo:
            continue  # never reported
        late = fate < 0.07 and not is_demo
        outlier = not is_demo and rng.random() < 0.05
        value, unit, big_u = _result(programme, rng, outlier=outlier, far=is_demo and number == 1)
        offset = timedelta(days=rng.randint(5, 27))
        day = deadline + timedelta(days=3) if late else dispatch + offset
        # A late result is refused, as it would be: the laboratory shows as not reported.
        with contextlib.suppress(LateSubmission):
            submit_result(
                participation=participation,
                value=value,
                unit=unit,
                expanded_uncertainty=big_u if rng.random() < 0.8 else None,
                coverage_factor=2.0,
                method=programme.method,
                by=None,
                now=_at(day, 15),
            )
    close_round(round=round_, by=None, now=_at(deadline + timedelta(days=1)))
    evaluate_round(round=round_, by=None, now=_at(deadline + timedelta(days=10)))
    publish_round(round=round_, by=None, now=_at(deadline + timedelta(days=20)))
    return round_


def _resolve_follow_ups(rng: random.Random, demo_lab: Organisation | None) -> None:
    """Take most 2020 cases through to closure; leave a few (and the demo lab's) open."""
    cases = list(
        FollowUp.objects.filter(participation__round__year=2020, status=FollowUp.Status.OPEN)
        .select_related("participation__round__scheme")
        .order_by("participation__round__code", "participation__code")
    )
    left = OPEN_CASES_LEFT
    for case in cases:
        if demo_lab is not None and case.laboratory_id == demo_lab.pk:
            continue
        if left and rng.random() < 0.3:
            left -= 1
            continue
        scheme = case.participation.round.scheme.name
        case = submit_corrective_action(
            follow_up=case,
            root_cause=rng.choice(
                (
                    f"{scheme}检测中标准溶液配制有误，未经核查即使用",
                    "仪器未按期校准，示值偏差超出允差",
                    "检测人员对方法理解有误，计算时单位换算错误",
                    "样品制备未按作业指导书均质，取样不具代表性",
                )
            ),
            corrective_actions="修订作业指导书，重新培训检测人员，复测留样并开展内部比对",
            evidence="复测原始记录、培训签到表、内部比对报告（纸质存档）",
            by=None,
        )
        case = review_follow_up(follow_up=case, accept=True, comment="整改有效", by=None)
        close_follow_up(follow_up=case, by=None)


def _current_rounds(
    provider: Organisation, rng: random.Random, demo_lab: Organisation | None
) -> int:
    """This year's mortar round (open for results) and textile round (taking enrolments)."""
    today = timezone.localdate()
    made = 0
    mortar, textile = PROGRAMMES[0], PROGRAMMES[2]
    code = f"LNPT-{today.year}-01"
    if not Round.objects.filter(code=code).exists():
        opens = today - timedelta(days=40)
        round_ = create_round(
            scheme=_scheme(mortar, provider),
            year=today.year,
            code=code,
            enrolment_opens_on=opens,
            enrolment_closes_on=today - timedelta(days=10),
            dispatch_on=today - timedelta(days=5),
            submission_deadline_on=today + timedelta(days=25),
            sigma_policy=mortar.sigma_policy,
            sigma_value=mortar.sigma_value,
            assigned_policy=mortar.assigned_policy,
            sample_description=f"{mortar.matrix}，每家 1 份",
            by=None,
        )
        open_enrolment(round=round_, by=None, now=_at(opens))
        earlier = list(
            Participation.objects.filter(round__code="LNPT-2020-01")
            .select_related("laboratory")
            .order_by("code")
        )
        labs = [p.laboratory for p in earlier if rng.random() < 0.7 or p.laboratory == demo_lab]
        participations = [
            enrol(round=round_, laboratory=lab, by=None, now=_at(opens + timedelta(days=3)))
            for lab in labs
        ]
        open_submissions(round=round_, by=None, now=_at(today - timedelta(days=5)))
        for participation in participations:
            if participation.laboratory == demo_lab or rng.random() < 0.6:
                continue  # not yet reported
            value, unit, big_u = _result(mortar, rng, outlier=False)
            submit_result(
                participation=participation,
                value=value,
                unit=unit,
                expanded_uncertainty=big_u,
                coverage_factor=2.0,
                method=mortar.method,
                by=None,
            )
        made += 1
    code = f"LNPT-{today.year}-02"
    if not Round.objects.filter(code=code).exists():
        round_ = create_round(
            scheme=_scheme(textile, provider),
            year=today.year,
            code=code,
            enrolment_opens_on=today - timedelta(days=5),
            enrolment_closes_on=today + timedelta(days=20),
            dispatch_on=today + timedelta(days=30),
            submission_deadline_on=today + timedelta(days=60),
            sigma_policy=textile.sigma_policy,
            sigma_value=textile.sigma_value,
            assigned_policy=textile.assigned_policy,
            sample_description=f"{textile.matrix}，每家 1 份",
            by=None,
        )
        open_enrolment(round=round_, by=None)
        made += 1
    return made


def load_proficiency_demo(*, scale: Scale, seed: int) -> int:
    """Create the demo PT rounds that are missing; returns how many (0 on a second run, or when
    the provincial regulator is missing)."""
    provider = _provider()
    if provider is None:
        return 0
    demo_lab = _demo_lab()
    counts = PARTICIPANTS.get(scale.name, PARTICIPANTS["small"])
    made = 0
    for number, (programme, count) in enumerate(zip(PROGRAMMES, counts, strict=True), 1):
        rng = random.Random(f"{seed}-pt-{number}")
        if _run_2020(programme, number, provider, count, rng, demo_lab) is not None:
            made += 1
    if made:
        _resolve_follow_ups(random.Random(f"{seed}-pt-follow-up"), demo_lab)
    return made + _current_rounds(provider, random.Random(f"{seed}-pt-now"), demo_lab)
