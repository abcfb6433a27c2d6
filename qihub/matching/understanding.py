"""Understanding a need: what an enterprise typed, read into a structured :class:`Need`.

``understand("钢筋拉伸试验 GB/T 228.1-2021 沈阳")`` gives kind ``test``, the standard
GB/T 228.1-2021, the terms 钢筋 and 拉伸试验 (with its synonyms 拉伸, 拉伸性能 …) and the place
沈阳市 (210100). The matching engine starts from the Need; the search page shows it as chips
the user may correct, and a corrected chip comes back as a structured argument that overrides
what the text says.

The text is read in passes, each taking what it understands out of a working copy (replaced by
spaces, so what is left stays where it was):

1. clean-up: full-width → half-width, odd dashes and tildes, emoji and control characters
   dropped, common typos fixed (拉申 → 拉伸, see ``data/misspellings.csv``);
2. standard codes in any messy form (``GB／T228.1—2021``, ``gbt 228.1``, ``ISO 9001``) —
   first, so that the ``-2021`` of a code is never read as a range;
3. certification schemes by name or number (质量管理体系认证, ISO 14001, 3C认证, 有机产品认证);
4. accuracy (``U≤0.1℃``, ``1.6级``, ``0.05%FS``, ``E2级``, ``±0.5℃``, ``0.05%``) and ranges
   (``0-60MPa``, ``(0~200)℃``, ``60兆帕以下``, ``量程0到60兆帕``, ``100吨``);
5. places: city and county names, short forms (沈阳, 瓦房店), pinyin (shenyang), English
   names, and the aliases of ``data/place_aliases.csv``; 辽宁/全省 mean "no restriction";
6. English phrases become their Chinese trade terms (tensile test → 拉伸试验);
7. the rest is cut into words with the platform's jieba tokenizer (:func:`query_terms`), words
   the domain keeps whole are merged back (三/坐标/测量机 → 三坐标测量机), and each word is a
   kind word (检定, 校准 …), a stop word (需要, 我要, 做, 的 …) or a term.

Kinds: 检测/检验/试验/测试/化验/test → ``test``; 校准 → ``calibration``; 检定/强检 →
``verification``; 认证/3C/体系认证 → ``certification``. 检定 and 校准 are distinct. When a need
names more than one kind ("检定/校准"), :attr:`Need.kinds` lists them all, :attr:`Need.kind` is
None (the engine searches both) and a problem says so; everyday words for both (校验, 计量)
count only when no precise kind word is present. A domain word ending in a kind word
(拉伸试验, 无损检测) implies its kind when no kind word is present, and stays a term.

Never raises for user input: anything not understood becomes a Chinese message in
:attr:`Need.problems`, and the rest is still understood.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Protocol

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.search import query_terms
from qihub.core.text import pinyin_full, to_halfwidth
from qihub.core.units import Range, Unit, UnknownUnit, make_range, parse_range, parse_unit
from qihub.institutions.accuracy import Accuracy, parse_accuracy
from qihub.matching.vocabulary import (
    KIND_CERTIFICATION,
    KIND_LABELS,
    KINDS,
    Vocabulary,
    vocabulary,
)
from qihub.reference.models import Region
from qihub.standards.codes import InvalidStandardCode, parse_standard_code

__all__ = [
    "MAX_QUERY_LENGTH",
    "Need",
    "Place",
    "RegionLike",
    "RegionRow",
    "StandardRef",
    "clear_caches",
    "region_table",
    "understand",
]

MAX_QUERY_LENGTH = 200  # characters read from a query; the rest is ignored, with a problem


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardRef:
    """A standard the need cites. ``year`` None means "any version"."""

    code: str  # canonical as typed: "GB/T 228.1-2021", or "GB/T 228.1" without a year
    base: str  # version-independent: "GB/T 228.1"
    year: int | None
    text: str  # what the user typed


@dataclass(frozen=True)
class Place:
    """Where the service is wanted: a city (prefecture) or a district/county of one."""

    code: str  # GB/T 2260
    name: str
    level: str  # "prefecture" | "county"
    city_code: str  # the prefecture's code (itself for a city)


@dataclass(frozen=True)
class Need:
    """What an enterprise needs, as far as it could be understood.

    ``range`` is the requested range as written: an open bound (``60兆帕以下`` has no lower
    bound) means the requester did not state it, not that it is unbounded.
    """

    text: str
    kind: str | None
    standards: tuple[StandardRef, ...]
    terms: tuple[str, ...]
    expanded_terms: tuple[tuple[str, tuple[str, ...]], ...]
    range: Range | None
    accuracy: Accuracy | None
    place: Place | None
    cert_scheme: str | None
    problems: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # every kind named; ``kind`` is set when there is exactly one
    corrections: tuple[tuple[str, str], ...] = ()  # typos fixed: (typed, read as)
    cert_schemes: tuple[str, ...] = field(default=())  # every scheme named, first = cert_scheme

    @property
    def is_empty(self) -> bool:
        """True when nothing at all was understood."""
        return not (
            self.kinds
            or self.standards
            or self.terms
            or self.range
            or self.accuracy
            or self.place
            or self.cert_scheme
        )

    def synonyms(self, term: str) -> tuple[str, ...]:
        return dict(self.expanded_terms).get(term, ())

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the "understood" part of the match API."""
        range_out: dict[str, object] | None = None
        if self.range is not None:
            range_out = {
                "min": self.range.low,
                "max": self.range.high,
                "unit": self.range.unit.symbol if self.range.unit else None,
                "text": self.range.text or str(self.range),
            }
        accuracy_out: dict[str, object] | None = None
        if self.accuracy is not None:
            accuracy_out = {
                "kind": self.accuracy.kind.value,
                "value": self.accuracy.value,
                "unit": self.accuracy.unit,
                "text": str(self.accuracy),
            }
        return {
            "kind": self.kind,
            "kinds": list(self.kinds),
            "standards": [{"code": s.code, "year": s.year} for s in self.standards],
            "terms": list(self.terms),
            "synonyms": {term: list(words) for term, words in self.expanded_terms if words},
            "range": range_out,
            "accuracy": accuracy_out,
            "place": (
                None if self.place is None else {"code": self.place.code, "name": self.place.name}
            ),
            "cert_scheme": self.cert_scheme,
            "problems": list(self.problems),
        }


