from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from qihub.accounts.models import ApiToken, AuditEntry, Membership, Organisation, User
from qihub.accounts.services import issue_api_token
from qihub.accounts.tests.factories import MembershipFactory, OrganisationFactory, uscc_for
from qihub.core.middleware import CONTENT_SECURITY_POLICY
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

ACCOUNT_URL = "/account/"
CREATE_URL = "/account/tokens/"
HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET = re.compile(r'value="(qih_[^"]+)"')


@pytest.fixture(autouse=True)
def _chinese() -> None:
    translation.activate("zh-hans")


def revoke_url(token: ApiToken) -> str:
    return f"/account/tokens/{token.prefix}/revoke/"


def secret_in(html: str) -> str:
    match = SECRET.search(html)
    assert match, "no secret on the page"
    return match.group(1)


def api_me(secret: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code


def test_url_names() -> None:
    assert reverse("web:account") == ACCOUNT_URL
    assert reverse("web:token-create") == CREATE_URL
    assert reverse("web:token-revoke", kwargs={"prefix": "ab12cd34"}) == (
        "/account/tokens/ab12cd34/revoke/"
    )


# ---- Signing in ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(anonymous: Client) -> None:
    response = anonymous.get(ACCOUNT_URL)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/"


def test_anonymous_post_is_sent_to_login_and_back_to_the_page(anonymous: Client) -> None:
    # The token actions are POST-only: "next" points at the page, not at them.
    response = anonymous.post(CREATE_URL, {"name": "ci"})

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/"
    assert not ApiToken.objects.exists()


def test_anonymous_htmx_request_is_redirected_as_a_whole(anonymous: Client) -> None:
    response = anonymous.post(CREATE_URL, {"name": "ci"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/account/"
    assert response.content == b""


def test_token_actions_refuse_get(lab_admin: User) -> None:
    token, _ = issue_api_token(user=lab_admin, name="ci", by=lab_admin)
    client = client_for(lab_admin)

    assert client.get(CREATE_URL).status_code == 405
    assert client.get(revoke_url(token)).status_code == 405


# ---- The page --------------------------------------------------------------------------------


def test_page_shows_the_user_and_their_memberships_with_roles(
    lab_admin: User, lab: Organisation, enterprise: Organisation
) -> None:
    # given lab_admin is also a plain member of an enterprise
    MembershipFactory(user=lab_admin, organisation=enterprise, role=Membership.Role.MEMBER)

    # when
    response = client_for(lab_admin).get(ACCOUNT_URL)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>我的账户</h1>" in html
    assert '<dd class="account-username">lab_admin</dd>' in html
    assert f"<dd>{lab_admin.display_name}</dd>" in html
    items = re.findall(r'<li class="membership-item">.*?</li>', html, flags=re.DOTALL)
    assert len(items) == 2
    lab_item, enterprise_item = sorted(items, key=lambda item: lab.name not in item)
    assert f'<a href="/organisations/{lab.uscc}/">{lab.name}</a>' in lab_item
    assert '<span class="tag">管理员</span>' in lab_item
    assert "检验检测机构" in lab_item
    assert f'<a href="/organisations/{enterprise.uscc}/">{enterprise.name}</a>' in enterprise_item
    assert '<span class="tag">成员</span>' in enterprise_item
    assert "企业" in enterprise_item
    assert "您还没有创建 API 令牌。" in html


def test_page_says_whether_the_user_is_a_platform_administrator(
    enterprise_user: User, platform_admin: User
) -> None:
    member = client_for(enterprise_user).get(ACCOUNT_URL).content.decode()
    admin = client_for(platform_admin).get(ACCOUNT_URL).content.decode()

    assert re.search(r"<dt>平台管理员</dt>\s*<dd>否</dd>", member)
    assert re.search(r"<dt>平台管理员</dt>\s*<dd>是</dd>", admin)
    assert "您尚未加入任何机构" in admin


def test_inactive_organisation_is_not_linked_for_a_member(reference: None) -> None:
    # Its page is a 404 for everyone but platform administrators.
    closed = OrganisationFactory(uscc=uscc_for(9100), name="沈阳已注销检测站", is_active=False)
    user = MembershipFactory(organisation=closed).user

    html = client_for(user).get(ACCOUNT_URL).content.decode()

    assert "沈阳已注销检测站" in html
    assert f'href="/organisations/{closed.uscc}/"' not in html
    assert "已停用" in html


def test_page_is_not_cached_and_carries_no_inline_code(lab_admin: User) -> None:
    issue_api_token(user=lab_admin, name="ci", by=lab_admin)

    response = client_for(lab_admin).get(ACCOUNT_URL)

    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert inline_code(response.content.decode()) == []


def test_header_links_to_the_account_page_only_when_signed_in(
    lab_admin: User, anonymous: Client
) -> None:
    signed_in = client_for(lab_admin).get("/").content.decode()
    on_account = client_for(lab_admin).get(ACCOUNT_URL).content.decode()
    signed_out = anonymous.get("/").content.decode()

    assert 'href="/account/">我的账户</a>' in signed_in
    assert 'href="/account/" aria-current="page">我的账户</a>' in on_account
    assert 'href="/account/"' not in signed_out


def test_token_list_shows_each_status(lab_admin: User) -> None:
    # given one usable, one expired and one revoked token
    now = timezone.now()
    issue_api_token(user=lab_admin, name="usable", by=lab_admin, expires_at=now + timedelta(1))
    issue_api_token(user=lab_admin, name="expired", by=lab_admin, expires_at=now - timedelta(1))
    revoked, _ = issue_api_token(user=lab_admin, name="revoked", by=lab_admin)
    client = client_for(lab_admin)
    client.post(revoke_url(revoked))

    # when
    html = client.get(ACCOUNT_URL).content.decode()

    # then
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL)
        for name in ("usable", "expired", "revoked")
        if f'<th scope="row">{name}</th>' in row
    }
    assert "有效" in rows["usable"]
    assert "已过期" in rows["expired"]
    assert "已撤销" in rows["revoked"]
    assert "永不过期" in rows["revoked"]
    assert "从未使用" in rows["usable"]
    # Revoked tokens have no revoke button; the others do.
    assert "/revoke/" not in rows["revoked"]
    assert "/revoke/" in rows["usable"]
    assert "/revoke/" in rows["expired"]


def test_other_users_tokens_are_not_listed(lab_admin: User, enterprise_user: User) -> None:
    theirs, _ = issue_api_token(user=enterprise_user, name="enterprise-erp", by=enterprise_user)

    html = client_for(lab_admin).get(ACCOUNT_URL).content.decode()

    assert "enterprise-erp" not in html
    assert theirs.prefix not in html


# ---- Creating a token ------------------------------------------------------------------------


def test_creating_a_token_shows_the_secret_once_and_it_works(lab_admin: User) -> None:
    client = client_for(lab_admin)

    # when
    response = client.post(CREATE_URL, {"name": "LIMS 数据同步", "expires_in_days": "90"})

    # then the secret is on the page, read-only, with the warning, in a response nobody keeps
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(html)
    assert re.search(r'<input id="token-secret-value"[^>]*\sreadonly\s', html)
    assert "此令牌只显示这一次，之后无法再次查看。" in html
    assert "令牌“LIMS 数据同步”已创建" in html
    assert inline_code(html) == []
    token = ApiToken.objects.get(user=lab_admin)
    assert secret.startswith(f"qih_{token.prefix}_")
    assert token.name == "LIMS 数据同步"

    # and the secret authenticates the API
    me = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "lab_admin"

    # and the page afterwards shows the prefix, the last use, but never the secret
    later = client.get(ACCOUNT_URL).content.decode()
    assert f"{token.prefix}…" in later
    assert secret not in later
    assert secret.split("_")[-1] not in later
    assert "从未使用" not in later
    assert "token-secret-value" not in later


def test_creating_a_token_records_an_audit_entry(lab_admin: User) -> None:
    client_for(lab_admin).post(CREATE_URL, {"name": "ci", "expires_in_days": ""})

    token = ApiToken.objects.get(user=lab_admin)
    entry = AuditEntry.objects.get(action="accounts.api_token_issued")
    assert entry.actor == lab_admin
    assert entry.target_id == str(token.pk)
    assert entry.after == {"user": "lab_admin", "prefix": token.prefix, "name": "ci"}


@pytest.mark.parametrize(("choice", "days"), [("30", 30), ("90", 90), ("365", 365), ("", None)])
def test_expiry_choice_sets_when_the_token_expires(
    lab_admin: User, choice: str, days: int | None
) -> None:
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False):
        client_for(lab_admin).post(CREATE_URL, {"name": "ci", "expires_in_days": choice})
        now = timezone.now()

    token = ApiToken.objects.get(user=lab_admin)
    assert token.expires_at == (now + timedelta(days=days) if days else None)


