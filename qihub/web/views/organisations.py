"""The organisation directory (search and filters, htmx-refreshed results) and one organisation."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.core.http import HtmxRequest
from qihub.reference.models import Region
from qihub.web.forms.organisations import OrganisationFilterForm
from qihub.web.localise import localised

PAGE_SIZE = 20


@require_safe
@vary_on_headers("HX-Request")
def organisation_list(request: HtmxRequest) -> HttpResponse:
    cities = list(Region.objects.cities().order_by("code"))
    form = OrganisationFilterForm(request.GET, cities=cities)
    filters = form.filters()
    organisations = Organisation.objects.visible_to(request.user).matching(filters["q"])
    if filters["kind"]:
        organisations = organisations.filter(kind=filters["kind"])
    if filters["city"]:
        organisations = organisations.in_city(filters["city"])
    paginator = Paginator(organisations.select_related("city", "county"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "is_filtered": any(filters.values()),
        "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    }
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/organisations/_results.html", context)
    return render(request, "web/organisations/list.html", context)


def pin_config(organisation: Organisation) -> dict[str, Any] | None:
    """Where to put the pin: the organisation's own point, else its city's reference point."""
    approximate = organisation.longitude is None or organisation.latitude is None
    source: Organisation | Region = organisation.city if approximate else organisation
    if source.longitude is None or source.latitude is None:
        return None
    return {
        "kind": "pin",
        "geojson": static("web/vendor/liaoning.json"),
        "name": localised(organisation, "name"),
        # The map's feature names are the Chinese city names, as in regions.csv.
        "cityFeature": organisation.city.name,
        "longitude": float(source.longitude),
        "latitude": float(source.latitude),
        "approximate": approximate,
        "ariaLabel": _("机构位置示意图"),
    }


@require_safe
def organisation_detail(request: HtmxRequest, uscc: str) -> HttpResponse:
    try:
        canonical = normalise_uscc(uscc)
    except InvalidUSCC:
        raise Http404(_("统一社会信用代码无效")) from None
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("city", "county"),
        uscc=canonical,
    )
    if canonical != uscc:
        return redirect("web:organisation-detail", uscc=canonical, permanent=True)
    pin = pin_config(organisation)
    return render(
        request,
        "web/organisations/detail.html",
        {
            "organisation": organisation,
            "pin": pin,
            "pin_is_approximate": bool(pin and pin["approximate"]),
        },
    )
