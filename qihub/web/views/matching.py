"""Finding the institutions that can do what an enterprise needs: the search page (free text
with 我要检测 / 我要校准 / 我要认证 entry points, the understood need as chips the user can correct
or remove, ranked institutions with their reasons and matching capability lines, a map) and the
side-by-side comparison of up to three institutions for the same need.

Everything is a GET form: the page works without JavaScript, htmx only swaps ``#match-body``.
Correcting a chip sends the structured parameters ``understand()`` takes (they override the
text); removing one clears its parameter and adds ``drop=<part>``, which this view applies to
the understood need before matching (so a part read from the text can be removed too).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.accounts.models import Organisation
from qihub.core.http import HtmxRequest
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.matching.engine import InstitutionMatch, MatchedLine, match
from qihub.matching.understanding import Need, region_table, understand
from qihub.matching.vocabulary import vocabulary
from qihub.reference.models import Region
from qihub.web.forms.matching import (
    KIND_LABELS,
    STRUCTURED,
    CompareForm,
    MatchForm,
    Search,
)
from qihub.web.localise import localised
from qihub.web.throttles import visitor_throttle
from qihub.web.views.institutions import Validity, validity

REQUEST_NEW_PATH = "/requests/new/"  # the service-request form (matching requests pages)
COMPARE_POOL = 100_000  # rank every matching institution: the compared ones may be far down

DISTANCE_LABELS: dict[str, Any] = {
    "same_city": gettext_lazy("同城"),
    "neighbour": gettext_lazy("邻近城市"),
    "province": gettext_lazy("省内"),
    "outside": gettext_lazy("省外"),
}

# A removed part → the structured parameters that set it (a correction beats a removal).
_DROP_PARAMS: dict[str, tuple[str, ...]] = {
    "kind": ("kind",),
    "place": ("city",),
    "range": ("range_min", "range_max", "unit"),
    "accuracy": ("max_uncertainty",),
    "standard": ("standard",),
    "standards": ("standard",),
    "scheme": (),
    "term": (),
}


# --- reading the need ----------------------------------------------------------------------------


def _cities() -> list[Region]:
    return list(Region.objects.cities().order_by("code"))


def _drop_key(drop: str) -> str:
    return drop.split(":", 1)[0]


def apply_drops(need: Need, drops: tuple[str, ...], structured: dict[str, Any]) -> Need:
    """The need without the parts the user removed. A part the user also corrected (its
    structured parameter is present) is kept: the correction is the later act."""
    active = [d for d in drops if not any(p in structured for p in _DROP_PARAMS[_drop_key(d)])]
    if not active:
        return need
    changes: dict[str, Any] = {}
    if "kind" in active:
        changes.update(kind=None, kinds=())
    if "place" in active:
        changes["place"] = None
    if "range" in active:
        changes["range"] = None
    if "accuracy" in active:
        changes["accuracy"] = None
    if "scheme" in active:
        changes.update(cert_scheme=None, cert_schemes=())
    codes = {d.split(":", 1)[1] for d in active if d.startswith("standard:")}
    if "standards" in active:
        changes["standards"] = ()
    elif codes:
        changes["standards"] = tuple(s for s in need.standards if s.code not in codes)
    terms = {d.split(":", 1)[1] for d in active if d.startswith("term:")}
    if terms:
        changes["terms"] = tuple(t for t in need.terms if t not in terms)
        changes["expanded_terms"] = tuple(e for e in need.expanded_terms if e[0] not in terms)
    return replace(need, **changes)


def read_need(search: Search) -> Need:
    """The understood need: the text with the structured corrections, minus removed parts,
    with the form's own problems (a number that is not one) first."""
    need = understand(search.q, **search.structured)
    need = apply_drops(need, search.drops, search.structured)
    if search.problems:
        need = replace(need, problems=tuple(dict.fromkeys(search.problems + need.problems)))
    return need


# --- chips -------------------------------------------------------------------------------------


def _url(base: str, params: QueryDict) -> str:
    query = params.urlencode()
    return f"{base}?{query}" if query else base


def _without(params: QueryDict, *names: str) -> QueryDict:
    out = params.copy()
    for name in names:
        out.pop(name, None)
    return out


