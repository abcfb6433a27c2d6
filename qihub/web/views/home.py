"""The home page: what the platform is, key figures, the plan's 2025 targets and the city map."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from qihub.accounts.stats import CityCount, key_figures, organisations_by_city
from qihub.core.http import HtmxRequest
from qihub.reference.models import PlanTarget
from qihub.web.localise import is_english, localised

AREA_LABELS = {
    "metrology": gettext_lazy("计量"),
    "standardization": gettext_lazy("标准化"),
    "certification_accreditation": gettext_lazy("认证认可"),
    "inspection_testing": gettext_lazy("检验检测"),
    "qi_one_stop_service": gettext_lazy("一站式服务"),
}
AREA_ORDER = list(AREA_LABELS)

# Units of plan targets are data (reference/data/plan_targets.csv), shown as-is in Chinese.
UNITS_EN = {
    "项": "items",
    "项/年": "per year",
    "个": "",
    "张": "certificates",
    "家": "organisations",
    "月": "months",
    "%": "%",
}


def city_directory_url(code: str) -> str:
    return f"{reverse('web:organisation-list')}?{urlencode({'city': code})}"


def short_city_name(city: CityCount) -> str:
    if is_english() and city.name_en:
        return city.name_en.removesuffix(" City")
    return city.name


def map_config(cities: list[CityCount]) -> dict[str, Any]:
    """What static/web/js/map.js draws: one area per city, keyed by the map's feature names."""
    return {
        "kind": "cities",
        "geojson": static("web/vendor/liaoning.json"),
        "seriesName": _("机构数量"),
        "valueLabel": _("机构"),
        "institutionsLabel": _("其中服务机构"),
        "high": _("多"),
        "low": _("少"),
        "ariaLabel": _("辽宁省各市登记机构数量地图；点击城市查看该市机构名录。"),
        "cities": [
            {
                # The map's feature names are the Chinese city names, as in regions.csv.
                "feature": city.name,
                "label": short_city_name(city),
                "code": city.code,
                "value": city.organisations,
                "institutions": city.institutions,
                "url": city_directory_url(city.code),
            }
            for city in cities
        ],
    }


def format_number(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def target_rows(targets: list[PlanTarget]) -> list[dict[str, str]]:
    english = is_english()
    rows = []
    for target in sorted(
        targets,
        key=lambda t: (AREA_ORDER.index(t.area) if t.area in AREA_ORDER else 99, t.key),
    ):
        value = format_number(target.target_value)
        if target.target_value_max is not None:
            figure = f"{value}–{format_number(target.target_value_max)}"
        else:
            figure = f"{target.get_comparator_display()} {value}"
        unit = UNITS_EN.get(target.unit, target.unit) if english else target.unit
        rows.append(
            {
                "area": str(AREA_LABELS.get(target.area, target.area)),
                "description": localised(target, "description"),
                "figure": figure,
                "unit": unit,
                "deadline": target.deadline.isoformat(),
            }
        )
    return rows


@require_safe
def home(request: HtmxRequest) -> HttpResponse:
    cities = organisations_by_city()
    return render(
        request,
        "web/home/home.html",
        {
            "figures": key_figures(),
            "cities": [
                (city, short_city_name(city), city_directory_url(city.code)) for city in cities
            ],
            "map_config": map_config(cities),
            "targets": target_rows(list(PlanTarget.objects.all())),
        },
    )
