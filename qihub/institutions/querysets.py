"""Chainable filters for qualifications and capability lines, including who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, CharField, Q, Value, When

if TYPE_CHECKING:
    # Only for the QuerySet type parameters below; models import this module at runtime.
    from qihub.institutions.models import CapabilityLine, Qualification  # noqa: F401

# Recorded and effective statuses (models.Qualification.Status / .EffectiveStatus).
VALID = "valid"
SUSPENDED = "suspended"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"


def effective_status_expression(on: date, prefix: str = "") -> Case:
    """SQL for the effective status on ``on`` (see Qualification.effective_status_on): revoked,
    then expired (recorded, or past valid_to), then suspended, then not yet valid, else valid.
    ``prefix`` reaches a related qualification (``"qualification__"``)."""
    return Case(
        When(**{f"{prefix}status": REVOKED}, then=Value(REVOKED)),
        When(
            Q(**{f"{prefix}status": EXPIRED}) | Q(**{f"{prefix}valid_to__lt": on}),
            then=Value(EXPIRED),
        ),
        When(**{f"{prefix}status": SUSPENDED}, then=Value(SUSPENDED)),
        When(**{f"{prefix}valid_from__gt": on}, then=Value(NOT_YET_VALID)),
        default=Value(VALID),
        output_field=CharField(),
    )


def effectively_valid_condition(on: date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": VALID,
            f"{prefix}valid_from__lte": on,
            f"{prefix}valid_to__gte": on,
        }
    )


class QualificationQuerySet(models.QuerySet["Qualification"]):
    def visible_to(self, user: Any) -> QualificationQuerySet:
        """Qualifications are public-register facts; those of inactive organisations are seen
        only by platform administrators (as for the organisations themselves)."""
        if user is not None and getattr(user, "is_platform_admin", False):
            return self.all()
        return self.filter(organisation__is_active=True)

    def effectively_valid(self, on: date) -> QualificationQuerySet:
        """Recorded valid and within its dates on ``on``."""
        return self.filter(effectively_valid_condition(on))

    def with_effective_status(self, on: date) -> QualificationQuerySet:
        """Annotate ``effective_status_on_day`` (valid / suspended / revoked / expired /
        not_yet_valid), computed in SQL from the recorded status and the dates; the model's
        ``effective_status`` property then returns it."""
        return self.annotate(effective_status_on_day=effective_status_expression(on))

    def with_effective_status_in(self, statuses: list[str], on: date) -> QualificationQuerySet:
        return self.annotate(effective_status_on_day=effective_status_expression(on)).filter(
            effective_status_on_day__in=statuses
        )

    def expiring_within(self, days: int, on: date) -> QualificationQuerySet:
        """Effectively valid on ``on`` and ending within ``days`` days of it (inclusive)."""
        return self.effectively_valid(on).filter(valid_to__lte=on + timedelta(days=days))


class CapabilityLineQuerySet(models.QuerySet["CapabilityLine"]):
    def visible_to(self, user: Any) -> CapabilityLineQuerySet:
        """Scopes are public; lines of inactive organisations only for platform admins."""
        if user is not None and getattr(user, "is_platform_admin", False):
            return self.all()
        return self.filter(organisation__is_active=True)

    def of_kind(self, kind: str) -> CapabilityLineQuerySet:
        return self.filter(kind=kind)

    def in_field(self, code: str) -> CapabilityLineQuerySet:
        """Lines filed under this field or discipline, or under one of its sub-groups."""
        return self.filter(Q(field__code=code) | Q(field__parent__code=code))

    def flagged(self) -> CapabilityLineQuerySet:
        return self.filter(is_flagged=True)

    def with_valid_qualification(self, on: date) -> CapabilityLineQuerySet:
        """Lines whose qualification is effectively valid on ``on`` (service lines need none)."""
        return self.filter(
            Q(kind="service", qualification__isnull=True)
            | effectively_valid_condition(on, prefix="qualification__")
        )
