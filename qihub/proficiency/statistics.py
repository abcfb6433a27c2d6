"""ISO 13528 statistics for proficiency testing: pure functions, no ORM, vectorised with NumPy.

Every function cites the clause of ISO 13528:2015 (Statistical methods for use in proficiency
testing by interlaboratory comparison; GB/T 28043-2019 is its Chinese adoption) that it
implements. Values are plain floats in the unit of the results; nothing here rounds.

Errors are :class:`StatisticsError` with a stable ``code``:

=====================  =====================================================================
``not_numeric``        a value is not a number (strings, booleans and null are refused)
``not_finite``         a value is NaN or infinite
``too_few_results``    fewer results than the method needs (3 for the robust estimators)
``too_many_results``   more results than the O(p²) Q method is allowed to take
``sigma_pt_invalid``   σ_pt is zero, negative or not a number
``invalid_input``      any other shape problem (duplicate participant, negative U, …)
``not_converged``      Algorithm A did not converge within ``max_iter`` iterations
=====================  =====================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import starmap
from statistics import NormalDist
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from qihub.core.errors import DomainError

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Method = Literal["algorithm_a", "q_hampel"]
Classification = Literal["satisfactory", "questionable", "unsatisfactory"]

METHODS: tuple[Method, ...] = ("algorithm_a", "q_hampel")
MIN_RESULTS = 3
# The Q method looks at every pair of results: p(p−1)/2 differences. 3,000 participants are
# 4.5 million differences (36 MB); a PT round never has that many, so larger inputs are refused.
MAX_Q_RESULTS = 3000
DEFAULT_TOLERANCE = 1e-14
DEFAULT_MAX_ITERATIONS = 10_000
COVERAGE_FACTOR = 2.0
# Below this many ulps of the robust mean, a robust SD is rounding noise, not spread.
_NOISE_ULPS = 8 * np.finfo(np.float64).eps

# ISO 13528:2015 Table B.2 (from Thompson & Fearn's extended criterion): F1 = χ²(0.95; g−1)/(g−1)
# and F2 = (F(0.95; g−1, g) − 1)/2 for g samples measured in duplicate.
HOMOGENEITY_F: dict[int, tuple[float, float]] = {
    20: (1.59, 0.57),
    19: (1.60, 0.59),
    18: (1.62, 0.62),
    17: (1.64, 0.64),
    16: (1.67, 0.68),
    15: (1.69, 0.71),
    14: (1.72, 0.75),
    13: (1.75, 0.80),
    12: (1.79, 0.86),
    11: (1.83, 0.93),
    10: (1.88, 1.01),
    9: (1.94, 1.11),
    8: (2.01, 1.25),
    7: (2.10, 1.43),
}


class StatisticsError(DomainError):
    """The data cannot be evaluated as asked; ``code`` says why (see the module docstring)."""

    code = "statistics_error"


# --- input ------------------------------------------------------------------------------------


def _number(value: object, *, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise StatisticsError(
            _("%(what)s 不是数值：%(value)r") % {"what": what, "value": value}, code="not_numeric"
        )
    number = float(value)
    if not math.isfinite(number):
        raise StatisticsError(
            _("%(what)s 不是有限数值：%(value)r") % {"what": what, "value": value},
            code="not_finite",
        )
    return number


def _plain(value: object) -> bool:
    """A finite int or float (not a bool, a string or a NumPy scalar): the fast path of input."""
    return (type(value) is float or type(value) is int) and math.isfinite(value)


def _values(values: Iterable[object], *, what: str = "结果", minimum: int = MIN_RESULTS) -> Array:
    """Check every value and return them as a float array; at least ``minimum`` of them."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        array = values.astype(np.float64, copy=False).ravel()
        if not np.all(np.isfinite(array)):
            raise StatisticsError(
                _("%(what)s 含有非有限数值（NaN 或无穷大）") % {"what": what}, code="not_finite"
            )
    else:
        array = np.array(
            [_number(v, what=f"{what}第 {i} 个值") for i, v in enumerate(values, 1)],
            dtype=np.float64,
        )
    if array.size < minimum:
        raise StatisticsError(
            _("%(what)s 至少需要 %(minimum)d 个，实际 %(count)d 个")
            % {"what": what, "minimum": minimum, "count": array.size},
            code="too_few_results",
        )
    return array