# --- regions ---------------------------------------------------------------------------------


class RegionLike(Protocol):
    """What :func:`understand` reads of a region: ``reference.Region`` or a :class:`RegionRow`.
    The city a county belongs to is read from its GB/T 2260 code (first four digits + 00)."""

    @property
    def name(self) -> str: ...

    @property
    def level(self) -> str: ...


@dataclass(frozen=True)
class RegionRow:
    name: str
    level: str  # "province" | "prefecture" | "county"
    name_en: str = ""


_region_lock = threading.Lock()
_regions: Mapping[str, RegionRow] | None = None


def region_table() -> Mapping[str, RegionRow]:
    """code → region, read from ``reference.Region`` once per process (read-only)."""
    global _regions
    if _regions is None:
        with _region_lock:
            if _regions is None:
                rows = {
                    code: RegionRow(name, level, name_en or "")
                    for code, name, level, name_en in Region.objects.values_list(
                        "code", "name", "level", "name_en"
                    )
                }
                if not rows:  # not loaded yet: do not cache an empty table
                    return MappingProxyType({})
                _regions = MappingProxyType(rows)
    return _regions


_PREFECTURE = "prefecture"
_COUNTY = "county"
_NAME_SUFFIXES = (
    "满族自治县",
    "蒙古族自治县",
    "朝鲜族自治县",
    "回族自治县",
    "自治县",
    "新区",
    "区",
    "县",
    "市",
)


def _short_name(name: str) -> str | None:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _city_code(code: str) -> str:
    return code[:4] + "00"


@dataclass(frozen=True)
class _PlaceIndex:
    """Every way a region is written → the codes it may mean (more than one: ambiguous)."""

    places: Mapping[str, Place]
    aliases: Mapping[str, tuple[str, ...]]  # lower case
    cjk: re.Pattern[str] | None
    ascii: re.Pattern[str] | None
    province_codes: frozenset[str]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _build_place_index(regions: Mapping[str, RegionLike], vocab: Vocabulary) -> _PlaceIndex:
    places: dict[str, Place] = {}
    provinces: set[str] = set()
    for code, region in regions.items():
        level = str(region.level)
        if level in {_PREFECTURE, _COUNTY}:
            places[code] = Place(code, str(region.name), level, _city_code(code))
        else:
            provinces.add(code)
    # Full names, the aliases of the data file, short forms without 市/区/县 (except those that
    # are everyday words), their pinyin and the English names. When one spelling may mean several
    # regions a prefecture wins (朝阳 is 朝阳市, not 朝阳县); several counties stay ambiguous.
    candidates: dict[str, set[str]] = {}

    def add(alias: str, code: str) -> None:
        if alias and alias not in vocab.province_words:
            candidates.setdefault(alias.lower(), set()).add(code)

    for code, place in places.items():
        add(place.name, code)
    full_names = set(candidates)
    for alias, code in vocab.place_aliases.items():
        if code in places:
            add(alias, code)
    for code, place in places.items():
        short = _short_name(place.name)
        if short is None or short.lower() in full_names:
            continue
        if place.level == _COUNTY and short in vocab.blocked_short_place_names:
            continue
        add(short, code)
        spelled = pinyin_full(short)
        if place.level == _PREFECTURE or len(spelled) >= 5:
            add(spelled, code)
        name_en = str(getattr(regions[code], "name_en", "") or "").strip().lower()
        if name_en:
            add(name_en, code)
            add(re.sub(r"\s+(city|district|county)$", "", name_en), code)

    aliases: dict[str, tuple[str, ...]] = {}
    for alias, codes in candidates.items():
        cities = sorted(c for c in codes if places[c].level == _PREFECTURE)
        aliases[alias] = tuple(cities[:1]) if len(cities) == 1 else tuple(sorted(codes))
    cjk = [a for a in aliases if not a.isascii()]
    latin = [a for a in aliases if a.isascii()]
    return _PlaceIndex(
        places=MappingProxyType(places),
        aliases=MappingProxyType(aliases),
        cjk=re.compile(_alternation(cjk)) if cjk else None,
        ascii=_words_pattern(latin, "[a-z]") if latin else None,
        province_codes=frozenset(provinces),
    )


