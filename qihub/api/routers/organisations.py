"""Organisations: list and search (name, pinyin initials, USCC, kind, city) and detail."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.accounts.errors import OrganisationNotFound
from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.api.errors import ERRORS, ProblemOut
from qihub.api.schemas.accounts import OrganisationOut, OrganisationPage

router = Router(tags=["organisations"])


class OrganisationFilters(Schema):
    q: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")] = ""
    kind: Organisation.Kind | None = None
    city: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def organisation_item(organisation: Organisation) -> dict[str, object]:
    county = organisation.county
    return {
        "uscc": organisation.uscc,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": str(organisation.get_kind_display()),
        "city_code": organisation.city.code,
        "city_name": organisation.city.name,
        "county_code": county.code if county else None,
        "county_name": county.name if county else None,
    }


@router.get(
    "",
    response={200: OrganisationPage, **ERRORS},
    url_name="organisation-list",
    summary="List and search organisations",
)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> dict[str, object]:
    organisations = Organisation.objects.visible_to(request.user).matching(filters.q)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.city:
        organisations = organisations.in_city(filters.city)
    count = organisations.count()
    page = organisations.select_related("city", "county")[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [organisation_item(o) for o in page],
    }


@router.get(
    "/{uscc}",
    response={200: OrganisationOut, 404: ProblemOut, **ERRORS},
    url_name="organisation-detail",
    summary="One organisation by USCC",
)
def organisation_detail(request: HttpRequest, uscc: str) -> dict[str, object]:
    try:
        canonical = normalise_uscc(uscc)
    except InvalidUSCC as error:
        # A malformed code cannot name any organisation: same answer as an unknown one.
        raise OrganisationNotFound(error.detail) from error
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("city", "county"),
        uscc=canonical,
    )
    return {
        **organisation_item(organisation),
        "name_en": organisation.name_en,
        "address": organisation.address,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
        "description": organisation.description,
        "longitude": organisation.longitude,
        "latitude": organisation.latitude,
        "is_active": organisation.is_active,
        "updated_at": organisation.updated_at,
    }
