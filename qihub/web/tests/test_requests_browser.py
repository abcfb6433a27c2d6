"""The service-request flow in Debian's Chromium: an enterprise posts a need from a search,
invites the proposed lab, the lab quotes, the enterprise accepts, the lab works the order to a
report, the enterprise confirms it and rates it — two people, two browser contexts."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM
from qihub.accounts.tests.factories import TEST_PASSWORD
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory
from qihub.matching.models import Rating
from qihub.web.tests.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # See test_browser.py: the sync Playwright API runs an event loop in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_audit_log_before_flush(transactional_db: None) -> Iterator[None]:
    # This flow writes audit entries, and on SQLite the append-only triggers refuse the DELETE
    # that ends a transactional test. Lift the delete trigger just long enough to empty the table
    # (PostgreSQL's test settings let the flush TRUNCATE instead).
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("qihub.accounts.migrations.0002_audit_entry_append_only")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {migration.TABLE}_no_delete")
        cursor.execute(f"DELETE FROM {migration.TABLE}")  # noqa: S608 - a constant table name
        cursor.execute(migration.SQLITE_UP[1])


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(browser: Any, live_server: Any, username: str, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))
    return page


def test_request_quote_order_rating(
    live_server: Any, browser: Any, enterprise_user: Any, lab_admin: Any, lab: Any
) -> None:
    # given a lab qualified for tensile tests of rebar
    qualification = QualificationFactory(
        organisation=lab, valid_from=date(2021, 1, 1), valid_to=date(2099, 12, 31)
    )
    CapabilityLineFactory(
        qualification=qualification,
        object="钢筋",
        parameter="拉伸试验",
        search_text="钢筋 拉伸 试验 拉伸试验 抗拉强度",
    )
    problems: list[str] = []
    enterprise = signed_in(browser, live_server, "enterprise_user", problems)
    laboratory = signed_in(browser, live_server, "lab_admin", problems)

    # the enterprise posts the need it searched for
    query = "钢筋拉伸试验 GB/T 228.1-2021 沈阳"
    enterprise.goto(f"{live_server.url}/requests/new/?q={query}")
    expect(enterprise.locator("#id_need_text")).to_have_value(query)
    enterprise.fill("#id_budget_cny", "3000")
    enterprise.click("main button[type=submit]")
    enterprise.wait_for_url(re.compile(r"/requests/[0-9a-f-]{36}/$"))
    request_url = enterprise.url

    # the platform proposes the lab with reasons; the enterprise invites it
    proposal = enterprise.locator(".proposal-item", has_text=lab.name)
    expect(proposal.locator(".proposal-reasons li").first).to_be_visible()
    proposal.get_by_role("button", name="邀请报价").click()
    expect(enterprise.locator(".invitation-item", has_text=lab.name)).to_contain_text("待答复")

    # the lab finds the invitation in its inbox and quotes
    laboratory.goto(f"{live_server.url}/requests/")
    laboratory.click("text=钢筋拉伸试验 GB/T 228.1-2021 沈阳")
    laboratory.fill("#id_price_cny", "1800")
    laboratory.fill("#id_days", "5")
    laboratory.fill("#id_conditions", "含税，含取样")
    laboratory.click("#quote-form button[type=submit]")
    expect(laboratory.locator("#invitation-status")).to_have_text("已报价")

    # the enterprise compares and accepts: an order
    enterprise.goto(request_url)
    row = enterprise.locator(".quote-row", has_text=lab.name)
    expect(row).to_contain_text("1800")
    row.get_by_role("button", name="接受报价").click()
    enterprise.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order_url = enterprise.url
    expect(enterprise.locator("#order-status")).to_have_text("已接单")

    # the lab works it to a report
    laboratory.goto(order_url)
    for expected in ("已收样", "进行中"):
        laboratory.click("#advance-button")
        expect(laboratory.locator("#order-status")).to_have_text(expected)
    laboratory.fill("#id_report_number", "LNSJ-2026-0001")
    laboratory.click("#advance-button")
    expect(laboratory.locator("#order-status")).to_have_text("已出具报告")

    # the enterprise confirms completion and rates it
    enterprise.goto(order_url)
    expect(enterprise.locator("#report-number")).to_have_text("LNSJ-2026-0001")
    enterprise.click("#advance-button")
    expect(enterprise.locator("#order-status")).to_have_text("已完成")
    enterprise.check("#rating-form input[name=score][value='5']")
    enterprise.fill("#id_comment", "出报告快，沟通顺畅")
    enterprise.click("#rating-form button[type=submit]")
    expect(enterprise.locator("#rating-score")).to_have_text("5 / 5")

    assert Rating.objects.get().score == 5
    assert problems == []