def _sigma(sigma_pt: object) -> float:
    try:
        sigma = _number(sigma_pt, what="σ_pt")
    except StatisticsError as error:
        raise StatisticsError(error.detail, code="sigma_pt_invalid") from None
    if sigma <= 0:
        raise StatisticsError(
            _("σ_pt 必须大于 0，实际为 %(value)s") % {"value": sigma}, code="sigma_pt_invalid"
        )
    return sigma


# --- simple robust estimators (ISO 13528:2015 C.2) --------------------------------------------


def made(values: Iterable[object]) -> float:
    """Scaled median absolute deviation, ISO 13528:2015 C.2.2: MADe = 1.483·median|xᵢ − med(x)|.

    Needs at least one value; 0 when more than half of the values are identical.
    """
    x = _values(values, minimum=1)
    return float(1.483 * np.median(np.abs(x - np.median(x))))


def niqr(values: Iterable[object]) -> float:
    """Normalised interquartile range, ISO 13528:2015 C.2.3: nIQR = 0.7413·(Q₃ − Q₁).

    The standard leaves the quartile rule open; this uses linear interpolation between order
    statistics (Hyndman & Fan type 7, NumPy's default and ``statistics.quantiles`` "inclusive"),
    so Q₁ of 1, 2, 3, 4 is 1.75. Needs at least one value.
    """
    x = _values(values, minimum=1)
    q1, q3 = np.quantile(x, [0.25, 0.75])
    return float(0.7413 * (q3 - q1))


# --- Algorithm A (ISO 13528:2015 C.3.1) -------------------------------------------------------


@dataclass(frozen=True)
class RobustEstimate:
    """Robust mean x* and robust standard deviation s* of the participants' results."""

    mean: float
    sd: float
    iterations: int


def algorithm_a(
    values: Iterable[object],
    *,
    tol: float = DEFAULT_TOLERANCE,
    max_iter: int = DEFAULT_MAX_ITERATIONS,
) -> RobustEstimate:
    """Robust mean and SD by Algorithm A, ISO 13528:2015 C.3.1 (from ISO 5725-5:1998 6.2.2).

    Start: x* = median(xᵢ), s* = 1.483·median|xᵢ − x*| (MADe, C.2.2). Each iteration
    winsorises at δ = 1.5·s* (xᵢ* = x* − δ below, x* + δ above, xᵢ otherwise) and updates
    x* = Σxᵢ*/p and s* = 1.134·√(Σ(xᵢ* − x*)²/(p − 1)), with the new x*.

    Convergence: the standard stops when the third significant figure of s* (and the same
    decimal place of x*) no longer changes. That is a hand-calculation rule: it stops after
    a few iterations with s* still visibly off the fixed point (often in the third figure
    itself, since the iteration converges only linearly), so two programs applying it can
    disagree. Here the iteration runs to the fixed point at double precision: it stops when
    both |Δx*| and |Δs*| are at most ``tol``·s* (1e-14 by default) plus the rounding noise of
    the data, 8ε·|x*| (ε the machine epsilon; at 1e12 no double can resolve less). A robust SD
    at or below that noise is set to exactly 0.

    Edge cases:

    - p < 3: ``StatisticsError`` (``too_few_results``); the robust SD needs p − 1 ≥ 2.
    - MADe = 0 (more than half the results identical): ISO 13528 C.3.1 says to fall back on
      another start; the start becomes nIQR (C.2.3) and, if that is 0 too, the sample SD.
      Winsorising then usually pulls s* towards 0 (the identical majority is the consensus).
    - All results identical: x* is their value, s* = 0, 0 iterations. A robust SD of 0
      cannot serve as σ_pt: :func:`evaluate` then leaves the scores null.
    """
    x = _values(values)
    p = x.size
    mean = float(np.median(x))
    sd = 1.483 * float(np.median(np.abs(x - mean)))
    if sd == 0:
        sd = niqr(x)
    if sd == 0:
        sd = float(np.std(x, ddof=1))
    if sd == 0:
        return RobustEstimate(mean=mean, sd=0.0, iterations=0)
    for iteration in range(1, max_iter + 1):
        delta = 1.5 * sd
        winsorised = np.clip(x, mean - delta, mean + delta)
        new_mean = float(np.mean(winsorised))
        new_sd = 1.134 * math.sqrt(float(np.sum((winsorised - new_mean) ** 2)) / (p - 1))
        noise = _NOISE_ULPS * abs(new_mean)
        if new_sd <= noise:
            return RobustEstimate(mean=new_mean, sd=0.0, iterations=iteration)
        limit = tol * new_sd + noise
        converged = abs(new_mean - mean) <= limit and abs(new_sd - sd) <= limit
        mean, sd = new_mean, new_sd
        if converged:
            return RobustEstimate(mean=mean, sd=sd, iterations=iteration)
    raise StatisticsError(
        _("算法 A 在 %(count)d 次迭代内未收敛") % {"count": max_iter}, code="not_converged"
    )


