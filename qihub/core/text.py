"""Chinese text as users type it: full-width forms, stray spaces, pinyin for names."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ１／) and the ideographic space become their half-width forms.

    「ＧＢ／Ｔ」 becomes 「GB/T」 and 「（」 becomes 「(」; CJK characters and punctuation outside
    the full-width ASCII block (。、《》) stay as they are.
    """
    out = []
    for char in text:
        code = ord(char)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


def normalise_text(text: str) -> str:
    """One canonical form for free text: NFC, half-width ASCII, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", to_halfwidth(text))
    return _SPACES.sub(" ", text).strip()


def pinyin_full(text: str) -> str:
    """Tone-less pinyin without separators: 沈阳 → shenyang. Non-Chinese characters are kept."""
    return "".join(lazy_pinyin(normalise_text(text))).lower().replace(" ", "")


def pinyin_initials(text: str) -> str:
    """First letters of each syllable: 沈阳市计量测试院 → syssjlcsy."""
    letters = lazy_pinyin(normalise_text(text), style=Style.FIRST_LETTER)
    return "".join(letters).lower().replace(" ", "")


def looks_like_pinyin(text: str) -> bool:
    """True for a plain ASCII-letter query such as 'sysjl' or 'shenyang' (match it as pinyin)."""
    return bool(re.fullmatch(r"[a-zA-Z]{2,40}", text))
