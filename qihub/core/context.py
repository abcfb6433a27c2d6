"""Per-request facts that write services record without every caller passing them along.

A ContextVar is local to the running request (thread or task), so this is not shared state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from qihub.core.http import client_ip

current_client_address: ContextVar[str] = ContextVar("current_client_address", default="")


@contextmanager
def client_address(address: str) -> Iterator[None]:
    token = current_client_address.set(address)
    try:
        yield
    finally:
        current_client_address.reset(token)


class ClientAddressMiddleware:
    """Makes the trusted client address available to the audit log for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_address(client_ip(request)):
            return self.get_response(request)
