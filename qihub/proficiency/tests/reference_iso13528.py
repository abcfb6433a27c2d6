"""An independent, deliberately plain transcription of ISO 13528:2015 for checking statistics.py.

Pure Python (no NumPy), written from the standard's text step by step with loops, sorted lists
and ``math.fsum``, so that it shares no code and no vectorisation trick with the product. It is
slow (the Q method is O(p²) in Python) and meant for tests only. The only choices it shares with
the product are those the standard leaves open and statistics.py documents: the convergence rule
of Algorithm A (fixed point at double precision), the fall-back start when MADe = 0, the
quartile rule of nIQR, G₁ between the jumps of H₁, and the Hampel tie-break.
"""

from __future__ import annotations

import itertools
import math
import statistics

EPS = 2.0**-52


def median(values):
    return statistics.median(values)


def algorithm_a(values, tol=1e-14, max_iter=10_000):
    """ISO 13528:2015 C.3.1, literally: returns (x*, s*, iterations)."""
    x = [float(v) for v in values]
    p = len(x)
    if p < 3:
        raise ValueError("Algorithm A needs at least 3 results")
    x_star = median(x)
    s_star = 1.483 * median([abs(xi - x_star) for xi in x])
    if s_star == 0:
        s_star = niqr(x)
    if s_star == 0:
        s_star = statistics.stdev(x)
    if s_star == 0:
        return x_star, 0.0, 0
    for iteration in range(1, max_iter + 1):
        delta = 1.5 * s_star
        low, high = x_star - delta, x_star + delta
        modified = []
        for xi in x:
            if xi < low:
                modified.append(low)
            elif xi > high:
                modified.append(high)
            else:
                modified.append(xi)
        new_x = math.fsum(modified) / p
        new_s = 1.134 * math.sqrt(math.fsum((xi - new_x) ** 2 for xi in modified) / (p - 1))
        noise = 8 * EPS * abs(new_x)
        if new_s <= noise:
            return new_x, 0.0, iteration
        change_x, change_s = abs(new_x - x_star), abs(new_s - s_star)
        x_star, s_star = new_x, new_s
        if change_x <= tol * new_s + noise and change_s <= tol * new_s + noise:
            return x_star, s_star, iteration
    raise RuntimeError("Algorithm A did not converge")


def made(values):
    """C.2.2."""
    m = median(values)
    return 1.483 * median([abs(v - m) for v in values])


def niqr(values):
    """C.2.3 with type-7 quartiles (``statistics.quantiles`` 'inclusive')."""
    if len(values) == 1:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return 0.7413 * (q3 - q1)


def q_method(values):
    """C.5.2 for one result per laboratory: H₁, G₁ at its jumps, G₁⁻¹ by interpolation."""
    y = [float(v) for v in values]
    p = len(y)
    differences = []
    for i in range(p):
        for j in range(i + 1, p):
            differences.append(abs(y[i] - y[j]))
    total = len(differences)

    def h1(x):
        return sum(1 for d in differences if d <= x) / total

    h_zero = h1(0.0)
    jumps = sorted({d for d in differences if d > 0})
    if not jumps:
        return 0.0
    points = [(0.0, 0.0)]
    previous_h = h_zero
    for x_l in jumps:
        h_l = h1(x_l)
        points.append((x_l, 0.5 * (h_l + previous_h)))
        previous_h = h_l
    target = 0.25 + 0.75 * h_zero
    for (x0, g0), (x1, g1) in itertools.pairwise(points):
        if g1 >= target:
            quantile = x0 + (target - g0) * (x1 - x0) / (g1 - g0)
            break
    else:  # pragma: no cover - G₁ at the last jump always reaches the target
        raise RuntimeError("G1 never reaches the target")
    return quantile / (math.sqrt(2) * statistics.NormalDist().inv_cdf(0.625 + 0.375 * h_zero))


def psi(q):
    """C.5.3.2, written as the standard's seven cases."""
    if q <= -4.5:
        return 0.0
    if q <= -3:
        return -4.5 - q
    if q <= -1.5:
        return -1.5
    if q <= 1.5:
        return q
    if q <= 3:
        return 1.5
    if q <= 4.5:
        return 4.5 - q
    return 0.0


def hampel(values, s_star):
    """C.5.3.3 finite-step algorithm."""
    y = [float(v) for v in values]
    med = median(y)
    if s_star <= 0:
        return med
    nodes = []
    for yi in y:
        for factor in (-4.5, -3.0, -1.5, 1.5, 3.0, 4.5):
            nodes.append(yi + factor * s_star)
    nodes.sort()
    sums = [math.fsum(psi((yi - d) / s_star) for yi in y) for d in nodes]
    solutions = set()
    for m, d in enumerate(nodes):
        if sums[m] == 0:
            solutions.add(d)
    for m in range(len(nodes) - 1):
        if sums[m] * sums[m + 1] < 0:
            d0, d1 = nodes[m], nodes[m + 1]
            solutions.add(d0 - sums[m] * (d1 - d0) / (sums[m + 1] - sums[m]))
    if not solutions:
        return med
    best = min(abs(s - med) for s in solutions)
    nearest = [s for s in solutions if abs(s - med) == best]
    return nearest[0] if len(nearest) == 1 else med


