"""Fixed-window request counters in Django's cache, keyed by a trusted client identity.

The cache is shared by every worker (database cache or Redis in production, see settings), so
the limit holds across processes and hosts. Callers pass the identity: for addresses always
``qihub.core.http.client_ip``, never a raw X-Forwarded-For header.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


def clock() -> float:
    """Seconds since the epoch; the fixed windows below are cut from it (tests hold it still)."""
    return time.time()


def hit(scope: str, identity: str, rate: Rate, *, now: float | None = None) -> ThrottleResult:
    """Count one request of ``identity`` in ``scope``; allowed while within the rate."""
    now = clock() if now is None else now
    window = int(now // rate.period_seconds)
    # Hashed so any identity (IPv6, user input) makes a short key every cache backend accepts.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"qihub:throttle:{scope}:{digest}:{window}"
    timeout = rate.period_seconds + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    retry_after = max(1, int((window + 1) * rate.period_seconds - now))
    return ThrottleResult(allowed=count <= rate.limit, retry_after_seconds=retry_after)
