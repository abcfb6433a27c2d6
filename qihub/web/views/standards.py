"""The standards catalogue: ranked search with filters (htmx-refreshed), lookup by code, and one
edition with its version chain."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.core.http import HtmxRequest
from qihub.reference.models import Industry
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.errors import StandardNotFound
from qihub.standards.models import Standard
from qihub.standards.queries import in_force, lookup_standard, version_chain
from qihub.standards.search import search_standards
from qihub.web.localise import localised

PAGE_SIZE = 20

FAMILY_CHOICES = [
    ("national", gettext_lazy("国家标准")),
    ("industry", gettext_lazy("行业标准")),
    ("metrology", gettext_lazy("计量技术法规")),
    ("special_equipment", gettext_lazy("特种设备安全技术规范")),
    ("local", gettext_lazy("地方标准")),
    ("group", gettext_lazy("团体标准")),
    ("enterprise", gettext_lazy("企业标准")),
    ("international", gettext_lazy("国际标准")),
    ("foreign", gettext_lazy("国外标准")),
    ("military", gettext_lazy("国家军用标准")),
]


class StandardFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("关键词或标准号"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("例如：拉伸试验、电能表、GB/T 228.1、JJG52-2013"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    family = forms.ChoiceField(
        label=gettext_lazy("标准类别"),
        required=False,
        choices=[("", gettext_lazy("全部类别")), *FAMILY_CHOICES],
    )
    type = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *Standard.Type.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *Standard.Status.choices],
    )
    industry = forms.ChoiceField(label=gettext_lazy("产业"), required=False)
    ics = forms.RegexField(
        label="ICS",
        regex=r"^[0-9.]*$",
        max_length=40,
        required=False,
        error_messages={"invalid": gettext_lazy("ICS 分类号只含数字和点，如 77.040")},
        widget=forms.TextInput(attrs={"placeholder": "77.040", "inputmode": "decimal"}),
    )

    FILTERS = ("q", "family", "type", "status", "industry", "ics")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", _("全部产业"))]
        for industry in Industry.objects.order_by("key"):
            indent = "" if industry.level == 1 else "\u3000"
            choices.append((industry.key, indent + localised(industry, "name")))
        self.fields["industry"].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The valid filters only: a bad value in one field does not discard the others."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "") for name in self.FILTERS}


@require_safe
@vary_on_headers("HX-Request")
def standard_list(request: HtmxRequest) -> HttpResponse:
    form = StandardFilterForm(request.GET)
    filters = form.filters()
    standards = search_standards(
        filters["q"],
        family=filters["family"] or None,
        type=filters["type"] or None,
        status=filters["status"] or None,
        industry=filters["industry"] or None,
        ics=filters["ics"] or None,
    ).filter(is_catalogued=True)
    paginator = Paginator(standards, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "is_filtered": any(filters.values()),
        "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    }
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/standards/_results.html", context)
    return render(request, "web/standards/list.html", context)


@require_safe
def standard_lookup(request: HtmxRequest) -> HttpResponse:
    """Any spelling of a code → the edition it names (without a year: the one in force)."""
    raw = request.GET.get("code", "")[:200]
    try:
        found = lookup_standard(raw)
    except (InvalidStandardCode, StandardNotFound) as error:
        messages.warning(request, str(error))
        query = urlencode({"q": raw}) if raw.strip() else ""
        return redirect(reverse("web:standard-list") + (f"?{query}" if query else ""))
    return redirect("web:standard-detail", code=found.standard.code)


@require_safe
def standard_detail(request: HtmxRequest, code: str) -> HttpResponse:
    try:
        canonical = parse_standard_code(code).canonical
    except InvalidStandardCode:
        raise Http404(_("标准号无效")) from None
    standard = Standard.objects.filter(code=canonical).first()
    if standard is None:
        raise Http404(_("目录中没有该标准"))
    if canonical != code:
        return redirect("web:standard-detail", code=canonical, permanent=True)
    chain = version_chain(standard)
    current = in_force(chain)
    context: dict[str, Any] = {
        "standard": standard,
        "chain": chain,
        "current": current,
        "replaced_by": "、".join(s.code for s in standard.replaced_by.order_by("year", "code")),
        "is_out_of_force": current is not None and current.pk != standard.pk,
        "industries": standard.industries.order_by("key"),
    }
    return render(request, "web/standards/detail.html", context)
