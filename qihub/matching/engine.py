"""The matching engine: a :class:`~qihub.matching.understanding.Need` → the institutions that can
genuinely meet it, ranked, each with its reasons and matching capability lines.

``match(need)`` works in two steps:

1. **Candidates, in SQL** (:func:`candidate_lines`): lines of the need's kind(s) whose
   qualification is effectively valid today (service lines need none), of an active
   organisation, of the requested dimension and covering the stated range bounds, reached by
   one of these routes:

   - every term hits the full-text index (each term *or* one of its synonyms or narrower words:
     ``(钢筋 OR 螺纹钢 …) AND (拉伸 OR 拉伸试验 …)``);
   - the line cites a requested standard (any edition), and its object terms hit the index;
   - the line cites a method standard whose *title* has the method terms (a 钢筋 line citing
     GB/T 228.1 "金属材料 拉伸试验" does 拉伸试验), and its object terms hit the index;
   - for a certification scheme: the line cites one of the scheme's standards, or its words
     name the scheme.

   Only the first :data:`MAX_CANDIDATES` lines by id are read (:func:`_fetch`), so the cost
   does not grow with the catalogue: each full-text route is walked in id order in windows
   (FTS5 stops at a window's end; ``_fts_window``) and filtered in SQL window by window (the
   filter compiled once per route, run with each window's bounds: ``_window_reader``; "cites a
   requested standard" is answered from the (base_code, line) index alone); when there are more
   lines and the need names a place, the first :data:`NEAR_CANDIDATES` lines of that city's
   institutions and of its neighbours' are read as well, so the nearest are never cut (those
   among the lines already read count, and the rest is read from past them: ``_near``). Lines
   are read as light rows (:data:`_COLUMNS`, with the city's code, and the cited standards, in
   one more query); full model rows are loaded only for the lines shown, each organisation,
   city and qualification once (:func:`_shown_lines`). Past the cap, institutions equal in
   coverage and place are ranked among those read, not all.

2. **Rules, in Python** (:func:`_judged`), on those lines only, once per distinct line (lines
   alike in every column the rules read share one judgement, :func:`_judge`):

   - *object terms* (materials, products, instruments, special equipment, and any word the
     vocabulary does not know) must hit the line's object or parameter text — not only its
     field — so "钢筋 拉伸" never matches a 钢丝绳 line that only says 拉伸, and 压力表 never a
     压力容器; *method terms* (tests, parameters) may also be met by the title of a cited
     standard, or by citing the requested standard itself;
   - standards: a line citing the requested edition is exact; one citing the base without a
     year is "any version"; one citing only an older edition is flagged
     ("仅具备已被代替的 … 资质") and never exact; a need without a year matches any edition,
     and a cited edition no longer in force is flagged;
   - range: a ranged need (with a unit) needs a line of the same dimension covering every
     *stated* bound after conversion; a line without a range cannot prove it and does not match;
   - accuracy: ``at_least_as_good`` must be True; None (cannot be said) puts the institution in
     :attr:`MatchResult.unconfirmed` ("精度需人工确认"), never among the results;
   - restrictions (:func:`restriction_excludes`): a restriction to internal use excludes every
     request from the platform; "不含/不包括/不包含/不适用于/不做/除…外 X" excludes a need
     whose terms appear in X; "仅/只/仅限/只限 X" excludes a need none of whose terms appear in
     X when X names a word of the vocabulary (so "仅限钢板" excludes 钢筋, while "仅限现场检测"
     excludes nothing).

Institutions, not lines, are ranked. ``score = 100 × coverage + 0.1 × place + speed/price``:
coverage is the mean over the need's facets (terms, standards, scheme, range, accuracy) of the
best line; place is 3 same city, 2 neighbouring city (``data/neighbours.csv``), 1 elsewhere in
Liaoning, 0 outside; faster and cheaper lines add less than 0.1, so they only break ties.
Credit grades will add to the same score through :func:`credit_bonuses`.
"""

from __future__ import annotations

import csv
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.models import Organisation
from qihub.core.errors import DomainError
from qihub.core.search import query_terms, segment
from qihub.core.text import pinyin_full
from qihub.core.units import Range, parse_unit
from qihub.institutions.accuracy import Accuracy, at_least_as_good, full_scale_magnitude
from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
from qihub.institutions.search import FTS_TABLE
from qihub.matching.understanding import Need, StandardRef, understand
from qihub.matching.vocabulary import (
    DATA,
    KIND_CERTIFICATION,
    KINDS,
    Vocabulary,
    vocabulary,
)
from qihub.reference.models import Region
from qihub.standards.models import Standard
from qihub.standards.search import FTS_TABLE as STANDARDS_FTS_TABLE

__all__ = [
    "MAX_CANDIDATES",
    "InstitutionMatch",
    "MatchResult",
    "MatchedLine",
    "candidate_lines",
    "credit_bonus",
    "credit_bonuses",
    "match",
    "match_text",
    "neighbours",
    "restriction_excludes",
]

MAX_CANDIDATES = 500  # lines judged, the first by id (see _fetch)
NEAR_CANDIDATES = 100  # lines of the requested city's institutions (and the neighbours') added
MAX_WINDOW = 16_384  # full-text ids read at once, at most
MAX_TITLE_BASES = 400  # standards whose titles name a method term, at most
MAX_LINES_SHOWN = 10  # matching lines listed per institution
LIAONING_PREFIX = "21"

SAME_CITY = "same_city"
NEIGHBOUR = "neighbour"
PROVINCE = "province"
OUTSIDE = "outside"
_PLACE_POINTS = MappingProxyType({SAME_CITY: 3, NEIGHBOUR: 2, PROVINCE: 1, OUTSIDE: 0})

# Categories of data/synonyms.csv: what a line is *of* (must be named in its object or
# parameter) and what is done to it (may also be named by a cited method standard).
_OBJECT_CATEGORIES = frozenset({"material", "instrument", "special_equipment", "product"})
_METHOD_CATEGORIES = frozenset({"test", "parameter"})

# Standard weights of the standards facet.
_EXACT = 1.0
_ANY_VERSION = 0.8
_NEWER_EDITION = 0.6
_OUT_OF_FORCE = 0.5
_OLDER_EDITION = 0.3
# A need without a standard: a line citing only an edition no longer in force ranks after the
# others of its coverage and place (more than speed and price, less than one place step).
_OUT_OF_FORCE_PENALTY = 0.095


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchedLine:
    """One capability line that meets the need, with why, and what to look out for."""

    line: CapabilityLine
    reasons: tuple[str, ...]
    exact_standard: bool
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        line = self.line
        qualification = line.qualification
        return {
            "id": line.pk,
            "kind": line.kind,
            "object": line.object,
            "parameter": line.parameter,
            "standards": [s.code for s in line.standards.all()],
            "range": line.range_text,
            "uncertainty": line.uncertainty_text,
            "price_cny": None if line.price_cny is None else float(line.price_cny),
            "turnaround_days": line.turnaround_days,
            "qualification": (
                None
                if qualification is None
                else {
                    "type": qualification.type,
                    "number": qualification.number,
                    "valid_to": qualification.valid_to.isoformat(),
                }
            ),
            "exact_standard": self.exact_standard,
            "flags": list(self.flags),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class InstitutionMatch:
    """An institution that can meet the need: its score, reasons and matching lines."""

    organisation: Organisation
    score: float
    reasons: tuple[str, ...]
    lines: tuple[MatchedLine, ...]
    qualification: Qualification | None
    distance: str  # "same_city" | "neighbour" | "province" | "outside"

    @property
    def city_code(self) -> str | None:
        city = self.organisation.city
        return city.code if city is not None else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "uscc": self.organisation.uscc,
            "name": self.organisation.name,
            "city_code": self.city_code,
            "distance": self.distance,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
            "capabilities": [line.as_dict() for line in self.lines],
        }