_index_lock = threading.Lock()
_index_cache: list[tuple[Mapping[str, RegionLike], _PlaceIndex]] = []
_INDEX_CACHE_SIZE = 4


def _place_index(regions: Mapping[str, RegionLike]) -> _PlaceIndex:
    """The alias index of a region table, cached by the table's identity: pass the same
    (read-only) mapping each time and the index is built once."""
    with _index_lock:
        for table, index in _index_cache:
            if table is regions:
                return index
    index = _build_place_index(regions, vocabulary())
    with _index_lock:
        _index_cache.insert(0, (regions, index))
        del _index_cache[_INDEX_CACHE_SIZE:]
    return index


def clear_caches() -> None:
    """Forget the region table and alias indexes (after reference data changed; tests)."""
    global _regions
    with _region_lock:
        _regions = None
    with _index_lock:
        _index_cache.clear()


# --- the working text ------------------------------------------------------------------------


class _Work:
    """The query being read: each pass takes spans out (replacing them with spaces)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, start: int, end: int) -> str:
        piece = self.text[start:end]
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]
        return piece.strip()


_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]+")
_TILDES = re.compile("[\u301c\u223c\uff5e]")
_KEEP_SYMBOLS = frozenset("℃℉°′″Ω±≤≥≦≧‰%μµ²³·×")


def _is_noise(char: str) -> bool:
    if char in _KEEP_SYMBOLS:
        return False
    category = unicodedata.category(char)
    if category[0] == "C":  # control, format, surrogate, private use, unassigned
        return True
    code = ord(char)
    return category == "So" or code >= 0x1F000 or 0x2600 <= code <= 0x27BF


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", to_halfwidth(text))
    text = "".join(" " if _is_noise(char) else char for char in text)
    text = _DASHES.sub("-", text)
    text = _TILDES.sub("~", text)
    return re.sub(r"\s+", " ", text).strip()


# --- standards -------------------------------------------------------------------------------

_INDUSTRY = (
    "AQ|BB|CB|CH|CJJ|CJ|CY|DA|DL|DZ|EJ|FZ|GA|GH|GM|GY|HG|HJ|HY|JB|JC|JGJ|JG|JR|JT|JY|LB|LD|LS|"
    "LY|MH|MT|MZ|NB|NY|QB|QC|QJ|RB|SB|SH|SJ|SL|SN|SY|TB|TD|TY|WB|WH|WJ|WM|WS|WW|XB|XF|YB|YC|"
    "YD|YS|YY|YZ|ZY"
)
_CN_PREFIX = (
    r"(?:GB\s*/?\s*[TZ]|GBZ|GB|JJ[GF]|GJB(?:\s*/\s*Z)?|DB\s*\d{2}(?:\d{2})?(?:\s*/\s*[TZ])?"
    rf"|T\s*/\s*[A-Z]{{2,10}}|Q\s*/\s*[A-Z0-9]{{1,12}}|(?:{_INDUSTRY})(?:\s*/\s*[TZ])?)"
)
_CN_CODE = rf"{_CN_PREFIX}\s*\d+(?:\.\d+)*(?:\s*[-:]\s*(?:\d{{4}}|\d{{2}})(?![\d.]))?"
_TSG_CODE = r"TSG\s*[A-Z]?\s*\d+(?:\.\d+)*(?:\s*-\s*\d{4})?"
_INTL_PREFIX = (
    r"(?:ISO\s*/\s*IEC|ISO\s*/\s*TS|ISO\s*/\s*TR|IEC\s*/\s*TS|ISO|IEC|IATF|EN|ASTM|ASME"
    r"|DIN(?:\s+EN)?|BS(?:\s+EN)?)"
)
_INTL_CODE = rf"{_INTL_PREFIX}\s*[A-Z]?\d+(?:[.-]\d{{1,3}}(?!\d))*(?:\s*[:-]\s*\d{{4}}(?!\d))?"
_STANDARD = re.compile(rf"(?<![A-Za-z0-9])(?:{_TSG_CODE}|{_INTL_CODE}|{_CN_CODE})", re.I)


def _take_standards(work: _Work, problems: list[str]) -> list[StandardRef]:
    found: dict[str, StandardRef] = {}
    for match in list(_STANDARD.finditer(work.text)):
        typed = work.take(match.start(), match.end())
        try:
            code = parse_standard_code(typed)
        except InvalidStandardCode as error:
            problems.append(error.detail)
            continue
        found.setdefault(code.canonical, StandardRef(code.canonical, code.base, code.year, typed))
    return list(found.values())


# --- certification schemes -------------------------------------------------------------------

_NUMBER_KEYWORD_AFTER = r"(?=\s*(?:$|认证|体系|管理|质量|环境|标准|审核|cert|[,，;；。、!！?？)]))"
# Case-insensitive patterns fold ASCII only: under Unicode folding "ſ" would match "s" and
# the matched text would then not be found in the vocabulary.
_FOLD = re.I | re.ASCII


@dataclass(frozen=True)
class _Patterns:
    """The vocabulary's words compiled into patterns (longest first), once per process."""

    misspellings: re.Pattern[str] | None
    scheme_words: re.Pattern[str]
    scheme_numbers: re.Pattern[str] | None
    scheme_of_keyword: Mapping[str, str]  # lower-case keyword → scheme code
    english: re.Pattern[str] | None
    province: re.Pattern[str]


