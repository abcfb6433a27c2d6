"""What the registries share: their errors, who may write, finding an organisation by USCC,
the validation helpers that collect every problem of an entry, and the word-by-word search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation, User
from qihub.accounts.queries import regulator_jurisdictions
from qihub.core.errors import Conflict, DomainError, PermissionDenied
from qihub.core.text import normalise_text, pinyin_full, pinyin_initials
from qihub.reference.models import Region

MAX_QUERY_TERMS = 8
MAX_NAME = 200


# --- errors -------------------------------------------------------------------------------------


class RegistryError(DomainError):
    code = "registry_error"


class InvalidRegistryEntry(RegistryError):
    """A value is missing, too long or not one of the allowed choices."""

    code = "invalid_registry_entry"


class RegistryDatesOutOfOrder(RegistryError):
    """Due before start, accepted before start, or a date in the future that cannot be."""

    code = "registry_dates_out_of_order"


class AcceptanceDateRequired(RegistryError):
    code = "acceptance_date_required"


class UnknownOrganisation(RegistryError):
    """No organisation of the platform has this USCC (or it is not a valid USCC)."""

    code = "unknown_organisation"


class NotANationalStandard(RegistryError):
    """Only GB, GB/T and GB/Z count towards national standards led or joined."""

    code = "not_a_national_standard"


class DuplicateCommitteeCode(RegistryError, Conflict):
    code = "duplicate_committee_code"


class DuplicatePilotProject(RegistryError, Conflict):
    code = "duplicate_pilot_project"


class DuplicateContribution(RegistryError, Conflict):
    code = "duplicate_contribution"


class RegistryActionNotAllowed(RegistryError, PermissionDenied):
    code = "registry_action_not_allowed"


# (field, error): every problem of one entry, so an import can report them all at once.
Problem = tuple[str, DomainError]


def _first(problems: list[Problem]) -> None:
    if problems:
        raise problems[0][1]


# --- who may write ------------------------------------------------------------------------------


def may_manage_registries(user: Any, *, city_code: str | None = None) -> bool:
    """Platform admins and the provincial regulator; a city regulator for ``city_code`` only."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    for region in regulator_jurisdictions(user):
        if region.level == Region.Level.PROVINCE or (city_code and region.code == city_code):
            return True
    return False


def _require_registrar(by: User | None, *, city_codes: Sequence[str | None] = (None,)) -> None:
    # None is a trusted caller (the command line, the demo loader): like the import paths.
    if by is None:
        return
    if not all(may_manage_registries(by, city_code=code) for code in city_codes):
        raise RegistryActionNotAllowed(_("只有平台管理员或主管的市场监督管理部门可以维护该名录"))


def _require_some_registrar(by: User | None) -> None:
    """Anyone who may manage some city's entries; checked before the input, so an outsider
    learns nothing from validation messages. The city is checked once the input is clean."""
    if by is None or by.is_platform_admin or regulator_jurisdictions(by):
        return
    raise RegistryActionNotAllowed(_("只有平台管理员或主管的市场监督管理部门可以维护该名录"))


# --- organisations ------------------------------------------------------------------------------


def find_organisation(uscc: str) -> Organisation:
    """The organisation with this USCC (any spelling). Raises UnknownOrganisation."""
    try:
        canonical = normalise_uscc(uscc)
    except InvalidUSCC as error:
        raise UnknownOrganisation(error.detail) from error
    organisation = Organisation.objects.select_related("city").filter(uscc=canonical).first()
    if organisation is None:
        raise UnknownOrganisation(
            _("平台上没有统一社会信用代码为 %(uscc)s 的机构") % {"uscc": canonical}
        )
    return organisation


def _organisation_problem(organisation: Organisation | None, field: str) -> list[Problem]:
    if organisation is None or organisation.pk is None:
        return [(field, UnknownOrganisation(_("须指定平台上已登记的机构")))]
    return []


def _text(value: str, *, field: str, label: str, limit: int, required: bool) -> list[Problem]:
    if required and not value:
        return [(field, InvalidRegistryEntry(_("%(label)s不能为空") % {"label": label}))]
    if len(value) > limit:
        return [
            (
                field,
                InvalidRegistryEntry(
                    _("%(label)s过长（最多 %(limit)d 字）") % {"label": label, "limit": limit}
                ),
            )
        ]
    return []


def _choice(value: str, choices: Any, *, field: str, label: str) -> list[Problem]:
    if value in choices.values:
        return []
    return [
        (
            field,
            InvalidRegistryEntry(
                _("未知的%(label)s“%(value)s”；可用：%(choices)s")
                % {"label": label, "value": value, "choices": ", ".join(choices.values)},
            ),
        )
    ]


def _not_future(day: date | None, *, field: str, label: str) -> list[Problem]:
    if day is not None and day > timezone.localdate():
        return [
            (
                field,
                RegistryDatesOutOfOrder(
                    _("%(label)s不能晚于今天：%(day)s") % {"label": label, "day": day.isoformat()}
                ),
            )
        ]
    return []


def _save(instance: Any, duplicate: DomainError) -> None:
    """Check the fields and save; a unique constraint that another transaction won meanwhile
    becomes ``duplicate``. (Uniqueness was checked just before; the database has the last word.)"""
    instance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise duplicate from error


def _terms(query: str) -> list[str]:
    return normalise_text(query).lower().split(" ")[:MAX_QUERY_TERMS] if query.strip() else []


def _every_term(terms: list[str], fields: Sequence[str]) -> Q:
    """Each word in at least one of ``fields`` (icontains), all words required."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def _pinyin_text(*names: str) -> str:
    """The names, their pinyin and their initials: what a pinyin or initials query finds."""
    parts: list[str] = []
    for name in names:
        if name:
            parts.extend((pinyin_full(name), pinyin_initials(name)))
    return " ".join(parts)
