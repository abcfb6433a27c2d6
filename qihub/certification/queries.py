"""Reads about certificates: search by holder, one certificate with its history, a body's
certificates. Lookup by number lives in ``verification.py``."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.models import Organisation
from qihub.certification.errors import CertificateNotFound
from qihub.certification.models import Certificate
from qihub.core.text import normalise_text


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
