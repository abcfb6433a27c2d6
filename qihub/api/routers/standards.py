"""The standards catalogue: which edition is in force, and a filtered list."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import ERRORS, ProblemOut
from qihub.api.schemas.standards import StandardLookupOut, StandardPage
from qihub.core.text import normalise_text
from qihub.standards.models import Standard
from qihub.standards.presenters import lookup_as_dict
from qihub.standards.queries import lookup_standard
from qihub.standards.search import search_standards

router = Router(tags=["standards"])

Text = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]


class LookupParams(Schema):
    code: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class StandardFilters(Schema):
    q: Text = ""
    family: Annotated[str, Field(max_length=30, pattern=r"^[a-z_]+$")] | None = None
    type: Standard.Type | None = None
    status: Standard.Status | None = None
    ics: Annotated[str, Field(max_length=40, pattern=r"^[0-9.]*$")] = ""
    industry: Annotated[str, Field(max_length=12, pattern=r"^[A-Za-z0-9-]*$")] = ""
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
    summary="Search the catalogue by code or title words (ranked), with filters",
)
def list_standards(request: HttpRequest, filters: Query[StandardFilters]) -> dict[str, Any]:
    # Ranked by relevance; a query that reads as a code also finds every edition of it.
    standards = search_standards(
        normalise_text(filters.q),
        family=filters.family,
        type=filters.type,
        status=filters.status,
        ics=filters.ics,
        industry=filters.industry.upper() or None,
    ).filter(is_catalogued=True)
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