_patterns_lock = threading.Lock()
_compiled: _Patterns | None = None


def _words_pattern(words: Iterable[str], edge: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!{edge})(?:{_alternation(words)})(?!{edge})", _FOLD)


def _compile(vocab: Vocabulary) -> _Patterns:
    of_keyword: dict[str, str] = {}
    for scheme in vocab.schemes.values():
        for keyword in scheme.keywords:
            of_keyword.setdefault(keyword.lower(), scheme.code)
    numbers = [k for k in of_keyword if k.isdigit()]
    words = [k for k in of_keyword if not k.isdigit()]
    return _Patterns(
        misspellings=(re.compile(_alternation(vocab.misspellings)) if vocab.misspellings else None),
        scheme_words=_words_pattern(words, "[A-Za-z0-9]"),
        scheme_numbers=(
            re.compile(
                rf"(?<![0-9.A-Za-z])(?:{_alternation(numbers)})(?![0-9.]){_NUMBER_KEYWORD_AFTER}",
                _FOLD,
            )
            if numbers
            else None
        ),
        scheme_of_keyword=MappingProxyType(of_keyword),
        english=_words_pattern(vocab.english, "[a-z]") if vocab.english else None,
        province=_words_pattern(vocab.province_words, "[a-z]"),
    )


def _patterns() -> _Patterns:
    global _compiled
    if _compiled is None:
        with _patterns_lock:
            if _compiled is None:
                _compiled = _compile(vocabulary())
    return _compiled


def _take_schemes(work: _Work) -> list[str]:
    patterns = _patterns()
    hits: list[tuple[int, str]] = []
    for pattern in (patterns.scheme_words, patterns.scheme_numbers):
        if pattern is None:
            continue
        for match in list(pattern.finditer(work.text)):
            code = patterns.scheme_of_keyword.get(match.group().lower())
            if code:
                work.take(match.start(), match.end())
                hits.append((match.start(), code))
    return list(dict.fromkeys(code for _, code in sorted(hits)))


# --- numbers, units, accuracy and ranges -----------------------------------------------------

_NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
_NUMBER = re.compile(rf"(?<![A-Za-z0-9.]){_NUM}")
_UNSIGNED = re.compile(r"\s*[-+]?(?:\d+(?:\.\d+)?|\.\d+)")
_UNIT_RUN = re.compile(r"[A-Za-zμµΩ°℃℉%‰/²³·.()\u4e00-\u9fff]{1,12}")
_SEPARATOR = re.compile(r"\s*(?:~|-|至|到)\s*")


@dataclass(frozen=True)
class _UnitHit:
    unit: Unit
    end: int


def _unit_at(text: str, position: int) -> _UnitHit | None:
    """The longest unit spelling starting at ``position`` (one space allowed before it)."""
    if text[position : position + 1] == " ":
        position += 1
    match = _UNIT_RUN.match(text, position)
    if not match:
        return None
    run = match.group()
    for length in range(len(run), 0, -1):
        candidate = run[:length]
        if candidate[-1] in ".(/" or (candidate.count("(") != candidate.count(")")):
            continue
        try:
            unit = parse_unit(candidate)
        except UnknownUnit:
            continue
        end = position + length
        # A one-letter unit glued to more letters or digits is part of a designation (4K, 5S).
        if length == 1 and candidate.isascii() and re.match(r"[A-Za-z0-9]", text[end : end + 1]):
            return None
        return _UnitHit(unit, end)
    return None


_RANGE_LABEL = re.compile(r"(?:量程|测量范围|测量区间|范围|规格)\s*(?:[:：为是]\s*)?$")
_BOUND_BEFORE = re.compile(
    r"(?:≤|<=|=<|≦|<|≥|>=|=>|≧|>|不大于|不超过|小于等于|小于|低于|不小于|不低于|大于等于|大于|"
    r"高于|最大|最小|至少|至多)\s*$"
)
_BOUND_AFTER = re.compile(r"\s*(?:及以下|以下|及以内|以内|及以上|以上)(?:\((?:含|包含)\))?")


@dataclass
class _Readings:
    ranges: list[Range] = field(default_factory=list)
    accuracies: list[Accuracy] = field(default_factory=list)


def _extend_left(text: str, start: int, pattern: re.Pattern[str]) -> int:
    match = pattern.search(text[max(0, start - 12) : start])
    return start - len(match.group()) if match else start