@dataclass(frozen=True)
class Chip:
    """One understood part of the need, with the link that removes it (or restores it)."""

    key: str  # what a drop parameter names: "kind", "place", "standard:GB/T 228.1-2021" …
    label: str
    value: str
    detail: str
    url: str


def _remove_url(base: str, params: QueryDict, key: str) -> str:
    out = _without(params, "page", *_DROP_PARAMS[_drop_key(key)])
    if key not in out.getlist("drop"):
        out.appendlist("drop", key)
    return _url(base, out)


def _restore_url(base: str, params: QueryDict, key: str) -> str:
    out = _without(params, "page")
    out.setlist("drop", [d for d in out.getlist("drop") if d != key])
    return _url(base, out)


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _range_text(need: Need) -> str:
    if need.range is None:
        return ""
    return need.range.text or str(need.range)


def chips(need: Need, base: str, params: QueryDict) -> list[Chip]:
    """The understood need as chips, in reading order: kind, standards, scheme, terms, range,
    accuracy, place."""
    out: list[Chip] = []

    def add(key: str, label: str, value: str, detail: str = "") -> None:
        out.append(Chip(key, label, value, detail, _remove_url(base, params, key)))

    if need.kinds:
        add("kind", _("服务类型"), "、".join(_kind_label(k) for k in need.kinds))
    for standard in need.standards:
        detail = "" if standard.year else _("任意版本")
        add(f"standard:{standard.code}", _("标准"), standard.code, detail)
    if need.cert_scheme:
        scheme = vocabulary().schemes.get(need.cert_scheme)
        name = localised(scheme, "name") if scheme else need.cert_scheme
        add("scheme", _("认证项目"), name)
    for term, synonyms in need.expanded_terms:
        add(f"term:{term}", _("对象/项目"), term, "、".join(synonyms))
    if need.range is not None:
        add("range", _("量程"), _range_text(need))
    if need.accuracy is not None:
        add("accuracy", _("精度"), str(need.accuracy))
    if need.place is not None:
        add("place", _("地点"), need.place.name)
    return out


def removed_chips(search: Search, base: str, params: QueryDict) -> list[Chip]:
    """Parts the user removed, each with the link that brings it back."""
    labels = {
        "kind": _("服务类型"),
        "place": _("地点"),
        "range": _("量程"),
        "accuracy": _("精度"),
        "scheme": _("认证项目"),
        "standards": _("标准"),
        "standard": _("标准"),
        "term": _("对象/项目"),
    }
    out = []
    for drop in search.drops:
        key, _sep, value = drop.partition(":")
        out.append(Chip(drop, labels[key], value, "", _restore_url(base, params, drop)))
    return out


def correction_initial(need: Need) -> dict[str, Any]:
    """The correction form filled with what was understood (submitting it unchanged changes
    nothing; a changed field overrides the text)."""
    initial: dict[str, Any] = {"kind": need.kind or ""}
    if len(need.standards) == 1:
        initial["standard"] = need.standards[0].code
    if need.range is not None:
        initial["range_min"] = need.range.low
        initial["range_max"] = need.range.high
        initial["unit"] = need.range.unit.symbol if need.range.unit else ""
    if need.accuracy is not None:
        initial["max_uncertainty"] = str(need.accuracy)
    if need.place is not None:
        initial["city"] = need.place.code
    return initial


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    matched: MatchedLine
    qualification: Validity | None
    codes: list[str]  # the method standards the line cites
    exact_codes: frozenset[str]  # those that are exactly the edition asked for

    @property
    def line(self) -> CapabilityLine:
        return self.matched.line

    @property
    def flag_notes(self) -> tuple[str, ...]:
        return self.matched.flags


def _line_view(matched: MatchedLine, need: Need, today: date) -> LineView:
    line = matched.line
    codes = [c.code for c in line.standards.all()]
    asked = {s.code for s in need.standards if s.year is not None}
    exact = {c for c in codes if c in asked} if matched.exact_standard else set()
    return LineView(
        matched=matched,
        qualification=validity(line.qualification, today) if line.qualification else None,
        codes=codes,
        exact_codes=frozenset(exact),
    )


