from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region

pytestmark = pytest.mark.django_db


def figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert match, f"no figure {label!r}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def make_organisations() -> None:
    dalian = Region.objects.get(code="210200")
    kinds = Organisation.Kind
    for serial, kind, city in [
        (1, kinds.TESTING_LAB, None),
        (2, kinds.TESTING_LAB, dalian),
        (3, kinds.CERTIFICATION_BODY, None),
        (4, kinds.METROLOGY_INSTITUTE, dalian),
        (5, kinds.ENTERPRISE, dalian),
        (6, kinds.ENTERPRISE, None),
    ]:
        extra = {"city": city} if city else {}
        OrganisationFactory(uscc=uscc_for(serial), kind=kind, **extra)
    OrganisationFactory(uscc=uscc_for(7), kind=kinds.TESTING_LAB, is_active=False)


def test_home_shows_live_key_figures(reference: None, anonymous: Client) -> None:
    # given
    make_organisations()

    # when
    response = anonymous.get(reverse("web:home"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "登记机构总数") == "6"  # the inactive one is not counted
    assert figure(html, "质量基础设施服务机构") == "4"
    assert figure(html, "检验检测机构") == "2"
    assert figure(html, "认证机构") == "1"
    assert figure(html, "计量技术机构") == "1"
    assert figure(html, "企业") == "2"
    assert figure(html, "覆盖地级市") == "2 / 14"


def test_home_figures_are_zero_on_an_empty_register(reference: None, anonymous: Client) -> None:
    html = anonymous.get(reverse("web:home")).content.decode()
    assert figure(html, "登记机构总数") == "0"
    assert figure(html, "覆盖地级市") == "0 / 14"


def test_home_embeds_map_data_per_city(reference: None, anonymous: Client) -> None:
    make_organisations()

    html = anonymous.get(reverse("web:home")).content.decode()

    match = re.search(r'<script id="city-map-data" type="application/json">(.*?)</script>', html)
    assert match
    config = json.loads(match.group(1))
    by_code = {city["code"]: city for city in config["cities"]}
    assert len(by_code) == 14
    assert by_code["210100"]["value"] == 3
    assert by_code["210200"]["value"] == 3
    assert by_code["210200"]["institutions"] == 2
    assert by_code["211400"]["value"] == 0
    assert by_code["210200"]["feature"] == "大连市"
    assert by_code["210200"]["url"] == "/organisations/?city=210200"
    assert config["geojson"].endswith("web/vendor/liaoning.json")


def test_home_has_a_plain_table_of_the_city_counts(reference: None, anonymous: Client) -> None:
    make_organisations()

    html = anonymous.get(reverse("web:home")).content.decode()

    row = re.search(
        r'<a href="/organisations/\?city=210200">大连市</a></th>\s*'
        r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        html,
    )
    assert row
    assert row.groups() == ("3", "2")


def test_home_lists_the_2025_targets(reference: None, anonymous: Client) -> None:
    html = anonymous.get(reverse("web:home")).content.decode()

    assert "全省社会公用计量标准数量" in html
    assert "≥ 3,600" in html
    assert "&gt; 75,000" in html
    assert "2–3" in html  # a range target (new provincial QC centres)


def test_home_search_box_goes_to_the_directory(reference: None, anonymous: Client) -> None:
    html = anonymous.get(reverse("web:home")).content.decode()
    assert re.search(r'<form class="search-box" action="/organisations/" method="get"', html)
    assert 'name="q"' in html
