"""The words the matching engine understands, loaded once from ``qihub/matching/data/``.

- ``kind_words.csv`` — words that name the kind of service: 检测/检验/试验/test → ``test``,
  校准/calibration → ``calibration``, 检定/强检/verification → ``verification``, 认证/3C →
  ``certification``. 检定 and 校准 are distinct kinds. A few everyday words (校验, 计量) name
  both calibration and verification; they count only when no unambiguous word is present.
- ``synonyms.csv`` — groups of interchangeable words (抗拉强度/拉伸强度, 压力表/压力计,
  衡器/秤/称/磅秤), the English phrases that mean the group's first word, and the broader
  group a group belongs to (电子秤 → 衡器). Groups hold true synonyms only: a lab for 汽车衡 is
  not a lab for 电子天平, so they are separate groups, linked upwards by ``broader``.
- ``cert_schemes.csv`` — the platform's certification schemes (codes from
  ``reference/cert_types.csv``: MS-QMS, CCC-01, PC-ORG …), the standards they certify
  against, the words people use for them, and for the CCC sub-categories the products.
- ``misspellings.csv`` — cheap fixes for common typos (拉申 → 拉伸, 电子称 → 电子秤).
- ``stop_words.txt``, ``province_words.txt`` — tokens that carry no need, and the words for
  "anywhere in the province" (辽宁, 全省).
- ``place_aliases.csv`` — place names that are not GB/T 2260 names (金普新区, 长兴岛);
  ``place_blocked_short_names.txt`` — district names that are found only in full (和平区,
  振兴区: 和平 and 振兴 are everyday words).

Pure: no database. Everything is read-only after loading (tuples, frozensets, mapping proxies).
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from qihub.core.search import WORDS as CORE_WORDS
from qihub.core.text import to_halfwidth
from qihub.standards.codes import InvalidStandardCode, parse_standard_code

__all__ = [
    "KINDS",
    "KIND_CALIBRATION",
    "KIND_CERTIFICATION",
    "KIND_LABELS",
    "KIND_SUFFIXES",
    "KIND_TEST",
    "KIND_VERIFICATION",
    "CertScheme",
    "Vocabulary",
    "vocabulary",
]

DATA = Path(__file__).resolve().parent / "data"

KIND_TEST = "test"
KIND_CALIBRATION = "calibration"
KIND_VERIFICATION = "verification"
KIND_CERTIFICATION = "certification"
KINDS = (KIND_TEST, KIND_CALIBRATION, KIND_VERIFICATION, KIND_CERTIFICATION)
KIND_LABELS = MappingProxyType(
    {
        KIND_TEST: "检测",
        KIND_CALIBRATION: "校准",
        KIND_VERIFICATION: "检定",
        KIND_CERTIFICATION: "认证",
    }
)
# A domain word ending in one of these names its kind as well as its object: 拉伸试验 is a
# test, 无损检测 a test, 产品认证 a certification. The word itself stays a term.
KIND_SUFFIXES = MappingProxyType(
    {
        "试验": KIND_TEST,
        "检测": KIND_TEST,
        "检验": KIND_TEST,
        "测试": KIND_TEST,
        "化验": KIND_TEST,
        "探伤": KIND_TEST,
        "校准": KIND_CALIBRATION,
        "检定": KIND_VERIFICATION,
        "认证": KIND_CERTIFICATION,
    }
)


@dataclass(frozen=True)
class CertScheme:
    """A certification scheme of the platform's list (``reference/cert_types.csv``)."""

    code: str
    category: str  # compulsory_product | management_system | product_certification | ...
    name_zh: str
    name_en: str
    standards: tuple[str, ...]  # version-independent bases: "ISO 9001", "GB/T 19001"
    keywords: tuple[str, ...]  # words that name the scheme itself
    products: tuple[str, ...]  # for CCC sub-categories: the products they cover

    @property
    def is_management_system(self) -> bool:
        return self.category == "management_system"

    @property
    def is_compulsory(self) -> bool:
        return self.category == "compulsory_product"


