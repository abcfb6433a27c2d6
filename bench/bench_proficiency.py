"""Proficiency testing: ISO 13528 Algorithm A and scoring on 10,000 results.

(a) ``algorithm_a(values)``: robust mean and SD iterated to the fixed point at double precision;
(b) ``evaluate(results)``: Algorithm A, u(x_pt), σ_pt = s* and z, z′, ζ, En with their classes
    for every participant, from already-parsed :class:`ParticipantResult` rows;
(c) the same from the JSON-shaped dicts the CLI reads (input checks included).

Each against one ``numpy.median`` of the same 10,000 values (Algorithm A's own first step), in
the same run. Data: normal results with 1 % gross outliers, seeded.
"""

from __future__ import annotations

import numpy as np

from bench import Context, Result, median_time
from qihub.proficiency.statistics import ParticipantResult, algorithm_a, evaluate

RESULTS = 10_000
QUICK_RESULTS = 1_000
REPEAT = 25


def run(context: Context) -> list[Result]:
    count = QUICK_RESULTS if context.quick else RESULTS
    rng = np.random.default_rng(13528)
    values = rng.normal(1.70, 0.05, count)
    outliers = rng.choice(count, count // 100, replace=False)
    values[outliers] += rng.uniform(0.5, 5.0, outliers.size)
    rows = [
        {"participant": f"P{i:05d}", "value": float(v), "U": 0.1, "k": 2}
        for i, v in enumerate(values, 1)
    ]
    parsed = [ParticipantResult.parse(row, i) for i, row in enumerate(rows, 1)]

    baseline = median_time(lambda: np.median(values), REPEAT)
    estimate = algorithm_a(values)
    note = f"{estimate.iterations} iterations to the fixed point; x* = {estimate.mean:.6f}"
    return [
        Result(
            "(a) algorithm_a",
            count,
            median_time(lambda: algorithm_a(values), REPEAT),
            baseline,
            "numpy.median",
            note,
        ),
        Result(
            "(b) evaluate (Algorithm A + scores)",
            count,
            median_time(lambda: evaluate(parsed), REPEAT),
            baseline,
            "numpy.median",
            "parsed rows; z, z′, ζ, En and classes for every participant",
        ),
        Result(
            "(c) evaluate from JSON-shaped dicts",
            count,
            median_time(lambda: evaluate(rows), REPEAT),
            baseline,
            "numpy.median",
            "as `qihub pt evaluate` after json.loads",
        ),
    ]