# --- Q method and Hampel estimator (ISO 13528:2015 C.5) ---------------------------------------


def q_method(values: Iterable[object]) -> float:
    """Robust SD by the Q method, ISO 13528:2015 C.5.2 (one result per participant).

    H₁(x) is the share of the p(p−1)/2 absolute differences |xᵢ − xⱼ| (i < j) that are ≤ x.
    At each positive jump x₁ < … < x_r of H₁, G₁(x_l) = ½[H₁(x_l) + H₁(x_{l−1})] with
    x₀ = 0 (so G₁(x₁) = ½[H₁(x₁) + H₁(0)]), G₁(0) = 0, and G₁ is linear in between. Then

        s* = G₁⁻¹(0.25 + 0.75·H₁(0)) / (√2 · Φ⁻¹(0.625 + 0.375·H₁(0))).

    The standard's Q method also takes replicates (several results per participant, weighted
    1/(nᵢnⱼ)); PT rounds here report one result per participant, so only that case is
    implemented. All identical: s* = 0. At most ``MAX_Q_RESULTS`` results (O(p²) memory).
    """
    x = _values(values)
    if x.size > MAX_Q_RESULTS:
        raise StatisticsError(
            _("Q 方法最多处理 %(limit)d 个结果，实际 %(count)d 个")
            % {"limit": MAX_Q_RESULTS, "count": x.size},
            code="too_many_results",
        )
    ordered = np.sort(x)
    # Sorted, so every difference is ≥ 0, and fl(b − a) is exactly |fl(a − b)|.
    differences = np.sort(
        np.concatenate([ordered[k:] - ordered[:-k] for k in range(1, ordered.size)])
    )
    pairs = differences.size
    zeros = int(np.searchsorted(differences, 0.0, side="right"))
    h0 = zeros / pairs
    if zeros == pairs:
        return 0.0
    jumps, counts = np.unique(differences[zeros:], return_counts=True)
    h = (zeros + np.cumsum(counts)) / pairs
    g = 0.5 * (h + np.concatenate(([h0], h[:-1])))
    target = 0.25 + 0.75 * h0
    index = int(np.searchsorted(g, target, side="left"))  # first G₁(x_l) ≥ target
    x_low, g_low = (0.0, 0.0) if index == 0 else (float(jumps[index - 1]), float(g[index - 1]))
    x_high, g_high = float(jumps[index]), float(g[index])
    quantile = x_low + (target - g_low) * (x_high - x_low) / (g_high - g_low)
    return quantile / (math.sqrt(2.0) * NormalDist().inv_cdf(0.625 + 0.375 * h0))


def _hampel_psi(q: Array) -> Array:
    """Ψ of ISO 13528:2015 C.5.3.2 (Hampel's three-part redescending function, 1.5/3/4.5)."""
    a = np.abs(q)
    sign = np.sign(q)
    return np.where(
        a <= 1.5, q, np.where(a <= 3.0, 1.5 * sign, np.where(a <= 4.5, sign * (4.5 - a), 0.0))
    )


