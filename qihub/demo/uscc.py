"""Unique, valid 统一社会信用代码 for demo organisations (GB 32100-2015).

A code is: registration authority and category (2), administrative division (6), organisation
code (9: an 8-character body plus its GB 11714 check character), check character (1).

Uniqueness comes from construction, not from remembering every code issued (a national run makes
a million): each organisation gets a serial number, and the organisation-code body is a seeded
bijection of that serial within a code space. The spaces cannot overlap, because they differ in
their leading characters:

* ``MA``… companies registered since 2015; ``MB``… public institutions and organs since 2015;
  ``MJ``… social organisations since 2015 (the prefixes real registries use);
* 8 digits ``10000000``–``99999999``: older codes carried over from the organisation-code system;
* ``00`` + 6 digits: reserved for the fixed organisations (regulators, the persona organisations),
  whose codes do not depend on the seed so that another seed never duplicates them.
"""

from __future__ import annotations

import random
from math import gcd

from qihub.accounts.identifiers import USCC_ALPHABET, make_uscc

# Registration authority + organisation category (GB 32100-2015, table 1).
GOVERNMENT_ORGAN = "11"  # 机构编制 · 机关: market-supervision bureaus
PUBLIC_INSTITUTION = "12"  # 机构编制 · 事业单位: metrology institutes, public inspection institutes
SOCIAL_ORGANISATION = "51"  # 民政 · 社会团体: quality associations
COMPANY = "91"  # 市场监管 (工商) · 企业

LETTER_PREFIXES = {
    COMPANY: "MA",
    PUBLIC_INSTITUTION: "MB",
    GOVERNMENT_ORGAN: "MB",
    SOCIAL_ORGANISATION: "MJ",
}
_LETTER_SPACE = len(USCC_ALPHABET) ** 6
_DIGIT_SPACE = 9 * 10**7
_RESERVED_SPACE = 10**6
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def gb11714_check_character(body: str) -> str:
    """The 9th character of an organisation code (GB 11714-1997): weighted sum mod 11."""
    total = sum(
        _gb11714_value(char) * weight for char, weight in zip(body, _GB11714_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _gb11714_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, len(USCC_ALPHABET))
        chars.append(USCC_ALPHABET[digit])
    return "".join(reversed(chars))


def _affine(rng: random.Random, modulus: int) -> tuple[int, int]:
    # x -> (a*x + b) mod m is a bijection when a is coprime to m.
    while True:
        a = rng.randrange(modulus // 3, modulus)
        if gcd(a, modulus) == 1:
            return a, rng.randrange(modulus)


class CreditCodes:
    """Issues codes for one seed. Serial numbers must be unique per organisation."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"uscc:{seed}")
        self._letters = _affine(rng, _LETTER_SPACE)
        self._digits = _affine(rng, _DIGIT_SPACE)

    def issue(self, *, category: str, region_code: str, serial: int, legacy: bool) -> str:
        """A USCC for the ``serial``-th generated organisation; ``legacy`` for a pre-2015 code.

        Raises ValueError for a serial outside the smaller (all-digit) space, where the
        bijection would wrap around and repeat a code.
        """
        if not 0 <= serial < _DIGIT_SPACE:
            raise ValueError(f"serial {serial} is outside 0–{_DIGIT_SPACE - 1:,}")
        if legacy:
            a, b = self._digits
            body = str((a * serial + b) % _DIGIT_SPACE + 10**7)
        else:
            a, b = self._letters
            body = LETTER_PREFIXES[category] + _base31((a * serial + b) % _LETTER_SPACE, 6)
        return make_uscc(f"{category}{region_code}{body}{gb11714_check_character(body)}")


def reserved_uscc(*, category: str, region_code: str, number: int) -> str:
    """A seed-independent USCC for a fixed organisation, ``number`` < 1,000,000."""
    if not 0 <= number < _RESERVED_SPACE:
        raise ValueError("reserved numbers run from 0 to 999,999")
    # A fixed multiplier spreads 1, 2, 3… so fixed codes do not look sequential.
    body = f"00{(number * 370_373 + 104_729) % _RESERVED_SPACE:06d}"
    return make_uscc(f"{category}{region_code}{body}{gb11714_check_character(body)}")
