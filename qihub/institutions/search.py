"""Full-text search over capability lines, on PostgreSQL and on SQLite.

Both databases index ``CapabilityLine.search_text`` (jieba words of object, parameter, field
and the cited codes; see scope.read_capability) and need every word of the query (AND):
PostgreSQL through the GIN-indexed ``to_tsvector('simple', …)``, SQLite through the FTS5 table
that migration 0001 keeps in sync by triggers.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from qihub.core.search import query_terms
from qihub.institutions.models import CapabilityLine

__all__ = ["FTS_TABLE", "matching_text"]

FTS_TABLE = "institutions_capabilityline_fts"


def matching_text(lines: QuerySet[CapabilityLine], text: str) -> QuerySet[CapabilityLine]:
    """The lines containing every word of ``text``; all of them when it has no words."""
    terms = query_terms(text)
    if not terms:
        return lines
    if connection.vendor == "postgresql":
        # Terms are letters and digits only (query_terms), so quoting them is enough.
        query = SearchQuery(" & ".join(f"'{t}'" for t in terms), config="simple", search_type="raw")
        return lines.annotate(search_vector=SearchVector("search_text", config="simple")).filter(
            search_vector=query
        )
    match = " ".join('"{}"'.format(t.replace('"', '""')) for t in terms)
    rowids = RawSQL(  # noqa: S611 - fixed SQL; the only parameter is bound
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [match],
    )
    return lines.filter(id__in=rowids)
