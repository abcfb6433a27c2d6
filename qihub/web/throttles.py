"""The pages' throttles (``qihub.core.throttling`` counts): who is counted, at which rate, and
the 429 answer with its Retry-After. Public reads are limited per visitor instead of a captcha."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from qihub.core.http import client_ip
from qihub.core.throttling import ThrottleResult, hit, parse_rate

TOO_MANY_QUERIES = _("查询过于频繁，请在 %(seconds)d 秒后再试。")
TOO_MANY_SUBMISSIONS = _("提交过于频繁，请在 %(seconds)d 秒后再试。")


def visitor_throttle(
    request: HttpRequest, scope: str, *, message: Any = TOO_MANY_QUERIES
) -> HttpResponse | None:
    """At the API's rates: signed-in users by account, anonymous visitors by address."""
    if request.user.is_authenticated:
        identity, rate = f"user:{request.user.pk}", settings.QIHUB_THROTTLE_USER
    else:
        identity, rate = f"ip:{client_ip(request)}", settings.QIHUB_THROTTLE_ANON
    return _refusal(hit(scope, identity, parse_rate(rate)), message)


def write_throttle(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Self-service writes (profiles, uploads), by address, at the upload rate (as sign-in)."""
    rate = getattr(settings, "QIHUB_THROTTLE_UPLOAD", settings.QIHUB_THROTTLE_LOGIN)
    return _refusal(hit(scope, client_ip(request), parse_rate(rate)), TOO_MANY_SUBMISSIONS)


def _refusal(result: ThrottleResult, message: Any) -> HttpResponse | None:
    if result.allowed:
        return None
    response = HttpResponse(
        str(message) % {"seconds": result.retry_after_seconds},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(result.retry_after_seconds)
    return response