@dataclass(frozen=True)
class ResultView:
    rank: int
    found: InstitutionMatch
    percent: int  # how much of the need the best line covers (the score's whole part)
    distance: str
    lines: list[LineView]
    qualification: Validity | None
    lowest_price: Decimal | None
    shortest_days: int | None

    @property
    def organisation(self) -> Organisation:
        return self.found.organisation


def _result_view(rank: int, found: InstitutionMatch, need: Need, today: date) -> ResultView:
    lines = [_line_view(m, need, today) for m in found.lines]
    prices = [m.line.price_cny for m in found.lines if m.line.price_cny is not None]
    days = [m.line.turnaround_days for m in found.lines if m.line.turnaround_days is not None]
    qualification: Qualification | None = found.qualification
    return ResultView(
        rank=rank,
        found=found,
        percent=max(0, min(100, math.floor(found.score))),
        distance=str(DISTANCE_LABELS.get(found.distance, "")),
        lines=lines,
        qualification=validity(qualification, today) if qualification else None,
        lowest_price=min(prices) if prices else None,
        shortest_days=min(days) if days else None,
    )


def result_views(found: tuple[InstitutionMatch, ...], need: Need, today: date) -> list[ResultView]:
    return [_result_view(i, r, need, today) for i, r in enumerate(found, start=1)]


def map_config(results: list[ResultView], need: Need) -> dict[str, Any] | None:
    """What static/web/js/map.js draws for kind "pins": one pin per result (its own point, else
    its city's), the requested city highlighted. None when no result can be placed."""
    pins = []
    for view in results:
        organisation = view.organisation
        approximate = organisation.longitude is None or organisation.latitude is None
        source: Organisation | Region | None = organisation.city if approximate else organisation
        if source is None or source.longitude is None or source.latitude is None:
            continue
        pins.append(
            {
                "name": f"{view.rank}. {localised(organisation, 'name')}",
                "longitude": float(source.longitude),
                "latitude": float(source.latitude),
                "approximate": approximate,
                "url": reverse("web:institution-detail", kwargs={"uscc": organisation.uscc}),
            }
        )
    if not pins:
        return None
    city = region_table().get(need.place.city_code) if need.place else None
    return {
        "kind": "pins",
        "geojson": static("web/vendor/liaoning.json"),
        "cityFeature": city.name if city else "",
        "pins": pins,
        "ariaLabel": _("匹配机构位置示意图；各机构信息见结果列表。"),
    }


def _request_url(search: Search) -> str:
    """The service-request form, started from this search."""
    return f"{REQUEST_NEW_PATH}?{urlencode({'q': search.q})}" if search.q else REQUEST_NEW_PATH


def _carried(params: QueryDict) -> list[tuple[str, str]]:
    """The need's parameters (text, corrections, removals) as hidden fields of another form."""
    names = ("q", *STRUCTURED, "drop")
    return [(name, value) for name in names for value in params.getlist(name) if value != ""]


# --- pages -------------------------------------------------------------------------------------

# Needs as people type them, by the kind tab they belong to.
EXAMPLES = (
    ("test", "钢筋拉伸试验 GB/T 228.1-2021 沈阳"),
    ("test", "混凝土抗压强度检测 大连"),
    ("calibration", "三坐标测量机校准 大连"),
    ("verification", "压力表检定 0-60MPa 1.6级"),
    ("calibration", "温度计校准 U≤0.1℃"),
    ("certification", "需要ISO 9001认证"),
    ("certification", "有机产品认证 丹东"),
)
# Corrections belong to the text they were made for: a new text in the search box drops them.
_CORRECTIONS = ("standard", "range_min", "range_max", "unit", "max_uncertainty", "drop")


def _params(request: HtmxRequest) -> QueryDict:
    params = request.GET.copy()
    based_on = params.pop("based_on", None)
    if based_on is not None and based_on[-1] != params.get("q", ""):
        for name in _CORRECTIONS:
            params.pop(name, None)
    params.pop("page", None)
    return params


def _examples(kind: str) -> list[dict[str, str]]:
    """The examples of the chosen tab (校准 and 检定 go together), else all of them."""
    group = {"calibration": ("calibration", "verification")}.get(kind, (kind,))
    chosen = [text for k, text in EXAMPLES if k in group] or [text for _k, text in EXAMPLES]
    base = reverse("web:match")
    return [{"text": text, "url": f"{base}?{urlencode({'q': text})}"} for text in chosen]


