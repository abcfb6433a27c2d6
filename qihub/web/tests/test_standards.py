from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.services import StandardData, upsert_standards
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

LIST_URL = "/standards/"


def data(
    code: str, title: str, status: str = Standard.Status.CURRENT, **kw: object
) -> StandardData:
    return StandardData(
        code=parse_standard_code(code),
        title_zh=title,
        type=Standard.Type.RECOMMENDED,
        status=status,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def catalogue() -> None:
    title = "金属材料 拉伸试验 第1部分：室温试验方法"
    upsert_standards(
        [
            data("GB/T 228.1-2010", title, ics="77.040.10"),
            data(
                "GB/T 228.1-2021",
                title,
                replaces=(parse_standard_code("GB/T 228.1-2010"),),
                ics="77.040.10",
                ccs="H22",
                issuer="国家市场监督管理总局",
            ),
            data("JJG 596-2012", "电子式交流电能表检定规程"),
        ],
        by=None,
    )


def codes_in(html: str) -> list[str]:
    return re.findall(r'<span class="standard-code">([^<]+)</span>', html)


def test_url_names() -> None:
    assert reverse("web:standard-list") == LIST_URL
    assert reverse("web:standard-lookup") == "/standards/lookup/"
    assert reverse("web:standard-detail", kwargs={"code": "GB/T 1-2020"}) == (
        "/standards/GB/T%201-2020/"
    )


def test_list_searches_by_word(client: Client, catalogue: None) -> None:
    response = client.get(LIST_URL, {"q": "拉伸"})
    html = response.content.decode()
    assert response.status_code == 200
    assert set(codes_in(html)) == {"GB/T 228.1-2010", "GB/T 228.1-2021"}
    assert "<form" in html
    assert 'action="/standards/"' in html
    assert inline_code(html) == []


def test_list_filters_by_status(client: Client, catalogue: None) -> None:
    html = client.get(LIST_URL, {"q": "拉伸", "status": "superseded"}).content.decode()
    assert codes_in(html) == ["GB/T 228.1-2010"]


def test_htmx_gets_only_the_results_fragment(client: Client, catalogue: None) -> None:
    response = client.get(LIST_URL, {"q": "电能表"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="standard-results"')
    assert "<form" not in html
    assert codes_in(html) == ["JJG 596-2012"]
    assert "HX-Request" in response.headers["Vary"]


def test_nothing_found_gives_advice(client: Client, catalogue: None) -> None:
    html = client.get(LIST_URL, {"q": "压力容器"}).content.decode()
    assert "没有找到符合条件的标准" in html


def test_detail_shows_the_version_timeline(client: Client, catalogue: None) -> None:
    response = client.get(reverse("web:standard-detail", kwargs={"code": "GB/T 228.1-2021"}))
    html = response.content.decode()
    assert response.status_code == 200
    timeline = html[html.index('<ol class="timeline">') :]
    assert timeline.index("GB/T 228.1-2010") < timeline.index("GB/T 228.1-2021")
    assert re.search(r'class="timeline-item is-in-force is-viewed"', html)
    assert "国家市场监督管理总局" in html
    assert "H22" in html
    assert "本标准已被" not in html
    assert inline_code(html) == []


def test_superseded_edition_says_what_replaced_it(client: Client, catalogue: None) -> None:
    html = client.get(
        reverse("web:standard-detail", kwargs={"code": "GB/T 228.1-2010"})
    ).content.decode()
    assert "本标准已被 GB/T 228.1-2021 代替" in html
    assert 'href="/standards/GB/T%20228.1-2021/"' in html
    assert "被代替" in html


def test_detail_redirects_a_messy_code_to_the_canonical_one(
    client: Client, catalogue: None
) -> None:
    response = client.get("/standards/gb/t228.1-2021/")
    assert response.status_code == 301
    assert response["Location"] == "/standards/GB/T%20228.1-2021/"


@pytest.mark.parametrize("code", ["GB/T 9999-2020", "not a code"])
def test_detail_of_an_unknown_or_invalid_code_is_404(
    client: Client, catalogue: None, code: str
) -> None:
    assert client.get(f"/standards/{code}/").status_code == 404


def test_lookup_redirects_to_the_edition_in_force(client: Client, catalogue: None) -> None:
    response = client.get("/standards/lookup/", {"code": "ＧＢ／Ｔ228.1"})
    assert response.status_code == 302
    assert response["Location"] == "/standards/GB/T%20228.1-2021/"


@pytest.mark.parametrize("code", ["GB/T 9999-2020", "？？"])
def test_lookup_of_an_unknown_code_goes_back_to_the_list_with_a_message(
    client: Client, catalogue: None, code: str
) -> None:
    response = client.get("/standards/lookup/", {"code": code}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][0].startswith(LIST_URL)
    assert 'class="message message-warning"' in html


def test_navigation_links_the_standards_page(client: Client, catalogue: None) -> None:
    html = client.get(LIST_URL).content.decode()
    assert re.search(r'<a href="/standards/" aria-current="page">', html)
