"""Standard designations (标准号) as users type them, and their one canonical form.

Users type ``GB/T228.1—2021``, ``GB／T 228.1-2021``, ``gbt 228.1``, ``JJG52-2013``,
``ISO 9001:2015``, ``DB21/T 1234-2020``, ``T/CAS 123-2021`` or ``Q/ABC 001-2020``; all of
them parse to a :class:`StandardCode` whose :attr:`~StandardCode.canonical` form is the one
key used everywhere else. A code without a year means "any version" of the standard.

The parser is pure (no database, no module-level mutable state). A title typed after the
code (``GB/T 228.1-2021 金属材料 拉伸试验``), an adoption note in brackets
(``(idt ISO 6892-1:2019)``) and surrounding ``《》`` or quotes are ignored. Anything it cannot
read raises :class:`InvalidStandardCode` with a message saying why, never another exception.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import to_halfwidth

__all__ = [
    "InvalidStandardCode",
    "StandardCode",
    "normalise_standard_code",
    "parse_standard_code",
]

MIN_YEAR = 1950
MAX_INPUT_LENGTH = 1000  # raw text, title included
MAX_CODE_LENGTH = 100  # the code itself, title stripped

FAMILIES = (
    "national",
    "industry",
    "metrology",
    "special_equipment",
    "local",
    "group",
    "enterprise",
    "international",
    "foreign",
    "military",
)


class InvalidStandardCode(DomainError):
    code = "invalid_standard_code"


# --- prefixes ---------------------------------------------------------------------------

_NATIONAL = frozenset({"GB", "GB/T", "GB/Z"})
_METROLOGY = frozenset({"JJG", "JJF"})
_MILITARY = frozenset({"GJB", "GJB/Z"})
_INTERNATIONAL = frozenset(
    {"ISO", "IEC", "ISO/IEC", "ISO/TS", "ISO/TR", "IEC/TS", "IEC/TR", "ITU", "ITU-T", "ITU-R"}
)
# Foreign bodies whose designations put the year after a hyphen (ASTM E8/E8M-22).
_DASH_YEAR = frozenset({"ASTM", "ASME", "ANSI", "API", "AWS", "NACE", "NFPA", "IEEE"})
# Foreign bodies whose designations put the year after a colon, as ISO does.
_COLON_FOREIGN = (
    r"(?:(?:BS|DIN|NF|UNE|CSN|PN|SS|SN|OENORM) )?EN(?: ISO| IEC)?"
    r"|(?:BS|DIN|NF) (?:ISO|IEC)|BS|DIN|NF|AS/NZS|AS|CSA|GOST|KS|UL"
)
_FOREIGN_RE = re.compile(rf"{_COLON_FOREIGN}|JIS|{'|'.join(sorted(_DASH_YEAR))}", re.ASCII)
# Letters that never stand alone as a Chinese industry prefix.
# Foreign prefixes that, followed by /T or /Z, are Chinese industry codes.
_ALSO_CHINESE_INDUSTRY = frozenset({"SN"})
_NOT_INDUSTRY = frozenset(
    {"Q", "T", "DB", "TSG", "GJB", "ISO", "IEC", "ITU", "EN", "BS", "DIN", "NF", "UNE", "CSN"}
    | {"PN", "SS", "SN", "AS", "CSA", "GOST", "KS", "UL", "JIS"}
    | _DASH_YEAR
)


def _family(prefix: str) -> str:
    if prefix in _NATIONAL:
        return "national"
    if prefix in _METROLOGY:
        return "metrology"
    if prefix == "TSG":
        return "special_equipment"
    if prefix in _MILITARY:
        return "military"
    if prefix in _INTERNATIONAL:
        return "international"
    if prefix.startswith("Q/"):
        return "enterprise"
    if prefix.startswith("T/"):
        return "group"
    if re.fullmatch(r"DB[0-9]{2}(?:[0-9]{2})?(?:/[TZ])?", prefix, re.ASCII):
        return "local"
    if _FOREIGN_RE.fullmatch(prefix):
        return "foreign"
    return "industry"


# --- the value --------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardCode:
    """One standard designation. ``year`` None means "any version" of the standard."""

    prefix: str
    number: str
    year: int | None
    amendment: str = ""

    @property
    def family(self) -> str:
        return _family(self.prefix)

    @property
    def _year_separator(self) -> str:
        if self.family == "international":
            return ":"
        if self.family == "foreign" and self.prefix not in _DASH_YEAR:
            return ":"
        return "-"

    @property
    def base(self) -> str:
        """The version-independent key: ``GB/T 228.1``, ``ISO 9001``."""
        return f"{self.prefix} {self.number}"

    @property
    def canonical(self) -> str:
        text = self.base
        if self.year is not None:
            text += f"{self._year_separator}{self.year}"
        if self.amendment:
            text += f"/{self.amendment}"
        return text

    @property
    def is_versioned(self) -> bool:
        return self.year is not None

    def with_year(self, year: int | None) -> StandardCode:
        """The same standard in another version; an amendment belongs to one version only."""
        amendment = self.amendment if year == self.year else ""
        return replace(self, year=year, amendment=amendment)

    def __str__(self) -> str:
        return self.canonical


# --- grammar ----------------------------------------------------------------------------
# Applied with ``fullmatch`` to the code part: upper-case ASCII, single spaces, no spaces
# around ``/``, ``-`` and ``:``.

_CN_NUMBER = r"[0-9]+(?:\.[0-9]+)*"
# -2021, -93, :2021 or " 2021"; then an optional 修改单 (/XG1-2023); then an optional
# adoption reference (GB/T 19001-2016/ISO 9001:2015), which is ignored.
_CN_TAIL = (
    r"(?:(?:[-:](?P<year>[0-9]{4}|[0-9]{2})|[ ](?P<syear>[0-9]{4}))"
    r"(?:[/ ]XG ?(?P<xg>[0-9]+)(?:-(?P<xgyear>[0-9]{4}|[0-9]{2}))?)?)?"
    r"(?:/(?:ISO|IEC|EN|ITU)(?:[ /A-Z0-9.:-])*)?"
)
_INTL_TAIL = (
    r"(?:(?::(?P<year>[0-9]{4})|[ ](?P<syear>[0-9]{4}))"
    r"(?:[/ ](?P<amdkind>AMD|COR)\.? ?(?P<amdno>[0-9]+)(?::(?P<amdyear>[0-9]{4}))?)?)?"
)

_ENTERPRISE_RE = re.compile(
    r"Q/(?P<ent>[A-Z0-9]+(?: [A-Z0-9]+)*?)(?: |(?<=[A-Z])(?=[0-9]))"
    rf"(?P<number>{_CN_NUMBER}){_CN_TAIL}",
    re.ASCII,
)
_GROUP_RE = re.compile(rf"T/(?P<org>[A-Z]{{2,10}}) ?(?P<number>{_CN_NUMBER}){_CN_TAIL}", re.ASCII)
_LOCAL_RE = re.compile(
    r"DB ?(?P<region>[0-9]{2}(?:[0-9]{2})?)(?:/?(?P<kind>[TZ]) ?| )"
    rf"(?P<number>{_CN_NUMBER}){_CN_TAIL}",
    re.ASCII,
)
_TSG_RE = re.compile(rf"TSG ?(?P<number>[A-Z]?{_CN_NUMBER}){_CN_TAIL}", re.ASCII)
_GJB_RE = re.compile(
    rf"GJB(?:/?(?P<kind>Z)(?= ))? ?(?P<number>[0-9]+[A-Z]?(?:\.[0-9]+[A-Z]?)*){_CN_TAIL}",
    re.ASCII,
)
_CHINESE_RE = re.compile(
    r"(?P<letters>[A-Z]{1,5})(?:/(?P<kind>[TZ])|[ ](?P<skind>[TZ])(?=[ ]))? ?"
    rf"(?P<number>{_CN_NUMBER}){_CN_TAIL}",
    re.ASCII,
)
_DASH_RE = re.compile(
    rf"(?P<prefix>{'|'.join(sorted(_DASH_YEAR))}) ?"
    r"(?P<number>[A-Z]{0,3}[0-9]+[A-Z]?(?:\.[0-9]+[A-Z]?)*"
    r"(?:/[A-Z]{0,3}[0-9]+[A-Z]?(?:\.[0-9]+[A-Z]?)*)?)"
    r"(?:[-:](?P<year>[0-9]{4}|[0-9]{2})|[ ](?P<syear>[0-9]{4}))?",
    re.ASCII,
)
_INTL_RE = re.compile(
    r"(?P<prefix>ISO/IEC|ISO/TS|ISO/TR|IEC/TS|IEC/TR|ISO|IEC|" + _COLON_FOREIGN + r") ?"
    rf"(?P<number>[0-9]+[A-Z]?(?:[.-][0-9]+[A-Z]?)*){_INTL_TAIL}",
    re.ASCII,
)
_JIS_RE = re.compile(
    rf"(?P<prefix>JIS) ?(?P<letter>[A-Z]) ?(?P<number>[0-9]+(?:[.-][0-9]+)*){_INTL_TAIL}",
    re.ASCII,
)
_ITU_RE = re.compile(
    rf"(?P<prefix>ITU(?:-[TR])?) ?(?P<number>[A-Z]\.[0-9]+(?:\.[0-9]+)*){_INTL_TAIL}",
    re.ASCII,
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_WRAPPERS = " \"'“”‘’「」『』《》〈〉<>【】"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_TITLE_STARTS = frozenset("([{,;\"'<")
_MISSING_NUMBER_RE = re.compile(r"(?:DB ?[0-9]{2,4})?[A-Z/ ]*(?:[-:].*)?", re.ASCII)


# --- parsing ----------------------------------------------------------------------------


def _is_illegal(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in "\t\n\r"
    if category in {"Cs", "Co", "Cn", "Cf"}:
        return True
    code = ord(char)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0xFE00 <= code <= 0xFE0F


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _unreadable(shown: str, reason: str) -> InvalidStandardCode:
    return InvalidStandardCode(
        _("无法识别的标准号“%(code)s”：%(reason)s") % {"code": shown, "reason": reason}
    )


def _year(text: str, shown: str) -> int:
    latest = datetime.now(tz=UTC).year + 2
    value = int(text)
    if len(text) == 2:
        if value >= 50:
            value += 1900
        elif value <= latest % 100:
            value += 2000
        else:
            raise _unreadable(shown, _("年份“%(year)s”不合理") % {"year": text})
    if not MIN_YEAR <= value <= latest:
        raise _unreadable(shown, _("年份“%(year)s”不合理") % {"year": text})
    return value


def _match_year(match: re.Match[str], shown: str) -> int | None:
    text = match["year"] or match["syear"]
    return None if text is None else _year(text, shown)


def _xg(match: re.Match[str], shown: str) -> str:
    if match["xg"] is None:
        return ""
    amendment = f"XG{int(match['xg'])}"
    if match["xgyear"] is not None:
        amendment += f"-{_year(match['xgyear'], shown)}"
    return amendment


def _chinese(prefix: str, match: re.Match[str], shown: str) -> StandardCode:
    return StandardCode(prefix, match["number"], _match_year(match, shown), _xg(match, shown))


def _international(prefix: str, number: str, match: re.Match[str], shown: str) -> StandardCode:
    year = _match_year(match, shown)
    if year is None:
        # ISO 9001-2015: a common slip for ISO 9001:2015. Parts (6892-1) are never 4 digits.
        dashed = re.fullmatch(r"(?P<number>.+)-(?P<year>[0-9]{4})", number, re.ASCII)
        if dashed is not None and int(dashed["year"]) >= MIN_YEAR:
            number, year = dashed["number"], _year(dashed["year"], shown)
    amendment = ""
    if match["amdkind"] is not None:
        amendment = f"{match['amdkind'].title()} {int(match['amdno'])}"
        if match["amdyear"] is not None:
            amendment += f":{_year(match['amdyear'], shown)}"
    return StandardCode(prefix, number, year, amendment)


def _chinese_prefix(match: re.Match[str]) -> str | None:
    letters: str = match["letters"]
    kind = match["kind"] or match["skind"]
    if kind is None and len(letters) >= 3 and letters[-1] in "TZ":  # GBT → GB/T
        letters, kind = letters[:-1], letters[-1]
    if len(letters) > 4:
        return None
    # "SN EN 1090" is Swiss, but "SN/T 1234" is China's entry-exit inspection industry standard.
    if letters in _NOT_INDUSTRY and not (kind and letters in _ALSO_CHINESE_INDUSTRY):
        return None
    return letters if kind is None else f"{letters}/{kind}"


def _match(code: str, shown: str) -> StandardCode | None:
    if match := _ENTERPRISE_RE.fullmatch(code):
        return _chinese(f"Q/{match['ent']}", match, shown)
    if match := _GROUP_RE.fullmatch(code):
        return _chinese(f"T/{match['org']}", match, shown)
    if match := _LOCAL_RE.fullmatch(code):
        kind = f"/{match['kind']}" if match["kind"] else ""
        return _chinese(f"DB{match['region']}{kind}", match, shown)
    if match := _TSG_RE.fullmatch(code):
        return _chinese("TSG", match, shown)
    if match := _GJB_RE.fullmatch(code):
        return _chinese("GJB/Z" if match["kind"] else "GJB", match, shown)
    if match := _DASH_RE.fullmatch(code):
        text = match["year"] or match["syear"]
        year = None if text is None else _year(text, shown)
        return StandardCode(match["prefix"], match["number"], year)
    if match := _INTL_RE.fullmatch(code):
        return _international(match["prefix"], match["number"], match, shown)
    if match := _JIS_RE.fullmatch(code):
        number = f"{match['letter']} {match['number']}"
        return _international("JIS", number, match, shown)
    if match := _ITU_RE.fullmatch(code):
        return _international(match["prefix"], match["number"], match, shown)
    if match := _CHINESE_RE.fullmatch(code):
        prefix = _chinese_prefix(match)
        return None if prefix is None else _chinese(prefix, match, shown)
    return None


def _code_part(text: str) -> str:
    """The ASCII run that holds the code: up to a title, a bracket or a list separator."""
    end = len(text)
    for index, char in enumerate(text):
        if not char.isascii() or char in _TITLE_STARTS:
            end = index
            break
    code = text[:end].upper()
    code = re.sub(r" ?([/:-]) ?", r"\1", code)
    return code.strip().rstrip(".,;").strip()


def parse_standard_code(raw: str) -> StandardCode:
    """Read a standard designation as typed; raise :class:`InvalidStandardCode` if unreadable."""
    text = raw if isinstance(raw, str) else ""
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidStandardCode(_("标准号过长"))
    text = to_halfwidth(text).translate(_ZERO_WIDTH).translate(_DASHES)
    if any(_is_illegal(char) for char in text):
        clean = "".join(char for char in text if not _is_illegal(char))
        raise _unreadable(_shown(clean.strip()), _("包含非法字符"))
    text = re.sub(r"\s+", " ", text).strip(_WRAPPERS)
    if not text:
        raise InvalidStandardCode(_("标准号为空"))
    shown = _shown(text)

    code = _code_part(text)
    tokens = code.split(" ") if code else []
    for count in range(len(tokens), 0, -1):
        # Only a word (an English title) may follow the code, never digits or symbols.
        if count < len(tokens) and not tokens[count][:1].isalpha():
            continue
        candidate = " ".join(tokens[:count])
        if len(candidate) > MAX_CODE_LENGTH:
            continue
        parsed = _match(candidate, shown)
        if parsed is not None:
            if len(parsed.canonical) > MAX_CODE_LENGTH:
                raise InvalidStandardCode(_("标准号过长"))
            return parsed

    if len(code) > MAX_CODE_LENGTH:
        raise InvalidStandardCode(_("标准号过长"))
    if not code[:1].isalpha():
        raise _unreadable(shown, _("缺少标准代号"))
    if _MISSING_NUMBER_RE.fullmatch(code):
        raise _unreadable(shown, _("缺少标准顺序号"))
    raise _unreadable(shown, _("格式不正确"))


def normalise_standard_code(raw: str) -> str:
    """The canonical form of a designation as typed: ``gbt 228.1—2021`` → ``GB/T 228.1-2021``."""
    return parse_standard_code(raw).canonical
