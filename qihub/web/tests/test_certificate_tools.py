"""Pages: watchlist (signed in), bulk verification (upload, CSV download, bad files), risk
warnings (regulators only), figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import client_for
from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.certification.models import RiskWarning, WatchlistEntry
from qihub.certification.risk import risk_scan
from qihub.certification.tests.factories import CertificateFactory, approve_body
from qihub.reference.models import Region


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def certificate(certification_body):
    approve_body(certification_body, 1)
    return CertificateFactory(cb=certification_body, number="00124Q31001R0M")


def test_watchlist_page(enterprise_user, certificate) -> None:
    assert Client().get("/certificates/watchlist/").status_code == 302  # to the login page
    client = client_for(enterprise_user)
    response = client.post("/certificates/watchlist/", {"value": "No. 00124q31001r0m"})
    assert response.status_code == 302
    page = client.get("/certificates/watchlist/")
    assert "00124Q31001R0M" in page.content.decode()
    duplicate = client.post("/certificates/watchlist/", {"value": "00124Q31001R0M"})
    assert duplicate.status_code == 400 and "已在关注列表中" in duplicate.content.decode()
    entry = WatchlistEntry.objects.get()
    assert client.post(f"/certificates/watchlist/{entry.public_id}/remove/").status_code == 302
    assert not WatchlistEntry.objects.exists()


def test_bulk_page_answers_and_downloads(certificate) -> None:
    client = Client(enforce_csrf_checks=False)
    data = f"name,uscc\n,{certificate.holder.uscc}\n不存在有限公司,\n".encode()
    page = client.post(
        "/certificates/bulk/", {"file": SimpleUploadedFile("s.csv", data, "text/csv")}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "精确匹配 1 家" in text and "00124Q31001R0M" in text
    download = client.post(
        "/certificates/bulk/",
        {"file": SimpleUploadedFile("s.csv", data, "text/csv"), "download": "1"},
    )
    assert download["Content-Type"].startswith("text/csv")
    assert "00124Q31001R0M" in download.content.decode("utf-8-sig")


def test_bulk_page_bad_file(reference) -> None:
    response = Client().post(
        "/certificates/bulk/",
        {"file": SimpleUploadedFile("s.csv", "名称\n沈阳".encode("gbk"), "text/csv")},
    )
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_bulk_page_needs_csrf(reference) -> None:
    client = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("s.csv", b"name\nx\n", "text/csv")
    assert client.post("/certificates/bulk/", {"file": upload}).status_code == 403


@pytest.fixture
def warning(certificate) -> RiskWarning:
    CertificateFactory(cb=certificate.cb, issued_on=date(2020, 1, 1), expires_on=date(2023, 1, 1))
    risk_scan()
    return RiskWarning.objects.get()


def test_risk_page_for_regulators(warning, regulator) -> None:
    client = client_for(regulator)
    page = client.get("/certificates/risk/")
    assert page.status_code == 200
    assert "过期仍登记为有效" in page.content.decode()
    response = client.post(
        f"/certificates/risk/{warning.public_id}/status/", {"status": "dismissed", "reason": ""}
    )
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "open"  # a dismissal needs a reason
    client.post(f"/certificates/risk/{warning.public_id}/status/", {"status": "acknowledged"})
    warning.refresh_from_db()
    assert warning.status == "acknowledged"


def test_risk_page_links_a_body_to_its_desk_for_the_provincial_regulator_only(
    warning, regulator, reference
) -> None:
    desk = f'href="/certificates/manage/?cb={warning.cb.uscc}"'
    assert desk in client_for(regulator).get("/certificates/risk/").content.decode()

    city = OrganisationFactory(
        uscc=uscc_for(9501),
        name="沈阳市市场监督管理局",
        kind=Organisation.Kind.REGULATOR,
        jurisdiction=Region.objects.get(code=warning.city.code),
    )
    city_regulator = UserFactory(username="city_regulator")
    MembershipFactory(user=city_regulator, organisation=city)
    page = client_for(city_regulator).get("/certificates/risk/").content.decode()
    assert warning.cb.name in page and desk not in page  # listed, but a city bureau has no desk


def test_risk_page_hidden_from_others(warning, enterprise_user) -> None:
    client = client_for(enterprise_user)
    assert client.get("/certificates/risk/").status_code == 404
    response = client.post(
        f"/certificates/risk/{warning.public_id}/status/", {"status": "acknowledged"}
    )
    assert response.status_code == 404


def test_figures_page(certificate) -> None:
    page = Client().get("/certificates/figures/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "有效认证证书 1 张" in text and "certificate-figures-data" in text
    assert "<script>" not in text
