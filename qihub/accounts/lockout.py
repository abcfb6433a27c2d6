"""What a locked-out login sees: the same page or problem+json as any refused login, with 429."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

LOCKED_DETAIL_KEY = "account_locked"


def locked_out_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Any = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    # The web login view renders its own styled 429 page; keep it.
    if original_response is not None and original_response.status_code == 429:
        return original_response
    detail = _("登录失败次数过多，账户已锁定30分钟。")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Too Many Requests",
                "status": 429,
                "code": LOCKED_DETAIL_KEY,
                "detail": detail,
            },
            status=429,
            content_type="application/problem+json",
        )
    return HttpResponse(detail, status=429, content_type="text/plain; charset=utf-8")
