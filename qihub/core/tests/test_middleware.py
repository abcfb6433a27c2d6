"""Cross-cutting middleware: session lifetimes (30 min idle, 12 h absolute) and page language."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from conftest import client_for


def test_idle_session_expires_after_thirty_minutes(lab_admin):
    client = client_for(lab_admin)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/api/v1/me").status_code == 200  # activity renews the idle timer
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert client.get("/api/v1/me").status_code == 401


def test_active_session_ends_after_the_absolute_cap(lab_admin):
    client = client_for(lab_admin)
    start = timezone.now()
    cap = settings.QIHUB_SESSION_ABSOLUTE_SECONDS
    minutes = 0
    with time_machine.travel(start, tick=False):
        assert client.get("/api/v1/me").status_code == 200
    # stay active every 20 minutes until just past the cap
    while minutes * 60 <= cap:
        minutes += 20
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            status = client.get("/api/v1/me").status_code
        if minutes * 60 <= cap:
            assert status == 200
    assert status == 401


def test_pages_stay_chinese_whatever_the_browser_asks(client, reference):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans"' in page.content.decode()
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db  # the API throttle counts the request in the database
def test_api_honours_accept_language(client):
    response = client.get("/api/v1/organisations/123", HTTP_ACCEPT_LANGUAGE="en")
    assert "18" in response.json()["detail"]
    assert "统一社会信用代码" not in response.json()["detail"]
