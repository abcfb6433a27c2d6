"""Reads about institutions: profiles, scopes, verification of a qualification number."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.accounts.querysets import OrganisationQuerySet
from qihub.core.errors import DomainError
from qihub.core.text import normalise_text
from qihub.institutions.errors import InstitutionNotFound
from qihub.institutions.expiry import ExpiringQualification
from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
from qihub.institutions.numbers import QualificationType, normalise_qualification_number
from qihub.institutions.querysets import effective_status_expression
from qihub.institutions.search import matching_text
from qihub.standards.codes import InvalidStandardCode, parse_standard_code


def _today(on: date | None) -> date:
    return on if on is not None else timezone.localdate()


def institutions(user: Any = None) -> OrganisationQuerySet:
    return Organisation.objects.visible_to(user).institutions()


def find_institutions(
    *,
    user: Any = None,
    q: str = "",
    kind: str | None = None,
    city: str | None = None,
    qualification_type: str | None = None,
    effective_status: str | None = None,
    has_valid_qualification: bool | None = None,
    capability_kind: str | None = None,
    field: str | None = None,
    on: date | None = None,
) -> QuerySet[Organisation]:
    """Institutions by name/USCC/pinyin, kind, city, and what they hold: a qualification of a
    type (and, with ``effective_status``, in that effective status on ``on``), any effectively
    valid qualification, capability lines of a kind or in a field."""
    day = _today(on)
    found = institutions(user).matching(normalise_text(q))
    if kind:
        found = found.filter(kind=kind)
    if city:
        found = found.in_city(city)
    if qualification_type or effective_status:
        held = Qualification.objects.filter(organisation=OuterRef("pk"))
        if qualification_type:
            held = held.filter(type=qualification_type)
        if effective_status:
            held = held.annotate(effective=effective_status_expression(day)).filter(
                effective=effective_status
            )
        found = found.filter(Exists(held))
    if has_valid_qualification is not None:
        valid = Exists(
            Qualification.objects.effectively_valid(day).filter(organisation=OuterRef("pk"))
        )
        found = found.filter(valid if has_valid_qualification else ~valid)
    if capability_kind or field:
        lines = CapabilityLine.objects.filter(organisation=OuterRef("pk"))
        if capability_kind:
            lines = lines.of_kind(capability_kind)
        if field:
            lines = lines.in_field(field)
        found = found.filter(Exists(lines))
    return found.select_related("city", "county")


@dataclass(frozen=True)
class InstitutionProfile:
    organisation: Organisation
    qualifications: list[Qualification]  # annotated with effective_status on ``on``
    capability_counts: dict[str, int]
    flagged_count: int
    on: date
    kinds: list[str] = field(default_factory=list)

    @property
    def capability_count(self) -> int:
        return sum(self.capability_counts.values())

    @property
    def has_valid_qualification(self) -> bool:
        return any(
            q.effective_status == Qualification.EffectiveStatus.VALID for q in self.qualifications
        )


def institution_by_uscc(uscc: str, *, user: Any = None) -> Organisation:
    """An institution by any spelling of its USCC. Raises InstitutionNotFound."""
    try:
        canonical = normalise_uscc(uscc)
    except InvalidUSCC as error:
        # A malformed code cannot name any institution: same answer as an unknown one.
        raise InstitutionNotFound(error.detail) from error
    organisation = (
        institutions(user).select_related("city", "county").filter(uscc=canonical).first()
    )
    if organisation is None:
        raise InstitutionNotFound(_("没有统一社会信用代码为 %(uscc)s 的机构") % {"uscc": canonical})
    return organisation


def qualifications_of(organisation: Organisation, *, on: date | None = None) -> list[Qualification]:
    """The organisation's qualifications with their effective status on ``on``."""
    return list(
        Qualification.objects.filter(organisation=organisation)
        .with_effective_status(_today(on))
        .order_by("type", "number")
    )


def institution_profile(
    uscc: str, *, user: Any = None, on: date | None = None
) -> InstitutionProfile:
    """An institution with its qualifications (effective status on ``on``, today by default)
    and the number of its capability lines by kind. Raises InstitutionNotFound."""
    day = _today(on)
    organisation = institution_by_uscc(uscc, user=user)
    counts = {
        row["kind"]: row["n"]
        for row in CapabilityLine.objects.filter(organisation=organisation)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    }
    flagged = CapabilityLine.objects.filter(organisation=organisation, is_flagged=True).count()
    return InstitutionProfile(
        organisation=organisation,
        qualifications=qualifications_of(organisation, on=day),
        capability_counts={k: counts[k] for k in CapabilityLine.Kind.values if k in counts},
        flagged_count=flagged,
        on=day,
        kinds=[k for k in CapabilityLine.Kind.values if k in counts],
    )


def _cites(text: str) -> Q | None:
    """Lines citing this standard: one edition when a year is given (and lines citing the
    standard without a year, which means any edition), every edition otherwise."""
    try:
        code = parse_standard_code(text)
    except InvalidStandardCode:
        return None
    if code.year is not None:
        return Q(code=code.canonical) | Q(base_code=code.base, year__isnull=True)
    return Q(base_code=code.base)


