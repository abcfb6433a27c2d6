"""Recording into the append-only audit log. Every write service calls ``record_action``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from qihub.accounts.models import AuditEntry, User
from qihub.core.context import current_client_address


def snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """A JSON-safe picture of some fields, for the before/after columns."""
    return {name: _jsonable(getattr(instance, _attname(instance, name))) for name in fields}


def _attname(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    return getattr(field, "attname", name)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def audit_entry(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry, for services that write many at once with bulk_create."""
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(_target_key(target)) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        client_address=current_client_address.get() or "",
    )


def _target_key(target: models.Model) -> Any:
    # Natural keys where the model has one, so entries stay readable after a restore.
    for name in ("uscc", "code", "key", "number"):
        if hasattr(target, name):
            return getattr(target, name)
    return target.pk


def record_action(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction so both land or neither."""
    entry = audit_entry(actor=actor, action=action, target=target, before=before, after=after)
    entry.save()
    return entry
