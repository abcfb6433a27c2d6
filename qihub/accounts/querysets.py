"""Chainable filters for accounts models, including who may see what."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from qihub.core.text import looks_like_pinyin, normalise_text, to_halfwidth

# The organisation kinds that provide QI services (everything but enterprises, regulators and
# station operators). Kept here so filters and the model share one list.
INSTITUTION_KINDS = (
    "testing_lab",
    "calibration_lab",
    "metrology_institute",
    "certification_body",
    "standards_body",
    "special_equipment_body",
)

# Six or more code characters with at least one digit: what a (partial) USCC looks like.
USCC_LENGTH = 18
_USCC_LIKE = re.compile(r"(?=.*\d)[0-9A-HJ-NPQRTUWXY]{6,18}")

if TYPE_CHECKING:
    # Only for the QuerySet type parameters below; models import this module at runtime.
    from qihub.accounts.models import AuditEntry, Organisation  # noqa: F401


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """Every active organisation is public (name, kind, city, address are public-register
        facts); inactive ones are seen only by platform administrators."""
        if user is not None and getattr(user, "is_platform_admin", False):
            return self.all()
        return self.active()

    def institutions(self) -> OrganisationQuerySet:
        return self.filter(kind__in=INSTITUTION_KINDS)

    def in_city(self, city_code: str) -> OrganisationQuerySet:
        return self.filter(city__code=city_code)

    def matching(self, text: str) -> OrganisationQuerySet:
        """Name, USCC, pinyin or pinyin initials, as people type them."""
        query = normalise_text(text)
        if not query:
            return self
        compact = to_halfwidth(query).replace(" ", "").replace("-", "").upper()
        if _USCC_LIKE.fullmatch(compact):
            # A code (or its start) is looked up by code alone, as an index range: LIKE 'x%'
            # cannot use the index on SQLite, and names never contain such strings anyway.
            # 'Z' sorts after every USCC character (the alphabet ends at Y).
            if len(compact) == USCC_LENGTH:
                return self.filter(uscc=compact)
            return self.filter(uscc__gte=compact, uscc__lt=compact + "Z")
        condition = Q(name__icontains=query)
        if looks_like_pinyin(query):
            lowered = query.lower()
            condition |= Q(name_initials__startswith=lowered) | Q(name_pinyin__contains=lowered)
        return self.filter(condition)


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    def for_target(self, target_type: str, target_id: str) -> AuditEntryQuerySet:
        return self.filter(target_type=target_type, target_id=target_id)
