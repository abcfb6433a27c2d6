"""Who is calling the API, and the request-forgery guard in front of every unsafe call.

ninja marks its views csrf_exempt and only session-auth classes check CSRF, so an anonymous
endpoint would accept a cross-site form post (text/plain or urlencoded is a "simple request"
that needs no CORS preflight). ``ApiRequestGuardMiddleware`` closes that for every route at once:
unsafe requests must be JSON, and must carry a CSRF token unless they use a bearer token.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf

from qihub.accounts.queries import user_for_api_token
from qihub.api.errors import problem
from qihub.core.http import client_ip
from qihub.core.throttling import cached_rate, hit

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


class _CountedThrottle(BaseThrottle, ABC):
    """A ninja throttle on ``qihub.core.throttling``'s fixed-window counters: one round trip
    per request (ninja's own throttles read and rewrite a list of timestamps in the cache).
    The rate is read from settings on each request, so operators (and tests) can change it
    without rebuilding the API. ninja asks ``wait()`` right after a refusal, on the same thread:
    the answer is kept per thread, as one throttle object serves every request."""

    scope: str
    setting_name: str

    def __init__(self) -> None:
        self._last = threading.local()

    @abstractmethod
    def identity(self, request: HttpRequest) -> str | None:
        """Who is counted, or None when this throttle does not apply to the request."""

    def allow_request(self, request: HttpRequest) -> bool:
        identity = self.identity(request)
        if identity is None:
            return True
        result = hit(self.scope, identity, cached_rate(getattr(settings, self.setting_name)))
        self._last.retry_after = result.retry_after_seconds
        return result.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)


class ClientAnonThrottle(_CountedThrottle):
    """Unauthenticated requests, by trusted client address (``core.http.client_ip``)."""

    scope = "api-anon"
    setting_name = "QIHUB_THROTTLE_ANON"

    def identity(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return client_ip(request)


class ClientAuthThrottle(_CountedThrottle):
    """Authenticated requests, by user (session or any of their tokens)."""

    scope = "api-user"
    setting_name = "QIHUB_THROTTLE_USER"

    def identity(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if auth is None:
            return None  # ClientAnonThrottle's, at a stricter rate
        return f"user:{getattr(auth, 'pk', None) or auth}"
