"""Cross-page behaviour: security headers, no inline code, language switch, error pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import translation

from qihub.accounts.models import Organisation
from qihub.core.middleware import CONTENT_SECURITY_POLICY
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

PAGES = ["/", "/organisations/", "/organisations/?q=zzzz", "/login/", "/no-such-page/"]


@pytest.fixture(autouse=True)
def _chinese() -> None:
    translation.activate("zh-hans")


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_the_csp_and_carry_no_inline_code(
    reference: None, anonymous: Client, url: str
) -> None:
    response = anonymous.get(url)

    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert inline_code(response.content.decode()) == []


def test_organisation_page_carries_no_inline_code(lab: Organisation, anonymous: Client) -> None:
    response = anonymous.get(f"/organisations/{lab.uscc}/")

    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert inline_code(response.content.decode()) == []


def test_inline_code_finder_finds_inline_code() -> None:
    html = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<script type="application/json">{}</script><script src="/s.js"></script>'
    )
    assert inline_code(html) == [
        "style attribute on <p>",
        "onclick handler on <p>",
        "inline <script>",
    ]


def test_base_layout_is_accessible(reference: None, anonymous: Client) -> None:
    html = anonymous.get("/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="主导航">' in html
    assert 'aria-current="page">首页</a>' in html
    assert 'href="/api/v1/docs"' in html


def test_language_switch_is_a_post_form_with_csrf(reference: None, anonymous: Client) -> None:
    html = anonymous.get("/organisations/").content.decode()

    assert '<form class="lang-switch" action="/i18n/setlang/" method="post">' in html
    assert 'name="language" value="en"' in html
    assert '<input type="hidden" name="next" value="/organisations/">' in html


def test_switching_to_english_shows_english_pages(
    reference: None, lab: Organisation, anonymous: Client
) -> None:
    # when
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": "/organisations/"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    home = anonymous.get("/").content.decode()
    assert '<html lang="en">' in home
    assert "Liaoning Quality Infrastructure One-Stop Public Service Platform" in home
    assert "Organisation directory" in home
    assert "Key figures" in home
    assert "Public metrology standards in the province" in home  # the target's English text
    directory = anonymous.get("/organisations/").content.decode()
    assert "Inspection and testing body" in directory  # the kind label
    assert "Shenyang City" in directory  # the city name in English
    assert "1 organisation found" in directory
    assert "登记机构总数" not in home

    # and back
    anonymous.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "机构名录" in anonymous.get("/").content.decode()


def test_english_error_page(reference: None, anonymous: Client) -> None:
    anonymous.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = anonymous.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_404_page_in_the_site_style(reference: None, anonymous: Client) -> None:
    response = anonymous.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html
    assert 'class="site-header"' in html
    assert 'href="/organisations/"' in html


def _raise_error(request: object) -> None:
    raise RuntimeError("boom")


def _permission_denied(request: object) -> None:
    raise PermissionDenied


def _bad_request(request: object) -> None:
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("boom/", _raise_error),
    path("denied/", _permission_denied),
    path("bad/", _bad_request),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("qihub.web.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [("/boom/", 500, "服务暂时不可用"), ("/denied/", 403, "无权访问"), ("/bad/", 400, "请求有误")],
)
def test_error_pages_in_the_site_style(reference: None, url: str, status: int, text: str) -> None:
    client = Client(raise_request_exception=False)

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == status
    assert text in html
    assert 'class="site-header"' in html
    assert inline_code(html) == []


def test_csrf_failure_page_in_the_site_style(lab_admin: object) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "请求已过期" in response.content.decode()
