"""API shapes for the standards catalogue."""

from __future__ import annotations

from ninja import Schema


class StandardVersionOut(Schema):
    code: str
    year: int | None
    status: str
    title_zh: str


class StandardLookupOut(Schema):
    code: str
    title_zh: str
    title_en: str
    type: str
    family: str
    status: str
    current: str | None
    versions: list[StandardVersionOut]


class StandardListItem(Schema):
    code: str
    title_zh: str
    type: str
    family: str
    status: str


class StandardPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StandardListItem]