def q_hampel(values):
    s_star = q_method(values)
    return hampel(values, s_star), s_star


def classify(score):
    if score is None:
        return None
    if abs(score) <= 2:
        return "satisfactory"
    if abs(score) < 3:
        return "questionable"
    return "unsatisfactory"


def evaluate(results, sigma_pt=None, assigned_value=None, u_assigned=None, method="algorithm_a"):
    """Clauses 7.7.3, 8, 9.4–9.7 for a list of dicts, as the CLI contract describes them."""
    values = [r["value"] for r in results]
    if method == "algorithm_a":
        x_star, s_star, _ = algorithm_a(values)
    else:
        x_star, s_star = q_hampel(values)
    x_pt = x_star if assigned_value is None else assigned_value
    if u_assigned is not None:
        u = u_assigned
    elif assigned_value is None:
        u = 1.25 * s_star / math.sqrt(len(values))
    else:
        u = None
    sigma = s_star if sigma_pt is None else sigma_pt
    required = u is not None and sigma > 0 and u > 0.3 * sigma
    scores = []
    for r in results:
        x = r["value"]
        z = (x - x_pt) / sigma if sigma > 0 else None
        z_prime = (x - x_pt) / math.sqrt(sigma**2 + u**2) if u is not None and sigma > 0 else None
        big_u = r.get("U")
        k = r.get("k") or 2
        zeta = en = None
        if big_u is not None and u is not None:
            if math.sqrt((big_u / k) ** 2 + u**2) > 0:
                zeta = (x - x_pt) / math.sqrt((big_u / k) ** 2 + u**2)
            if math.sqrt(big_u**2 + (2 * u) ** 2) > 0:
                en = (x - x_pt) / math.sqrt(big_u**2 + (2 * u) ** 2)
        scores.append(
            {
                "participant": r["participant"],
                "z": z,
                "z_prime": z_prime,
                "zeta": zeta,
                "en": en,
                "z_class": classify(z),
                "z_prime_class": classify(z_prime),
                "zeta_class": classify(zeta),
                "en_class": None
                if en is None
                else ("satisfactory" if abs(en) <= 1 else "unsatisfactory"),
                "classification": classify(z_prime) if required else classify(z),
            }
        )
    return {
        "assigned_value": x_pt,
        "u_assigned": u,
        "robust_sd": s_star,
        "sigma_pt": sigma,
        "z_prime_required": required,
        "scores": scores,
    }


def homogeneity(samples, sigma_pt):
    """B.3 formulae with duplicates, B.2.2 criterion, B.2.3 extended criterion (Table B.2)."""
    table = {
        7: (2.10, 1.43),
        8: (2.01, 1.25),
        9: (1.94, 1.11),
        10: (1.88, 1.01),
        11: (1.83, 0.93),
        12: (1.79, 0.86),
        13: (1.75, 0.80),
        14: (1.72, 0.75),
        15: (1.69, 0.71),
        16: (1.67, 0.68),
        17: (1.64, 0.64),
        18: (1.62, 0.62),
        19: (1.60, 0.59),
        20: (1.59, 0.57),
    }
    g = len(samples)
    averages = [(a + b) / 2 for a, b in samples]
    ranges = [abs(a - b) for a, b in samples]
    general = math.fsum(averages) / g
    s_x = math.sqrt(math.fsum((m - general) ** 2 for m in averages) / (g - 1))
    s_w = math.sqrt(math.fsum(w * w for w in ranges) / (2 * g))
    s_s = math.sqrt(max(0.0, s_x**2 - s_w**2 / 2))
    limit = 0.3 * sigma_pt
    critical = passed_extended = None
    if g in table:
        f1, f2 = table[g]
        critical = f1 * limit**2 + f2 * s_w**2
        passed_extended = s_s**2 <= critical
    return {
        "general_mean": general,
        "s_x": s_x,
        "s_w": s_w,
        "s_s": s_s,
        "limit": limit,
        "passed": s_s <= limit,
        "critical_value": critical,
        "passed_extended": passed_extended,
    }


def stability(first, second, sigma_pt):
    """B.5."""
    m1 = math.fsum(first) / len(first)
    m2 = math.fsum(second) / len(second)
    return {
        "mean_first": m1,
        "mean_second": m2,
        "difference": abs(m1 - m2),
        "limit": 0.3 * sigma_pt,
        "passed": abs(m1 - m2) <= 0.3 * sigma_pt,
    }
