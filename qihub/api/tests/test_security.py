"""The API's request-forgery guard, authentication and throttling (security baseline)."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from qihub.accounts.services import issue_api_token


@pytest.fixture
def session_client(lab_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)
    client.get("/api/v1/me")  # a GET hands out the csrftoken cookie only via pages; set it:
    return client


def csrf_token(client):
    # Any page that renders a form sets the cookie; the admin login page always exists.
    client.get("/admin/login/")
    return client.cookies["csrftoken"].value


def test_anonymous_me_is_problem_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"


def test_session_post_without_csrf_token_is_refused(session_client):
    response = session_client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_non_json_bodies_are_refused_even_with_a_token(session_client, content_type):
    token = csrf_token(session_client)
    response = session_client.post(
        "/api/v1/tokens", '{"name": "x"}', content_type=content_type, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_cross_site_simple_post_to_a_public_path_is_refused():
    # A form on another site can send text/plain without a preflight; it must never get through.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens",
        "a=b",
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 415


def test_unsupported_method_is_405_not_a_guard_refusal(client):
    response = client.put("/api/v1/regions", "{}", content_type="application/json")
    assert response.status_code == 405


def test_token_lifecycle_through_the_api(session_client, lab_admin):
    token = csrf_token(session_client)
    created = session_client.post(
        "/api/v1/tokens",
        {"name": "LIMS 对接"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert created.status_code == 201, created.content
    secret = created.json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    me = bearer.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["memberships"][0]["role"] == "admin"
    # a bearer token cannot mint more tokens (that needs the signed-in browser session)
    minted = bearer.post("/api/v1/tokens", {"name": "more"}, content_type="application/json")
    assert minted.status_code == 401
    listed = session_client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["LIMS 对接"]
    assert "token" not in listed[0]

    prefix = created.json()["prefix"]
    revoked = bearer.delete(f"/api/v1/tokens/{prefix}")
    assert revoked.status_code == 204
    assert bearer.get("/api/v1/me").status_code == 401


def test_expired_or_forged_tokens_are_refused(lab_admin):
    _, secret = issue_api_token(user=lab_admin, name="x", by=lab_admin)
    for value in [secret[:-2], "qih_deadbeef_" + "a" * 43, "not-a-token"]:
        assert Client(HTTP_AUTHORIZATION=f"Bearer {value}").get("/api/v1/me").status_code == 401


@pytest.mark.usefixtures("reference")
@override_settings(QIHUB_THROTTLE_ANON="3/m")
def test_throttle_cannot_be_dodged_with_a_forged_forwarded_for(client):
    cache.clear()
    statuses = [
        client.get("/api/v1/regions", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get("/api/v1/regions")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1
    cache.clear()


@pytest.mark.usefixtures("reference")
@override_settings(QIHUB_THROTTLE_ANON="3/m", QIHUB_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_last_hop_identifies_the_client(client):
    cache.clear()
    for _ in range(3):
        client.get("/api/v1/regions", HTTP_X_FORWARDED_FOR="forged, 198.51.100.1")
    other = client.get("/api/v1/regions", HTTP_X_FORWARDED_FOR="forged, 198.51.100.2")
    same = client.get("/api/v1/regions", HTTP_X_FORWARDED_FOR="anything, 198.51.100.1")
    assert (other.status_code, same.status_code) == (200, 429)
    cache.clear()


def test_security_headers_on_api_responses(client):
    response = client.get("/api/v1/openapi.json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
