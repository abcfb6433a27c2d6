"""Reads of PT rounds, results and follow-up, each deciding what the caller may see.

Confidentiality (DESIGN.md, "PT confidentiality") lives in :func:`round_view` and nowhere else:

=========================  ===================================================================
who                        sees
=========================  ===================================================================
the public                 the programme list, a round's public facts, and once published
                           the anonymous table (codes, values, scores: never a name)
a participant              before publication its own participation and submission only (no
                           scores, nobody else's); after it also its own scores and the
                           anonymous table
the provider, regulators   everything, laboratory names included, at every stage
=========================  ===================================================================

The credit issue reads :func:`results_of`, :func:`followups_of` and :func:`open_followups`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from qihub.accounts.models import Membership, Organisation
from qihub.proficiency.models import (
    FollowUp,
    Participation,
    Round,
    Score,
    Submission,
    is_pt_regulator,
)
from qihub.proficiency.services import may_manage
from qihub.reference.models import PlanTarget

PLAN_TARGET_KEY = "inspection.proficiency_testing_programmes"
DEFAULT_ANNUAL_TARGET = 5


@dataclass(frozen=True)
class TableRow:
    """One line of the anonymous results table: a code, never a name."""

    code: str
    value: float | None
    unit: str
    expanded_uncertainty: float | None
    z: float | None
    z_prime: float | None
    zeta: float | None
    en: float | None
    classification: str
    is_excluded: bool


@dataclass(frozen=True)
class ManagedRow:
    """What the provider and regulators see of one participant."""

    participation: Participation
    submission: Submission | None
    score: Score | None
    follow_up: FollowUp | None


@dataclass(frozen=True)
class MyParticipation:
    """A participant's own view: its scores and case only once the round is published."""

    participation: Participation
    submission: Submission | None
    score: Score | None
    follow_up: FollowUp | None


@dataclass
class RoundView:
    round: Round
    can_manage: bool
    mine: list[MyParticipation] = field(default_factory=list)
    enrollable_labs: list[Organisation] = field(default_factory=list)
    table: list[TableRow] | None = None
    managed: list[ManagedRow] | None = None
    participant_count: int = 0
    submitted_count: int = 0

    @property
    def is_participant(self) -> bool:
        return bool(self.mine)


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def laboratories_of(user: Any) -> list[Organisation]:
    """The institutions ``user`` belongs to: the laboratories it may enrol and submit for."""
    if not _signed_in(user):
        return []
    return list(
        Organisation.objects.institutions()
        .filter(memberships__user=user)
        .distinct()
        .order_by("name")
    )


def visible_round(public_id: Any) -> Round | None:
    """Any round by its public id: every round's public facts are public."""
    return (
        Round.objects.select_related("scheme", "scheme__field", "provider")
        .filter(public_id=public_id)
        .first()
    )


def anonymous_table(round_: Round) -> list[TableRow]:
    """The published table by participant code; empty before publication."""
    if not round_.is_published:
        return []
    participations = (
        Participation.objects.filter(round=round_)
        .select_related("submission", "score")
        .order_by("code")
    )
    rows: list[TableRow] = []
    for p in participations:
        submission: Submission | None = getattr(p, "submission", None)
        score: Score | None = getattr(p, "score", None)
        rows.append(
            TableRow(
                code=p.code,
                value=submission.converted_value if submission else None,
                unit=round_.scheme.unit,
                expanded_uncertainty=submission.converted_uncertainty if submission else None,
                z=score.z if score else None,
                z_prime=score.z_prime if score else None,
                zeta=score.zeta if score else None,
                en=score.en if score else None,
                classification=score.classification if score else "",
                is_excluded=bool(submission and submission.is_excluded),
            )
        )
    return rows


def _managed_rows(round_: Round) -> list[ManagedRow]:
    participations = (
        Participation.objects.filter(round=round_)
        .select_related("laboratory", "submission", "score", "follow_up")
        .order_by("code")
    )
    return [
        ManagedRow(
            participation=p,
            submission=getattr(p, "submission", None),
            score=getattr(p, "score", None),
            follow_up=getattr(p, "follow_up", None),
        )
        for p in participations
    ]


def round_view(round_: Round, user: Any) -> RoundView:
    """What ``user`` may see of a round (see the module docstring)."""
    can_manage = _signed_in(user) and may_manage(user, round_)
    counts = Participation.objects.filter(round=round_).aggregate(
        participants=Count("id"), submitted=Count("submission")
    )
    view = RoundView(
        round=round_,
        can_manage=can_manage,
        participant_count=counts["participants"],
        submitted_count=counts["submitted"],
    )
    labs = laboratories_of(user)
    if labs:
        view.mine = [
            my_participation(p)
            for p in Participation.objects.filter(round=round_, laboratory__in=labs)
            .select_related("laboratory", "round")
            .order_by("code")
        ]
        enrolled = {m.participation.laboratory_id for m in view.mine}
        if round_.status == Round.Status.ENROLLING:
            view.enrollable_labs = [lab for lab in labs if lab.pk not in enrolled]
    if round_.is_published:
        view.table = anonymous_table(round_)
    if can_manage:
        view.managed = _managed_rows(round_)
    return view


def my_participation(participation: Participation) -> MyParticipation:
    """A participant's own submission always; its score and follow-up case only once the
    round is published (before that they do not leave the database)."""
    published = participation.round.is_published
    return MyParticipation(
        participation=participation,
        submission=Submission.objects.filter(participation=participation).first(),
        score=Score.objects.filter(participation=participation).first() if published else None,
        follow_up=(
            FollowUp.objects.filter(participation=participation).first() if published else None
        ),
    )


