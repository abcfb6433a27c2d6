"""The account lockout lasts 30 minutes and every step of it is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from qihub.accounts.models import AuditEntry, User
from qihub.accounts.tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def login(client: Client, password: str):
    return client.post("/login/", {"username": "lab_admin", "password": password})


def test_lockout_lifts_after_thirty_minutes_and_is_audited(lab_admin: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(Client(), "wrong-password")
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        still_locked = Client()
        assert login(still_locked, TEST_PASSWORD).status_code == 429
        assert SESSION_KEY not in still_locked.session
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        client = Client()
        response = login(client, TEST_PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(lab_admin.pk)

    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("accounts.login_failed") >= 5
    assert "accounts.login_locked" in actions
    assert actions[-1] == "accounts.login_succeeded"
    failed = AuditEntry.objects.filter(action="accounts.login_failed").first()
    assert failed is not None and failed.after == {"username": "lab_admin"}
