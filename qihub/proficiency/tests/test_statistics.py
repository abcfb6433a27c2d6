"""ISO 13528 statistics: worked examples, edge cases, and agreement with an independent
pure-Python transcription of the standard (``reference_iso13528``) to 1e-9 relative.

"Relative" is taken against the scale of the quantity: a robust mean is compared to 1e-9 of
max(|x*|, s*) (a mean of 0.0 ± rounding has no meaningful relative error), SDs and
uncertainties to 1e-9 of themselves, and scores (dimensionless, of order 1) to 1e-9 of
max(|score|, 1).
"""

import math
import random
from statistics import NormalDist

import numpy as np
import pytest

from qihub.proficiency import statistics as st
from qihub.proficiency.tests import reference_iso13528 as ref

REL = 1e-9


def assert_close(actual, expected, scale=0.0):
    assert actual is not None and expected is not None, (actual, expected)
    bound = REL * max(abs(expected), abs(actual), scale)
    assert abs(actual - expected) <= bound, (actual, expected, abs(actual - expected), bound)


def assert_evaluations_agree(ours, theirs):
    scale = max(theirs["robust_sd"], abs(theirs["assigned_value"]) * 1e-300)
    assert_close(ours["assigned_value"], theirs["assigned_value"], scale)
    assert_close(ours["robust_sd"], theirs["robust_sd"])
    assert_close(ours["u_assigned"], theirs["u_assigned"])
    assert_close(ours["sigma_pt"], theirs["sigma_pt"])
    assert ours["z_prime_required"] == theirs["z_prime_required"]
    assert len(ours["scores"]) == len(theirs["scores"])
    for mine, other in zip(ours["scores"], theirs["scores"], strict=True):
        assert mine["participant"] == other["participant"]
        for key in ("z", "z_prime", "zeta", "en"):
            if other[key] is None:
                assert mine[key] is None, key
            else:
                assert_close(mine[key], other[key], 1.0)
        for key in ("z_class", "z_prime_class", "zeta_class", "en_class", "classification"):
            assert mine[key] == other[key], (key, mine, other)


def results_of(values, *, U=None, k=2):
    return [
        {
            "participant": f"P{i:05d}",
            "value": float(v),
            "U": U if U is None else U * (1 + i % 3),
            "k": k,
        }
        for i, v in enumerate(values, 1)
    ]


def dataset(name):
    rng = random.Random(13528)
    if name == "normal":
        return [rng.gauss(1.70, 0.05) for _ in range(30)]
    if name == "gross_outliers":
        return [rng.gauss(45.0, 1.2) for _ in range(22)] + [450.0, 4.5, -30.0]
    if name == "small_p3":
        return [1.69, 1.72, 2.40]
    if name == "small_p4":
        return [12.1, 11.8, 12.4, 19.0]
    if name == "small_p5":
        return [0.251, 0.262, 0.249, 0.301, 0.255]
    if name == "large_p":
        values = [rng.gauss(120.0, 3.0) for _ in range(10_000)]
        return values[:9_900] + [rng.uniform(200, 400) for _ in range(100)]
    if name == "negative":
        return [rng.gauss(-52.3, 0.8) for _ in range(18)] + [-40.0, -75.0]
    if name == "tiny":
        return [rng.gauss(3.2e-12, 0.15e-12) for _ in range(25)] + [9.9e-12]
    if name == "huge":
        return [rng.gauss(7.5e12, 0.2e12) for _ in range(25)] + [1.9e13]
    if name == "ties":
        return [5.0] * 6 + [5.1, 5.2, 4.9, 5.0, 6.3]
    raise AssertionError(name)


CASES = [
    "normal",
    "gross_outliers",
    "small_p3",
    "small_p4",
    "small_p5",
    "large_p",
    "negative",
    "tiny",
    "huge",
    "ties",
]


# --- agreement with the independent implementation -------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_algorithm_a_agrees_with_the_reference(name):
    values = dataset(name)

    ours = st.algorithm_a(values)
    mean, sd, _ = ref.algorithm_a(values)

    assert_close(ours.mean, mean, sd)
    assert_close(ours.sd, sd)
    assert_close(st.u_assigned(ours.sd, len(values)), 1.25 * sd / math.sqrt(len(values)))


