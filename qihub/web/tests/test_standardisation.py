"""The standardisation pages: the overview with the counts against the targets, and the three
registries, searchable and filterable, with htmx fragments."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from qihub.accounts.models import Organisation
from qihub.standards.codes import parse_standard_code
from qihub.standards.services import StandardData, upsert_standards
from qihub.standards.tests.registry_factories import (
    dalian_enterprise,
    make_committee,
    make_contribution,
    make_pilot,
    standards_institute,
)
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.usefixtures("reference")

OVERVIEW = "/standardisation/"
COMMITTEES = "/standardisation/committees/"
PILOTS = "/standardisation/pilots/"
NATIONAL = "/standardisation/national/"


@pytest.fixture
def institute() -> Organisation:
    return standards_institute()


@pytest.fixture
def registries(institute: Organisation) -> None:
    farm = dalian_enterprise()
    make_committee(institute)
    make_committee(
        institute,
        code="LN/TC 3",
        name_zh="辽宁省冶金标准化技术委员会",
        scope="钢铁冶炼",
        status="dissolved",
    )
    make_pilot(farm)
    make_pilot(
        institute,
        name_zh="沈阳市政务服务标准化试点",
        kind="pilot",
        field="social_governance",
        level="provincial",
        status="underway",
        accepted_on=None,
    )
    upsert_standards(
        [
            StandardData(
                code=parse_standard_code("GB/T 228.1-2021"),
                title_zh="金属材料 拉伸试验 第1部分：室温试验方法",
                type="recommended",
                status="current",
            )
        ],
        by=None,
    )
    make_contribution(institute, "GB/T 228.1-2021", role="lead")
    make_contribution(farm, "GB/T 39116-2020")


def rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="([^"]+)"', html)


def test_url_names() -> None:
    assert reverse("web:standardisation") == OVERVIEW
    assert reverse("web:standardisation-committees") == COMMITTEES
    assert reverse("web:standardisation-pilots") == PILOTS
    assert reverse("web:standardisation-national") == NATIONAL


def test_overview_shows_each_count_against_its_target(anonymous: Client, registries: None) -> None:
    response = anonymous.get(OVERVIEW)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<strong data-testid="count-committees">1</strong>' in html
    assert '<strong data-testid="count-pilot_projects">2</strong>' in html
    assert '<strong data-testid="count-national_contributions">2</strong>' in html
    assert "目标：≥ 30 个（2025 年）" in html
    assert "目标：≥ 320 项（2025 年）" in html
    assert '<progress id="progress-committees" max="100" value="3">' in html
    for url in (COMMITTEES, PILOTS, NATIONAL):
        assert f'href="{url}"' in html
    assert re.search(r'<a href="/standardisation/" aria-current="page">', html)
    assert inline_code(html) == []


def test_committee_list_links_the_secretariat_and_filters_by_status(
    anonymous: Client, registries: None, institute: Organisation
) -> None:
    html = anonymous.get(COMMITTEES).content.decode()
    active = anonymous.get(COMMITTEES, {"status": "active"}).content.decode()

    assert rows(html, "data-code") == ["LN/TC 3", "LN/TC 12"]
    assert f'href="/organisations/{institute.uscc}/"' in html
    assert rows(active, "data-code") == ["LN/TC 12"]
    assert inline_code(html) == []


@pytest.mark.parametrize("query", ["装备", "zhuangbei", "lnszb", "ｌｎ／ｔｃ１２"])
def test_committee_search_by_words_pinyin_initials_or_code(
    anonymous: Client, registries: None, query: str
) -> None:
    html = anonymous.get(COMMITTEES, {"q": query}).content.decode()

    assert rows(html, "data-code") == ["LN/TC 12"]


def test_htmx_gets_only_the_results_fragment(anonymous: Client, registries: None) -> None:
    response = anonymous.get(COMMITTEES, {"q": "冶金"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert html.lstrip().startswith('<section id="committee-results"')
    assert "<form" not in html
    assert rows(html, "data-code") == ["LN/TC 3"]
    assert "HX-Request" in response.headers["Vary"]


def test_pilot_list_filters_by_kind_status_and_city(anonymous: Client, registries: None) -> None:
    html = anonymous.get(PILOTS).content.decode()
    assert "大连市海参标准化养殖示范区" in html
    assert "沈阳市政务服务标准化试点" in html

    filtered = anonymous.get(PILOTS, {"status": "underway", "city": "210100"}).content.decode()
    assert "沈阳市政务服务标准化试点" in filtered
    assert "大连市海参标准化养殖示范区" not in filtered

    none = anonymous.get(PILOTS, {"kind": "pilot", "city": "210200"}).content.decode()
    assert "没有找到符合条件的项目" in none
    assert inline_code(html) == []


def test_national_list_flags_standards_not_in_the_catalogue(
    anonymous: Client, registries: None
) -> None:
    html = anonymous.get(NATIONAL).content.decode()

    assert 'href="/standards/GB/T%20228.1-2021/"' in html
    assert "金属材料 拉伸试验" in html
    assert "GB/T 39116-2020" in html
    assert "目录未收录" in html
    leads = anonymous.get(NATIONAL, {"role": "lead"}).content.decode()
    assert "GB/T 228.1-2021" in leads
    assert "GB/T 39116-2020" not in leads
    by_year = anonymous.get(NATIONAL, {"year": "2020"}).content.decode()
    assert "GB/T 39116-2020" in by_year
    assert "GB/T 228.1-2021" not in by_year


def test_a_bad_filter_value_does_not_discard_the_others(
    anonymous: Client, registries: None
) -> None:
    response = anonymous.get(NATIONAL, {"year": "nineteen", "role": "lead"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "GB/T 228.1-2021" in html
    assert "GB/T 39116-2020" not in html


def test_pages_paginate(anonymous: Client, institute: Organisation) -> None:
    for number in range(1, 26):
        make_committee(institute, code=f"LN/TC {number}", name_zh=f"第{number}技术委员会")

    first = anonymous.get(COMMITTEES).content.decode()
    second = anonymous.get(COMMITTEES, {"page": 2}).content.decode()

    assert len(rows(first, "data-code")) == 20
    assert rows(second, "data-code") == [f"LN/TC {n}" for n in range(21, 26)]
    assert 'href="/standardisation/committees/?page=2"' in first


def test_empty_registries_render(anonymous: Client) -> None:
    for url in (OVERVIEW, COMMITTEES, PILOTS, NATIONAL):
        response = anonymous.get(url)
        assert response.status_code == 200, url