def _read_range(
    work: _Work, start: int, end: int, readings: _Readings, problems: list[str]
) -> None:
    start = _extend_left(work.text, start, _RANGE_LABEL)
    typed = work.take(start, end)
    body = re.sub(r"^(?:量程|测量范围|测量区间|范围|规格)\s*(?:[:：为是]\s*)?", "", typed)
    try:
        readings.ranges.append(parse_range(body))
        return
    except DomainError as error:
        reason = error.detail
    # "20%~80%RH": the first end's "%" is the second end's unit written short.
    bare = _PERCENT_FIRST_END.sub(r"\1", body, count=1)
    if bare != body:
        try:
            readings.ranges.append(parse_range(bare))
            return
        except DomainError:
            pass
    problems.append(_("量程“%(text)s”无法识别：%(reason)s") % {"text": typed, "reason": reason})


def _read_accuracy(typed: str, readings: _Readings, problems: list[str]) -> None:
    body = typed
    for word, meaning in _ACCURACY_SYNONYMS:
        body = body.replace(word, meaning)
    try:
        accuracy = parse_accuracy(body)
    except DomainError as error:
        problems.append(error.detail)
        return
    readings.accuracies.append(
        Accuracy(
            accuracy.kind,
            accuracy.value,
            accuracy.unit,
            accuracy.relative,
            accuracy.k,
            accuracy.label,
            typed,
        )
    )


# Words parse_accuracy does not know, and what they mean to it.
_ACCURACY_SYNONYMS = (
    ("优于", "≤"),
    ("精确度", "精度"),
    ("准确级", "准确度等级"),
    ("最大允许示值误差", "MPE "),
    ("最大允许误差", "MPE "),
    ("允许误差", "MPE "),
    ("示值误差", "MPE "),
    ("误差", "MPE "),
)
_ACCURACY_HEAD = re.compile(
    r"(?<![A-Za-z])(?:U95rel|Urel|U_rel|U95|MPEV|MPE|最大允许示值误差|最大允许误差|允许误差|"
    r"示值误差|误差|扩展不确定度|测量不确定度|不确定度|准确度等级|精度等级|准确级|准确度|精确度|"
    r"精度|U)"
    r"(?:\s*(?:[:=≤<]|<=|不大于|不超过|小于等于|小于|优于|为|是|达到)\s*|\s*)"
    r"(?=[±+(\d.]|[EFMefm][12]|[一二三四五]等)",
    re.I,
)
_FIGURE = re.compile(rf"(?:±|\+/-|\+-)?\s*\(?\s*{_NUM}(?:\s*[~-]\s*{_NUM})?\s*\)?")
_LABEL = re.compile(r"(?:[EFMefm][12](?:-[12])?|[一二三四五]等)(?:\s*(?:级|等级))?")
_PERCENT_SUFFIX = re.compile(r"\s*%\s*(?:F\.?S\.?O?|满量程|满度|rd|读数)?", re.I)
_CLASS_SUFFIX = re.compile(r"\s*(?:级|ppm)")
_K_FACTOR = re.compile(r"\s*[,，;；]?\s*\(?\s*k\s*=\s*\d+(?:\.\d+)?\s*\)?", re.I)
_WEIGHT_LABEL = re.compile(
    r"(?<![A-Za-z0-9])[EFM][12](?:-[12])?(?:\s*(?:级|等级)|(?=\s*砝码))", re.I
)
_RANK_LABEL = re.compile(r"(?<![一二三四五六七八九十])[一二三四五]等(?![品奖功级])")
_NUMERIC_CLASS = re.compile(
    rf"(?<![A-Za-z0-9.]){_NUM}\s*级(?!能效|能耗|防|企业|资质|建造|医院|响应|风|地震|台风|以上|以下)"
)
_FULL_SCALE = re.compile(rf"(?<![A-Za-z0-9.]){_NUM}\s*%\s*(?:F\.?S\.?O?|满量程|满度)", re.I)
_PLUS_MINUS = re.compile(rf"(?:±|\+/-|\+-)\s*{_NUM}")
_BARE_PERCENT = re.compile(rf"(?<![A-Za-z0-9.])(?P<value>{_NUM})\s*%(?!\s*[A-Za-z(])")
_MAX_BARE_PERCENT = 5.0
_TIME = "time"
_PERCENT_FIRST_END = re.compile(rf"^(\(?\s*{_NUM})\s*%(?=\s*(?:~|-|至|到))")
# 316L, 304L: steel grades, not litres.
_GRADE = re.compile(r"[0-9]{3}L(?![A-Za-z0-9])")


def _figure_end(text: str, position: int) -> int:
    """Where an accuracy figure's suffix (%, %FS, 级, a unit) and coverage factor end."""
    suffix = _PERCENT_SUFFIX.match(text, position) or _CLASS_SUFFIX.match(text, position)
    if suffix:
        position = suffix.end()
    elif unit := _unit_at(text, position):
        position = unit.end
    if match := _K_FACTOR.match(text, position):
        position = match.end()
    return position


