from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from qihub.web.throttling import Rate, hit, parse_rate


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


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


def test_hit_allows_up_to_the_limit_in_a_window() -> None:
    rate = Rate(3, 60)
    results = [hit("test", "192.0.2.1", rate, now=1_000_020.0) for _ in range(4)]

    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after_seconds == 60 - 1_000_020 % 60


def test_hit_counts_identities_and_scopes_apart() -> None:
    rate = Rate(1, 60)
    assert hit("test", "192.0.2.1", rate, now=60.0).allowed
    assert hit("test", "192.0.2.2", rate, now=60.0).allowed
    assert hit("other", "192.0.2.1", rate, now=60.0).allowed
    assert not hit("test", "192.0.2.1", rate, now=61.0).allowed


def test_hit_starts_afresh_in_the_next_window() -> None:
    rate = Rate(1, 60)
    assert hit("test", "2001:db8::1", rate, now=120.0).allowed
    assert not hit("test", "2001:db8::1", rate, now=179.0).allowed
    assert hit("test", "2001:db8::1", rate, now=180.0).allowed
