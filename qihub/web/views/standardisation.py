"""Standardisation work against the plan's 2025 targets: an overview with the three counts,
and the registries behind them (technical committees, pilot and demonstration projects,
national standards led or joined), each searchable and filterable, htmx-refreshed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.core.http import HtmxRequest
from qihub.reference.models import Region
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee
from qihub.standards.registries import (
    committees_matching,
    contributions_matching,
    pilot_projects_matching,
    registry_counts,
)
from qihub.web.localise import is_english, localised
from qihub.web.views.home import UNITS_EN

PAGE_SIZE = 20

LIST_URLS = {
    "committees": "web:standardisation-committees",
    "pilot_projects": "web:standardisation-pilots",
    "national_contributions": "web:standardisation-national",
}


def _search_field(placeholder: Any) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("关键词"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": placeholder,
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


class RegistryFilterForm(forms.Form):
    """Filters of one registry; a bad value in one field does not discard the others."""

    names: tuple[str, ...] = ("q",)

    def filters(self) -> dict[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "") for name in self.names}


class CommitteeFilterForm(RegistryFilterForm):
    names = ("q", "status")
    q = _search_field(gettext_lazy("编号、名称、专业领域、拼音或拼音首字母"))
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *TechnicalCommittee.Status.choices],
    )


def _city_choices(form: forms.Form, cities: Sequence[Region]) -> None:
    city_field = cast(forms.ChoiceField, form.fields["city"])
    city_field.choices = [
        ("", gettext_lazy("全省各市")),
        *((city.code, localised(city, "name")) for city in cities),
    ]


class PilotProjectFilterForm(RegistryFilterForm):
    names = ("q", "kind", "level", "field", "status", "city")
    q = _search_field(gettext_lazy("项目名称或承担单位"))
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        choices=[("", gettext_lazy("试点和示范")), *PilotProject.Kind.choices],
    )
    level = forms.ChoiceField(
        label=gettext_lazy("级别"),
        required=False,
        choices=[("", gettext_lazy("全部级别")), *PilotProject.Level.choices],
    )
    field = forms.ChoiceField(
        label=gettext_lazy("领域"),
        required=False,
        choices=[("", gettext_lazy("全部领域")), *PilotProject.Field.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *PilotProject.Status.choices],
    )
    city = forms.ChoiceField(label=gettext_lazy("所在市"), required=False)

    def __init__(self, *args: Any, cities: Sequence[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _city_choices(self, cities)


class ContributionFilterForm(RegistryFilterForm):
    names = ("q", "role", "year", "city")
    q = _search_field(gettext_lazy("标准号、标准名称或单位名称"))
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        required=False,
        choices=[("", gettext_lazy("主导和参与")), *NationalStandardContribution.Role.choices],
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("发布年份"), required=False, coerce=int, empty_value=None
    )
    city = forms.ChoiceField(label=gettext_lazy("所在市"), required=False)

    def __init__(
        self, *args: Any, cities: Sequence[Region], years: Sequence[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _city_choices(self, cities)
        year_field = cast(forms.TypedChoiceField, self.fields["year"])
        year_field.choices = [
            ("", gettext_lazy("全部年份")),
            *((str(year), str(year)) for year in years),
        ]


def _cities() -> list[Region]:
    return list(Region.objects.cities().order_by("code"))


def _render_list(
    request: HtmxRequest,
    items: QuerySet[Any],
    *,
    form: RegistryFilterForm,
    filters: dict[str, str],
    page_template: str,
    fragment_template: str,
) -> HttpResponse:
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "is_filtered": any(filters.values()),
        "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    }
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, fragment_template, context)
    return render(request, page_template, context)


@require_safe
def overview(request: HtmxRequest) -> HttpResponse:
    english = is_english()
    counts = [
        {
            "row": row,
            "url": reverse(LIST_URLS[row.registry]),
            # Units of plan targets are data (个, 项), shown in English as the home page does.
            "unit": UNITS_EN.get(row.unit, row.unit) if english else row.unit,
        }
        for row in registry_counts()
    ]
    return render(request, "web/standardisation/overview.html", {"counts": counts})


@require_safe
@vary_on_headers("HX-Request")
def committee_list(request: HtmxRequest) -> HttpResponse:
    form = CommitteeFilterForm(request.GET)
    filters = form.filters()
    committees = committees_matching(filters["q"], status=filters["status"] or None)
    return _render_list(
        request,
        committees,
        form=form,
        filters=filters,
        page_template="web/standardisation/committees.html",
        fragment_template="web/standardisation/_committee_results.html",
    )


@require_safe
@vary_on_headers("HX-Request")
def pilot_list(request: HtmxRequest) -> HttpResponse:
    form = PilotProjectFilterForm(request.GET, cities=_cities())
    filters = form.filters()
    projects = pilot_projects_matching(
        filters["q"],
        kind=filters["kind"] or None,
        level=filters["level"] or None,
        field=filters["field"] or None,
        status=filters["status"] or None,
        city=filters["city"] or None,
    )
    return _render_list(
        request,
        projects,
        form=form,
        filters=filters,
        page_template="web/standardisation/pilots.html",
        fragment_template="web/standardisation/_pilot_results.html",
    )


@require_safe
@vary_on_headers("HX-Request")
def national_list(request: HtmxRequest) -> HttpResponse:
    years = list(
        NationalStandardContribution.objects.order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = ContributionFilterForm(request.GET, cities=_cities(), years=years)
    filters = form.filters()
    contributions = contributions_matching(
        filters["q"],
        role=filters["role"] or None,
        year=int(filters["year"]) if filters["year"] else None,
        city=filters["city"] or None,
    )
    return _render_list(
        request,
        contributions,
        form=form,
        filters=filters,
        page_template="web/standardisation/national.html",
        fragment_template="web/standardisation/_national_results.html",
    )