def hampel_mean(values: Iterable[object], sd: float) -> float:
    """Robust mean by the Hampel estimator, finite-step algorithm of ISO 13528:2015 C.5.3.3.

    x* solves Σ Ψ((yᵢ − x)/s*) = 0. The left side is linear between the interpolation nodes
    d = yᵢ ± 1.5s*, ± 3s*, ± 4.5s*, so with p_m the sum at the sorted nodes d_m the solutions are
    every d_m with p_m = 0 and d_m − p_m(d_{m+1} − d_m)/(p_{m+1} − p_m) wherever p_m·p_{m+1} < 0.
    x* is the solution nearest the median; the median itself when there is none, when two
    different solutions are equally near, or when s* = 0.
    """
    y = _values(values)
    median = float(np.median(y))
    if sd <= 0:
        return median
    nodes = np.sort((y[:, None] + sd * np.array([-4.5, -3.0, -1.5, 1.5, 3.0, 4.5])).ravel())
    sums = np.empty(nodes.size)
    chunk = max(1, 2_000_000 // y.size)
    for start in range(0, nodes.size, chunk):
        block = nodes[start : start + chunk]
        sums[start : start + chunk] = _hampel_psi((y[None, :] - block[:, None]) / sd).sum(axis=1)
    exact = nodes[sums == 0]
    crossing = np.flatnonzero(sums[:-1] * sums[1:] < 0)
    left, right = nodes[crossing], nodes[crossing + 1]
    interpolated = left - sums[crossing] * (right - left) / (sums[crossing + 1] - sums[crossing])
    solutions = np.unique(np.concatenate((exact, interpolated)))
    if solutions.size == 0:
        return median
    distance = np.abs(solutions - median)
    nearest = solutions[distance == distance.min()]
    return float(nearest[0]) if nearest.size == 1 else median


def q_hampel(values: Iterable[object]) -> RobustEstimate:
    """Q/Hampel method, ISO 13528:2015 C.5.4: s* by the Q method (C.5.2), then x* by the
    Hampel estimator (C.5.3) with that s*. One result per participant; p ≥ 3.
    ``iterations`` is 0: the finite-step algorithm does not iterate."""
    x = _values(values)
    sd = q_method(x)
    return RobustEstimate(mean=hampel_mean(x, sd), sd=sd, iterations=0)


# --- assigned value, σ_pt, scores (ISO 13528:2015 7.7, 8, 9) ----------------------------------


def u_assigned(sd: float, p: int) -> float:
    """Standard uncertainty of a consensus assigned value, ISO 13528:2015 7.7.3:
    u(x_pt) = 1.25·s*/√p (the 1.25 allows for the robust estimator's lower efficiency)."""
    if p < 1:
        raise StatisticsError(_("结果个数必须为正数"), code="too_few_results")
    return 1.25 * sd / math.sqrt(p)


_consensus_uncertainty = u_assigned  # evaluate()'s keyword argument shadows the name


def needs_z_prime(u: float, sigma_pt: float) -> bool:
    """ISO 13528:2015 9.2.1: u(x_pt) is negligible only when u(x_pt) ≤ 0.3·σ_pt; above that the
    uncertainty of the assigned value must enter the score, here as z′ (9.5, option 9.2.2 c)."""
    return u > 0.3 * sigma_pt


def horwitz_sigma(c: float) -> float:
    """σ_pt from the Horwitz function as modified by Thompson (Analyst 125 (2000) 385),
    ISO 13528:2015 8.4 (general model). ``c`` is a mass fraction (1 mg/kg = 1e-6); the result
    is a mass fraction too:

    - c < 1.2·10⁻⁷: σ = 0.22·c
    - 1.2·10⁻⁷ ≤ c ≤ 0.138: σ = 0.02·c^0.8495 (Horwitz)
    - c > 0.138: σ = 0.01·c^0.5
    """
    c = _number(c, what="质量分数 c")
    if not 0 < c <= 1:
        raise StatisticsError(
            _("质量分数 c 必须在 (0, 1] 之内，实际为 %(c)s") % {"c": c}, code="invalid_input"
        )
    if c < 1.2e-7:
        return 0.22 * c
    if c <= 0.138:
        return 0.02 * c**0.8495
    return 0.01 * c**0.5


def classify(score: float | None) -> Classification | None:
    """z, z′ and ζ, ISO 13528:2015 9.4.1: |s| ≤ 2 satisfactory, 2 < |s| < 3 questionable
    (warning signal), |s| ≥ 3 unsatisfactory (action signal); None stays None."""
    if score is None:
        return None
    size = abs(score)
    if size <= 2.0:
        return "satisfactory"
    return "questionable" if size < 3.0 else "unsatisfactory"


def classify_en(en: float | None) -> Classification | None:
    """En, ISO 13528:2015 9.7.3: |En| ≤ 1 satisfactory, |En| > 1 unsatisfactory."""
    if en is None:
        return None
    return "satisfactory" if abs(en) <= 1.0 else "unsatisfactory"


def z_score(x: float, x_pt: float, sigma_pt: float) -> float | None:
    """z = (x − x_pt)/σ_pt, ISO 13528:2015 9.4. None when σ_pt ≤ 0."""
    return (x - x_pt) / sigma_pt if sigma_pt > 0 else None


def z_prime_score(x: float, x_pt: float, sigma_pt: float, u_pt: float | None) -> float | None:
    """z′ = (x − x_pt)/√(σ_pt² + u(x_pt)²), ISO 13528:2015 9.5. None without u(x_pt) or σ_pt."""
    if u_pt is None or sigma_pt <= 0:
        return None
    return (x - x_pt) / math.hypot(sigma_pt, u_pt)


def zeta_score(x: float, x_pt: float, u_x: float | None, u_pt: float | None) -> float | None:
    """ζ = (x − x_pt)/√(u(x)² + u(x_pt)²), ISO 13528:2015 9.6. None when either uncertainty is
    unknown or both are 0."""
    if u_x is None or u_pt is None:
        return None
    denominator = math.hypot(u_x, u_pt)
    return (x - x_pt) / denominator if denominator > 0 else None


def en_score(x: float, x_pt: float, big_u_x: float | None, big_u_pt: float | None) -> float | None:
    """En = (x − x_pt)/√(U(x)² + U(x_pt)²), ISO 13528:2015 9.7 (expanded uncertainties).
    None when either is unknown or both are 0."""
    if big_u_x is None or big_u_pt is None:
        return None
    denominator = math.hypot(big_u_x, big_u_pt)
    return (x - x_pt) / denominator if denominator > 0 else None


# --- a whole round ----------------------------------------------------------------------------


class ParticipantResult(NamedTuple):
    """One participant's result: value, expanded uncertainty U (optional) and its k."""

    participant: str
    value: float
    U: float | None = None
    k: float | None = None

    @classmethod
    def parse(cls, item: object, index: int) -> ParticipantResult:
        """From ``{"participant": "P01", "value": 1.69, "U": 0.1, "k": 2}`` (U, k optional)."""
        if isinstance(item, ParticipantResult):
            return item
        if isinstance(item, dict):
            # The common case, checked without building any message: plain finite numbers.
            participant, value = item.get("participant"), item.get("value")
            big_u, k = item.get("U"), item.get("k")
            if (
                type(participant) is str
                and _plain(value)
                and (big_u is None or (_plain(big_u) and big_u >= 0))
                and (k is None or (_plain(k) and k > 0))
            ):
                return cls(
                    participant=participant,
                    value=float(value),  # type: ignore[arg-type]
                    U=None if big_u is None else float(big_u),
                    k=None if k is None else float(k),
                )
        return cls._parse_checked(item, index)

    @classmethod
    def _parse_checked(cls, item: object, index: int) -> ParticipantResult:
        where = _("第 %(index)d 个结果") % {"index": index}
        if not isinstance(item, Mapping):
            raise StatisticsError(
                _("%(where)s 必须是对象") % {"where": where}, code="invalid_input"
            )
        participant = item.get("participant")
        if isinstance(participant, bool) or not isinstance(participant, str | int):
            raise StatisticsError(
                _("%(where)s 缺少参加者代码 participant") % {"where": where}, code="invalid_input"
            )
        label = f"{where}（{participant}）"
        if "value" not in item:
            raise StatisticsError(
                _("%(where)s 缺少 value") % {"where": label}, code="invalid_input"
            )
        value = _number(item["value"], what=f"{label} value")
        big_u = item.get("U")
        k = item.get("k")
        big_u = None if big_u is None else _number(big_u, what=f"{label} U")
        k = None if k is None else _number(k, what=f"{label} k")
        if big_u is not None and big_u < 0:
            raise StatisticsError(
                _("%(where)s 的 U 不能为负") % {"where": label}, code="invalid_input"
            )
        if k is not None and k <= 0:
            raise StatisticsError(
                _("%(where)s 的 k 必须大于 0") % {"where": label}, code="invalid_input"
            )
        return cls(participant=str(participant), value=value, U=big_u, k=k)

    @property
    def standard_uncertainty(self) -> float | None:
        """u(x) = U/k; k = 2 when the participant gave U without k (95 % coverage, GUM)."""
        if self.U is None:
            return None
        return self.U / (self.k if self.k is not None else COVERAGE_FACTOR)


class Score(NamedTuple):
    """One participant's scores and their classes (a NamedTuple: 10,000 are built per round)."""

    participant: str
    z: float | None
    z_prime: float | None
    zeta: float | None
    en: float | None
    z_class: Classification | None
    z_prime_class: Classification | None
    zeta_class: Classification | None
    en_class: Classification | None
    classification: Classification | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "z": self.z,
            "z_prime": self.z_prime,
            "zeta": self.zeta,
            "en": self.en,
            "z_class": self.z_class,
            "z_prime_class": self.z_prime_class,
            "zeta_class": self.zeta_class,
            "en_class": self.en_class,
            "classification": self.classification,
        }