def _take_marked_accuracies(work: _Work, readings: _Readings, problems: list[str]) -> None:
    for head in list(_ACCURACY_HEAD.finditer(work.text)):
        if not work.text[head.start() : head.end()].strip():
            continue  # taken by an earlier, overlapping hit
        end = head.end()
        if label := _LABEL.match(work.text, end):
            end = label.end()
        elif figure := _FIGURE.match(work.text, end):
            end = _figure_end(work.text, figure.end())
        else:
            continue
        _read_accuracy(work.take(head.start(), end), readings, problems)


def _take_pattern_accuracies(
    work: _Work, pattern: re.Pattern[str], readings: _Readings, problems: list[str], *, suffix: bool
) -> None:
    for match in list(pattern.finditer(work.text)):
        end = _figure_end(work.text, match.end()) if suffix else match.end()
        _read_accuracy(work.take(match.start(), end), readings, problems)


def _take_two_ended_ranges(work: _Work, readings: _Readings, problems: list[str]) -> None:
    position = 0
    while match := _NUMBER.search(work.text, position):
        text = work.text
        start, end = match.start(), match.end()
        position = end
        first_unit = _unit_at(text, end)
        separator = _SEPARATOR.match(text, first_unit.end if first_unit else end)
        if not separator:
            continue
        second = _UNSIGNED.match(text, separator.end())
        if not second:
            continue
        end = second.end()
        opened = re.search(r"\(\s*$", text[:start])
        if opened and (closing := re.match(r"\s*\)", text[end:])):
            start, end = opened.start(), end + closing.end()
        second_unit = _unit_at(text, end)
        if second_unit:
            end = second_unit.end
        if bound := _BOUND_AFTER.match(text, end):
            end = bound.end()
        if not first_unit and not second_unit:
            typed = work.take(_extend_left(text, start, _RANGE_LABEL), end)
            problems.append(_("量程“%(text)s”缺少单位，未作为条件") % {"text": typed})
        else:
            _read_range(work, start, end, readings, problems)
        position = end


def _take_bounded_ranges(work: _Work, readings: _Readings, problems: list[str]) -> None:
    position = 0
    while match := _NUMBER.search(work.text, position):
        text = work.text
        start, end = match.start(), match.end()
        position = end
        unit = _unit_at(text, end)
        if unit is None:
            continue
        end = unit.end
        before = _BOUND_BEFORE.search(text[max(0, start - 6) : start])
        after = _BOUND_AFTER.match(text, end)
        if before:
            start -= len(before.group())
        elif after:
            end = after.end()
        else:
            continue
        _read_range(work, start, end, readings, problems)
        position = end


def _take_bare_percentages(work: _Work, readings: _Readings, problems: list[str]) -> None:
    """ "0.05%" alone asks for an accuracy; "50%" alone is too coarse to be one."""
    for match in list(_BARE_PERCENT.finditer(work.text)):
        typed = work.take(match.start(), match.end())
        if float(match["value"]) <= _MAX_BARE_PERCENT:
            _read_accuracy(typed, readings, problems)
        else:
            problems.append(
                _("“%(text)s”未作为条件：精度请写成“U≤0.1%%”“0.5级”等形式") % {"text": typed}
            )


def _take_single_values(work: _Work, readings: _Readings, problems: list[str]) -> None:
    position = 0
    while match := _NUMBER.search(work.text, position):
        text = work.text
        position = match.end()
        unit = _unit_at(text, match.end())
        if unit is None or unit.unit.dimension == _TIME:
            continue  # "3天出报告" is a turnaround, not a measuring range
        if _GRADE.match(text, match.start()):
            continue
        _read_range(work, match.start(), unit.end, readings, problems)
        position = unit.end


def _take_numbers(work: _Work, problems: list[str]) -> _Readings:
    readings = _Readings()
    _take_marked_accuracies(work, readings, problems)
    _take_pattern_accuracies(work, _WEIGHT_LABEL, readings, problems, suffix=False)
    _take_pattern_accuracies(work, _RANK_LABEL, readings, problems, suffix=False)
    _take_pattern_accuracies(work, _NUMERIC_CLASS, readings, problems, suffix=False)
    _take_pattern_accuracies(work, _FULL_SCALE, readings, problems, suffix=False)
    _take_pattern_accuracies(work, _PLUS_MINUS, readings, problems, suffix=True)
    _take_two_ended_ranges(work, readings, problems)
    _take_bounded_ranges(work, readings, problems)
    _take_bare_percentages(work, readings, problems)
    _take_single_values(work, readings, problems)
    return readings


# --- places ----------------------------------------------------------------------------------