@pytest.mark.parametrize("name", [c for c in CASES if c != "large_p"])
def test_q_hampel_agrees_with_the_reference(name):
    values = dataset(name)

    ours = st.q_hampel(values)
    mean, sd = ref.q_hampel(values)

    assert_close(ours.sd, sd)
    assert_close(ours.mean, mean, sd)


def test_q_hampel_agrees_on_a_few_hundred_results():
    rng = random.Random(7)
    values = [rng.gauss(3.0, 0.1) for _ in range(290)] + [rng.uniform(4, 9) for _ in range(10)]

    ours = st.q_hampel(values)
    mean, sd = ref.q_hampel(values)

    assert_close(ours.sd, sd)
    assert_close(ours.mean, mean, sd)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize(
    "policy",
    [
        {},  # σ_pt = robust SD, consensus value
        {"sigma_pt": "fit"},  # a fitness-for-purpose σ_pt larger than the spread
        {"sigma_pt": "tight", "reference": True},  # reference value with its uncertainty
    ],
    ids=["robust", "fit_for_purpose", "reference_value"],
)
def test_evaluate_agrees_with_the_reference(name, policy):
    values = dataset(name)
    robust_mean, robust_sd, _ = ref.algorithm_a(values)
    results = results_of(values, U=0.4 * robust_sd)
    options = {}
    if policy.get("sigma_pt") == "fit":
        options["sigma_pt"] = 1.5 * robust_sd
    elif policy.get("sigma_pt") == "tight":
        options["sigma_pt"] = 0.8 * robust_sd
    if policy.get("reference"):
        options["assigned_value"] = robust_mean + 0.1 * robust_sd
        options["u_assigned"] = 0.05 * robust_sd

    ours = st.evaluate(results, **options).as_dict()
    theirs = ref.evaluate(results, **options)

    assert_evaluations_agree(ours, theirs)


@pytest.mark.parametrize("name", ["normal", "gross_outliers", "small_p5", "negative", "huge"])
def test_evaluate_with_q_hampel_agrees_with_the_reference(name):
    values = dataset(name)
    results = results_of(values, U=0.01 * abs(values[0]))

    ours = st.evaluate(results, method="q_hampel").as_dict()
    theirs = ref.evaluate(results, method="q_hampel")

    assert_evaluations_agree(ours, theirs)


def test_a_round_needing_z_prime_agrees_and_is_classified_by_z_prime():
    # given: only 4 participants, so u(x_pt) = 1.25 s*/√4 = 0.625 s* (0.38), well above
    # 0.3 σ_pt for a fitness-for-purpose σ_pt of 0.3
    values = [10.0, 10.4, 9.7, 11.6]
    results = results_of(values, U=0.3)

    ours = st.evaluate(results, sigma_pt=0.3).as_dict()
    theirs = ref.evaluate(results, sigma_pt=0.3)

    # then
    assert ours["z_prime_required"] is True
    assert_evaluations_agree(ours, theirs)
    for score in ours["scores"]:
        assert score["classification"] == score["z_prime_class"]
    assert any(s["z_class"] != s["z_prime_class"] for s in ours["scores"])


@pytest.mark.parametrize("g", [2, 7, 10, 20, 25])
def test_homogeneity_agrees_with_the_reference(g):
    rng = random.Random(g)
    samples = []
    for _ in range(g):
        item = rng.gauss(0.187, 0.004)
        samples.append([item + rng.gauss(0, 0.003), item + rng.gauss(0, 0.003)])

    ours = st.homogeneity(samples, 0.02).as_dict()
    theirs = ref.homogeneity(samples, 0.02)

    for key in ("general_mean", "s_x", "s_w", "limit"):
        assert_close(ours[key], theirs[key])
    assert_close(ours["s_s"], theirs["s_s"], ours["s_x"])
    assert ours["passed"] == theirs["passed"]
    assert ours["passed_extended"] == theirs["passed_extended"]
    if theirs["critical_value"] is None:
        assert ours["critical_value"] is None
    else:
        assert_close(ours["critical_value"], theirs["critical_value"])


@pytest.mark.parametrize(
    ("first", "second", "sigma"),
    [([5.01, 4.98, 5.03], [4.95, 4.97], 0.1), ([-1e12, -1.01e12], [-1.02e12], 2e10)],
)
def test_stability_agrees_with_the_reference(first, second, sigma):
    ours = st.stability(first, second, sigma).as_dict()
    theirs = ref.stability(first, second, sigma)

    for key in ("mean_first", "mean_second", "difference", "limit"):
        assert_close(ours[key], theirs[key], abs(theirs["mean_first"]))
    assert ours["passed"] == theirs["passed"]


