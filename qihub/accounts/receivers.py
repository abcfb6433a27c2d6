"""Security events into the audit log: sign-in, sign-out, failures and lockouts.

Django and django-axes announce these with signals; recording them is bookkeeping, not a
business rule, so receivers are the right place (connected in AccountsConfig.ready).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qihub.accounts.audit import record_action
from qihub.accounts.models import User


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username", ""))[:150]


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record_action(actor=user, action="accounts.login_succeeded", target=user)


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        record_action(actor=user, action="accounts.logout", target=user)


def on_login_failed(
    sender: Any,
    credentials: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    record_action(
        actor=None, action="accounts.login_failed", after={"username": _username(credentials)}
    )


def on_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record_action(
        actor=None, action="accounts.login_locked", after={"username": (username or "")[:150]}
    )
