"""统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015, as pure functions.

18 characters: registration authority (1), organisation category (1), administrative division
(6 digits, GB/T 2260), organisation code (9), check character (1). The alphabet is the digits and
the capital letters without I, O, S, V and Z; the check character comes from weighted sums mod 31.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import to_halfwidth

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-_]+")


class InvalidUSCC(DomainError):
    code = "invalid_uscc"


def uscc_check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must already be valid)."""
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    """Canonical USCC from what a user typed: full-width, lower case, spaces and dashes accepted.

    Raises InvalidUSCC saying exactly what is wrong.
    """
    code = _SEPARATORS.sub("", to_halfwidth(raw or "")).upper()
    if not code:
        raise InvalidUSCC(_("统一社会信用代码不能为空"))
    if len(code) != 18:
        raise InvalidUSCC(_("统一社会信用代码应为18位，实际为%(length)d位") % {"length": len(code)})
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            raise InvalidUSCC(
                _("第%(position)d位字符“%(char)s”不允许（代码不使用 I、O、S、V、Z 及标点）")
                % {"position": position, "char": char}
            )
    if not code[2:8].isdigit():
        raise InvalidUSCC(_("第3–8位应为6位行政区划代码，实际为“%(part)s”") % {"part": code[2:8]})
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(
            _("校验码错误：第18位应为“%(expected)s”，实际为“%(actual)s”")
            % {"expected": expected, "actual": code[17]}
        )
    return code


def is_valid_uscc(raw: str) -> bool:
    try:
        normalise_uscc(raw)
    except InvalidUSCC:
        return False
    return True


def uscc_region_code(uscc: str) -> str:
    """The administrative-division code embedded in a canonical USCC (positions 3–8)."""
    return uscc[2:8]


def make_uscc(first17: str) -> str:
    """Complete 17 valid characters with their check character (used by demo data and tests)."""
    return first17 + uscc_check_character(first17)