@dataclass(frozen=True)
class MatchResult:
    """The need as understood, the ranked results, and the institutions whose accuracy could
    not be compared with the one asked ("精度需人工确认"), listed apart and never ranked."""

    need: Need
    results: tuple[InstitutionMatch, ...]
    unconfirmed: tuple[InstitutionMatch, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "understood": self.need.as_dict(),
            "results": [result.as_dict() for result in self.results],
            "unconfirmed": [result.as_dict() for result in self.unconfirmed],
        }


# --- data: neighbours and term categories ------------------------------------------------------

_data_lock = threading.Lock()
_neighbours: Mapping[str, frozenset[str]] | None = None
_categories: Mapping[str, str] | None = None


def neighbours() -> Mapping[str, frozenset[str]]:
    """City code → the codes of the Liaoning cities bordering it (``data/neighbours.csv``)."""
    global _neighbours
    if _neighbours is None:
        table: dict[str, set[str]] = defaultdict(set)
        with (DATA / "neighbours.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                a, b = row["city_code"].strip(), row["neighbour_code"].strip()
                table[a].add(b)
                table[b].add(a)
        with _data_lock:
            _neighbours = MappingProxyType({k: frozenset(v) for k, v in table.items()})
    return _neighbours


def _term_categories() -> Mapping[str, str]:
    """Lower-case word → the category of its first synonym group (material, test …)."""
    global _categories
    if _categories is None:
        out: dict[str, str] = {}
        with (DATA / "synonyms.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for word in (row.get("words") or "").split(";"):
                    if word.strip():
                        out.setdefault(word.strip().lower(), (row.get("category") or "").strip())
        with _data_lock:
            _categories = MappingProxyType(out)
    return _categories


def _is_method_term(term: str) -> bool:
    return _term_categories().get(term.lower(), "") in _METHOD_CATEGORIES


def _narrower(vocab: Vocabulary, word: str) -> tuple[str, ...]:
    """The words of every group below ``word``'s groups (衡器 → 电子秤, 汽车衡 …)."""
    groups = set(vocab.group_of.get(word.lower(), ()))
    if not groups:
        return ()
    children: dict[int, list[int]] = defaultdict(list)
    for child, parents in vocab.broader_of.items():
        for parent in parents:
            children[parent].append(child)
    out: list[str] = []
    pending = list(groups)
    seen = set(groups)
    while pending:
        for child in children.get(pending.pop(0), ()):
            if child not in seen:
                seen.add(child)
                pending.append(child)
                out.extend(w for w in vocab.synonym_groups[child] if w not in out)
    return tuple(out)


_measured: Mapping[str, tuple[str, ...]] | None = None
_pinyin: Mapping[str, str] | None = None


def _measured_by() -> Mapping[str, tuple[str, ...]]:
    """Word → the words its measuring relation links it to (抗拉强度 ↔ 拉伸试验), both ways
    (``data/measured_by.csv``): a line for the tensile test measures tensile strength."""
    global _measured
    if _measured is None:
        links: dict[str, set[str]] = defaultdict(set)
        with (DATA / "measured_by.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                parameter, test = row["parameter"].strip().lower(), row["test"].strip().lower()
                links[parameter].add(test)
                links[test].add(parameter)
        with _data_lock:
            _measured = MappingProxyType({k: tuple(sorted(v)) for k, v in links.items()})
    return _measured


def _pinyin_index() -> Mapping[str, str]:
    """Pinyin (no tones, no spaces) → the domain or kind word it spells, when only one does."""
    global _pinyin
    if _pinyin is None:
        vocab = vocabulary()
        spelled: dict[str, set[str]] = defaultdict(set)
        for word in (*vocab.domain_words, *vocab.kind_words):
            if len(word) >= 2 and not word.isascii():
                spelled[pinyin_full(word).replace(" ", "").lower()].add(word)
        with _data_lock:
            _pinyin = MappingProxyType(
                {p: next(iter(w)) for p, w in spelled.items() if len(w) == 1 and len(p) >= 4}
            )
    return _pinyin


@dataclass(frozen=True)
class _Term:
    term: str
    words: tuple[str, ...]  # the term, its synonyms, narrower and related words (lower case)
    synonyms: frozenset[str]
    method: bool  # a test or parameter: may be met by a cited standard
    known: bool  # in the vocabulary (unknown words may be met by a cited standard's title)


def _terms(need: Need, vocab: Vocabulary) -> list[_Term]:
    """The need's terms as the engine matches them.

    A term spelled in pinyin (yalibiao) stands for the domain word it spells (压力表); one that
    spells a kind word (jianding) or is a lone character the vocabulary does not know (the 试 and
    块 of 试块) names nothing to match and is left out.
    """
    out = []
    for typed in need.terms:
        term = typed.lower()
        synonyms = [w.lower() for w in need.synonyms(typed)]
        if term.isascii() and term.isalpha() and term not in vocab.group_of:
            word = _pinyin_index().get(term)
            if word is not None:
                if vocab.kinds_of(word):
                    continue
                term, synonyms = word, list(vocab.synonyms(word))
        if len(term) == 1 and not term.isascii() and term not in vocab.group_of:
            continue
        related = [r for w in (term, *synonyms) for r in _measured_by().get(w, ())]
        related += [w for r in list(related) for w in vocab.synonyms(r)]
        words = tuple(dict.fromkeys((term, *synonyms, *_narrower(vocab, term), *related)))
        known = term in vocab.group_of or term in vocab.domain_words
        out.append(_Term(typed, words, frozenset([term, *synonyms]), _is_method_term(term), known))
    return out


# --- full-text expressions ------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(query_terms(word))


@lru_cache(maxsize=4096)
def _word_token_set(word: str) -> frozenset[str]:
    return frozenset(_word_tokens(word))


@lru_cache(maxsize=50_000)
def _text_tokens(text: str) -> frozenset[str]:
    return frozenset(segment(text).split())


def _any_of(words: Iterable[str]) -> list[tuple[str, ...]]:
    return [tokens for tokens in dict.fromkeys(_word_tokens(w) for w in words) if tokens]


def _fts_expression(groups: list[list[tuple[str, ...]]]) -> str:
    """AND over groups of OR over words of AND over tokens, for FTS5 or PostgreSQL raw."""
    postgres = connection.vendor == "postgresql"

    def quote(token: str) -> str:
        # Tokens are letters and digits only (query_terms); FTS5 strings double their quotes.
        return f"'{token}'" if postgres else '"{}"'.format(token.replace('"', '""'))

    both, either = (" & ", " | ") if postgres else (" AND ", " OR ")
    parts = []
    for group in groups:
        words = ["(" + both.join(quote(t) for t in tokens) + ")" for tokens in group]
        parts.append("(" + either.join(words) + ")")
    return both.join(parts)


def _fts_queryset(expression: str) -> QuerySet[CapabilityLine]:
    """PostgreSQL: the lines whose search text matches ``expression`` (GIN-indexed)."""
    query = SearchQuery(expression, config="simple", search_type="raw")
    return CapabilityLine.objects.annotate(
        search_vector=SearchVector("search_text", config="simple")
    ).filter(search_vector=query)


def _fts_lines(expression: str) -> Q:
    """Lines whose search text matches ``expression`` (see :func:`_fts_expression`)."""
    if connection.vendor == "postgresql":
        return Q(id__in=_fts_queryset(expression).values("id"))
    rowids = RawSQL(  # noqa: S611 - fixed SQL; the only parameter is bound
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [expression],
    )
    return Q(id__in=rowids)


def _fts_window(expression: str, *, after: int, limit: int) -> tuple[int, int]:
    """How many of the next ``limit`` lines above id ``after`` match ``expression``, and the
    last one's id (``after`` when none do).

    FTS5 walks its doclists in rowid order and stops at the limit, so this costs what it
    counts, not what the whole expression matches."""
    if connection.vendor == "postgresql":
        ids = _fts_queryset(expression).filter(id__gt=after).order_by("id")
        window = list(ids.values_list("id", flat=True)[:limit])
        return len(window), (window[-1] if window else after)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid > %s ORDER BY rowid LIMIT %s)",
            [expression, after, limit],
        )
        count, last = cursor.fetchone()
        return int(count), int(last) if last is not None else after


class _Bound:
    """A window's bound in SQL compiled once per need (:func:`_window_reader`): bound as a
    parameter, replaced by the window's id at each execution."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<window {self.name}>"


_AFTER = _Bound("after")
_LAST = _Bound("last")


def _fts_between(expression: str, after: _Bound, last: _Bound) -> Q:
    """Lines matching ``expression`` with ``after`` < id ≤ ``last`` (bounds bound later)."""
    if connection.vendor == "postgresql":
        ids = _fts_queryset(expression).values("id")
        bigint: BigIntegerField[int, int] = BigIntegerField()
        return Q(
            id__in=ids,
            id__gt=RawSQL("%s", [after], output_field=bigint),
            id__lte=RawSQL("%s", [last], output_field=bigint),
        )
    rowids = RawSQL(  # noqa: S611 - fixed SQL; the parameters are bound
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
        "AND rowid > %s AND rowid <= %s",
        [expression, after, last],
    )
    return Q(id__in=rowids)


def _sqlite_window_ids(drive: str, source: _Source, *, from_citations: bool) -> RawSQL:
    """SQLite: the ids of the lines matching ``drive`` with ``_AFTER`` < id ≤ ``_LAST`` that
    also match ``source.text`` or cite one of ``source.bases``, from the full-text and
    citation indexes alone.

    Joined line by line instead, SQLite reads every line the drive matches (thousands per
    window, most of them then rejected) before probing the other conditions; reading a line
    costs more than both probes, so only the lines that qualify are read.

    ``from_citations``: the window's citing lines are listed once from the (base_code, line)
    index, rather than that index probed once per base for every line the drive matches; the
    cheaper way when few lines of the window cite the bases (see :func:`_few_citing`)."""
    fts = (
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - fixed SQL
        "AND rowid > %s AND rowid <= %s"
    )
    either: list[str] = []
    params: list[Any] = [drive, _AFTER, _LAST]
    if source.text is not None:
        either.append(f"rowid IN ({fts})")
        params += [source.text, _AFTER, _LAST]
    if source.bases:
        marks = ", ".join(["%s"] * len(source.bases))
        citing = f"FROM {CapabilityStandard._meta.db_table} c WHERE c.base_code IN ({marks})"
        if from_citations:
            # The unary + keeps SQLite from planning the OR over the full-text table's rowid
            # index, which it cannot do with MATCH.
            either.append(
                f"+rowid IN (SELECT c.line_id {citing} AND c.line_id > %s AND c.line_id <= %s)"
            )
            params += [*source.bases, _AFTER, _LAST]
        else:
            either.append(f"EXISTS (SELECT 1 {citing} AND c.line_id = {FTS_TABLE}.rowid)")
            params += source.bases
    return RawSQL(f"{fts} AND ({' OR '.join(either)})", params)  # noqa: S611 - fixed SQL


def _few_citing(bases: Collection[str], *, after: int, last: int, than: int) -> bool:
    """Whether fewer than ``than`` lines with ``after`` < id ≤ ``last`` cite one of ``bases``
    (counted from the (base_code, line) index, and only up to ``than``)."""
    marks = ", ".join(["%s"] * len(bases))
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {CapabilityStandard._meta.db_table} "  # noqa: S608
        f"WHERE base_code IN ({marks}) AND line_id > %s AND line_id <= %s LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bases, after, last, than])
        (count,) = cursor.fetchone()
    return int(count) < than


def _id_list(ids: Collection[int]) -> tuple[str, list[Any]]:
    """``ids`` as a subquery over one bound parameter (a JSON array or an array): Django
    would otherwise prepare a parameter per id, which costs more than the query."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [sorted(ids)]
    return "SELECT value FROM json_each(%s)", [json.dumps(sorted(ids))]


def _among(ids: Collection[int]) -> RawSQL:
    """``ids`` for ``field__in`` (see :func:`_id_list`)."""
    return RawSQL(*_id_list(ids))  # noqa: S611 - fixed SQL; the only parameter is bound


_M = TypeVar("_M", bound=Model)


def _rows_by_id(model: type[_M], ids: Collection[int]) -> dict[int, _M]:
    """The whole rows of ``model`` with these ids, by id, without their relations.

    Written in SQL, not compiled by the ORM: compiling a query costs more than running one of
    these (a few dozen rows by primary key), and :func:`_shown_lines` needs several per need."""
    if not ids:
        return {}
    among, params = _id_list(ids)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE id IN ({among})"  # noqa: S608 - fixed SQL
    return {row.pk: row for row in model._default_manager.raw(sql, params)}


def _standards_titled(groups: list[list[tuple[str, ...]]]) -> list[str]:
    """Base codes of catalogue standards whose title has every group (at most a few hundred)."""
    expression = _fts_expression(groups)
    if connection.vendor == "postgresql":
        query = SearchQuery(expression, config="simple", search_type="raw")
        standards = Standard.objects.annotate(
            search_vector=SearchVector("search_text", config="simple")
        ).filter(search_vector=query)
    else:
        rowids = RawSQL(  # noqa: S611 - fixed SQL; the only parameter is bound
            f"SELECT rowid FROM {STANDARDS_FTS_TABLE} WHERE {STANDARDS_FTS_TABLE} MATCH %s",  # noqa: S608
            [expression],
        )
        standards = Standard.objects.filter(id__in=rowids)
    bases = standards.values_list("base_code", flat=True).distinct()[:MAX_TITLE_BASES]
    return list(bases)


def _citing(bases: Iterable[str]) -> Q:
    """Lines citing one of ``bases`` (any edition), as a set: for lines not reached otherwise."""
    return Q(id__in=CapabilityStandard.objects.filter(base_code__in=list(bases)).values("line_id"))


def _cites(bases: Iterable[str]) -> Q:
    """Whether the line at hand cites one of ``bases``, line by line (index on line, code)."""
    citations = CapabilityStandard.objects.filter(line_id=OuterRef("pk"), base_code__in=list(bases))
    return Q(Exists(citations))


# --- candidates -------------------------------------------------------------------------------


def _kinds(need: Need) -> tuple[str, ...]:
    if need.kinds:
        return need.kinds
    if need.cert_scheme:
        return (KIND_CERTIFICATION,)
    return KINDS


def _range_condition(need_range: Range) -> Q:
    """The line's dimension, and every stated bound inside the line's range (None = open)."""
    condition = Q(dimension=need_range.dimension) & (
        Q(range_min_base__isnull=False) | Q(range_max_base__isnull=False)
    )
    for bound in (need_range.base_low(), need_range.base_high()):
        if bound is None:
            continue
        slack = abs(bound) * 1e-9 + 1e-12
        condition &= Q(range_min_base__isnull=True) | Q(range_min_base__lte=bound + slack)
        condition &= Q(range_max_base__isnull=True) | Q(range_max_base__gte=bound - slack)
    return condition


def _scheme_words(need: Need, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """(standard bases, words) that name the need's certification scheme."""
    scheme = vocab.scheme(need.cert_scheme) if need.cert_scheme else None
    if scheme is None:
        return [], []
    words = [scheme.name_zh.split("（")[0]]
    words += [k for k in scheme.keywords if not k.isdigit() and len(k) >= 2]
    if scheme.is_compulsory and scheme.code != "CCC":
        parent = vocab.scheme("CCC")
        words = [scheme.name_zh, *scheme.products]
        if parent is not None:
            words += [k for k in parent.keywords if len(k) >= 2]
    return list(scheme.standards), list(dict.fromkeys(w.lower() for w in words))


@dataclass(frozen=True)
class _Source:
    """One way lines reach the candidates.

    With ``drive`` (a full-text expression), the lines it matches, walked in id order, that
    also match ``text`` or cite one of ``bases`` when either is given; without it, the lines
    citing one of ``bases``.
    """

    drive: str | None
    text: str | None = None
    bases: tuple[str, ...] = ()

    def condition(self) -> Q:
        """The same set as one condition, for :func:`candidate_lines`."""
        if self.drive is None:
            return _citing(self.bases)
        also = Q()
        if self.text is not None:
            also |= _fts_lines(self.text)
        if self.bases:
            also |= _citing(self.bases)
        return _fts_lines(self.drive) & also if also else _fts_lines(self.drive)


def _sources(need: Need, terms: list[_Term], vocab: Vocabulary) -> list[_Source]:
    """The routes of the module docstring, each as a :class:`_Source` (none: nothing to match).

    A line must have every term: its object terms in its own text, its method terms there too
    or through a standard it cites (the requested one, or one whose title has them). So with
    object terms, every route starts from the lines that have them.
    """
    object_groups = [g for g in (_any_of(t.words) for t in terms if not t.method and t.known) if g]
    method_groups = [g for g in (_any_of(t.words) for t in terms if t.method or not t.known) if g]
    need_bases = tuple(dict.fromkeys(s.base for s in need.standards))
    sources: list[_Source] = []
    if object_groups:
        every = _fts_expression(object_groups + method_groups)
        bases = need_bases
        if method_groups:
            bases += tuple(b for b in _standards_titled(method_groups) if b not in bases)
        if method_groups and bases:
            sources.append(_Source(_fts_expression(object_groups), text=every, bases=bases))
        else:
            sources.append(_Source(every))
    elif method_groups:
        sources.append(_Source(_fts_expression(method_groups)))
        if need_bases:
            sources.append(_Source(None, bases=need_bases))
    elif need_bases:
        sources.append(_Source(None, bases=need_bases))
    if need.cert_scheme:
        scheme_bases, words = _scheme_words(need, vocab)
        if scheme_bases:
            sources.append(_Source(None, bases=tuple(scheme_bases)))
        groups = _any_of(words)
        if groups:
            sources.append(_Source(_fts_expression([groups])))
    cited = tuple(
        dict.fromkeys(b for source in sources if source.drive is None for b in source.bases)
    )
    sources = [source for source in sources if source.drive is not None]
    if cited:
        sources.append(_Source(None, bases=cited))
    return sources


def _eligible(
    need: Need,
    *,
    today: date,
    exclude: Collection[int] = (),
    only: Collection[int] | None = None,
) -> QuerySet[CapabilityLine]:
    """Lines of the need's kind(s), effectively valid today, of an active organisation, of the
    requested dimension covering the stated range bounds, not excluded (and among ``only``)."""
    lines = (
        CapabilityLine.objects.with_valid_qualification(today)
        .filter(kind__in=_kinds(need), organisation__is_active=True)
        .order_by()
    )
    if need.range is not None and need.range.unit is not None:
        lines = lines.filter(_range_condition(need.range))
    if exclude:
        lines = lines.exclude(organisation_id__in=sorted(exclude))
    if only is not None:
        lines = lines.filter(organisation_id__in=sorted(only))
    return lines


def candidate_lines(
    need: Need,
    *,
    today: date,
    exclude: Collection[int] = (),
    only: Collection[int] | None = None,
) -> QuerySet[CapabilityLine] | None:
    """Every line worth judging, in SQL; None when the need names nothing to match on.

    :func:`match` reads the same lines, but only the first of them (see :func:`_fetch`)."""
    vocab = vocabulary()
    sources = _sources(need, _terms(need, vocab), vocab)
    if not sources:
        return None
    condition = sources[0].condition()
    for source in sources[1:]:
        condition |= source.condition()
    return _eligible(need, today=today, exclude=exclude, only=only).filter(condition)


# What the engine reads of a candidate line to judge and rank it (the rest is loaded only for
# the lines shown).
_COLUMNS = (
    "id",
    "organisation_id",
    "organisation__uscc",
    "organisation__city__code",
    "kind",
    "object",
    "parameter",
    "unit",
    "range_min",
    "range_max",
    "range_text",
    "accuracy",
    "uncertainty_text",
    "restriction",
    "price_cny",
    "turnaround_days",
)
_FIRST_WINDOW = 256  # full-text ids read at first, then four times more each time


# The window's citing lines are listed (``from_citations``) when the drive matches at least this
# many times more lines there: then listing them costs clearly less than probing the bases for
# every line the drive matches, and counting them (up to that point) costs little.
_MATCHED_PER_CITING = 2


def _window_reader(
    drive: str, source: _Source, eligible: QuerySet[CapabilityLine]
) -> Callable[[int, int, int, int], list[tuple[Any, ...]]]:
    """``read(after, last, matched, limit)``: the first ``limit`` eligible lines of a full-text
    source with ``after`` < id ≤ ``last`` (where the drive matches ``matched`` lines), by id,
    as :data:`_COLUMNS`.

    The SQL is compiled once (on SQLite, once per way of finding the citing lines), with the
    window's bounds as parameters, and run once per window: compiling the same query per
    window cost more than running it."""
    if connection.vendor == "sqlite" and (source.text is not None or source.bases):
        readers: dict[bool, Callable[[int, int, int], list[tuple[Any, ...]]]] = {}

        def read(after: int, last: int, matched: int, limit: int) -> list[tuple[Any, ...]]:
            listed = bool(source.bases) and _few_citing(
                source.bases, after=after, last=last, than=max(1, matched // _MATCHED_PER_CITING)
            )
            if listed not in readers:
                ids = _sqlite_window_ids(drive, source, from_citations=listed)
                readers[listed] = _compiled_reader(eligible.filter(id__in=ids))
            return readers[listed](after, last, limit)

        return read
    condition = _fts_between(drive, _AFTER, _LAST)
    if source.text is not None or source.bases:
        also = Q()
        if source.text is not None:
            also |= _fts_between(source.text, _AFTER, _LAST)
        if source.bases:
            also |= _cites(source.bases)
        condition &= also
    reader = _compiled_reader(eligible.filter(condition))
    return lambda after, last, _matched, limit: reader(after, last, limit)


def _compiled_reader(
    lines: QuerySet[CapabilityLine],
) -> Callable[[int, int, int], list[tuple[Any, ...]]]:
    """``read(after, last, limit)``: the first ``limit`` of ``lines`` by id, as
    :data:`_COLUMNS`, for a window's bounds (:data:`_AFTER`, :data:`_LAST`), compiled once."""
    queryset = lines.order_by("id").values_list(*_COLUMNS)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    sql = f"{sql} LIMIT %s"

    def read(after: int, last: int, limit: int) -> list[tuple[Any, ...]]:
        bound = [after if p is _AFTER else last if p is _LAST else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound, limit])
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))

    return read


