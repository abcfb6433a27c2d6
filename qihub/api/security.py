"""Who is calling the API, and the request-forgery guard in front of every unsafe call.

ninja marks its views csrf_exempt and only session-auth classes check CSRF, so an anonymous
endpoint would accept a cross-site form post (text/plain or urlencoded is a "simple request"
that needs no CORS preflight). ``ApiRequestGuardMiddleware`` closes that for every route at once:
unsafe requests must be JSON, and must carry a CSRF token unless they use a bearer token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle
from ninja.utils import check_csrf

from qihub.accounts.queries import user_for_api_token
from qihub.api.errors import problem
from qihub.core.http import client_ip

API_PREFIX = "/api/"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON_TYPES = {"application/json"}
# Routes that take file uploads (multipart) instead of JSON.
MULTIPART_PATHS: tuple[str, ...] = ()


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_api_token(token)


class ActiveSessionAuth(SessionAuth):
    """Session cookie auth (the browser); ninja checks CSRF for unsafe methods here too."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTHENTICATED = [BearerTokenAuth(), ActiveSessionAuth()]


def _allowed_methods(view_func: Callable[..., Any]) -> set[str] | None:
    """The methods a ninja path view serves, or None when they cannot be told (then the guard
    applies to every unsafe method: it fails closed)."""
    for cell in getattr(view_func, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return {method for operation in operations for method in operation.methods}
    return None


def has_bearer_token(request: HttpRequest) -> bool:
    return str(request.headers.get("Authorization", "")).lower().startswith("bearer ")


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX) or request.method not in UNSAFE_METHODS:
            return None
        allowed = _allowed_methods(view_func)
        if allowed is not None and request.method not in allowed:
            return None  # ninja answers 405 with the Allow header
        return self.refusal(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        content_type = (request.content_type or "").lower()
        expects_multipart = request.path.startswith(MULTIPART_PATHS) if MULTIPART_PATHS else False
        if expects_multipart:
            if content_type != "multipart/form-data":
                return problem(415, "unsupported_media_type", "Send multipart/form-data.")
        elif content_type not in JSON_TYPES and (request.body or content_type):
            return problem(
                415, "unsupported_media_type", "Send the request body as application/json."
            )
        if has_bearer_token(request):
            return None  # no cookie is involved, so there is nothing to forge
        if check_csrf(request) is not None:
            return problem(
                403,
                "csrf_failed",
                "CSRF check failed: send the X-CSRFToken header with the csrftoken "
                "cookie, or authenticate with a bearer token.",
            )
        return None


class _RateFromSettings:
    """Reads its rate from settings on each request, so operators (and tests) can change it
    without rebuilding the API; identifies clients by the trusted address only."""

    setting_name: str
    rate: str | None
    num_requests: int | None
    duration: int | None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting_name)
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[attr-defined]
        return super().allow_request(request)  # type: ignore[misc]

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)


class ClientAnonThrottle(_RateFromSettings, AnonRateThrottle):
    setting_name = "QIHUB_THROTTLE_ANON"


class ClientAuthThrottle(_RateFromSettings, AuthRateThrottle):
    setting_name = "QIHUB_THROTTLE_USER"

    def allow_request(self, request: HttpRequest) -> bool:
        # Unauthenticated requests are ClientAnonThrottle's, at a stricter rate: counting them
        # here too only cost two more cache writes per public request.
        if getattr(request, "auth", None) is None:
            return True
        return bool(super().allow_request(request))
