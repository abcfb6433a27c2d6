"""Typed requests and the one place that decides who the client is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(HttpRequest):
    auth: Any


def client_ip(request: HttpRequest) -> str:
    """The client address, trusting only as many X-Forwarded-For hops as there are known proxies.

    With no trusted proxy the header is ignored, so a forged header cannot change the identity
    used for throttling, lockout and the audit log.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.QIHUB_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    return hops[-proxies]


def client_ip_for_axes(request: HttpRequest) -> str:
    return client_ip(request)