@dataclass(frozen=True)
class Evaluation:
    assigned_value: float
    u_assigned: float | None
    robust_sd: float | None
    sigma_pt: float
    z_prime_required: bool
    scores: tuple[Score, ...]
    method: Method = "algorithm_a"
    iterations: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``qihub pt evaluate`` (method and iterations are not part of it)."""
        return {
            "assigned_value": self.assigned_value,
            "u_assigned": self.u_assigned,
            "robust_sd": self.robust_sd,
            "sigma_pt": self.sigma_pt,
            "z_prime_required": self.z_prime_required,
            "scores": [score.as_dict() for score in self.scores],
        }


SigmaPt = float | int | Mapping[str, object] | None


def sigma_from_policy(sigma_pt: SigmaPt, *, robust_sd: float | None) -> float:
    """σ_pt, ISO 13528:2015 clause 8, from the round's policy:

    - a number: a fitness-for-purpose value (8.2, 8.3), which must be > 0;
    - ``{"horwitz": c}``: the modified Horwitz function at mass fraction c (8.4), in mass-fraction
      units; ``{"horwitz": c, "factor": f}`` multiplies it by f to reach the results' unit
      (f = 1e6 for results in mg/kg, 1e9 for µg/kg);
    - ``None``: the participants' robust SD s* (8.6). May be 0 (more than half the results
      identical), in which case no z score can be computed.
    """
    if sigma_pt is None:
        if robust_sd is None:
            raise StatisticsError(
                _("未给出 σ_pt，且结果太少，无法用稳健标准差代替"), code="too_few_results"
            )
        return robust_sd
    if isinstance(sigma_pt, Mapping):
        unknown = set(sigma_pt) - {"horwitz", "factor"}
        if "horwitz" not in sigma_pt or unknown:
            raise StatisticsError(
                _('σ_pt 对象只接受 {"horwitz": c, "factor": f}'), code="sigma_pt_invalid"
            )
        sigma = horwitz_sigma(sigma_pt["horwitz"])  # type: ignore[arg-type]
        factor = sigma_pt.get("factor", 1.0)
        return sigma * _sigma(factor)
    return _sigma(sigma_pt)


def evaluate(
    results: Iterable[ParticipantResult | Mapping[str, object]],
    *,
    sigma_pt: SigmaPt = None,
    assigned_value: float | None = None,
    u_assigned: float | None = None,
    method: Method = "algorithm_a",
) -> Evaluation:
    """Score every participant of a round, ISO 13528:2015 clauses 7–9.

    - Assigned value x_pt: ``assigned_value`` when given (a reference or certified value,
      7.3–7.5), otherwise the robust mean of the results by ``method`` (7.7: Algorithm A, C.3,
      or Q/Hampel, C.5).
    - u(x_pt): ``u_assigned`` when given; else 1.25·s*/√p (7.7.3) for a consensus value; for a
      given ``assigned_value`` without ``u_assigned`` it is unknown (null), and z′, ζ and En are
      null with it.
    - σ_pt: see :func:`sigma_from_policy`; the robust SD when ``sigma_pt`` is null.
    - ``z_prime_required`` is u(x_pt) > 0.3·σ_pt (9.2.1); ``classification`` is then the z′
      class, otherwise the z class.
    - ζ uses u(x) = U/k (k = 2 when not given); En uses U(x) as reported and U(x_pt) =
      2·u(x_pt) (k = 2 for the assigned value).

    The robust estimate needs p ≥ 3; with fewer results both ``assigned_value`` and a
    ``sigma_pt`` must be given, and ``robust_sd`` is then null.
    """
    if method not in METHODS:
        raise StatisticsError(
            _("未知的统计方法：%(method)s") % {"method": method}, code="invalid_input"
        )
    parsed = [ParticipantResult.parse(item, index) for index, item in enumerate(results, 1)]
    seen: set[str] = set()
    for result in parsed:
        if result.participant in seen:
            raise StatisticsError(
                _("参加者代码重复：%(code)s") % {"code": result.participant}, code="invalid_input"
            )
        seen.add(result.participant)
    if not parsed:
        raise StatisticsError(_("没有结果"), code="too_few_results")
    x = np.array([result.value for result in parsed], dtype=np.float64)
    p = x.size
    robust: RobustEstimate | None = None
    if p >= MIN_RESULTS or assigned_value is None or sigma_pt is None:
        robust = algorithm_a(x) if method == "algorithm_a" else q_hampel(x)
    if assigned_value is not None:
        x_pt = _number(assigned_value, what="assigned_value")
    elif robust is not None:  # always, when no assigned value is given
        x_pt = robust.mean
    u_pt: float | None
    if u_assigned is not None:
        u_pt = _number(u_assigned, what="u_assigned")
        if u_pt < 0:
            raise StatisticsError(_("u_assigned 不能为负"), code="invalid_input")
    elif assigned_value is None and robust is not None:
        u_pt = _consensus_uncertainty(robust.sd, p)
    else:
        u_pt = None
    sigma = sigma_from_policy(sigma_pt, robust_sd=None if robust is None else robust.sd)
    z_prime_required = u_pt is not None and sigma > 0 and needs_z_prime(u_pt, sigma)
    scores = _scores(parsed, x, x_pt=x_pt, sigma=sigma, u_pt=u_pt, use_z_prime=z_prime_required)
    return Evaluation(
        assigned_value=x_pt,
        u_assigned=u_pt,
        robust_sd=None if robust is None else robust.sd,
        sigma_pt=sigma,
        z_prime_required=z_prime_required,
        scores=tuple(scores),
        method=method,
        iterations=0 if robust is None else robust.iterations,
    )


def _classes(scores: Array, valid: Mask, *, en: bool = False) -> list[Classification | None]:
    """Vectorised :func:`classify` / :func:`classify_en` (None where ``valid`` is false)."""
    size = np.abs(scores)
    if en:
        labels = np.where(size <= 1.0, "satisfactory", "unsatisfactory")
    else:
        labels = np.where(
            size <= 2.0, "satisfactory", np.where(size < 3.0, "questionable", "unsatisfactory")
        )
    return [
        label if ok else None for label, ok in zip(labels.tolist(), valid.tolist(), strict=True)
    ]


def _nullable(scores: Array, valid: Mask) -> list[float | None]:
    return [
        score if ok else None for score, ok in zip(scores.tolist(), valid.tolist(), strict=True)
    ]


def _scores(
    parsed: Sequence[ParticipantResult],
    x: Array,
    *,
    x_pt: float,
    sigma: float,
    u_pt: float | None,
    use_z_prime: bool,
) -> tuple[Score, ...]:
    """z, z′, ζ and En of every result at once: the same formulas as :func:`z_score`,
    :func:`z_prime_score`, :func:`zeta_score` and :func:`en_score`, on arrays."""
    p = x.size
    big_u = np.array([np.nan if r.U is None else r.U for r in parsed], dtype=np.float64)
    k = np.array([COVERAGE_FACTOR if r.k is None else r.k for r in parsed], dtype=np.float64)
    deviation = x - x_pt
    none = np.zeros(p, dtype=bool)
    has_sigma = np.full(p, sigma > 0)
    z = deviation / sigma if sigma > 0 else np.zeros(p)
    if u_pt is not None and sigma > 0:
        z_prime, has_z_prime = deviation / math.hypot(sigma, u_pt), ~none
    else:
        z_prime, has_z_prime = np.zeros(p), none
    has_u = ~np.isnan(big_u)
    if u_pt is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            zeta_denominator = np.hypot(big_u / k, u_pt)
            en_denominator = np.hypot(big_u, COVERAGE_FACTOR * u_pt)
            zeta = deviation / zeta_denominator
            en = deviation / en_denominator
        has_zeta = has_u & (zeta_denominator > 0)
        has_en = has_u & (en_denominator > 0)
    else:
        zeta, en, has_zeta, has_en = np.zeros(p), np.zeros(p), none, none
    z_class = _classes(z, has_sigma)
    z_prime_class = _classes(z_prime, has_z_prime)
    classification = z_prime_class if use_z_prime else z_class
    columns = zip(
        [result.participant for result in parsed],
        _nullable(z, has_sigma),
        _nullable(z_prime, has_z_prime),
        _nullable(zeta, has_zeta),
        _nullable(en, has_en),
        z_class,
        z_prime_class,
        _classes(zeta, has_zeta),
        _classes(en, has_en, en=True),
        classification,
        strict=True,
    )
    # Positional, in Score's field order: 10,000 keyword calls would cost more than the maths.
    return tuple(starmap(Score, columns))


# --- homogeneity and stability of the PT items (ISO 13528:2015 Annex B) -----------------------


@dataclass(frozen=True)
class Homogeneity:
    general_mean: float
    s_x: float
    s_w: float
    s_s: float
    limit: float
    passed: bool
    critical_value: float | None
    passed_extended: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "general_mean": self.general_mean,
            "s_x": self.s_x,
            "s_w": self.s_w,
            "s_s": self.s_s,
            "limit": self.limit,
            "passed": self.passed,
            "critical_value": self.critical_value,
            "passed_extended": self.passed_extended,
        }


def homogeneity(samples: Sequence[Sequence[object]], sigma_pt: object) -> Homogeneity:
    """Homogeneity check with duplicate measurements on g PT items, ISO 13528:2015 B.2–B.3.

    With x̄_t the mean and w_t = |x_t,1 − x_t,2| the range of item t (B.3):
    general mean x̿ = Σx̄_t/g; s_x = √(Σ(x̄_t − x̿)²/(g − 1)); s_w = √(Σw_t²/(2g));
    s_s = √max(0, s_x² − s_w²/2). Criterion (B.2.2): s_s ≤ 0.3·σ_pt (``limit`` = 0.3·σ_pt).

    Extended criterion (B.2.3), allowing for the repeatability of the check itself:
    c = F₁·(0.3σ_pt)² + F₂·s_w² with F₁, F₂ from Table B.2 (:data:`HOMOGENEITY_F`), and
    ``passed_extended`` = s_s² ≤ c (i.e. s_s ≤ √c). ``critical_value`` is c (a variance). The
    table covers g = 7–20 only; outside it both are null. At least 2 items.
    """
    sigma = _sigma(sigma_pt)
    if isinstance(samples, str | bytes) or not isinstance(samples, Sequence):
        raise StatisticsError(_("samples 必须是数组"), code="invalid_input")
    rows = []
    for index, sample in enumerate(samples, 1):
        if isinstance(sample, str | bytes) or not isinstance(sample, Sequence) or len(sample) != 2:
            raise StatisticsError(
                _("第 %(index)d 个样品必须恰有 2 个重复测量值") % {"index": index},
                code="invalid_input",
            )
        rows.append(_values(sample, what=f"第 {index} 个样品", minimum=2))
    g = len(rows)
    if g < 2:
        raise StatisticsError(
            _("均匀性检验至少需要 2 个样品，实际 %(count)d 个") % {"count": g},
            code="too_few_results",
        )
    data = np.vstack(rows)
    means = data.mean(axis=1)
    ranges = np.abs(data[:, 0] - data[:, 1])
    general_mean = float(means.mean())
    s_x = math.sqrt(float(np.sum((means - general_mean) ** 2)) / (g - 1))
    s_w = math.sqrt(float(np.sum(ranges**2)) / (2 * g))
    s_s = math.sqrt(max(0.0, s_x**2 - s_w**2 / 2))
    limit = 0.3 * sigma
    critical_value: float | None = None
    passed_extended: bool | None = None
    if g in HOMOGENEITY_F:
        f1, f2 = HOMOGENEITY_F[g]
        critical_value = f1 * limit**2 + f2 * s_w**2
        passed_extended = s_s**2 <= critical_value
    return Homogeneity(
        general_mean=general_mean,
        s_x=s_x,
        s_w=s_w,
        s_s=s_s,
        limit=limit,
        passed=s_s <= limit,
        critical_value=critical_value,
        passed_extended=passed_extended,
    )


@dataclass(frozen=True)
class Stability:
    mean_first: float
    mean_second: float
    difference: float
    limit: float
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "mean_first": self.mean_first,
            "mean_second": self.mean_second,
            "difference": self.difference,
            "limit": self.limit,
            "passed": self.passed,
        }


def stability(first: Iterable[object], second: Iterable[object], sigma_pt: object) -> Stability:
    """Stability check, ISO 13528:2015 B.5: the mean of the measurements before (ȳ₁, e.g. the
    homogeneity check) and after (ȳ₂, e.g. at the closing date) differ by no more than
    0.3·σ_pt. ``difference`` is |ȳ₁ − ȳ₂|, the quantity compared with ``limit``. Each series
    needs at least one value."""
    sigma = _sigma(sigma_pt)
    y1 = _values(first, what="first", minimum=1)
    y2 = _values(second, what="second", minimum=1)
    mean_first, mean_second = float(y1.mean()), float(y2.mean())
    difference = abs(mean_first - mean_second)
    limit = 0.3 * sigma
    return Stability(
        mean_first=mean_first,
        mean_second=mean_second,
        difference=difference,
        limit=limit,
        passed=difference <= limit,
    )