# --- worked examples ---------------------------------------------------------------------------


def test_algorithm_a_without_winsorisation_is_mean_and_1_134_sd():
    # [-1, 0, 1]: MADe = 1.483, δ = 2.22 clips nothing; s* = 1.134·SD = 1.134 and stays there.
    estimate = st.algorithm_a([-1.0, 0.0, 1.0])

    assert estimate.mean == 0.0
    assert estimate.sd == pytest.approx(1.134, rel=1e-12)


def test_algorithm_a_converges_to_the_analytic_fixed_point():
    # Nine core values -2 … 2 (Σx² = 15) and outliers ±100, p = 11. At the fixed point the
    # outliers sit at ±1.5 s* and the core is untouched, so
    # s*² = 1.134²·(15 + 2·(1.5 s*)²)/10, i.e. s*² = 1.134²·1.5 / (1 − 1.134²·0.45).
    values = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, -100, 100]
    expected = math.sqrt(1.134**2 * 1.5 / (1 - 1.134**2 * 0.45))

    estimate = st.algorithm_a(values)

    assert abs(estimate.mean) < 1e-15
    assert estimate.sd == pytest.approx(expected, rel=1e-12)
    assert 1.5 * estimate.sd > 2  # the core is indeed inside ±δ
    assert estimate.iterations > 3  # more than ISO's hand rule would have taken


def test_algorithm_a_on_the_iso_5725_5_creosote_means():
    # ISO 5725-5:1998 (and metRology's algA example): nine laboratory means.
    values = [24.140, 20.155, 19.500, 20.300, 20.705, 17.570, 20.100, 20.940, 21.185]

    estimate = st.algorithm_a(values)

    # The start is the median 20.300 and MADe = 1.483·0.640 = 0.94912 …
    assert st.made(values) == pytest.approx(1.483 * 0.640, rel=1e-12)
    # … and the fixed point. (ISO 5725-5 prints the result of a hand calculation stopped
    # after a few iterations, so its figures are not the fixed point and are not asserted.)
    assert round(estimate.mean, 2) == 20.41
    assert round(estimate.sd, 2) == 1.07


def test_q_method_and_hampel_by_hand():
    # 1 … 5: the 10 differences are 1 (×4), 2 (×3), 3 (×2), 4 (×1); H₁(0) = 0, so the target
    # is 0.25: G₁(1) = 0.2, G₁(2) = 0.55, so G₁⁻¹(0.25) = 1 + 0.05/0.35, and
    # s* = (8/7)/(√2·Φ⁻¹(0.625)). Symmetric data: the Hampel mean is the median, 3.
    expected_sd = (8 / 7) / (math.sqrt(2) * 0.31863936396437515)

    estimate = st.q_hampel([1, 2, 3, 4, 5])

    assert estimate.sd == pytest.approx(expected_sd, rel=1e-12)
    assert estimate.mean == pytest.approx(3.0, abs=1e-15)


def test_q_method_with_tied_results_by_hand():
    # 0, 0, 1, 2: differences 0 (×1), 1 (×3), 2 (×2); H₁(0) = 1/6, H₁(1) = 4/6, H₁(2) = 1.
    # G₁(1) = ½(4/6 + 1/6) = 5/12 ≥ target 0.25 + 0.75/6 = 0.375, so G₁⁻¹ = 0.375·12/5 = 0.9.
    expected = 0.9 / (math.sqrt(2) * NormalDist().inv_cdf(0.625 + 0.375 / 6))

    assert st.q_method([0.0, 0.0, 1.0, 2.0]) == pytest.approx(expected, rel=1e-12)


def test_hampel_ignores_a_far_outlier_that_pulls_the_mean():
    values = [10.1, 9.9, 10.0, 10.2, 9.8, 10.05, 9.95, 50.0]

    estimate = st.q_hampel(values)

    assert estimate.mean == pytest.approx(10.0, abs=0.05)
    assert np.mean(values) > 14


