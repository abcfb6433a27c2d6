"""Template helpers for the web pages: the platform name and language-aware model text."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from qihub.accounts.queries import unread_notification_count
from qihub.web.localise import localised as localised_text

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return str(settings.QIHUB_SITE_NAME)


@register.filter
def localised(obj: Any, field: str = "name") -> str:
    """``{{ region|localised }}`` or ``{{ target|localised:"description" }}``."""
    return localised_text(obj, field)


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """How many notifications the signed-in user has not read (0 for anonymous visitors)."""
    return unread_notification_count(user)
