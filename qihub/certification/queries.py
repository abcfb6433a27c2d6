"""Reads about certificates: search by holder, one certificate with its history, a body's
certificates, and a body's desk (which bodies a user may open, its feed, its filtered list).
Lookup by number lives in ``verification.py``."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.models import Organisation
from qihub.certification.errors import CertificateNotFound
from qihub.certification.freshness import SILENCE_DAYS
from qihub.certification.models import Certificate, CertificationBodyFeed
from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.querysets import (
    effective_status_expression,
    effectively_active_condition,
)
from qihub.certification.risk import regulator_scope
from qihub.certification.services import writable_bodies
from qihub.certification.transitions import transition_problem
from qihub.core.errors import NotFound, PermissionDenied
from qihub.core.text import normalise_text, to_halfwidth
from qihub.institutions.models import Qualification
from qihub.institutions.numbers import QualificationType


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def certificates_for_holder(
    text: str, *, user: Any = None, on: date | None = None
) -> QuerySet[Certificate]:
    """Certificates whose holder matches ``text`` as people type it: a full or partial USCC,
    the name, or its pinyin / initials (``OrganisationQuerySet.matching``). Effective status
    annotated; active ones first, then by expiry, latest first. Empty text finds nothing."""
    query = normalise_text(text)
    if not query:
        return Certificate.objects.none()
    holders = Organisation.objects.visible_to(user).matching(query).values("pk")
    return (
        Certificate.objects.visible_to(user)
        .filter(holder__in=holders)
        .with_effective_status(_today(on))
        .select_related("cb", "holder")
        .order_by("holder__name", "-expires_on", "number")
    )


def certificates_of_body(
    organisation: Organisation, *, user: Any = None, on: date | None = None
) -> QuerySet[Certificate]:
    return (
        Certificate.objects.visible_to(user)
        .issued_by(organisation)
        .with_effective_status(_today(on))
        .select_related("holder")
        .order_by("-issued_on", "number")
    )


def certificate_by_public_id(public_id: UUID, *, user: Any = None) -> Certificate:
    """One certificate with body, holder, sites and history. Raises CertificateNotFound."""
    found = (
        Certificate.objects.visible_to(user)
        .filter(public_id=public_id)
        .select_related("cb__certificate_feed", "holder__city")
        .prefetch_related("sites", "status_changes")
        .first()
    )
    if found is None:
        raise CertificateNotFound(_("没有这张证书"))
    return found


def certificate_by_body_and_number(
    cb_uscc: str, number: str, *, user: Any = None
) -> Certificate | None:
    return (
        Certificate.objects.visible_to(user)
        .filter(cb__uscc=cb_uscc, number=number)
        .select_related("cb__certificate_feed", "holder")
        .prefetch_related("sites", "status_changes")
        .first()
    )


# --- a certification body's desk ------------------------------------------------------------------


def may_write_certificates_of(user: Any, organisation_id: int) -> bool:
    """Whether ``user`` may change the certificates of that body, exactly as the services decide
    (``services.writable_bodies``): its members and platform administrators. Never anonymous."""
    if user is None or not user.is_authenticated:
        return False
    allowed = writable_bodies(user)
    return allowed is None or organisation_id in allowed


def sees_every_body(user: Any) -> bool:
    """Platform administrators and the provincial regulator may open any body's desk (the
    regulator to read: it may write none, see ``may_write_certificates_of``)."""
    allowed, cities = regulator_scope(user)
    return allowed and cities is None


def _certification_bodies(user: Any) -> QuerySet[Organisation]:
    """Organisations that issue certificates: of kind certification body, or holding a CNCA-CB
    approval (in any state)."""
    approved = Qualification.objects.filter(type=QualificationType.CNCA_CB.value).values(
        "organisation_id"
    )
    return Organisation.objects.visible_to(user).filter(
        Q(kind=Organisation.Kind.CERTIFICATION_BODY) | Q(pk__in=approved)
    )


def desk_bodies(user: Any) -> list[Organisation]:
    """The bodies whose desk ``user`` may open, by name: the bodies they are a member of; every
    body for those who ``sees_every_body``. None for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return []
    bodies = _certification_bodies(user)
    if not sees_every_body(user):
        bodies = bodies.filter(memberships__user=user)
    return list(bodies.select_related("city").distinct().order_by("name", "uscc"))


@dataclass(frozen=True)
class BodyDesk:
    """Which body a desk shows and what its visitor may do there."""

    body: Organisation | None  # None: the visitor sees every body and has not chosen one yet
    choices: list[Organisation]  # the bodies the visitor may switch to
    can_write: bool  # may upload and change statuses (``may_write_certificates_of``)
    is_approved: bool  # holds an effectively valid CNCA-CB approval (uploads need one)