def _take_places(work: _Work, index: _PlaceIndex, problems: list[str]) -> Place | None:
    hits: list[tuple[int, str, tuple[str, ...]]] = []
    for pattern in (index.cjk, index.ascii):
        if pattern is None:
            continue
        for match in list(pattern.finditer(work.text)):
            codes = index.aliases.get(match.group().lower())
            if codes:
                hits.append((match.start(), work.take(match.start(), match.end()), codes))
    for match in list(_patterns().province.finditer(work.text)):
        work.take(match.start(), match.end())
    hits.sort()
    certain = [index.places[codes[0]] for _, _, codes in hits if len(codes) == 1]
    for _position, typed, codes in hits:
        if len(codes) == 1:
            continue
        cities = {p.city_code for p in certain}
        inside = [code for code in codes if _city_code(code) in cities]
        if len(inside) == 1:
            certain.append(index.places[inside[0]])
            continue
        names = "、".join(
            f"{index.places[_city_code(c)].name if _city_code(c) in index.places else ''}"
            f"{index.places[c].name}"
            for c in codes
        )
        problems.append(
            _("“%(typed)s”有多处（%(names)s），请写明所在城市") % {"typed": typed, "names": names}
        )
    if not certain:
        return None
    # The most specific place wins when the others are the city it lies in.
    chosen = certain[0]
    for place in certain[1:]:
        if place.level == _COUNTY and place.city_code == chosen.code:
            chosen = place
    others = [p for p in certain if p.city_code != chosen.city_code]
    if others:
        names = "、".join(dict.fromkeys(p.name for p in certain))
        problems.append(
            _("提到了多个地点（%(names)s），只按“%(chosen)s”查找")
            % {"names": names, "chosen": chosen.name}
        )
    return chosen


# --- words -----------------------------------------------------------------------------------


def _fix_typos(work: _Work, vocab: Vocabulary) -> list[tuple[str, str]]:
    pattern = _patterns().misspellings
    if pattern is None:
        return []
    fixed: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        right = vocab.misspellings[match.group()]
        fixed.append((match.group(), right))
        return right

    work.text = pattern.sub(replace, work.text)
    return list(dict.fromkeys(fixed))


def _translate_english(work: _Work, vocab: Vocabulary) -> None:
    pattern = _patterns().english
    if pattern is None or not re.search(r"[A-Za-z]{2}", work.text):
        return
    work.text = pattern.sub(
        lambda m: f" {vocab.english.get(m.group().lower(), m.group())} ", work.text
    )


_MERGE_SPAN = 4  # tokens merged back into one domain word, at most


