"""The lookup answer as plain data: one shape for the API and the command line."""

from __future__ import annotations

from typing import Any

from qihub.standards.queries import StandardLookup


def lookup_as_dict(found: StandardLookup) -> dict[str, Any]:
    standard = found.standard
    return {
        "code": standard.code,
        "title_zh": standard.title_zh,
        "title_en": standard.title_en,
        "type": standard.type,
        "family": standard.family,
        "status": standard.status,
        "current": found.current.code if found.current is not None else None,
        "versions": [
            {"code": s.code, "year": s.year, "status": s.status, "title_zh": s.title_zh}
            for s in found.versions
        ],
    }
