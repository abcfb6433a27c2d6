"""Reads about service requests: my requests, my invitations, one request as someone sees it,
an order's timeline, and the ratings an institution received.

Everything goes through the ``visible_to(user)`` filters of ``models.py``; on top of them, an
institution sees only its own invitation of a request (never a competitor's quote), and the
order only when it won it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from qihub.accounts.models import Organisation
from qihub.matching.models import (
    Invitation,
    Order,
    OrderStatusChange,
    Quote,
    Rating,
    ServiceRequest,
)
from qihub.matching.requests import is_member, next_statuses

CURRENT_QUOTES = Prefetch("quotes", queryset=Quote.objects.order_by("created_at", "id"))


def requests_of(user: Any) -> QuerySet[ServiceRequest]:
    """The requests of the enterprises ``user`` belongs to, newest first, with counts."""
    return (
        ServiceRequest.objects.of_enterprise_member(user)
        .select_related("enterprise", "city")
        .annotate(
            invitation_count=Count("invitations", distinct=True),
            quote_count=Count(
                "invitations",
                filter=Q(invitations__status=Invitation.Status.QUOTED),
                distinct=True,
            ),
        )
    )


def invitations_of(user: Any, *, status: str = "") -> QuerySet[Invitation]:
    """The invitations addressed to ``user``'s institutions (the inbox), newest first."""
    found = (
        Invitation.objects.for_institution_member(user)
        .select_related("request__enterprise", "request__city", "institution")
        .prefetch_related(CURRENT_QUOTES)
        .order_by("-invited_at", "-id")
    )
    if status:
        found = found.filter(status=status)
    return found


def orders_of(user: Any) -> QuerySet[Order]:
    return Order.objects.visible_to(user).select_related("request", "institution", "enterprise")


@dataclass(frozen=True)
class RequestView:
    """One request as ``user`` may see it."""

    request: ServiceRequest
    invitations: tuple[Invitation, ...]  # all for the enterprise; only its own for a lab
    is_enterprise_side: bool  # may act for the enterprise
    order: Order | None  # None for an institution that did not win it

    @property
    def quoted(self) -> tuple[Invitation, ...]:
        """Invitations with a current quote, cheapest first (the side-by-side comparison)."""
        with_quotes = [i for i in self.invitations if i.current_quote is not None]
        return tuple(sorted(with_quotes, key=lambda i: (i.current_quote.price_cny, i.pk)))  # type: ignore[union-attr]


def request_view(request: ServiceRequest, user: Any) -> RequestView:
    """What ``user`` sees of a request they can see (find it with ``visible_to`` first)."""
    enterprise_side = is_member(user, request.enterprise)
    sees_all = enterprise_side or bool(getattr(user, "is_platform_admin", False))
    invitations = (
        request.invitations.select_related("institution__city")
        .prefetch_related(CURRENT_QUOTES)
        .order_by("invited_at", "id")
    )
    if not sees_all:
        invitations = invitations.filter(institution__memberships__user=user)
    order = (
        Order.objects.visible_to(user)
        .filter(request=request)
        .select_related("institution", "quote")
        .first()
    )
    return RequestView(
        request=request,
        invitations=tuple(invitations),
        is_enterprise_side=enterprise_side,
        order=order,
    )


@dataclass(frozen=True)
class OrderView:
    order: Order
    timeline: tuple[OrderStatusChange, ...]
    is_enterprise_side: bool
    is_institution_side: bool
    next_status: str | None  # what this user may move it to next, if anything
    rating: Rating | None

    @property
    def may_cancel(self) -> bool:
        return (self.is_enterprise_side or self.is_institution_side) and not self.order.is_finished

    @property
    def may_rate(self) -> bool:
        return (
            self.is_enterprise_side
            and self.order.status == Order.Status.COMPLETED
            and self.rating is None
        )


def order_view(order: Order, user: Any) -> OrderView:
    enterprise_side = is_member(user, order.enterprise)
    institution_side = is_member(user, order.institution)
    moves = next_statuses(order)
    next_status = None
    if institution_side and "institution" in moves:
        next_status = moves["institution"]
    elif enterprise_side and "enterprise" in moves:
        next_status = moves["enterprise"]
    return OrderView(
        order=order,
        timeline=tuple(order.status_changes.select_related("by")),
        is_enterprise_side=enterprise_side,
        is_institution_side=institution_side,
        next_status=next_status,
        rating=Rating.objects.filter(order=order).first(),
    )


def ratings_for(organisation: Organisation) -> QuerySet[Rating]:
    """The ratings an institution received, newest first (public, like the institution page)."""
    return Rating.objects.filter(institution=organisation).select_related("order__enterprise")


def rating_summary(organisation: Organisation) -> tuple[int, float | None]:
    """(how many ratings, their average rounded to one decimal; None without ratings)."""
    totals = Rating.objects.filter(institution=organisation).aggregate(
        count=Count("id"), average=Avg("score")
    )
    average = totals["average"]
    return totals["count"], (round(float(average), 1) if average is not None else None)