def _merge(tokens: list[str], vocab: Vocabulary) -> list[str]:
    """Adjacent tokens whose concatenation is a domain word become that word (longest first)."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        for span in range(min(_MERGE_SPAN, len(tokens) - index), 1, -1):
            joined = "".join(tokens[index : index + span])
            if joined in vocab.domain_words:
                out.append(joined)
                index += span
                break
        else:
            out.append(tokens[index])
            index += 1
    return out


def _tokens(text: str, vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    for chunk in text.split():
        out.extend(_merge(query_terms(chunk), vocab))
    return out


_DIGITS = re.compile(r"[0-9.]+")


@dataclass
class _Words:
    terms: list[str] = field(default_factory=list)
    precise: list[str] = field(default_factory=list)  # kinds from precise kind words
    loose: list[str] = field(default_factory=list)  # kinds from 校验, 计量 …
    implied: list[str] = field(default_factory=list)  # kinds from 拉伸试验, 无损检测 …


def _read_words(tokens: Iterable[str], vocab: Vocabulary) -> _Words:
    words = _Words()
    for token in tokens:
        kinds = vocab.kinds_of(token)
        if kinds:
            (words.precise if len(kinds) == 1 else words.loose).extend(kinds)
            continue
        if token in vocab.stop_words or token in vocab.province_words or _DIGITS.fullmatch(token):
            continue
        if token not in words.terms:
            words.terms.append(token)
        if implied := vocab.implied_kind(token):
            words.implied.append(implied)
    return words


# --- structured overrides ----------------------------------------------------------------------


def _kind_argument(kind: str, problems: list[str]) -> str | None:
    value = kind.strip().lower()
    if value in KINDS:
        return value
    kinds = vocabulary().kinds_of(value)
    if len(kinds) == 1:
        return kinds[0]
    problems.append(_("未知的服务类型“%(kind)s”") % {"kind": kind.strip()[:20]})
    return None


def _range_argument(
    text_range: Range | None,
    low: float | None,
    high: float | None,
    unit: str | None,
    problems: list[str],
) -> Range | None:
    if text_range is not None:
        low = text_range.low if low is None else low
        high = text_range.high if high is None else high
        if unit is None or not unit.strip():
            unit = text_range.unit.symbol if text_range.unit else None
    try:
        made = make_range(low, high, unit)
    except DomainError as error:
        problems.append(_("量程：%(reason)s") % {"reason": error.detail})
        return None
    # A unit chosen without bounds restricts nothing.
    return None if made.low is None and made.high is None else made


def _scheme_for_standards(
    standards: Iterable[StandardRef], kinds: Iterable[str], vocab: Vocabulary
) -> list[str]:
    certification = KIND_CERTIFICATION in kinds
    out: list[str] = []
    for standard in standards:
        code = vocab.scheme_of_standard.get(standard.base)
        scheme = vocab.scheme(code) if code else None
        if scheme and (scheme.is_management_system or certification):
            out.append(scheme.code)
    return out


def _ccc_category(terms: Iterable[str], vocab: Vocabulary) -> str | None:
    categories = [s for s in vocab.schemes.values() if s.is_compulsory and s.products]
    for term in terms:
        for scheme in categories:
            if term in scheme.products:
                return scheme.code
    for term in terms:
        for scheme in categories:
            if any(product in term for product in scheme.products if len(product) > 1):
                return scheme.code
    return None


# --- the entry point -------------------------------------------------------------------------


def _labels(kinds: Iterable[str]) -> str:
    return "和".join(f"“{KIND_LABELS[k]}”" for k in kinds)


def understand(
    text: str,
    *,
    kind: str | None = None,
    city: str | None = None,
    standard: str | None = None,
    range_min: float | None = None,
    range_max: float | None = None,
    unit: str | None = None,
    max_uncertainty: str | None = None,
    regions: Mapping[str, RegionLike] | None = None,
) -> Need:
    """Read a need typed in free text, with structured corrections that override the text.

    ``regions`` maps GB/T 2260 codes to regions (pass the same read-only mapping each time; its
    alias index is cached); None reads ``reference.Region`` once per process. Never raises for
    user input: what cannot be understood is reported in ``Need.problems``.
    """
    vocab = vocabulary()
    original = text if isinstance(text, str) else ""
    problems: list[str] = []
    if len(original) > MAX_QUERY_LENGTH:
        problems.append(_("查询过长，只读取了前%(max)d个字") % {"max": MAX_QUERY_LENGTH})
    work = _Work(_clean(original[:MAX_QUERY_LENGTH]))
    corrections = _fix_typos(work, vocab)

    standards = _take_standards(work, problems)
    schemes = _take_schemes(work)
    readings = _take_numbers(work, problems)
    index = _place_index(region_table() if regions is None else regions)
    place = _take_places(work, index, problems)
    _translate_english(work, vocab)
    words = _read_words(_tokens(work.text, vocab), vocab)

    # Kinds: precise words, else the everyday words for two kinds, else what terms imply.
    if schemes:
        words.implied.append(KIND_CERTIFICATION)
    kinds = list(dict.fromkeys(words.precise or words.loose or words.implied))
    if not kinds and _scheme_for_standards(standards, (), vocab):
        kinds = [KIND_CERTIFICATION]  # "ISO 9001" alone asks for a certification
    if kind:
        chosen = _kind_argument(kind, problems)
        if chosen:
            kinds = [chosen]
    if len(kinds) > 1:
        problems.append(
            _("同时提到了%(kinds)s，都会查找；如只需其中一种，请选择服务类型")
            % {"kinds": _labels(kinds)}
        )

    if standard and standard.strip():
        try:
            parsed = parse_standard_code(standard)
            standards = [StandardRef(parsed.canonical, parsed.base, parsed.year, standard.strip())]
        except InvalidStandardCode as error:
            problems.append(error.detail)

    schemes += [s for s in _scheme_for_standards(standards, kinds, vocab) if s not in schemes]
    if "CCC" in schemes:
        category = _ccc_category(words.terms, vocab)
        if category:
            schemes[schemes.index("CCC")] = category
    if len(schemes) > 1:
        names = "、".join(vocab.schemes[s].name_zh for s in schemes)
        problems.append(
            _("提到了多个认证项目（%(names)s），按“%(first)s”查找")
            % {"names": names, "first": vocab.schemes[schemes[0]].name_zh}
        )

    need_range = readings.ranges[0] if readings.ranges else None
    if len(readings.ranges) > 1:
        problems.append(
            _("识别到多个量程，只使用“%(text)s”") % {"text": need_range.text if need_range else ""}
        )
    if range_min is not None or range_max is not None or (unit and unit.strip()):
        need_range = _range_argument(need_range, range_min, range_max, unit, problems)

    accuracy = readings.accuracies[0] if readings.accuracies else None
    if len(readings.accuracies) > 1:
        problems.append(
            _("识别到多个精度要求，只使用“%(text)s”") % {"text": accuracy.text if accuracy else ""}
        )
    if max_uncertainty and max_uncertainty.strip():
        try:
            accuracy = parse_accuracy(max_uncertainty)
        except DomainError as error:
            problems.append(error.detail)

    if city and city.strip():
        city_code = city.strip()
        if city_code in index.places:
            place = index.places[city_code]
        elif city_code in index.province_codes:
            place = None
        else:
            problems.append(_("未知的城市代码“%(code)s”") % {"code": city_code[:20]})

    need = Need(
        text=original,
        kind=kinds[0] if len(kinds) == 1 else None,
        standards=tuple(standards),
        terms=tuple(words.terms),
        expanded_terms=tuple((term, vocab.synonyms(term)) for term in words.terms),
        range=need_range,
        accuracy=accuracy,
        place=place,
        cert_scheme=schemes[0] if schemes else None,
        problems=(),
        kinds=tuple(kinds),
        corrections=tuple(corrections),
        cert_schemes=tuple(schemes),
    )
    if need.is_empty and not problems:
        problems.append(
            _("没有识别出需求，请输入检测对象、项目、标准号或仪器名称，例如“钢筋拉伸试验 沈阳”")
        )
    return replace(need, problems=tuple(dict.fromkeys(problems)))
