"""Matching: the institutions that can meet a need typed in free text. Public read."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qihub.api.errors import ERRORS
from qihub.api.schemas.matching import MatchOut
from qihub.matching.engine import match_text
from qihub.matching.understanding import MAX_QUERY_LENGTH
from qihub.matching.vocabulary import KINDS

router = Router(tags=["matching"])

Text = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
Bound = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class MatchParams(Schema):
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH, pattern=r"^[^\x00]*$")] = ""
    kind: Annotated[str, Field(pattern="^(" + "|".join(KINDS) + ")$")] | None = None
    city: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    standard: Text | None = None
    range_min: Bound | None = None
    range_max: Bound | None = None
    unit: Annotated[str, Field(max_length=30, pattern=r"^[^\x00]*$")] | None = None
    max_uncertainty: Text | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20


@router.get(
    "/match",
    response={200: MatchOut, **ERRORS},
    url_name="match",
    summary="The institutions that can meet a need, ranked, with reasons",
    description=(
        "Free text (`q`) plus optional structured corrections that override what the text says. "
        "`understood` shows what was read, with `problems` for what could not be; `results` "
        "are the institutions that meet the need (valid qualification, kind, object, "
        "standard edition, range, accuracy, restrictions), best first; `unconfirmed` those "
        "whose accuracy cannot be compared with the one asked (精度需人工确认)."
    ),
)
def match(request: HttpRequest, params: Query[MatchParams]) -> dict[str, Any]:
    structured = params.model_dump(exclude={"q", "limit"}, exclude_none=True)
    return match_text(params.q, limit=params.limit, **structured).as_dict()