@require_safe
@vary_on_headers("HX-Request")
def match_page(request: HtmxRequest) -> HttpResponse:
    refused = visitor_throttle(request, "web-match")
    if refused is not None:
        return refused
    cities = _cities()
    params = _params(request)
    form = MatchForm(params, cities=cities)
    search = form.search()
    base = reverse("web:match")
    examples = _examples(str(search.structured.get("kind", "")))
    form.fields["q"].widget.attrs["placeholder"] = _("例如：") + "；".join(
        e["text"] for e in examples[:3]
    )
    context: dict[str, Any] = {
        "form": form,
        "search": search,
        "carried": [(n, v) for n, v in _carried(params) if n not in ("q", "kind", "city")],
        "request_url": _request_url(search),
        "kind_labels": KIND_LABELS,
        "examples": examples,
    }
    if search.asked:
        need = read_need(search)
        today = timezone.localdate()
        result = match(need, limit=search.limit, today=today)
        results = result_views(result.results, need, today)
        pins = map_config(results, need)
        correction = MatchForm(
            initial={**correction_initial(need), "limit": search.limit},
            cities=cities,
            auto_id="fix_%s",
        )
        if need.place is not None and need.place.level != "prefecture":
            choices = [*correction.city_choices, (need.place.code, need.place.name)]
            cast(forms.Select, correction.fields["city"].widget).choices = choices
        context.update(
            {
                "need": need,
                "chips": chips(need, base, params),
                "removed": removed_chips(search, base, params),
                "corrections": need.corrections,
                "correction_form": correction,
                "drops": search.drops,
                "results": results,
                "unconfirmed": result_views(result.unconfirmed, need, today),
                "map_json": json.dumps(pins) if pins else "",
                "compare_carried": _carried(params),
            }
        )
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/matching/_match.html", context)
    return render(request, "web/matching/search.html", context)


@dataclass(frozen=True)
class Compared:
    organisation: Organisation
    qualifications: list[Validity]
    found: ResultView | None  # None: no capability of it meets this need
    unconfirmed: bool = False  # it would, but its accuracy cannot be compared with the need's


@require_safe
def match_compare(request: HtmxRequest) -> HttpResponse:
    """Up to three institutions side by side, for the need of the search they were picked in."""
    refused = visitor_throttle(request, "web-match")
    if refused is not None:
        return refused
    params = _params(request)
    picked = CompareForm(params)
    search = MatchForm(params, cities=_cities()).search()
    back = _url(reverse("web:match"), _without(params, "uscc"))
    context: dict[str, Any] = {"problem": picked.problem(), "back_url": back, "search": search}
    if context["problem"] is not None:
        return render(request, "web/matching/compare.html", context, status=400)
    organisations = {
        o.uscc: o
        for o in Organisation.objects.visible_to(request.user)
        .filter(uscc__in=picked.usccs)
        .select_related("city")
    }
    today = timezone.localdate()
    need: Need | None = None
    found: dict[str, ResultView] = {}
    doubtful: set[str] = set()
    if search.asked:
        need = read_need(search)
        result = match(need, limit=COMPARE_POOL, today=today)
        found = {
            m.organisation.uscc: _result_view(rank, m, need, today)
            for rank, m in enumerate(result.results, start=1)
            if m.organisation.uscc in organisations
        }
        doubtful = {m.organisation.uscc for m in result.unconfirmed}
    held: dict[int, list[Validity]] = {o.pk: [] for o in organisations.values()}
    for qualification in Qualification.objects.filter(organisation_id__in=list(held)).order_by(
        "type", "number"
    ):
        held[qualification.organisation_id].append(validity(qualification, today))
    compared = [
        Compared(organisations[u], held[organisations[u].pk], found.get(u), u in doubtful)
        for u in picked.usccs
        if u in organisations
    ]
    context.update(
        {
            "need": need,
            "chips": chips(need, back, params) if need else [],
            "compared": compared,
            "missing": [u for u in picked.usccs if u not in organisations],
        }
    )
    return render(request, "web/matching/compare.html", context)
