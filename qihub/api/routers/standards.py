"""The standards catalogue: which edition is in force, and a filtered list."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import ERRORS, ProblemOut
from qihub.api.schemas.standards import StandardLookupOut, StandardPage
from qihub.core.text import normalise_text
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.presenters import lookup_as_dict
from qihub.standards.queries import lookup_standard

router = Router(tags=["standards"])

Text = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]


class LookupParams(Schema):
    code: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class StandardFilters(Schema):
    q: Text = ""
    family: Annotated[str, Field(max_length=30, pattern=r"^[a-z_]+$")] | None = None
    type: Standard.Type | None = None
    status: Standard.Status | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


@router.get(
    "/lookup",
    response={200: StandardLookupOut, 404: ProblemOut, **ERRORS},
    url_name="standard-lookup",
    summary="Which edition of a standard is in force (any spelling of the code)",
)
def lookup(request: HttpRequest, params: Query[LookupParams]) -> dict[str, Any]:
    return lookup_as_dict(lookup_standard(params.code))


@router.get(
    "",
    response={200: StandardPage, **ERRORS},
    url_name="standard-list",
    summary="Search the catalogue by code or title, with filters",
)
def list_standards(request: HttpRequest, filters: Query[StandardFilters]) -> dict[str, Any]:
    standards = Standard.objects.filter(is_catalogued=True)
    query = normalise_text(filters.q)
    if query:
        condition = Q(title_zh__icontains=query) | Q(code__icontains=query)
        # A query that reads as a code also finds every edition of it; plain words do not.
        with contextlib.suppress(InvalidStandardCode):
            condition |= Q(base_code=parse_standard_code(query).base)
        standards = standards.filter(condition)
    if filters.family:
        standards = standards.filter(family=filters.family)
    if filters.type:
        standards = standards.filter(type=filters.type)
    if filters.status:
        standards = standards.filter(status=filters.status)
    page = standards[filters.offset : filters.offset + filters.limit]
    return {
        "count": standards.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [
            {
                "code": s.code,
                "title_zh": s.title_zh,
                "type": s.type,
                "family": s.family,
                "status": s.status,
            }
            for s in page
        ],
    }