def test_homogeneity_koch_example():
    # Worked example of the AQS Baden-Württemberg homogeneity sheet (M. Koch, ISO 13528 B.2,
    # B.3): 10 items in duplicate; s_x² = 1.5836E-05, s_w² = 3.095E-05, s_s² = 3.6111E-07; with
    # σ_allow² = (0.3σ_pt)² = 7.0913241E-05 the critical value c = 1.645764E-04.
    first = [0.185, 0.187, 0.182, 0.188, 0.191, 0.188, 0.187, 0.177, 0.179, 0.188]
    second = [0.194, 0.189, 0.186, 0.196, 0.181, 0.180, 0.196, 0.186, 0.187, 0.196]
    sigma_pt = math.sqrt(7.0913241e-05) / 0.3

    check = st.homogeneity(list(zip(first, second, strict=True)), sigma_pt)

    assert check.general_mean == pytest.approx(0.18715, rel=1e-12)
    assert check.s_x**2 == pytest.approx(1.5836e-05, rel=1e-4)
    assert check.s_w**2 == pytest.approx(3.095e-05, rel=1e-12)
    assert check.s_s**2 == pytest.approx(3.6111e-07, rel=1e-4)
    assert check.critical_value == pytest.approx(1.645764e-04, rel=1e-6)
    assert check.passed and check.passed_extended


def test_extended_criterion_passes_what_the_plain_one_fails():
    # s_s slightly above 0.3σ_pt, but with a noisy check (large s_w) the allowance saves it.
    # Item means alternate 10 and 11 (s_x² = 0.25·10/9), ranges are 0.6 (s_w² = 0.18), so
    # s_s² = 0.2778 − 0.09 = 0.1878 > 0.3² but c = 1.88·0.09 + 1.01·0.18 = 0.351.
    samples = [[9.7, 10.3], [10.7, 11.3]] * 5

    check = st.homogeneity(samples, 1.0)

    assert check.s_s**2 == pytest.approx(0.25 * 10 / 9 - 0.09)
    assert check.critical_value == pytest.approx(0.351)
    assert check.s_s > check.limit
    assert check.passed is False
    assert check.passed_extended is True


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (1e-8, 0.22e-8),  # below 120 µg/kg: 22 %
        (1e-6, 0.02 * 1e-6**0.8495),  # 1 mg/kg: Horwitz, about 16 %
        (0.138, 0.02 * 0.138**0.8495),
        (0.5, 0.01 * 0.5**0.5),  # above 13.8 %: 1 %/√c
    ],
)
def test_horwitz_sigma_thompson_modified(c, expected):
    assert st.horwitz_sigma(c) == pytest.approx(expected, rel=1e-15)


def test_horwitz_is_continuous_at_both_joints():
    assert st.horwitz_sigma(1.2e-7) / (0.22 * 1.2e-7) == pytest.approx(1.0, abs=0.01)
    assert st.horwitz_sigma(0.138) / (0.01 * 0.138**0.5) == pytest.approx(1.0, abs=0.01)
    assert st.horwitz_sigma(1e-6) / 1e-6 == pytest.approx(0.16, abs=0.01)


def test_scores_by_hand():
    # x_pt = 10, σ_pt = 0.5, u(x_pt) = 0.2 (> 0.3σ_pt = 0.15, so z′ is required);
    # the laboratory reports 11.2 ± 0.6 (k = 2).
    evaluation = st.evaluate(
        [
            {"participant": "P01", "value": 11.2, "U": 0.6, "k": 2},
            {"participant": "P02", "value": 10.1},
        ],
        sigma_pt=0.5,
        assigned_value=10.0,
        u_assigned=0.2,
    )

    first, second = evaluation.as_dict()["scores"]
    assert evaluation.z_prime_required is True
    assert first["z"] == pytest.approx(2.4)
    assert first["z_prime"] == pytest.approx(1.2 / math.sqrt(0.25 + 0.04))
    assert first["zeta"] == pytest.approx(1.2 / math.sqrt(0.09 + 0.04))
    assert first["en"] == pytest.approx(1.2 / math.sqrt(0.36 + 0.16))
    assert (first["z_class"], first["z_prime_class"]) == ("questionable", "questionable")
    assert (first["zeta_class"], first["en_class"]) == ("unsatisfactory", "unsatisfactory")
    assert first["classification"] == "questionable"
    # no U: ζ and En (and their classes) are null, not errors
    assert second["zeta"] is None and second["zeta_class"] is None
    assert second["en"] is None and second["en_class"] is None
    assert second["classification"] == "satisfactory"
    # fewer than 3 results are fine when nothing robust is needed
    assert evaluation.robust_sd is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, "satisfactory"),
        (-2.0, "satisfactory"),
        (2.0000001, "questionable"),
        (-2.99, "questionable"),
        (3.0, "unsatisfactory"),
        (-17.0, "unsatisfactory"),
        (None, None),
    ],
)
def test_classification_boundaries(score, expected):
    assert st.classify(score) == expected


