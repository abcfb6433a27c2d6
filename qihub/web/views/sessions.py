"""Sign in and out with Django's auth views, plus a per-address throttle and the lockout page.

django-axes locks an account after 5 failures whatever the source address (settings); the
throttle here limits how fast one client address may try, across accounts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from qihub.core.http import client_ip
from qihub.core.throttling import hit, parse_rate
from qihub.web.forms.accounts import LoginForm


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class LoginView(auth_views.LoginView):
    """Django's LoginView: it rotates the session key on login and follows only safe ``next``
    URLs (``url_has_allowed_host_and_scheme``)."""

    template_name = "web/accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """The safe ``next`` URL, but never this page itself (Django would see a redirect loop)."""
        url = super().get_redirect_url()
        return "" if urlsplit(url).path == self.request.path else url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = lockout_minutes()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        result = hit("login", client_ip(request), parse_rate(settings.QIHUB_THROTTLE_LOGIN))
        if not result.allowed:
            context = self.get_context_data(
                form=self.unbound_form(),
                refusal=_("登录尝试过于频繁，请在 %(seconds)d 秒后再试。")
                % {"seconds": result.retry_after_seconds},
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(result.retry_after_seconds)
            return response
        return super().post(request, *args, **kwargs)

    def unbound_form(self) -> LoginForm:
        """A fresh form keeping the typed username, for refusals that come before checking."""
        username = str(self.request.POST.get("username", ""))[:150]
        return LoginForm(self.request, initial={"username": username})

    def form_invalid(self, form: Any) -> HttpResponse:
        if getattr(self.request, "axes_locked_out", False):
            context = self.get_context_data(
                form=self.unbound_form(),
                refusal=_("登录失败次数过多，账户已锁定 %(minutes)d 分钟。")
                % {"minutes": lockout_minutes()},
            )
            return self.render_to_response(context, status=429)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET with 405)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("您已安全退出。"))
        return response
