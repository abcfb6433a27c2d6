"""Pick the language version of a model's text for the active language.

Reference and organisation rows carry Chinese text and, where known, an English version in a
``*_en`` field. English pages show the English text when there is one, and the Chinese otherwise.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation


def is_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def localised(obj: Any, field: str) -> str:
    """``obj.<field>_en`` on English pages when it is not blank, else ``obj.<field>_zh`` (or
    plain ``obj.<field>``)."""
    if obj is None:
        return ""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    chinese = getattr(obj, f"{field}_zh", None)
    if chinese is None:
        chinese = getattr(obj, field, "")
    return str(chinese or "")
