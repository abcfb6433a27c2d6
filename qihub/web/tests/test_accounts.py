from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from conftest import client_for
from qihub.accounts.models import User
from qihub.accounts.tests.factories import TEST_PASSWORD
from qihub.web.tests.html import without_tokens

pytestmark = pytest.mark.django_db

LOGIN_URL = "/login/"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()


def login(client: Client, username: str, password: str, **extra: object):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_url_names() -> None:
    assert reverse("web:login") == LOGIN_URL
    assert reverse("web:logout") == "/logout/"


def test_login_page_renders(anonymous: Client) -> None:
    response = anonymous.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_succeeds_and_rotates_the_session(lab_admin: User, anonymous: Client) -> None:
    anonymous.get(LOGIN_URL)
    anonymous.session.save()
    before = anonymous.session.session_key

    response = login(anonymous, "lab_admin", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert anonymous.session[SESSION_KEY] == str(lab_admin.pk)
    assert anonymous.session.session_key != before


def test_login_follows_a_safe_next(lab_admin: User, anonymous: Client) -> None:
    response = anonymous.post(
        f"{LOGIN_URL}?next=/organisations/%3Fcity%3D210100",
        {"username": "lab_admin", "password": TEST_PASSWORD},
    )
    assert response["Location"] == "/organisations/?city=210100"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_login_ignores_an_unsafe_next(lab_admin: User, anonymous: Client, target: str) -> None:
    response = anonymous.post(
        LOGIN_URL, {"username": "lab_admin", "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_and_unknown_user_get_the_same_answer(lab_admin: User) -> None:
    # given two usernames of the same length: one exists, one does not
    assert not User.objects.filter(username="lab_admix").exists()

    # when
    wrong_password = login(Client(), "lab_admin", "not-the-password")
    unknown_user = login(Client(), "lab_admix", "not-the-password")

    # then
    assert wrong_password.status_code == unknown_user.status_code == 200
    wrong_html = without_tokens(wrong_password.content.decode()).replace("lab_admin", "USER")
    unknown_html = without_tokens(unknown_user.content.decode()).replace("lab_admix", "USER")
    assert wrong_html == unknown_html
    assert "用户名或密码不正确" in wrong_html
    assert SESSION_KEY not in wrong_password.client.session


def test_inactive_user_gets_the_same_answer_as_a_wrong_password(lab_admin: User) -> None:
    lab_admin.is_active = False
    lab_admin.save()

    response = login(Client(), "lab_admin", TEST_PASSWORD)

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_lockout_after_five_failures_even_with_the_right_password(lab_admin: User) -> None:
    # given five failures, from different addresses
    for attempt in range(5):
        login(Client(REMOTE_ADDR=f"10.0.0.{attempt}"), "lab_admin", "wrong-password")

    # when the right password comes next
    client = Client(REMOTE_ADDR="10.0.1.1")
    response = login(client, "lab_admin", TEST_PASSWORD)

    # then
    assert response.status_code == 429
    assert "登录失败次数过多，账户已锁定" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_unknown_user_is_locked_out_like_a_real_one(reference: None) -> None:
    statuses = [login(Client(), "nobody-here", "wrong-password").status_code for _ in range(6)]
    assert statuses[-1] == 429


@override_settings(QIHUB_THROTTLE_LOGIN="3/m")
def test_login_posts_are_throttled_per_client_address(lab_admin: User) -> None:
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        assert login(client, f"user-{_}", "wrong-password").status_code == 200

    response = login(client, "lab_admin", TEST_PASSWORD)

    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert SESSION_KEY not in client.session


@override_settings(QIHUB_THROTTLE_LOGIN="3/m")
def test_forged_forwarded_for_does_not_dodge_the_throttle(lab_admin: User) -> None:
    client = Client(REMOTE_ADDR="192.0.2.20")
    for attempt in range(3):
        login(
            client, f"user-{attempt}", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}"
        )

    response = login(client, "someone", "wrong-password", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert response.status_code == 429


@override_settings(QIHUB_THROTTLE_LOGIN="3/m")
def test_throttle_is_per_address(lab_admin: User) -> None:
    for attempt in range(3):
        login(Client(REMOTE_ADDR="192.0.2.30"), f"user-{attempt}", "wrong-password")

    response = login(Client(REMOTE_ADDR="192.0.2.31"), "lab_admin", TEST_PASSWORD)

    assert response.status_code == 302


def test_logged_in_user_visiting_login_is_sent_on(lab_admin: User) -> None:
    response = client_for(lab_admin).get(LOGIN_URL)
    assert response.status_code == 302


def test_next_pointing_at_the_login_page_does_not_loop(lab_admin: User) -> None:
    response = client_for(lab_admin).get(f"{LOGIN_URL}?next=/login/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_post_only(lab_admin: User) -> None:
    client = client_for(lab_admin)

    refused = client.get("/logout/")
    assert refused.status_code == 405
    assert SESSION_KEY in client.session

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_logout_needs_a_csrf_token(lab_admin: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)

    response = client.post("/logout/")

    assert response.status_code == 403
    assert SESSION_KEY in client.session


def test_header_offers_logout_as_a_form_when_logged_in(lab_admin: User) -> None:
    html = client_for(lab_admin).get("/").content.decode()
    assert '<form class="account-form" action="/logout/" method="post">' in html
    assert 'href="/logout/"' not in html


def test_header_offers_login_with_next_when_anonymous(reference: None, anonymous: Client) -> None:
    html = anonymous.get("/organisations/?city=210100").content.decode()
    assert 'href="/login/?next=/organisations/%3Fcity%3D210100"' in html


def test_login_form_carries_next_through_the_post(lab_admin: User) -> None:
    # The form posts to /login/ without the query string, as a browser does: the hidden field
    # is what brings the visitor back to where they were going.
    client = Client()
    page = client.get(LOGIN_URL, {"next": "/account/"}).content.decode()
    assert 'name="next" value="/account/"' in page
    response = client.post(
        LOGIN_URL, {"username": "lab_admin", "password": TEST_PASSWORD, "next": "/account/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"
