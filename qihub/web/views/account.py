"""The signed-in user's account page: who they are, their organisations and their API tokens.

A new token's secret exists only in the response that issues it (the database keeps a digest),
so that response renders it directly instead of redirecting, and nothing here is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from qihub.accounts.models import ApiToken, User
from qihub.accounts.queries import active_token, memberships_of, tokens_of
from qihub.accounts.services import issue_api_token, revoke_api_token
from qihub.core.http import HtmxRequest
from qihub.web.forms.account import ApiTokenForm

PAGE = "web/account/account.html"
TOKENS = "web/account/_tokens.html"

View = Callable[..., HttpResponse]


def account_login_required(view: View) -> View:
    """Like ``login_required``, but always back to the account page after signing in.

    The token actions are POST-only, so ``next`` pointing at them would end in a 405; and an
    htmx request is sent to the login page as a whole, not swapped into the token list.
    """

    @wraps(view)
    def wrapped(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        response = redirect_to_login(reverse("web:account"))
        if request.htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response

    return wrapped


def signed_in_user(request: HtmxRequest) -> User:
    # Only called behind account_login_required, so this is never the AnonymousUser.
    return cast(User, request.user)


def render_account(
    request: HtmxRequest,
    *,
    form: ApiTokenForm,
    new_token: ApiToken | None = None,
    secret: str = "",
    notice: str = "",
) -> HttpResponse:
    """The whole page, or for htmx only the token section it swaps."""
    user = signed_in_user(request)
    context: dict[str, Any] = {
        "form": form,
        "tokens": tokens_of(user),
        "new_token": new_token,
        "secret": secret,
        "notice": notice,
    }
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, TOKENS, context)
    context["memberships"] = memberships_of(user)
    return render(request, PAGE, context)


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@account_login_required
def account(request: HtmxRequest) -> HttpResponse:
    return render_account(request, form=ApiTokenForm())


@require_POST
@never_cache
@account_login_required
def token_create(request: HtmxRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render_account(request, form=form)
    days: int | None = form.cleaned_data["expires_in_days"]
    expires_at = timezone.now() + timedelta(days=days) if days else None
    token, secret = issue_api_token(
        user=user, name=form.cleaned_data["name"], by=user, expires_at=expires_at
    )
    # The secret is in this response only: never_cache sends no-store, and no redirect follows.
    return render_account(request, form=ApiTokenForm(), new_token=token, secret=secret)


@require_POST
@never_cache
@account_login_required
def token_revoke(request: HtmxRequest, prefix: str) -> HttpResponse:
    user = signed_in_user(request)
    # Another user's token is "not found", exactly like a prefix that does not exist.
    token = active_token(user, prefix)
    if token is None:
        raise Http404(_("没有这个令牌"))
    revoke_api_token(token=token, by=user)
    notice = _("令牌“%(name)s”（%(prefix)s…）已撤销，使用它的请求将被拒绝。") % {
        "name": token.name,
        "prefix": token.prefix,
    }
    if request.htmx:
        return render_account(request, form=ApiTokenForm(), notice=notice)
    messages.success(request, notice)
    return redirect("web:account")