def _read_source(
    source: _Source,
    eligible: QuerySet[CapabilityLine],
    want: int,
    *,
    by_line: bool,
    after: int = 0,
) -> tuple[list[tuple[Any, ...]], bool]:
    """The first ``want`` eligible lines of ``source`` by id, and whether there are more
    (for a full-text source, only lines above id ``after``)."""
    if source.drive is None:
        # Citing lines without a full-text route: line by line when only certification lines
        # qualify (few), from the citations otherwise.
        if by_line:
            # In the order of the (kind, field) index, which SQLite then walks instead of
            # scanning every line in id order.
            lines = eligible.filter(_cites(source.bases)).order_by("kind", "field_id", "id")
        else:
            lines = eligible.filter(_citing(source.bases)).order_by("id")
        some = list(lines.values_list(*_COLUMNS)[: want + 1])
        return some[:want], len(some) > want
    read = _window_reader(source.drive, source, eligible)
    rows: list[tuple[Any, ...]] = []
    window = max(_FIRST_WINDOW, want)
    while True:
        count, last = _fts_window(source.drive, after=after, limit=window)
        if not count:
            return rows, False
        rows.extend(read(after, last, count, want + 1 - len(rows)))
        if len(rows) > want:
            return rows[:want], True
        if count < window:
            return rows, False
        after = last
        window = min(window * 4, MAX_WINDOW)