@pytest.mark.parametrize(
    ("en", "expected"), [(1.0, "satisfactory"), (-1.0, "satisfactory"), (1.01, "unsatisfactory")]
)
def test_en_boundary(en, expected):
    assert st.classify_en(en) == expected


def test_u_assigned_and_the_z_prime_criterion():
    assert st.u_assigned(0.5, 25) == pytest.approx(0.125)
    assert st.needs_z_prime(0.15, 0.5) is False  # exactly 0.3σ_pt is still negligible
    assert st.needs_z_prime(0.1500001, 0.5) is True


def test_made_and_niqr():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]

    assert st.made(values) == pytest.approx(1.483 * 1.0)
    assert st.niqr(values) == pytest.approx(0.7413 * (4.0 - 2.0))
    assert st.niqr([1.0, 2.0, 3.0, 4.0]) == pytest.approx(0.7413 * (3.25 - 1.75))


# --- edge cases ----------------------------------------------------------------------------------


def test_identical_values_give_zero_sd_and_null_z_scores():
    results = results_of([4.2] * 5, U=0.1)

    evaluation = st.evaluate(results)

    assert evaluation.assigned_value == 4.2
    assert evaluation.robust_sd == 0.0
    assert evaluation.u_assigned == 0.0
    assert evaluation.sigma_pt == 0.0
    assert evaluation.z_prime_required is False
    for score in evaluation.scores:
        assert score.z is None and score.z_prime is None and score.classification is None
        assert score.zeta == 0.0 and score.zeta_class == "satisfactory"


def test_made_zero_falls_back_to_niqr_then_iterates():
    values = [7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.1, 7.3, 6.8]
    assert st.made(values) == 0.0

    estimate = st.algorithm_a(values)
    mean, sd, _ = ref.algorithm_a(values)

    assert_close(estimate.mean, mean, sd)
    assert_close(estimate.sd, sd)
    assert estimate.iterations > 0


def test_majority_identical_with_zero_iqr_uses_the_sd_start():
    values = [3.0] * 8 + [3.5, 2.0]
    assert st.made(values) == 0.0 and st.niqr(values) == 0.0

    estimate = st.algorithm_a(values)
    mean, sd, _ = ref.algorithm_a(values)

    assert estimate.mean == pytest.approx(mean, abs=1e-12)
    assert estimate.sd == pytest.approx(sd, abs=1e-12)


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize("function", [st.algorithm_a, st.q_hampel])
def test_too_few_results(function, count):
    with pytest.raises(st.StatisticsError) as raised:
        function([1.0, 2.0][:count])
    assert raised.value.code == "too_few_results"


def test_evaluate_needs_three_results_for_a_consensus_value():
    with pytest.raises(st.StatisticsError) as raised:
        st.evaluate(results_of([1.0, 2.0]), sigma_pt=0.1)
    assert raised.value.code == "too_few_results"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.7", "not_numeric"),
        (None, "not_numeric"),
        (True, "not_numeric"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
    ],
)
def test_bad_values_are_refused(value, code):
    results = results_of([1.0, 2.0, 3.0])
    results[1]["value"] = value

    with pytest.raises(st.StatisticsError) as raised:
        st.evaluate(results)

    assert raised.value.code == code
    assert "P00002" in raised.value.detail


def test_nan_in_an_array_is_refused():
    with pytest.raises(st.StatisticsError) as raised:
        st.algorithm_a(np.array([1.0, np.nan, 2.0, 3.0]))
    assert raised.value.code == "not_finite"