@dataclass(frozen=True)
class Vocabulary:
    """Everything loaded from the data files; obtain it with :func:`vocabulary`."""

    kind_words: Mapping[str, tuple[str, ...]]  # lower-case word → kinds it names
    synonym_groups: tuple[tuple[str, ...], ...]  # lower case, first word is the trade term
    group_of: Mapping[str, tuple[int, ...]]  # word → indices into synonym_groups
    broader_of: Mapping[int, tuple[int, ...]]  # group index → broader group indices
    english: Mapping[str, str]  # lower-case English phrase → Chinese word
    misspellings: Mapping[str, str]  # wrong → right
    stop_words: frozenset[str]
    province_words: frozenset[str]
    place_aliases: Mapping[str, str]  # alias → GB/T 2260 code
    blocked_short_place_names: frozenset[str]  # 和平 is not 和平区: everyday words
    schemes: Mapping[str, CertScheme]  # code → scheme
    scheme_of_standard: Mapping[str, str]  # standard base → scheme code
    domain_words: frozenset[str]  # words the tokenizer should keep whole (lower case)

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The words interchangeable with ``word`` (itself excluded), in the data file's order."""
        key = word.lower()
        out: list[str] = []
        for index in self.group_of.get(key, ()):
            out.extend(w for w in self.synonym_groups[index] if w != key and w not in out)
        return tuple(out)

    def broader(self, word: str) -> tuple[str, ...]:
        """The trade terms of the groups that contain ``word``'s group (电子秤 → 衡器), nearest
        first; empty when the word has no broader group."""
        out: list[str] = []
        pending = list(self.group_of.get(word.lower(), ()))
        seen = set(pending)
        while pending:
            for parent in self.broader_of.get(pending.pop(0), ()):
                if parent not in seen:
                    seen.add(parent)
                    pending.append(parent)
                    out.append(self.synonym_groups[parent][0])
        return tuple(out)

    def kinds_of(self, word: str) -> tuple[str, ...]:
        """The kinds a whole kind word names (检定 → verification; 校验 → both)."""
        return self.kind_words.get(word.lower(), ())

    def implied_kind(self, term: str) -> str | None:
        """The kind a longer domain word implies by its ending (拉伸试验 → test), else None."""
        for suffix, kind in KIND_SUFFIXES.items():
            if term.endswith(suffix) and len(term) > len(suffix):
                return kind
        return None

    def scheme(self, code: str) -> CertScheme | None:
        return self.schemes.get(code)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [
            line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")
        ]


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _key(word: str) -> str:
    return to_halfwidth(word).strip().lower()


def _load_kind_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for row in _rows("kind_words.csv"):
        kinds = _split(row["kinds"])
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise RuntimeError(f"kind_words.csv: {row['word']} names unknown kinds {unknown}")
        out[_key(row["word"])] = kinds
    return out


_Groups = tuple[tuple[str, ...], ...]


def _load_synonyms() -> tuple[
    _Groups, dict[str, tuple[int, ...]], dict[int, tuple[int, ...]], dict[str, str]
]:
    rows = _rows("synonyms.csv")
    groups = tuple(tuple(dict.fromkeys(_key(w) for w in _split(row["words"]))) for row in rows)
    group_of: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        for word in group:
            group_of.setdefault(word, []).append(index)
    english: dict[str, str] = {}
    broader: dict[int, tuple[int, ...]] = {}
    for index, row in enumerate(rows):
        for phrase in _split(row["en"]):
            english.setdefault(_key(phrase), groups[index][0])
        parents: list[int] = []
        for word in _split(row["broader"]):
            if _key(word) not in group_of:
                raise RuntimeError(f"synonyms.csv: broader word {word!r} is in no group")
            parents.extend(i for i in group_of[_key(word)] if i != index)
        if parents:
            broader[index] = tuple(parents)
    return groups, {k: tuple(v) for k, v in group_of.items()}, broader, english


def _load_schemes() -> tuple[dict[str, CertScheme], dict[str, str]]:
    schemes: dict[str, CertScheme] = {}
    of_standard: dict[str, str] = {}
    for row in _rows("cert_schemes.csv"):
        bases: list[str] = []
        for text in _split(row["standards"]):
            try:
                bases.append(parse_standard_code(text).base)
            except InvalidStandardCode as error:
                raise RuntimeError(f"cert_schemes.csv: {row['code']}: {error.detail}") from None
        scheme = CertScheme(
            code=row["code"],
            category=row["category"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            standards=tuple(bases),
            keywords=_split(row["keywords"]),
            products=tuple(_key(p) for p in _split(row["products"])),
        )
        schemes[scheme.code] = scheme
        for base in bases:
            of_standard.setdefault(base, scheme.code)  # the first scheme listed wins
    return schemes, of_standard


def _core_words() -> set[str]:
    words: set[str] = set()
    for line in _lines(CORE_WORDS):
        words.add(_key(line.split()[0]))
    return words


def _load() -> Vocabulary:
    kind_words = _load_kind_words()
    groups, group_of, broader, english = _load_synonyms()
    schemes, of_standard = _load_schemes()
    misspellings = {row["wrong"]: row["right"] for row in _rows("misspellings.csv")}
    aliases = {row["alias"]: row["code"] for row in _rows("place_aliases.csv")}
    stop_words = frozenset(_key(w) for w in _lines(DATA / "stop_words.txt"))
    province_words = frozenset(_key(w) for w in _lines(DATA / "province_words.txt"))
    domain = {word for group in groups for word in group}
    domain |= {w for w in kind_words if len(w) > 1}
    domain |= set(english.values())
    domain |= _core_words()
    return Vocabulary(
        kind_words=MappingProxyType(kind_words),
        synonym_groups=groups,
        group_of=MappingProxyType(group_of),
        broader_of=MappingProxyType(broader),
        english=MappingProxyType(english),
        misspellings=MappingProxyType(misspellings),
        stop_words=stop_words,
        province_words=province_words,
        place_aliases=MappingProxyType(aliases),
        blocked_short_place_names=frozenset(_lines(DATA / "place_blocked_short_names.txt")),
        schemes=MappingProxyType(schemes),
        scheme_of_standard=MappingProxyType(of_standard),
        domain_words=frozenset(w for w in domain if len(w) > 1),
    )


_lock = threading.Lock()
_loaded: Vocabulary | None = None


def vocabulary() -> Vocabulary:
    """The vocabulary, loaded on first use and shared by the whole process (read-only)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load()
    return _loaded
