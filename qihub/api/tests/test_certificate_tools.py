"""API: the watchlist (bearer or session), bulk verification, risk warnings (regulators only)
and the figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from qihub.accounts.services import issue_api_token
from qihub.certification.models import RiskWarning, WatchlistEntry
from qihub.certification.risk import risk_scan
from qihub.certification.tests.factories import CertificateFactory

WATCHLIST = "/api/v1/watchlist"
BULK = "/api/v1/certificates/bulk-verify"
WARNINGS = "/api/v1/risk-warnings"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def certificate(approved_cb):
    return CertificateFactory(cb=approved_cb, number="00124Q31001R0M")


def bearer(user) -> Client:
    _token, secret = issue_api_token(user=user, name="tools", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post_json(client: Client, url: str, data: object):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_watchlist_round_trip(enterprise_user, certificate) -> None:
    client = bearer(enterprise_user)
    created = post_json(client, WATCHLIST, {"value": "no. 00124q31001r0m"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "number" and body["certificates"][0]["number"] == certificate.number
    again = post_json(client, WATCHLIST, {"value": "00124Q31001R0M"})
    assert again.status_code == 409 and again.json()["code"] == "watch_duplicate"
    listed = client.get(WATCHLIST).json()
    assert [entry["value"] for entry in listed] == ["00124Q31001R0M"]
    assert client.delete(f"{WATCHLIST}/{body['public_id']}").status_code == 204
    assert client.delete(f"{WATCHLIST}/{body['public_id']}").status_code == 404
    assert not WatchlistEntry.objects.exists()


def test_watchlist_needs_a_login_and_a_valid_value(enterprise_user) -> None:
    assert Client().get(WATCHLIST).status_code == 401
    bad = post_json(bearer(enterprise_user), WATCHLIST, {"value": "x", "kind": "supplier"})
    assert bad.status_code == 400
    assert not WatchlistEntry.objects.exists()


def test_bulk_verify(certificate) -> None:
    response = post_json(
        Client(),
        BULK,
        {
            "suppliers": [
                {"uscc": certificate.holder.uscc},
                {"name": "不存在的公司"},
                {"name": "", "uscc": "123"},
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["match"] for r in body["results"]] == ["exact", "none"]
    assert body["bad_rows"][0]["line"] == 3
    assert post_json(Client(), BULK, {"suppliers": [{"name": "x"}] * 1001}).status_code == 422


@pytest.fixture
def warning(approved_cb) -> RiskWarning:
    CertificateFactory(cb=approved_cb, issued_on=date(2020, 1, 1), expires_on=date(2023, 1, 1))
    risk_scan()
    return RiskWarning.objects.get()


def test_regulator_lists_and_handles_warnings(warning, regulator) -> None:
    client = bearer(regulator)
    page = client.get(WARNINGS, {"status": "live", "rule": "active_past_expiry"}).json()
    assert page["count"] == 1 and "到期" in page["items"][0]["reasoning"]
    url = f"{WARNINGS}/{warning.public_id}/status"
    refused = post_json(client, url, {"status": "dismissed"})
    assert refused.status_code == 400 and refused.json()["code"] == "risk_warning_invalid"
    done = post_json(client, url, {"status": "dismissed", "reason": "已核实为录入错误"})
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    again = post_json(client, url, {"status": "acknowledged"})
    assert again.status_code == 409


def test_others_see_no_warnings(warning, enterprise_user) -> None:
    client = bearer(enterprise_user)
    assert client.get(WARNINGS).json()["count"] == 0
    url = f"{WARNINGS}/{warning.public_id}/status"
    assert post_json(client, url, {"status": "acknowledged"}).status_code == 404
    warning.refresh_from_db()
    assert warning.status == "open"


def test_figures(certificate) -> None:
    body = Client().get("/api/v1/certificates/figures").json()
    assert body["valid_certificates"] == 1 and len(body["series"]) == 24
    assert {t["key"] for t in body["targets"]} == {
        "certification.certificates",
        "certification.certified_organisations",
    }
