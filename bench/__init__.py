"""QI Hub benchmarks: ``python -m bench`` (``make bench``); not part of ``make test``.

The machines these run on are noisy, so no benchmark passes or fails on seconds: each one times
the product path and a baseline doing the least work that gives the same result, in the same run
on the same database, and reports the ratio. A ratio that grows between runs is the signal.

A benchmark module is ``bench/bench_<area>.py`` with ``run(context) -> list[Result]``; it runs
after Django is set up on a throwaway SQLite database with migrations and reference data loaded.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    workdir: Path  # a temporary directory, removed after the run
    quick: bool  # smaller sizes, for trying the harness out


@dataclass(frozen=True)
class Result:
    name: str
    n: int
    product: float  # seconds (or seconds per operation, as the note says)
    baseline: float
    baseline_name: str
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.product / self.baseline if self.baseline else float("inf")

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "n": self.n,
            "product_seconds": self.product,
            "baseline": self.baseline_name,
            "baseline_seconds": self.baseline,
            "ratio": round(self.ratio, 3),
            "note": self.note,
        }


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    return median_time(action, 1)


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls: robust to a stray slow one.

    Garbage is collected once before, not during: a full collection of a heap holding the
    pinyin and jieba dictionaries costs more than most of the operations timed here.
    """
    gc.collect()
    gc.disable()
    try:
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            action()
            samples.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return statistics.median(samples)
