"""API shapes of the matching engine: the need as understood and the ranked institutions."""

from __future__ import annotations

from ninja import Schema


class UnderstoodStandardOut(Schema):
    code: str
    year: int | None


class UnderstoodRangeOut(Schema):
    min: float | None
    max: float | None
    unit: str | None
    text: str


class UnderstoodAccuracyOut(Schema):
    kind: str
    value: float | None
    unit: str | None
    text: str


class UnderstoodPlaceOut(Schema):
    code: str
    name: str


class UnderstoodOut(Schema):
    kind: str | None
    kinds: list[str]
    standards: list[UnderstoodStandardOut]
    terms: list[str]
    synonyms: dict[str, list[str]]
    range: UnderstoodRangeOut | None
    accuracy: UnderstoodAccuracyOut | None
    place: UnderstoodPlaceOut | None
    cert_scheme: str | None
    problems: list[str]


class MatchQualificationOut(Schema):
    type: str
    number: str
    valid_to: str


class MatchCapabilityOut(Schema):
    id: int
    kind: str
    object: str
    parameter: str
    standards: list[str]
    range: str
    uncertainty: str
    price_cny: float | None
    turnaround_days: int | None
    qualification: MatchQualificationOut | None
    exact_standard: bool
    flags: list[str]
    reasons: list[str]


class MatchInstitutionOut(Schema):
    uscc: str
    name: str
    city_code: str | None
    distance: str
    score: float
    reasons: list[str]
    capabilities: list[MatchCapabilityOut]


class MatchOut(Schema):
    understood: UnderstoodOut
    results: list[MatchInstitutionOut]
    unconfirmed: list[MatchInstitutionOut]