class _Cited(NamedTuple):
    """A standard a candidate line cites; ``status`` is its catalogue edition's, if known."""

    code: str
    base_code: str
    year: int | None
    status: str | None


@dataclass(slots=True)
class _Row:
    """A candidate line as the rules read it (:data:`_COLUMNS`), with the standards it cites."""

    id: int
    organisation_id: int
    uscc: str
    city_code: str | None
    kind: str
    object: str
    parameter: str
    unit: str
    range_min: float | None
    range_max: float | None
    range_text: str
    accuracy: dict[str, Any] | None
    uncertainty_text: str
    restriction: str
    price_cny: Decimal | None
    turnaround_days: int | None
    cited: tuple[_Cited, ...] = ()


_CITY = _COLUMNS.index("organisation__city__code")


def _near(
    source: _Source,
    rows: list[tuple[Any, ...]],
    truncated: bool,
    near: QuerySet[CapabilityLine],
    codes: Collection[str],
    *,
    by_line: bool,
) -> list[tuple[Any, ...]]:
    """The first :data:`NEAR_CANDIDATES` lines of ``source`` by id among the ``near`` ones
    (of institutions in the cities ``codes``), given the source's first eligible ``rows``.

    A full-text source's ``rows`` are all its eligible lines up to the last one's id, so the
    near lines among them are taken from them, and only the rest is read, from past that id."""
    if source.drive is None:
        found, _more = _read_source(source, near, NEAR_CANDIDATES, by_line=by_line)
        return found
    wanted = set(codes)
    mine = [row for row in rows if row[_CITY] in wanted][:NEAR_CANDIDATES]
    if not truncated or len(mine) >= NEAR_CANDIDATES:
        return mine
    rest, _more = _read_source(
        source, near, NEAR_CANDIDATES - len(mine), by_line=False, after=rows[-1][0]
    )
    return mine + rest


