"""Chainable filters for certificates, including who may see what, and the effective status
computed in SQL (the same rule as ``Certificate.effective_status_on`` in Python)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, CharField, Q, Value, When

if TYPE_CHECKING:
    # Only for the QuerySet type parameters below; models import this module at runtime.
    from qihub.certification.models import Certificate  # noqa: F401

# Recorded statuses (models.Certificate.Status), IAF CertSearch's vocabulary.
ACTIVE = "active"
SUSPENDED = "suspended"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
CANCELLED = "cancelled"
# Effective only: recorded active (or suspended) but its validity has not started.
NOT_YET_VALID = "not_yet_valid"


def effective_status_expression(on: date, prefix: str = "") -> Case:
    """SQL for the effective status on ``on``: cancelled and withdrawn are final; then expired
    (recorded, or past expires_on); then suspended; then not yet valid (before issued_on);
    else active. ``prefix`` reaches a related certificate (``"certificate__"``)."""
    return Case(
        When(**{f"{prefix}status": CANCELLED}, then=Value(CANCELLED)),
        When(**{f"{prefix}status": WITHDRAWN}, then=Value(WITHDRAWN)),
        When(
            Q(**{f"{prefix}status": EXPIRED}) | Q(**{f"{prefix}expires_on__lt": on}),
            then=Value(EXPIRED),
        ),
        When(**{f"{prefix}status": SUSPENDED}, then=Value(SUSPENDED)),
        When(**{f"{prefix}issued_on__gt": on}, then=Value(NOT_YET_VALID)),
        default=Value(ACTIVE),
        output_field=CharField(),
    )


def effectively_active_condition(on: date, prefix: str = "") -> Q:
    """Recorded active and within its dates on ``on`` (issued_on ≤ on ≤ expires_on)."""
    return Q(
        **{
            f"{prefix}status": ACTIVE,
            f"{prefix}issued_on__lte": on,
            f"{prefix}expires_on__gte": on,
        }
    )


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user: Any) -> CertificateQuerySet:
        """Certificates are public-register facts (IAF CertSearch, the CNCA query): everyone
        sees every certificate, whatever its status, so a withdrawn one can be recognised."""
        return self.all()

    def with_number(self, number: str) -> CertificateQuerySet:
        """By canonical number (``numbers.normalise_certificate_number``); may hold several
        bodies' certificates, since numbers are unique per body only."""
        return self.filter(number=number)

    def issued_by(self, organisation: Any) -> CertificateQuerySet:
        return self.filter(cb=organisation)

    def held_by_uscc(self, uscc: str) -> CertificateQuerySet:
        return self.filter(holder__uscc=uscc)

    def effectively_active(self, on: date) -> CertificateQuerySet:
        return self.filter(effectively_active_condition(on))

    def with_effective_status(self, on: date) -> CertificateQuerySet:
        """Annotate ``effective_status_on_day``; the model's ``effective_status`` returns it."""
        return self.annotate(effective_status_on_day=effective_status_expression(on))

    def with_effective_status_in(self, statuses: list[str], on: date) -> CertificateQuerySet:
        return self.annotate(effective_status_on_day=effective_status_expression(on)).filter(
            effective_status_on_day__in=statuses
        )

    def expiring_between(self, start: date, end: date) -> CertificateQuerySet:
        """Effectively active on ``start`` and ending on or before ``end``."""
        return self.effectively_active(start).filter(expires_on__lte=end)
