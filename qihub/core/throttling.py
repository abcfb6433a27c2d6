"""Fixed-window request counters shared by every worker, keyed by a trusted client identity.

One counter per (scope, identity) counts the requests of the current window; the window is cut
from the epoch (``clock() // period``), so every worker and host agrees on it. Each hit is one
round trip to the store, because the public API and pages hit it on every anonymous request
(``docs/adr/0004-throttle-counters.md`` says why not ninja's sliding log in Django's cache):

- with ``QIHUB_REDIS_URL``: ``SET key 0 EX … NX`` and ``INCR key`` in one pipeline;
- otherwise: one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on ``ThrottleCounter`` (SQLite
  3.35+ and PostgreSQL), in its own statement, so counts hold across processes there too.

A store that cannot be reached raises: throttling fails closed. Callers pass the identity: for
addresses always ``qihub.core.http.client_ip``, never a raw X-Forwarded-For header.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass
from functools import cache as once
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from qihub.core.models import ThrottleCounter

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PRUNE_EVERY = 1000  # hits per process between deletions of finished windows' rows


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: int


@dataclass(frozen=True)
class ThrottleResult:
    allowed: bool
    retry_after_seconds: int


def parse_rate(rate: str) -> Rate:
    """``"20/m"`` → 20 per 60 seconds. Units: s, m, h, d (a word such as "min" counts by its
    first letter). Raises ImproperlyConfigured for anything else."""
    count, _, unit = rate.partition("/")
    try:
        limit = int(count)
        period = _PERIODS[unit.strip()[:1].lower()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f"invalid rate {rate!r}: expected e.g. '20/m'") from None
    if limit < 1:
        raise ImproperlyConfigured(f"invalid rate {rate!r}: the limit must be at least 1")
    return Rate(limit=limit, period_seconds=period)


@once
def cached_rate(rate: str) -> Rate:
    """``parse_rate`` for rates read from settings on every request."""
    return parse_rate(rate)


def clock() -> float:
    """Seconds since the epoch; the fixed windows are cut from it (tests hold it still)."""
    return time.time()


class CounterStore(Protocol):
    def count(self, key: str, window: int, expires_at: int) -> int:
        """Add one to ``key``'s count in ``window`` (a new window starts at 1); the new count."""
        ...


def hit(scope: str, identity: str, rate: Rate, *, now: float | None = None) -> ThrottleResult:
    """Count one request of ``identity`` in ``scope``; allowed while within the rate."""
    now = clock() if now is None else now
    window = int(now // rate.period_seconds)
    window_end = (window + 1) * rate.period_seconds
    # Hashed so any identity (IPv6, user input) makes a short key every store accepts.
    digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
    count = store().count(f"{scope}:{digest}", window, window_end)
    retry_after = max(1, int(window_end - now))
    return ThrottleResult(allowed=count <= rate.limit, retry_after_seconds=retry_after)


def store() -> CounterStore:
    url = getattr(settings, "QIHUB_REDIS_URL", "")
    return _redis_store(url) if url else DATABASE_STORE


_TABLE = ThrottleCounter._meta.db_table  # lower case, no keyword: needs no quoting anywhere
_UPSERT = (
    f"INSERT INTO {_TABLE} (scope_key, window_index, hits, expires_at) "  # noqa: S608
    "VALUES (%s, %s, 1, %s) ON CONFLICT (scope_key) DO UPDATE SET "
    f"hits = CASE WHEN {_TABLE}.window_index = excluded.window_index "
    f"THEN {_TABLE}.hits + 1 ELSE 1 END, "
    "window_index = excluded.window_index, expires_at = excluded.expires_at "
    "RETURNING hits"
)


class DatabaseCounters:
    """Counters in the ``ThrottleCounter`` table: one row per key, reused window after window."""

    def __init__(self) -> None:
        self._hits = itertools.count(1)

    def count(self, key: str, window: int, expires_at: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [key, window, expires_at])
            (hits,) = cursor.fetchone()
        if next(self._hits) % PRUNE_EVERY == 0:
            prune_counters(now=clock())
        return int(hits)


def prune_counters(*, now: float) -> int:
    """Delete the rows of windows that have ended (a key seen again starts a new row)."""
    deleted, _ = ThrottleCounter.objects.filter(expires_at__lt=int(now)).delete()
    return deleted


class RedisCounters:
    """Counters in Redis, expiring with their window: one pipelined round trip per hit."""

    def __init__(self, url: str) -> None:
        import redis  # only when Redis is configured

        self._client = redis.Redis.from_url(url)

    def count(self, key: str, window: int, expires_at: int) -> int:
        name = f"qihub:throttle:{key}:{window}"
        ttl = max(1, expires_at - int(clock())) + 1
        pipe = self._client.pipeline(transaction=False)
        pipe.set(name, 0, ex=ttl, nx=True)
        pipe.incr(name)
        _, hits = pipe.execute()
        return int(hits)


DATABASE_STORE = DatabaseCounters()


@once
def _redis_store(url: str) -> RedisCounters:
    return RedisCounters(url)