def body_desk(user: Any, uscc: str = "", *, on: date | None = None) -> BodyDesk:
    """The desk ``user`` opens, for the body ``uscc`` (any spelling) or, without one, their
    first own body. Raises PermissionDenied (no body, or not theirs) or NotFound."""
    choices = desk_bodies(user)
    wanted = to_halfwidth(uscc).replace(" ", "").upper()
    if wanted:
        body = next((b for b in choices if b.uscc == wanted), None)
        if body is None and sees_every_body(user):
            raise NotFound(_("没有这家认证机构"))
        if body is None:
            raise PermissionDenied(_("您不是该认证机构的成员，不能查看其证书管理页面"))
    else:
        own = choices if not sees_every_body(user) else _own_bodies(user, choices)
        body = own[0] if own else None
        if body is None and not sees_every_body(user):
            raise PermissionDenied(
                _(
                    "证书管理页面供认证机构的成员使用。您的账户不属于任何认证机构；"
                    "如需代表机构报送证书，请联系本机构管理员将您加入机构。"
                )
            )
    if body is None:
        return BodyDesk(body=None, choices=choices, can_write=False, is_approved=False)
    approved = (
        Qualification.objects.filter(type=QualificationType.CNCA_CB.value, organisation=body)
        .effectively_valid(on or timezone.localdate())
        .exists()
    )
    return BodyDesk(
        body=body,
        choices=choices,
        can_write=may_write_certificates_of(user, body.pk),
        is_approved=approved,
    )


def _own_bodies(user: Any, choices: list[Organisation]) -> list[Organisation]:
    mine = set(user.memberships.values_list("organisation_id", flat=True))
    return [body for body in choices if body.pk in mine]


@dataclass(frozen=True)
class FeedState:
    """A body's data freshness as its desk shows it: the public pages call data older than
    ``SILENCE_DAYS`` days stale (the same rule as the certificate page)."""

    last_upload_at: datetime | None
    source: str  # CertificateStatusChange.Source label, "" before the first upload
    items: int
    days_since: int | None
    is_stale: bool


def feed_state(organisation: Organisation, *, now: datetime | None = None) -> FeedState:
    now = now or timezone.now()
    feed = CertificationBodyFeed.objects.filter(organisation=organisation).first()
    if feed is None or feed.last_upload_at is None:
        return FeedState(None, "", 0, None, False)
    days = (now - feed.last_upload_at).days
    return FeedState(
        last_upload_at=feed.last_upload_at,
        source=feed.get_last_upload_source_display() if feed.last_upload_source else "",
        items=feed.last_upload_items,
        days_since=days,
        is_stale=days > SILENCE_DAYS,
    )


def desk_certificates(
    organisation: Organisation,
    *,
    status: str = "",
    cert_type: str = "",
    text: str = "",
    expiring_within_days: int | None = None,
    on: date | None = None,
) -> QuerySet[Certificate]:
    """A body's certificates with their effective status on ``on``, filtered: by effective
    status, by type, by text (part of the number, the holder's name as certified or
    registered, the start of its USCC), and to those effectively active now that end within
    ``expiring_within_days`` (soonest first). Otherwise the latest issued first."""
    day = _today(on)
    found = Certificate.objects.issued_by(organisation).select_related("holder")
    if status:
        found = found.with_effective_status_in([status], day)
    else:
        found = found.with_effective_status(day)
    if cert_type:
        found = found.filter(cert_type=cert_type)
    query = normalise_text(text)
    if query:
        condition = Q(holder_name__icontains=query) | Q(holder__name__icontains=query)
        compact = to_halfwidth(query).replace(" ", "").upper()
        condition |= Q(holder__uscc__startswith=compact)
        with suppress(InvalidCertificateNumber):  # text that cannot be a number
            condition |= Q(number__contains=normalise_certificate_number(query))
        found = found.filter(condition)
    if expiring_within_days is not None:
        return found.filter(
            effectively_active_condition(day),
            expires_on__lte=day + timedelta(days=expiring_within_days),
        ).order_by("expires_on", "number")
    return found.order_by("-issued_on", "number")


def desk_status_counts(organisation: Organisation, *, on: date | None = None) -> dict[str, int]:
    """How many of a body's certificates are in each effective status on ``on``."""
    rows = (
        Certificate.objects.issued_by(organisation)
        .order_by()
        .annotate(effective=effective_status_expression(_today(on)))
        .values("effective")
        .annotate(n=Count("id"))
    )
    return {str(row["effective"]): int(row["n"]) for row in rows}


def desk_cert_types(organisation: Organisation) -> list[str]:
    """The certification types a body's certificates use, by code."""
    return sorted(
        set(
            Certificate.objects.issued_by(organisation)
            .order_by()
            .values_list("cert_type", flat=True)
            .distinct()
        )
    )


def next_statuses(current: str) -> list[str]:
    """The recorded statuses a certificate in ``current`` may move to by itself (no renewal),
    in the model's order (``transitions.transition_problem`` decides)."""
    return [
        status
        for status in Certificate.Status.values
        if status != current and transition_problem(current, status) is None
    ]
