"""Ranked full-text search over the catalogue, on PostgreSQL and on SQLite.

Both databases index ``Standard.search_text`` (jieba words, see qihub.core.search) and need
every word of the query (AND). PostgreSQL ranks with ``ts_rank`` over the GIN-indexed
``to_tsvector('simple', …)``; SQLite with ``bm25`` over the FTS5 table that migration 0002
keeps in sync by triggers. A query that reads as a standard code also finds every edition of
that standard, whatever the year, and ranks them first (the exact edition before the others).
"""

from __future__ import annotations

import contextlib

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from qihub.core.search import query_terms
from qihub.standards.codes import InvalidStandardCode, StandardCode, parse_standard_code
from qihub.standards.models import Standard

__all__ = ["search_standards"]

FTS_TABLE = "standards_standard_fts"


def search_standards(
    query: str,
    *,
    family: str | None = None,
    type: str | None = None,
    status: str | None = None,
    ics: str | None = None,
    industry: str | None = None,
) -> QuerySet[Standard]:
    """Standards matching every word of ``query``, best first; all of them, by code, if empty.

    ``industry`` is an industry key; a level-1 group also finds the standards of its items.
    """
    standards = Standard.objects.all()
    if industry:
        links = Standard.industries.through.objects.filter(
            Q(industry__key=industry) | Q(industry__parent__key=industry)
        )
        # A subquery, not a join: a standard linked to two items of one group appears once.
        standards = standards.filter(id__in=links.values("standard_id"))
    if family:
        standards = standards.filter(family=family)
    if type:
        standards = standards.filter(type=type)
    if status:
        standards = standards.filter(status=status)
    if ics:
        standards = standards.filter(ics__startswith=ics)

    terms = query_terms(query)
    code: StandardCode | None = None
    with contextlib.suppress(InvalidStandardCode):
        code = parse_standard_code(query)
    if not terms and code is None:
        return standards.order_by("code")
    if connection.vendor == "postgresql":
        return _postgresql(standards, terms, code)
    return _sqlite(standards, terms, code)


def _code_order(code: StandardCode) -> Case:
    """0 for the edition typed, 1 for its other editions, 2 for word matches."""
    return Case(
        When(code=code.canonical, then=Value(0)),
        When(base_code=code.base, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _postgresql(
    standards: QuerySet[Standard], terms: list[str], code: StandardCode | None
) -> QuerySet[Standard]:
    condition = Q()
    if terms:
        vector = SearchVector("search_text", config="simple")
        # Terms are letters and digits only (segment/query_terms), so quoting them is enough.
        raw = " & ".join(f"'{term}'" for term in terms)
        search = SearchQuery(raw, config="simple", search_type="raw")
        standards = standards.annotate(search_vector=vector, rank=SearchRank(vector, search))
        condition = Q(search_vector=search)
    else:
        standards = standards.annotate(rank=Value(0.0))
    if code is None:
        return standards.filter(condition).order_by("-rank", "code")
    return (
        standards.filter(condition | Q(base_code=code.base))
        .annotate(code_order=_code_order(code))
        .order_by("code_order", "-rank", F("year").desc(nulls_last=True), "code")
    )


def _match(terms: list[str]) -> str:
    # Each term a quoted FTS5 string; juxtaposed strings mean AND.
    return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


def _sqlite(
    standards: QuerySet[Standard], terms: list[str], code: StandardCode | None
) -> QuerySet[Standard]:
    if code is None:
        # Join the FTS table so bm25() is computed once per match, in the same statement.
        return standards.extra(  # noqa: S610 - fixed SQL; the only parameter is bound
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = standards_standard.id", f"{FTS_TABLE} MATCH %s"],
            params=[_match(terms)],
            select={"rank": f"bm25({FTS_TABLE})"},
            order_by=["rank", "code"],
        )
    # A code query: editions of the code first, then word matches (by code; bm25 cannot be
    # had for rows outside the join, and the OR needs them).
    condition = Q(base_code=code.base)
    if terms:
        matching = RawSQL(  # noqa: S611 - fixed SQL; the only parameter is bound
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [_match(terms)],
        )
        condition |= Q(id__in=matching)
    return (
        standards.filter(condition)
        .annotate(code_order=_code_order(code))
        .order_by("code_order", F("year").desc(nulls_last=True), "code")
    )