def participation_of(round_: Round, user: Any, uscc: str = "") -> Participation | None:
    """The caller's laboratory's participation in a round (the one named by ``uscc`` when the
    caller belongs to several), or None."""
    labs = laboratories_of(user)
    if uscc:
        labs = [lab for lab in labs if lab.uscc == uscc.upper()]
    return (
        Participation.objects.filter(round=round_, laboratory__in=labs)
        .select_related("laboratory", "round__scheme")
        .order_by("code")
        .first()
    )


# --- programmes and the annual plan ---------------------------------------------------------------


def rounds_list(*, year: int | None = None) -> QuerySet[Round]:
    """The programme list: every round's public facts, newest year first."""
    rounds = Round.objects.select_related("scheme", "provider").annotate(
        participant_count=Count("participations")
    )
    if year is not None:
        rounds = rounds.filter(year=year)
    return rounds.order_by("-year", "code")


def programme_counts() -> dict[int, int]:
    """Rounds per year (each round is one programme of the annual plan)."""
    return dict(
        Round.objects.values_list("year")
        .annotate(n=Count("id"))
        .order_by("year")
        .values_list("year", "n")
    )


def annual_target() -> int:
    target = PlanTarget.objects.filter(key=PLAN_TARGET_KEY).first()
    return int(target.target_value) if target is not None else DEFAULT_ANNUAL_TARGET


@dataclass(frozen=True)
class YearPlan:
    year: int
    rounds: list[Round]
    target: int
    industries: list[str]

    @property
    def count(self) -> int:
        return len(self.rounds)

    @property
    def met(self) -> bool:
        return self.count >= self.target

    @property
    def gap(self) -> int:
        return max(0, self.target - self.count)


def annual_plan() -> list[YearPlan]:
    """Programmes per year against the plan's target (5 a year), with the industries covered."""
    target = annual_target()
    by_year: dict[int, list[Round]] = {}
    for round_ in rounds_list().prefetch_related("scheme__industries"):
        by_year.setdefault(round_.year, []).append(round_)
    plans: list[YearPlan] = []
    for year in sorted(by_year, reverse=True):
        names: list[str] = []
        for round_ in by_year[year]:
            for industry in round_.scheme.industries.all():
                if industry.name_zh not in names:
                    names.append(industry.name_zh)
        plans.append(YearPlan(year=year, rounds=by_year[year], target=target, industries=names))
    return plans


# --- results and follow-up, for the regulator page and the credit issue ---------------------------


@dataclass(frozen=True)
class ResultRecord:
    """One published PT result of a laboratory (what credit scoring reads)."""

    round_code: str
    round_public_id: Any
    scheme_code: str
    scheme_name: str
    year: int
    participant_code: str
    classification: str
    z: float | None
    z_prime: float | None
    published_at: datetime | None


def results_of(organisation: Organisation) -> list[ResultRecord]:
    """A laboratory's published results, newest first (unpublished rounds never appear)."""
    participations = (
        Participation.objects.filter(laboratory=organisation, round__status=Round.Status.PUBLISHED)
        .select_related("round__scheme", "score")
        .order_by("-round__published_at", "round__code")
    )
    records: list[ResultRecord] = []
    for p in participations:
        score: Score | None = getattr(p, "score", None)
        records.append(
            ResultRecord(
                round_code=p.round.code,
                round_public_id=p.round.public_id,
                scheme_code=p.round.scheme.code,
                scheme_name=p.round.scheme.name,
                year=p.round.year,
                participant_code=p.code,
                classification=score.classification if score else "",
                z=score.z if score else None,
                z_prime=score.z_prime if score else None,
                published_at=p.round.published_at,
            )
        )
    return records


def followups_of(organisation: Organisation) -> QuerySet[FollowUp]:
    """A laboratory's follow-up cases, newest first."""
    return FollowUp.objects.filter(laboratory=organisation).select_related(
        "participation__round__scheme"
    )


def open_followups() -> QuerySet[FollowUp]:
    """Every case not yet closed, for regulators and credit."""
    return (
        FollowUp.objects.unresolved()
        .select_related("laboratory", "participation__round__scheme")
        .order_by("created_at", "id")
    )


def follow_ups_visible_to(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).select_related(
        "laboratory", "participation__round__scheme"
    )


@dataclass(frozen=True)
class FlaggedLaboratory:
    laboratory: Organisation
    open_cases: int


def laboratories_with_open_followups() -> list[FlaggedLaboratory]:
    """Laboratories with unresolved cases, most cases first (flagged on the regulator page)."""
    counts = Counter(open_followups().values_list("laboratory_id", flat=True))
    labs = Organisation.objects.in_bulk(list(counts))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], labs[item[0]].name))
    return [FlaggedLaboratory(laboratory=labs[pk], open_cases=n) for pk, n in ranked]


def next_participation(follow_up: FollowUp) -> Participation | None:
    """The laboratory's next participation in the same scheme after the followed-up round: the
    result that shows whether the corrective action worked."""
    round_ = follow_up.participation.round
    return (
        Participation.objects.filter(
            laboratory_id=follow_up.laboratory_id, round__scheme_id=round_.scheme_id
        )
        .exclude(round=round_)
        .filter(round__submission_deadline_on__gt=round_.submission_deadline_on)
        .select_related("round", "score")
        .order_by("round__submission_deadline_on")
        .first()
    )


def participations_of_user(user: Any) -> list[Participation]:
    """The caller's laboratories' participations, newest round first (the "my PT" list)."""
    if not _signed_in(user):
        return []
    return list(
        Participation.objects.filter(
            laboratory__in=Membership.objects.filter(user=user).values("organisation")
        )
        .select_related("round__scheme", "laboratory")
        .order_by("-round__year", "round__code")
    )


def sees_all_follow_ups(user: Any) -> bool:
    return is_pt_regulator(user)
