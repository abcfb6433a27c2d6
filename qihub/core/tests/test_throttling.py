from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from qihub.core import throttling
from qihub.core.models import ThrottleCounter
from qihub.core.throttling import Rate, hit, parse_rate, prune_counters

REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, settings) -> str:
    """Each behaviour holds for both stores: the database table, and Redis when configured."""
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL} (CI has one)")
        settings.QIHUB_REDIS_URL = REDIS_URL
    else:
        settings.QIHUB_REDIS_URL = ""
        request.getfixturevalue("db")
    return str(request.param)


@pytest.fixture
def scope(store: str) -> str:
    # Redis keeps its keys between tests (the database rolls back): a fresh scope each test.
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/m", Rate(20, 60)),
        ("5/s", Rate(5, 1)),
        ("100/h", Rate(100, 3600)),
        ("1000/d", Rate(1000, 86400)),
        ("3/min", Rate(3, 60)),
    ],
)
def test_parse_rate(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "20", "x/m", "20/w", "0/m", "-1/m"])
def test_parse_rate_refuses_nonsense(text: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_rate(text)


def test_hit_allows_up_to_the_limit_in_a_window(scope: str) -> None:
    rate = Rate(3, 60)
    results = [hit(scope, "192.0.2.1", rate, now=1_000_020.0) for _ in range(4)]

    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after_seconds == 60 - 1_000_020 % 60


def test_hit_counts_identities_and_scopes_apart(scope: str) -> None:
    rate = Rate(1, 60)
    assert hit(scope, "192.0.2.1", rate, now=60.0).allowed
    assert hit(scope, "192.0.2.2", rate, now=60.0).allowed
    assert hit(scope + "-other", "192.0.2.1", rate, now=60.0).allowed
    assert not hit(scope, "192.0.2.1", rate, now=61.0).allowed


def test_hit_starts_afresh_in_the_next_window(scope: str) -> None:
    rate = Rate(1, 60)
    assert hit(scope, "2001:db8::1", rate, now=120.0).allowed
    assert not hit(scope, "2001:db8::1", rate, now=179.0).allowed
    assert hit(scope, "2001:db8::1", rate, now=180.0).allowed
    assert not hit(scope, "2001:db8::1", rate, now=181.0).allowed


def test_a_refused_request_still_counts(scope: str) -> None:
    # A client that keeps hammering stays refused for the rest of the window.
    rate = Rate(2, 3600)
    allowed = [hit(scope, "198.51.100.7", rate, now=7200.0 + n).allowed for n in range(6)]
    assert allowed == [True, True, False, False, False, False]


@pytest.mark.django_db
def test_database_counters_reuse_one_row_per_client_and_prune_ended_windows(settings) -> None:
    settings.QIHUB_REDIS_URL = ""
    rate = Rate(5, 60)
    for now in (60.0, 61.0, 125.0):  # two windows of one client
        hit("prune", "192.0.2.9", rate, now=now)
    hit("prune", "192.0.2.10", rate, now=200.0)
    rows = dict(ThrottleCounter.objects.values_list("expires_at", "hits"))
    assert rows == {180: 1, 240: 1}  # the first client's row was restarted at 125 s

    assert prune_counters(now=181.0) == 1
    assert list(ThrottleCounter.objects.values_list("expires_at", flat=True)) == [240]


@pytest.mark.django_db
def test_database_counters_prune_as_they_go(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.QIHUB_REDIS_URL = ""
    monkeypatch.setattr(throttling, "PRUNE_EVERY", 1)
    monkeypatch.setattr(throttling, "clock", lambda: 10_000.0)
    hit("old", "192.0.2.1", Rate(5, 60), now=60.0)  # its window ended long before 10,000 s
    hit("new", "192.0.2.1", Rate(5, 60), now=10_000.0)
    assert ThrottleCounter.objects.count() == 1