def _citations(line_ids: Collection[int]) -> dict[int, list[_Cited]]:
    """Line id → the standards it cites, in order, with their catalogue edition's status.

    Written in SQL, like :func:`_rows_by_id`: compiling the query cost half as much again as
    running it."""
    if not line_ids:
        return {}
    among, params = _id_list(line_ids)
    sql = (
        "SELECT c.line_id, c.code, c.base_code, c.year, s.status "  # noqa: S608 - fixed SQL
        f"FROM {CapabilityStandard._meta.db_table} c "
        f"LEFT JOIN {Standard._meta.db_table} s ON s.id = c.standard_id "
        f"WHERE c.line_id IN ({among}) ORDER BY c.line_id, c.id"
    )
    cited: dict[int, list[_Cited]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for line_id, code, base, year, status in cursor.fetchall():
            cited[line_id].append(_Cited(code, base, year, status))
    return cited


def _fetch(
    need: Need,
    sources: list[_Source],
    *,
    today: date,
    exclude: Collection[int],
    only: Collection[int] | None,
) -> list[_Row]:
    """The candidate lines judged: the first :data:`MAX_CANDIDATES` by id over every source;
    when there are more and the need names a place, also the first :data:`NEAR_CANDIDATES` of
    its city's institutions and of the neighbouring cities', so the nearest are never cut."""
    eligible = _eligible(need, today=today, exclude=exclude, only=only)
    by_line = _kinds(need) == (KIND_CERTIFICATION,)
    found: dict[int, tuple[Any, ...]] = {}
    read: list[tuple[_Source, list[tuple[Any, ...]], bool]] = []
    more = False
    for source in sources:
        rows, truncated = _read_source(source, eligible, MAX_CANDIDATES, by_line=by_line)
        read.append((source, rows, truncated))
        more = more or truncated
        found.update((row[0], row) for row in rows)
    if len(found) > MAX_CANDIDATES:
        more = True
        found = {pk: found[pk] for pk in sorted(found)[:MAX_CANDIDATES]}
    if more and need.place is not None:
        city = need.place.city_code
        for codes in ([city], sorted(neighbours().get(city, ()))):
            if not codes:
                continue
            near = eligible.filter(
                organisation__in=Organisation.objects.filter(city__code__in=codes).values("id")
            )
            for source, rows, truncated in read:
                nearest = _near(source, rows, truncated, near, codes, by_line=by_line)
                found.update((row[0], row) for row in nearest)
    cited = _citations(found)
    out = []
    for pk, values in sorted(found.items()):
        row = _Row(*values)
        row.cited = tuple(cited.get(pk, ()))
        out.append(row)
    return out


# --- judging one line ----------------------------------------------------------------------------

_INTERNAL = ("内部使用", "内部检测", "不对外", "仅对内", "仅限本单位", "仅限本公司", "仅限本集团")
_EXCLUDING = ("不含", "不包括", "不包含", "不适用于", "不做", "不能做", "不检")
_ONLY = ("仅限", "只限", "限于", "只做", "只测", "仅做", "仅测", "仅")
_CLAUSE_END = "，,；;。、()（）"


def _clauses_after(text: str, markers: Iterable[str]) -> list[str]:
    out = []
    for marker in markers:
        start = text.find(marker)
        while start >= 0:
            rest = text[start + len(marker) :]
            end = min((rest.find(c) for c in _CLAUSE_END if c in rest), default=len(rest))
            out.append(rest[:end])
            start = text.find(marker, start + len(marker))
    return out


def restriction_excludes(restriction: str, terms: Iterable[Collection[str]]) -> str | None:
    """Why a line's restriction excludes a need (its terms, each with its words), or None.

    1. A line for internal use only (内部使用, 不对外, 仅限本单位 …) serves no request from the
       platform.
    2. "不含/不包括/不包含/不适用于/不做/除…外 X": excluded when one of the need's words is in X.
    3. "仅限/只限/只做/仅 X": excluded when X names a word of the synonym groups and none of the
       need's words is in X ("仅限钢板" excludes 钢筋; "仅限现场检测" restricts nothing).
    """
    text = (restriction or "").strip()
    if not text:
        return None
    if any(marker in text for marker in _INTERNAL):
        return _("限制范围“%(text)s”：仅限内部使用") % {"text": text}
    term_words = [tuple(words) for words in terms]

    def mentions(clause: str) -> bool:
        return any(word and word in clause for words in term_words for word in words)

    excluded = _clauses_after(text, _EXCLUDING)
    excluded += [part.split("外")[0] for part in _clauses_after(text, ("除",)) if "外" in part]
    if any(mentions(clause) for clause in excluded):
        return _("限制范围“%(text)s”不包括所需项目") % {"text": text}
    if term_words:
        domain = vocabulary().group_of  # objects, products, tests: not kind words (检测)
        for clause in _clauses_after(text, _ONLY):
            names_something = any(
                clause[i:j] in domain
                for i in range(len(clause))
                for j in range(i + 2, min(len(clause), i + 8) + 1)
            )
            if names_something and not mentions(clause):
                return _("限制范围“%(text)s”不含所需对象") % {"text": text}
    return None


@dataclass(frozen=True, slots=True)
class _Judgement:
    """What the rules say of a line; lines alike in every column the rules read share one."""

    coverage: float
    exact: bool
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    confirmed: bool = True  # False: accuracy could not be compared
    out_of_force: bool = False  # cites an edition no longer in force (need without a standard)


@dataclass(frozen=True, slots=True)
class _Verdict:
    row: _Row
    judgement: _Judgement


Editions = list[tuple[str, int | None, str, str]]  # (code, year, status, title), newest first


@dataclass
class _Context:
    """What the rules need of one need, computed once for all its candidate lines."""

    need: Need
    terms: list[_Term]
    term_tokens: list[tuple[tuple[str, frozenset[str]], ...]]  # per term: (word, its tokens)
    need_bases: frozenset[str]
    scheme_bases: frozenset[str]
    scheme_tokens: tuple[frozenset[str], ...]
    catalogue: Mapping[str, Editions]  # base → editions
    titles: Mapping[str, frozenset[str]]  # base → the words of its newest edition's title
    judged: dict[tuple[Any, ...], _Judgement | None] = field(default_factory=dict)


def _context(need: Need, terms: list[_Term], rows: list[_Row], vocab: Vocabulary) -> _Context:
    scheme_bases, scheme_words = _scheme_words(need, vocab)
    catalogue = _catalogue({c.base_code for row in rows for c in row.cited})
    return _Context(
        need=need,
        terms=terms,
        term_tokens=[tuple((w, _word_token_set(w)) for w in t.words) for t in terms],
        need_bases=frozenset(s.base for s in need.standards),
        scheme_bases=frozenset(scheme_bases),
        scheme_tokens=tuple(_word_token_set(w) for w in scheme_words),
        catalogue=catalogue,
        titles={
            base: _text_tokens(editions[0][3]) for base, editions in catalogue.items() if editions
        },
    )


def _edition_in_force(cited: _Cited, editions: Editions) -> bool | None:
    """Whether the cited edition is in force: True, False, or None when unknown."""
    if cited.status is not None:
        return bool(cited.status == Standard.Status.CURRENT)
    if not editions:
        return None
    if cited.year is None:
        return any(status == Standard.Status.CURRENT for _c, _y, status, _t in editions)
    for code, _year, status, _title in editions:
        if code == cited.code:
            return bool(status == Standard.Status.CURRENT)
    newer = [y for _c, y, _s, _t in editions if y is not None and y > cited.year]
    return False if newer else None


def _judge_standard(
    asked: StandardRef, cited: tuple[_Cited, ...], ctx: _Context
) -> tuple[float, bool, str, str | None]:
    """(facet score, exact, reason, flag) of one requested standard against a line."""
    same = [c for c in cited if c.base_code == asked.base]
    if not same:
        return 0.0, False, _("未引用 %(code)s") % {"code": asked.code}, None
    best: tuple[float, bool, str, str | None] | None = None
    verdict: tuple[float, bool, str, str | None]
    for c in same:
        in_force = _edition_in_force(c, ctx.catalogue.get(c.base_code, []))
        if asked.year is not None and c.year == asked.year:
            verdict = (_EXACT, True, _("%(code)s 精确匹配") % {"code": c.code}, None)
        elif c.year is None:
            verdict = (_ANY_VERSION, False, _("%(code)s（不限版本）") % {"code": c.code}, None)
        elif asked.year is None:
            if in_force is False:
                flag = _("引用的 %(code)s 已被代替或废止") % {"code": c.code}
                verdict = (_OUT_OF_FORCE, False, c.code, flag)
            else:
                verdict = (_EXACT, False, _("%(code)s 符合") % {"code": c.code}, None)
        elif c.year < asked.year:
            flag = _("仅具备已被代替的 %(code)s 资质") % {"code": c.code}
            verdict = (_OLDER_EDITION, False, c.code, flag)
        else:
            flag = _("引用的是 %(code)s，不是所需的 %(asked)s") % {
                "code": c.code,
                "asked": asked.code,
            }
            verdict = (_NEWER_EDITION, False, c.code, flag)
        if best is None or verdict[0] > best[0]:
            best = verdict
    return best if best is not None else (0.0, False, asked.code, None)


def _line_range(row: _Row) -> Range | None:
    if not row.unit or (row.range_min is None and row.range_max is None):
        return None
    try:
        return Range(row.range_min, row.range_max, parse_unit(row.unit), row.range_text)
    except DomainError:
        return None


def _stated(need_range: Range) -> Range:
    low = need_range.low if need_range.low is not None else need_range.high
    high = need_range.high if need_range.high is not None else need_range.low
    return Range(low, high, need_range.unit, need_range.text)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def _judge(row: _Row, ctx: _Context) -> _Judgement | None:
    """The line's judgement, or None when it does not meet the need (see :func:`_judged`)."""
    key = (
        row.kind == KIND_CERTIFICATION,
        row.object,
        row.parameter,
        row.unit,
        row.range_min,
        row.range_max,
        row.range_text,
        _hashable(row.accuracy),
        row.uncertainty_text,
        row.restriction,
        row.cited,
    )
    try:
        return ctx.judged[key]
    except KeyError:
        judgement = ctx.judged[key] = _judged(row, ctx)
        return judgement


def _judged(row: _Row, ctx: _Context) -> _Judgement | None:
    """The rules of the module docstring, on one line."""
    need = ctx.need
    cited = row.cited
    own = _text_tokens(f"{row.object} {row.parameter}")
    facets: list[float] = []
    reasons: list[str] = []
    flags: list[str] = []
    exact = False
    out_of_force = False
    certification = row.kind == KIND_CERTIFICATION

    cites_asked = any(c.base_code in ctx.need_bases for c in cited)
    titles: frozenset[str] = frozenset()
    for c in cited:
        titles |= ctx.titles.get(c.base_code, frozenset())

    # Terms.
    hits = 0
    for term, words in zip(ctx.terms, ctx.term_tokens, strict=True):
        found = next((w for w, tokens in words if tokens <= own), None)
        if found is not None:
            hits += 1
            if found == term.term.lower():
                pass
            elif found in term.synonyms:
                reasons.append(f"{term.term}≈{found}")
            else:
                reasons.append(_("%(term)s：%(word)s") % {"word": found, "term": term.term})
            continue
        may_use_titles = term.method or not term.known
        if term.method and cites_asked:
            hits += 1
            continue
        if may_use_titles and any(tokens <= titles for _w, tokens in words):
            hits += 1
            reasons.append(_("%(term)s（方法标准）") % {"term": term.term})
            continue
        if not certification:
            return None  # every term must be met; a certification's sectors are coarse
    if ctx.terms:
        facets.append(hits / len(ctx.terms))

    # Certification scheme.
    if need.cert_scheme:
        by_standard = any(c.base_code in ctx.scheme_bases for c in cited)
        by_words = any(tokens <= own for tokens in ctx.scheme_tokens)
        if not (by_standard or by_words):
            return None
        facets.append(1.0)
        reasons.append(row.object)

    # Standards.
    if need.standards:
        scores = []
        for asked in need.standards:
            score, is_exact, reason, flag = _judge_standard(asked, cited, ctx)
            scores.append(score)
            exact = exact or is_exact
            reasons.insert(0, reason)
            if flag:
                flags.append(flag)
        facets.append(sum(scores) / len(scores))
    else:
        for c in cited:
            if _edition_in_force(c, ctx.catalogue.get(c.base_code, [])) is False:
                flags.append(_("引用的 %(code)s 已被代替或废止") % {"code": c.code})
                out_of_force = True

    # Range.
    line_range = _line_range(row)
    if need.range is not None and need.range.unit is not None:
        try:
            covered = line_range is not None and line_range.covers(_stated(need.range))
        except DomainError:
            covered = False
        if not covered:
            return None
        facets.append(1.0)
        reasons.append(
            _("量程覆盖 %(need)s（%(line)s）") % {"need": need.range, "line": row.range_text}
        )

    # Accuracy.
    confirmed = True
    if need.accuracy is not None:
        offered = None
        if row.accuracy:
            try:
                offered = Accuracy.from_dict(row.accuracy)
            except DomainError:
                offered = None
        verdict = None
        if offered is not None:
            verdict = at_least_as_good(
                offered,
                need.accuracy,
                over=need.range if need.range is not None else line_range,
                offered_full_scale=full_scale_magnitude(line_range) if line_range else None,
            )
        if verdict is False:
            return None
        if verdict is None:
            confirmed = False
            flags.append(_("精度需人工确认"))
        else:
            facets.append(1.0)
            reasons.append(
                _("精度满足 %(need)s（%(line)s）")
                % {"need": need.accuracy, "line": row.uncertainty_text}
            )

    # Restriction.
    why = restriction_excludes(row.restriction, (t.words for t in ctx.terms))
    if why is not None:
        return None
    if row.restriction:
        flags.append(_("限制范围：%(text)s") % {"text": row.restriction})

    coverage = sum(facets) / len(facets) if facets else 1.0
    return _Judgement(
        coverage,
        exact,
        tuple(dict.fromkeys(reasons)),
        tuple(dict.fromkeys(flags)),
        confirmed,
        out_of_force,
    )


# --- ranking ---------------------------------------------------------------------------------


def credit_bonuses(organisation_ids: Collection[int]) -> Mapping[int, float]:
    """Organisation id → the credit grade's share of the score; empty until the credit app
    exists (one query for every ranked institution, not one each)."""
    return {}


def credit_bonus(organisation: Organisation) -> float:
    """The credit grade's share of one organisation's score (see :func:`credit_bonuses`)."""
    return credit_bonuses([organisation.pk]).get(organisation.pk, 0.0)


def _distance(need: Need, city_code: str | None) -> str:
    if city_code is None or not city_code.startswith(LIAONING_PREFIX):
        return OUTSIDE
    if need.place is None:
        return PROVINCE
    if city_code == need.place.city_code:
        return SAME_CITY
    if city_code in neighbours().get(need.place.city_code, frozenset()):
        return NEIGHBOUR
    return PROVINCE


def _speed_and_price(row: _Row) -> float:
    """Less than 0.1: faster and cheaper lines only break ties."""
    days = row.turnaround_days
    price = row.price_cny
    speed = 0.05 / (1.0 + days / 10.0) if days is not None else 0.0
    cheap = 0.04 / (1.0 + float(price) / 1000.0) if price is not None else 0.0
    return speed + cheap


_NO_DAYS = 10**6
_NO_PRICE = Decimal(10**12)


def _line_order(verdict: _Verdict) -> tuple[float, bool, bool, int, Decimal, int]:
    row, judgement = verdict.row, verdict.judgement
    return (
        -judgement.coverage,
        not judgement.exact,
        judgement.out_of_force,
        row.turnaround_days if row.turnaround_days is not None else _NO_DAYS,
        row.price_cny if row.price_cny is not None else _NO_PRICE,
        row.id,
    )


@dataclass
class _Ranked:
    """An institution's place in the ranking, before its lines are loaded."""

    score: float
    uscc: str
    distance: str
    verdicts: list[_Verdict]  # best first


def _ranked(need: Need, verdicts: Iterable[_Verdict], limit: int) -> list[_Ranked]:
    by_organisation: dict[int, list[_Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_organisation[verdict.row.organisation_id].append(verdict)
    bonuses = credit_bonuses(list(by_organisation)) if by_organisation else {}
    ranked = []
    for organisation_id, group in by_organisation.items():
        group.sort(key=_line_order)
        best = group[0]
        distance = _distance(need, best.row.city_code)
        score = (
            round(best.judgement.coverage * 100)
            + 0.1 * _PLACE_POINTS[distance]
            + _speed_and_price(best.row)
            - (_OUT_OF_FORCE_PENALTY if best.judgement.out_of_force else 0.0)
            + bonuses.get(organisation_id, 0.0)
        )
        ranked.append(_Ranked(score, best.row.uscc, distance, group))
    ranked.sort(key=lambda r: (-r.score, r.uscc))
    return ranked[:limit]


def _institution(
    need: Need, ranked: _Ranked, lines: Mapping[int, CapabilityLine]
) -> InstitutionMatch:
    verdicts = ranked.verdicts
    best = lines[verdicts[0].row.id]
    organisation = best.organisation
    city = organisation.city
    reasons = list(verdicts[0].judgement.reasons)
    qualification = best.qualification
    if qualification is not None:
        reasons.append(
            _("%(type)s %(number)s 有效至 %(to)s")
            % {
                "type": qualification.type,
                "number": qualification.number,
                "to": qualification.valid_to,
            }
        )
    if city is not None:
        place = city.name
        if ranked.distance == NEIGHBOUR and need.place is not None:
            place = _("%(city)s（邻近%(place)s）") % {"city": city.name, "place": need.place.name}
        reasons.append(place)
    if len(verdicts) > 1:
        reasons.append(_("共 %(n)d 项能力符合") % {"n": len(verdicts)})
    shown = tuple(
        MatchedLine(lines[v.row.id], v.judgement.reasons, v.judgement.exact, v.judgement.flags)
        for v in verdicts[:MAX_LINES_SHOWN]
    )
    return InstitutionMatch(
        organisation=organisation,
        score=ranked.score,
        reasons=tuple(reasons),
        lines=shown,
        qualification=qualification,
        distance=ranked.distance,
    )


# --- entry points ----------------------------------------------------------------------------


def _catalogue(bases: Collection[str]) -> dict[str, Editions]:
    out: dict[str, Editions] = defaultdict(list)
    if not bases:
        return out
    rows = Standard.objects.filter(base_code__in=sorted(bases)).values_list(
        "base_code", "code", "year", "status", "title_zh"
    )
    for base, code, year, status, title in rows.order_by("base_code", "-year"):
        out[base].append((code, year, status, title))
    return out


def _shown_lines(ranked: Iterable[_Ranked]) -> dict[int, CapabilityLine]:
    """The full lines shown for the ranked institutions, with what their dicts and pages read:
    the organisation (with its city), the qualification and the cited standards (with their
    catalogue editions).

    The lines of one institution share its organisation and (mostly) its qualification: read
    once each (:func:`_rows_by_id`) and attached to the lines, they are built once instead of
    once per line, as a join would."""
    ids = {v.row.id for r in ranked for v in r.verdicts[:MAX_LINES_SHOWN]}
    lines = list(_rows_by_id(CapabilityLine, ids).values())
    organisations = _rows_by_id(Organisation, {line.organisation_id for line in lines})
    cities = _rows_by_id(Region, {o.city_id for o in organisations.values() if o.city_id})
    qualifications = _rows_by_id(
        Qualification, {line.qualification_id for line in lines if line.qualification_id}
    )
    for organisation in organisations.values():
        if organisation.city_id is not None:
            organisation.city = cities[organisation.city_id]
    for line in lines:
        line.organisation = organisations[line.organisation_id]
        if line.qualification_id is not None:
            line.qualification = qualifications[line.qualification_id]
    citations = CapabilityStandard.objects.select_related("standard")
    prefetch_related_objects(lines, Prefetch("standards", queryset=citations))
    return {line.pk: line for line in lines}


def match(
    need: Need,
    *,
    limit: int = 20,
    today: date | None = None,
    exclude: Collection[int] = (),
    only: Collection[int] | None = None,
) -> MatchResult:
    """The institutions that can meet ``need``, best first (see the module docstring).

    ``exclude``: organisation ids to leave out (those already invited, for instance);
    ``only``: when given, the organisation ids to rank, and no others.
    """
    day = today or timezone.localdate()
    vocab = vocabulary()
    terms = _terms(need, vocab)
    sources = _sources(need, terms, vocab)
    if not sources:
        if not need.is_empty:
            message = _(
                "没有可用于匹配的检测对象、项目、标准或认证项目，请补充，例如“钢筋拉伸试验”"
            )
            need = replace(need, problems=(*need.problems, message))
        return MatchResult(need=need, results=())
    if only is not None and not only:
        return MatchResult(need=need, results=())
    rows = _fetch(need, sources, today=day, exclude=exclude, only=only)
    ctx = _context(need, terms, rows, vocab)
    confirmed: list[_Verdict] = []
    unconfirmed: list[_Verdict] = []
    for row in rows:
        judgement = _judge(row, ctx)
        if judgement is not None:
            (confirmed if judgement.confirmed else unconfirmed).append(_Verdict(row, judgement))
    results = _ranked(need, confirmed, limit)
    matched = {v.row.organisation_id for v in confirmed}
    doubtful = _ranked(
        need, (v for v in unconfirmed if v.row.organisation_id not in matched), limit
    )
    lines = _shown_lines([*results, *doubtful])
    return MatchResult(
        need=need,
        results=tuple(_institution(need, r, lines) for r in results),
        unconfirmed=tuple(_institution(need, r, lines) for r in doubtful),
    )


def match_text(
    text: str,
    *,
    limit: int = 20,
    today: date | None = None,
    exclude: Collection[int] = (),
    only: Collection[int] | None = None,
    **structured: Any,
) -> MatchResult:
    """``understand(text, **structured)`` then :func:`match`."""
    return match(
        understand(text, **structured), limit=limit, today=today, exclude=exclude, only=only
    )
