"""End to end in Debian's Chromium: the map draws, search finds, the page opens, English works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM
from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sync Playwright API runs an event loop in this thread, so Django would refuse the
    # (synchronous, safe) ORM calls of the test body. Set for these tests only: set at import
    # time it leaks into every later test, and `check --deploy` subprocesses then fail (async.E001).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def test_home_search_detail_and_english(reference: None, live_server: Any, page: Any) -> None:
    # given a few organisations
    dalian = Region.objects.get(code="210200")
    OrganisationFactory(
        uscc=uscc_for(9002),
        name="辽宁盛京检验检测有限公司",
        kind=Organisation.Kind.TESTING_LAB,
        name_en="Liaoning Shengjing Testing",
    )
    OrganisationFactory(
        uscc=uscc_for(9003, "210200"),
        name="大连海事认证有限公司",
        kind=Organisation.Kind.CERTIFICATION_BODY,
        city=dalian,
    )
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    # the home page draws the map (a canvas) under the strict CSP
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#city-map canvas")
    assert page.locator("#city-map").get_attribute("role") == "img"

    # search by name from the home page
    page.fill("#home-search", "盛京")
    page.press("#home-search", "Enter")
    page.wait_for_url(re.compile(r"/organisations/\?q="))
    assert page.locator(".organisation-name").all_inner_texts() == ["辽宁盛京检验检测有限公司"]

    # typing in the directory refreshes the results through htmx and keeps the URL shareable
    page.fill("#id_q", "大连")
    expect(page.locator("#organisation-results")).to_contain_text("大连海事认证有限公司")
    page.wait_for_url(re.compile(r"q=%E5%A4%A7%E8%BF%9E"))
    page.fill("#id_q", "盛京")
    expect(page.locator(".organisation-name")).to_have_text(["辽宁盛京检验检测有限公司"])

    # open the organisation page
    page.click("text=辽宁盛京检验检测有限公司")
    page.wait_for_url(f"**/organisations/{uscc_for(9002)}/")
    assert page.inner_text("h1") == "辽宁盛京检验检测有限公司"
    page.wait_for_selector("#pin-map canvas")

    # switch to English
    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text("h1") == "Liaoning Shengjing Testing"
    assert "Organisation directory" in page.inner_text("nav.site-nav")
    assert "Inspection and testing body" in page.inner_text("main")

    # a click on a city of the map opens the directory for that city
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#city-map canvas")
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('city-map'))"
        ".convertToPixel({seriesIndex: 0}, [121.9, 39.6])"
    )
    page.locator("#city-map").scroll_into_view_if_needed()
    box = page.locator("#city-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/organisations/?city=210200")
    assert page.locator(".organisation-name").all_inner_texts() == ["大连海事认证有限公司"]

    assert problems == []