@pytest.mark.parametrize("sigma", [0, -0.1, "0.1", float("nan")])
def test_sigma_pt_must_be_a_positive_number(sigma):
    with pytest.raises(st.StatisticsError) as raised:
        st.evaluate(results_of([1.0, 2.0, 3.0]), sigma_pt=sigma)
    assert raised.value.code == "sigma_pt_invalid"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"U": -0.1}, "invalid_input"),
        ({"k": 0}, "invalid_input"),
        ({"participant": None}, "invalid_input"),
        ({"participant": "P00001"}, "invalid_input"),
        ({"U": "0.1"}, "not_numeric"),
    ],
)
def test_bad_participant_fields_are_refused(change, code):
    results = results_of([1.0, 2.0, 3.0], U=0.1)
    results[1].update(change)

    with pytest.raises(st.StatisticsError) as raised:
        st.evaluate(results)

    assert raised.value.code == code


def test_missing_value_is_refused():
    with pytest.raises(st.StatisticsError, match="value"):
        st.evaluate(
            [
                {"participant": "A", "value": 1.0},
                {"participant": "B"},
                {"participant": "C", "value": 2.0},
            ]
        )


def test_reference_value_without_uncertainty_leaves_uncertainty_scores_null():
    evaluation = st.evaluate(results_of([9.8, 10.1, 10.3, 10.0], U=0.2), assigned_value=10.0)

    assert evaluation.u_assigned is None
    assert evaluation.z_prime_required is False
    assert all(
        s.z is not None and s.z_prime is None and s.zeta is None and s.en is None
        for s in evaluation.scores
    )


def test_horwitz_policy_in_evaluate():
    values = [1.02e-6, 0.98e-6, 1.0e-6, 1.05e-6, 0.9e-6]

    in_fraction = st.evaluate(results_of(values), sigma_pt={"horwitz": 1e-6})
    in_mg_per_kg = st.evaluate(
        results_of([v * 1e6 for v in values]), sigma_pt={"horwitz": 1e-6, "factor": 1e6}
    )

    assert in_fraction.sigma_pt == pytest.approx(st.horwitz_sigma(1e-6))
    assert in_mg_per_kg.sigma_pt == pytest.approx(st.horwitz_sigma(1e-6) * 1e6)
    assert in_mg_per_kg.scores[0].z == pytest.approx(in_fraction.scores[0].z)


@pytest.mark.parametrize(
    "policy", [{"horwitz": 2.0}, {"horwitz": 0}, {"horwitz": "x"}, {"hor": 1e-6}]
)
def test_bad_horwitz_policy_is_refused(policy):
    with pytest.raises(st.StatisticsError):
        st.evaluate(results_of([1.0, 2.0, 3.0]), sigma_pt=policy)


def test_unknown_method_is_refused():
    with pytest.raises(st.StatisticsError) as raised:
        st.evaluate(results_of([1.0, 2.0, 3.0]), method="algorithm_b")
    assert raised.value.code == "invalid_input"


def test_q_method_refuses_more_results_than_it_can_pair():
    with pytest.raises(st.StatisticsError) as raised:
        st.q_hampel(np.linspace(0.0, 1.0, st.MAX_Q_RESULTS + 1))
    assert raised.value.code == "too_many_results"


def test_homogeneity_outside_the_f_table_has_no_extended_criterion():
    check = st.homogeneity([[1.0, 1.1], [1.2, 1.1], [0.9, 1.0]], 0.5)

    assert check.critical_value is None and check.passed_extended is None
    assert check.passed is True


@pytest.mark.parametrize(
    ("samples", "sigma", "code"),
    [
        ([[1.0, 1.1]], 0.5, "too_few_results"),
        ([[1.0, 1.1], [1.0]], 0.5, "invalid_input"),
        ([[1.0, 1.1], [1.0, "x"]], 0.5, "not_numeric"),
        ([[1.0, 1.1], [1.0, 1.2]], 0, "sigma_pt_invalid"),
        ("12", 0.5, "invalid_input"),
    ],
)
def test_homogeneity_bad_input(samples, sigma, code):
    with pytest.raises(st.StatisticsError) as raised:
        st.homogeneity(samples, sigma)
    assert raised.value.code == code


def test_stability_by_hand_and_bad_input():
    check = st.stability([10.0, 10.2], [9.9], 0.5)

    assert (check.mean_first, check.mean_second) == (pytest.approx(10.1), 9.9)
    assert check.difference == pytest.approx(0.2)
    assert check.limit == pytest.approx(0.15)
    assert check.passed is False
    with pytest.raises(st.StatisticsError) as raised:
        st.stability([], [1.0], 0.5)
    assert raised.value.code == "too_few_results"