def test_the_form_offers_the_expiry_choices(lab_admin: User) -> None:
    html = client_for(lab_admin).get(ACCOUNT_URL).content.decode()

    values = re.findall(r'<option value="(\d*)"', html)
    assert values == ["30", "90", "180", "365", ""]
    assert '<option value="90" selected>90 天</option>' in html
    assert '<option value="">永不过期</option>' in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "expires_in_days": "90"}, "请填写令牌名称。"),
        ({"name": "   ", "expires_in_days": "90"}, "请填写令牌名称。"),
        ({"expires_in_days": "90"}, "请填写令牌名称。"),
        ({"name": "x" * 101, "expires_in_days": "90"}, "令牌名称最多 100 个字符（现为 101 个）。"),
        ({"name": "ci", "expires_in_days": "7"}, "请从列表中选择有效期。"),
        ({"name": "ci", "expires_in_days": "0"}, "请从列表中选择有效期。"),
        ({"name": "ci", "expires_in_days": "367"}, "请从列表中选择有效期。"),
        ({"name": "ci", "expires_in_days": "abc"}, "请从列表中选择有效期。"),
    ],
)
def test_bad_input_shows_a_form_error_and_creates_nothing(
    lab_admin: User, data: dict[str, str], error: str
) -> None:
    response = client_for(lab_admin).post(CREATE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert 'class="field-errors"' in html
    assert "token-secret-value" not in html
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="accounts.api_token_issued").exists()