def capabilities_of(
    organisation: Organisation | None = None,
    *,
    user: Any = None,
    kind: str | None = None,
    field: str | None = None,
    q: str = "",
    standard: str = "",
    parameter: str = "",
    qualification: Qualification | str | None = None,
    flagged: bool | None = None,
) -> QuerySet[CapabilityLine]:
    """Capability lines, filtered; of one organisation, or of every visible one when None.
    Paginate by slicing: the order is stable (id). ``standard`` takes any spelling of a code;
    without a year it matches every edition. ``q`` needs every word (full-text index)."""
    lines = CapabilityLine.objects.visible_to(user)
    if organisation is not None:
        lines = lines.filter(organisation=organisation)
    if kind:
        lines = lines.of_kind(kind)
    if field:
        lines = lines.in_field(field)
    if isinstance(qualification, Qualification):
        lines = lines.filter(qualification=qualification)
    elif qualification:
        lines = lines.filter(qualification__number=normalise_text(qualification))
    if flagged is not None:
        lines = lines.filter(is_flagged=flagged)
    parameter = normalise_text(parameter)
    if parameter:
        lines = lines.filter(parameter__icontains=parameter)
    standard = normalise_text(standard)
    if standard:
        condition = _cites(standard)
        citing = CapabilityStandard.objects.filter(line=OuterRef("pk"))
        citing = (
            citing.filter(condition)
            if condition is not None
            else citing.filter(code__icontains=standard)
        )
        lines = lines.filter(Exists(citing))
    return (
        matching_text(lines, normalise_text(q))
        .select_related("field", "qualification")
        .order_by("id")
    )


def with_standards(lines: QuerySet[CapabilityLine]) -> QuerySet[CapabilityLine]:
    """For pages and API responses: the cited standards and their catalogue status."""
    return lines.prefetch_related("standards__standard")


def expiring_for(
    organisation: Organisation, *, within_days: int = 90, on: date | None = None
) -> list[ExpiringQualification]:
    """The organisation's effectively valid qualifications ending within ``within_days``."""
    day = _today(on)
    return [
        ExpiringQualification(q, q.days_left_on(day))
        for q in Qualification.objects.filter(organisation=organisation)
        .expiring_within(within_days, day)
        .order_by("valid_to")
    ]


@dataclass(frozen=True)
class QualificationVerification:
    """The answer to "is this qualification number genuine and valid?"."""

    found: bool
    number: str
    explanation: str
    qualification: Qualification | None = None
    effective_status: str | None = None
    on: date | None = None


def _candidates(number: str, type: str | None) -> tuple[list[tuple[str, str]], str]:
    """(type, canonical number) pairs the text may mean, and a format error when none."""
    types = [QualificationType(type)] if type else list(QualificationType)
    pairs: list[tuple[str, str]] = []
    problem = ""
    for kind in types:
        try:
            pairs.append((kind.value, normalise_qualification_number(kind, number)))
        except DomainError as error:
            problem = problem or error.detail
    return pairs, problem


def qualification_lookup(
    number: str, *, type: str | None = None, on: date | None = None, user: Any = None
) -> QualificationVerification:
    """Find a qualification by its number as typed (messy input tolerated), with an
    explanation of its effective status, or why nothing was found."""
    day = _today(on)
    text = normalise_text(number)
    if not text:
        return QualificationVerification(False, "", _("请输入证书编号"), on=day)
    pairs, problem = _candidates(text, type)
    if not pairs:
        return QualificationVerification(
            False,
            text,
            _("“%(number)s”不是有效的证书编号：%(problem)s") % {"number": text, "problem": problem},
            on=day,
        )
    condition = Q()
    for kind, canonical in pairs:
        condition |= Q(type=kind, number=canonical)
    found = (
        Qualification.objects.visible_to(user)
        .filter(condition)
        .select_related("organisation")
        .order_by("type")
        .first()
    )
    if found is None:
        shown = pairs[0][1]
        return QualificationVerification(
            False,
            shown,
            _("平台未收录证书编号为“%(number)s”的资质；请向发证机关核实") % {"number": shown},
            on=day,
        )
    status = found.effective_status_on(day)
    return QualificationVerification(
        True, found.number, explain_status(found, status), found, status, day
    )


def explain_status(qualification: Qualification, status: str) -> str:
    """One sentence on the effective status, saying until when it is valid."""
    q = qualification
    values = {
        "name": q.organisation.name,
        "label": q.get_type_display(),
        "from": q.valid_from.isoformat(),
        "to": q.valid_to.isoformat(),
        "reason": q.status_reason,
    }
    with contextlib.suppress(ValueError):
        status = Qualification.EffectiveStatus(status)
    if status == Qualification.EffectiveStatus.VALID:
        return _("%(name)s 的%(label)s有效，有效期至 %(to)s") % values
    if status == Qualification.EffectiveStatus.NOT_YET_VALID:
        return _("%(name)s 的%(label)s尚未生效，自 %(from)s 起有效") % values
    if status == Qualification.EffectiveStatus.SUSPENDED:
        text = _("%(name)s 的%(label)s已暂停") % values
    elif status == Qualification.EffectiveStatus.REVOKED:
        text = _("%(name)s 的%(label)s已撤销") % values
    else:
        text = _("%(name)s 的%(label)s已过期（有效期至 %(to)s）") % values
    if q.status_reason and status != Qualification.EffectiveStatus.EXPIRED:
        text += _("：%(reason)s") % values
    return text