def test_a_name_of_100_characters_is_accepted(lab_admin: User) -> None:
    client_for(lab_admin).post(CREATE_URL, {"name": "名" * 100, "expires_in_days": "30"})

    assert ApiToken.objects.get(user=lab_admin).name == "名" * 100


def test_token_names_are_escaped(lab_admin: User) -> None:
    name = '<b onclick="x()">"ci"</b>'
    client = client_for(lab_admin)

    created = client.post(CREATE_URL, {"name": name, "expires_in_days": "30"}).content.decode()
    listed = client.get(ACCOUNT_URL).content.decode()

    for html in (created, listed):
        assert name not in html
        assert "&lt;b onclick=&quot;x()&quot;&gt;" in html
        assert inline_code(html) == []


# ---- Revoking a token ------------------------------------------------------------------------


def test_revoking_a_token_redirects_with_a_message_and_the_api_refuses_it(
    lab_admin: User,
) -> None:
    # given
    token, secret = issue_api_token(user=lab_admin, name="ci", by=lab_admin)
    assert api_me(secret) == 200
    client = client_for(lab_admin)

    # when
    response = client.post(revoke_url(token))

    # then
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT_URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_me(secret) == 401
    assert AuditEntry.objects.filter(action="accounts.api_token_revoked").count() == 1
    html = client.get(ACCOUNT_URL).content.decode()
    assert f"令牌“ci”（{token.prefix}…）已撤销" in html
    assert "message-success" in html


def test_revoking_another_users_token_is_not_found_and_leaves_it_usable(
    lab_admin: User, enterprise_user: User
) -> None:
    token, secret = issue_api_token(user=enterprise_user, name="erp", by=enterprise_user)

    response = client_for(lab_admin).post(revoke_url(token))

    assert response.status_code == 404
    assert "erp" not in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_me(secret) == 200
    assert not AuditEntry.objects.filter(action="accounts.api_token_revoked").exists()


def test_revoking_twice_or_an_unknown_prefix_is_not_found(lab_admin: User) -> None:
    token, _ = issue_api_token(user=lab_admin, name="ci", by=lab_admin)
    client = client_for(lab_admin)
    client.post(revoke_url(token))

    assert client.post(revoke_url(token)).status_code == 404
    assert client.post("/account/tokens/00000000/revoke/").status_code == 404
    assert AuditEntry.objects.filter(action="accounts.api_token_revoked").count() == 1


# ---- CSRF ------------------------------------------------------------------------------------


def test_creating_needs_a_csrf_token(lab_admin: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)

    response = client.post(CREATE_URL, {"name": "ci", "expires_in_days": "30"})

    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_revoking_needs_a_csrf_token(lab_admin: User) -> None:
    token, secret = issue_api_token(user=lab_admin, name="ci", by=lab_admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)

    response = client.post(revoke_url(token))

    assert response.status_code == 403
    assert api_me(secret) == 200


def test_forms_carry_a_csrf_token_that_works(lab_admin: User) -> None:
    # given the page, as a browser sees it
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)
    html = client.get(ACCOUNT_URL).content.decode()
    csrf = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)

    # when the create form is posted with the page's token
    response = client.post(
        CREATE_URL, {"csrfmiddlewaretoken": csrf[-1], "name": "ci", "expires_in_days": "30"}
    )

    # then
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=lab_admin).count() == 1


# ---- htmx ------------------------------------------------------------------------------------


def test_htmx_create_gets_the_token_fragment_with_the_secret(lab_admin: User) -> None:
    response = client_for(lab_admin).post(
        CREATE_URL, {"name": "ci", "expires_in_days": "30"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert html.lstrip().startswith('<section id="api-tokens"')
    assert "<html" not in html
    assert "site-header" not in html
    secret = secret_in(html)
    assert api_me(secret) == 200
    assert inline_code(html) == []


def test_htmx_create_with_bad_input_gets_the_fragment_with_errors(lab_admin: User) -> None:
    response = client_for(lab_admin).post(CREATE_URL, {"name": ""}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="api-tokens"')
    assert "请填写令牌名称。" in html
    assert not ApiToken.objects.exists()


def test_htmx_revoke_gets_the_fragment_with_a_notice(lab_admin: User) -> None:
    token, secret = issue_api_token(user=lab_admin, name="ci", by=lab_admin)
    client = client_for(lab_admin)

    response = client.post(revoke_url(token), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="api-tokens"')
    assert "<html" not in html
    assert f"令牌“ci”（{token.prefix}…）已撤销" in html
    assert "已撤销</span>" in html
    assert api_me(secret) == 401
    # The notice was shown in the fragment; it does not come back on the next page.
    assert "已撤销，使用它的请求将被拒绝" not in client.get(ACCOUNT_URL).content.decode()


def test_htmx_forms_keep_real_actions(lab_admin: User) -> None:
    token, _ = issue_api_token(user=lab_admin, name="ci", by=lab_admin)

    html = client_for(lab_admin).get(ACCOUNT_URL).content.decode()

    for form in re.findall(r"<form[^>]*hx-post[^>]*>", html):
        action = re.search(r'action="([^"]+)"', form)
        hx_post = re.search(r'hx-post="([^"]+)"', form)
        assert action and hx_post
        assert action.group(1) == hx_post.group(1)
    assert f'action="{revoke_url(token)}"' in html
    assert f'action="{CREATE_URL}"' in html


# ---- English ---------------------------------------------------------------------------------


def test_page_in_english(lab_admin: User) -> None:
    client = client_for(lab_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    issue_api_token(user=lab_admin, name="ci", by=lab_admin)

    html = client.get(ACCOUNT_URL).content.decode()
    created = client.post(CREATE_URL, {"name": "ci2", "expires_in_days": "30"}).content.decode()

    assert "<h1>My account</h1>" in html
    assert "Administrator" in html
    assert "API tokens" in html
    assert "Active" in html
    assert "Never expires" in html
    assert "我的账户" not in html
    assert "This token is shown only once" in created
