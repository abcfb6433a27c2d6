"""The round report: a PDF (WeasyPrint, Noto Sans CJK) of a published round.

Statistics summary, a histogram of the results with the assigned value and the ±2σ_pt/±3σ_pt
limits, a bar chart of the scores, and the anonymous table: participant codes only, never a
laboratory's name. The charts are SVG drawn here (no plotting library) and placed inline in the
HTML (``templates/proficiency/report.html``) that WeasyPrint renders.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qihub.core.errors import Conflict
from qihub.proficiency.models import Round
from qihub.proficiency.queries import TableRow, anonymous_table

WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 16, 40
REPORT_TEMPLATE = "proficiency/report.html"
REPORT_CACHE_KEY = "qihub:pt:report:v1:{digest}"
REPORT_CACHE_SECONDS = 30 * 86400
Z_LIMIT = 5.0  # bars beyond ±5 are drawn to the edge and labelled with their value
COLOURS = {
    "satisfactory": "#2e7d32",
    "questionable": "#f9a825",
    "unsatisfactory": "#c62828",
    "": "#9e9e9e",
}


class RoundNotPublished(Conflict):
    code = "pt_round_not_published"


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


def _plot_width() -> int:
    return WIDTH - MARGIN_LEFT - MARGIN_RIGHT


def _plot_height() -> int:
    return HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


def _svg(body: list[str], label: str) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        'font-family="Noto Sans CJK SC, sans-serif" font-size="10">'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - built from numbers and escaped text


def histogram_svg(
    values: list[float], *, assigned: float | None, sigma: float | None, unit: str
) -> SafeString:
    """A histogram of the results (Sturges' bins) with x_pt and the ±2σ_pt, ±3σ_pt lines."""
    if not values:
        return _svg([], _("结果直方图"))
    data = np.asarray(values, dtype=np.float64)
    low, high = float(data.min()), float(data.max())
    if assigned is not None and sigma:
        low, high = min(low, assigned - 3.5 * sigma), max(high, assigned + 3.5 * sigma)
    if high == low:
        low, high = low - 0.5, high + 0.5
    bins = max(5, math.ceil(math.log2(data.size)) + 1)
    counts, edges = np.histogram(data, bins=bins, range=(low, high))
    top = max(int(counts.max()), 1)
    width, height = _plot_width(), _plot_height()

    def x_of(v: float) -> float:
        return MARGIN_LEFT + (v - low) / (high - low) * width

    def y_of(n: float) -> float:
        return MARGIN_TOP + height - n / top * height

    body = [
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + height}" x2="{MARGIN_LEFT + width}" '
        f'y2="{MARGIN_TOP + height}" stroke="#333"/>'
    ]
    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            x0, x1 = x_of(float(left)), x_of(float(right))
            body.append(
                f'<rect x="{x0:.2f}" y="{y_of(int(count)):.2f}" width="{max(x1 - x0 - 1, 1):.2f}" '
                f'height="{y_of(0) - y_of(int(count)):.2f}" fill="#5c8ac6"/>'
            )
    for tick in range(top + 1):
        if top <= 10 or tick % math.ceil(top / 10) == 0:
            body.append(
                f'<text x="{MARGIN_LEFT - 6}" y="{y_of(tick) + 3:.2f}" '
                f'text-anchor="end">{tick}</text>'
            )
    for edge in edges[:: max(1, len(edges) // 6)]:
        body.append(
            f'<text x="{x_of(float(edge)):.2f}" y="{MARGIN_TOP + height + 14}" '
            f'text-anchor="middle">{_fmt(float(edge))}</text>'
        )
    body.append(
        f'<text x="{MARGIN_LEFT + width / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(_('结果'))} ({escape(unit)})</text>"
    )
    if assigned is not None:
        marks: list[tuple[float, str, str]] = [(assigned, "#000", "x_pt")]
        if sigma:
            for k, colour in ((2, "#f9a825"), (3, "#c62828")):
                marks += [
                    (assigned - k * sigma, colour, f"−{k}σ"),
                    (assigned + k * sigma, colour, f"+{k}σ"),
                ]
        for value, colour, label in marks:
            x = x_of(value)
            body.append(
                f'<line x1="{x:.2f}" y1="{MARGIN_TOP}" x2="{x:.2f}" y2="{MARGIN_TOP + height}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
                f'<text x="{x:.2f}" y="{MARGIN_TOP + 10}" text-anchor="middle" '
                f'fill="{colour}">{label}</text>'
            )
    return _svg(body, _("结果直方图"))


def score_of(row: TableRow, *, z_prime: bool) -> float | None:
    return row.z_prime if z_prime else row.z


def zscore_svg(rows: list[TableRow], *, z_prime: bool) -> SafeString:
    """Participants' z (or z′) scores, sorted, as bars coloured by class, with ±2 and ±3."""
    label = _("z′ 值") if z_prime else _("z 值")
    scored = sorted(
        ((row, s) for row in rows if (s := score_of(row, z_prime=z_prime)) is not None),
        key=lambda item: (item[1], item[0].code),
    )
    width, height = _plot_width(), _plot_height()
    middle = MARGIN_TOP + height / 2

    def y_of(v: float) -> float:
        return middle - max(-Z_LIMIT, min(Z_LIMIT, v)) / Z_LIMIT * (height / 2)

    body: list[str] = []
    for level, colour in ((3, "#c62828"), (2, "#f9a825"), (0, "#333")):
        for sign in (1,) if level == 0 else (1, -1):
            y = y_of(sign * level)
            body.append(
                f'<line x1="{MARGIN_LEFT}" y1="{y:.2f}" x2="{MARGIN_LEFT + width}" y2="{y:.2f}" '
                f'stroke="{colour}"' + ("" if level == 0 else ' stroke-dasharray="4 3"') + "/>"
                f'<text x="{MARGIN_LEFT - 6}" y="{y + 3:.2f}" text-anchor="end">'
                f"{sign * level:+d}</text>"
            )
    if scored:
        step = width / len(scored)
        bar = max(step * 0.7, 1.0)
        for i, (row, value) in enumerate(scored):
            x = MARGIN_LEFT + i * step + (step - bar) / 2
            y0, y1 = sorted((y_of(0), y_of(value)))
            tall = max(y1 - y0, 0.5)
            body.append(
                f'<rect x="{x:.2f}" y="{y0:.2f}" width="{bar:.2f}" height="{tall:.2f}" '
                f'fill="{COLOURS.get(row.classification, "#9e9e9e")}"/>'
            )
            if abs(value) > Z_LIMIT:
                body.append(
                    f'<text x="{x + bar / 2:.2f}" y="{(y1 + 10) if value < 0 else (y0 - 3):.2f}" '
                    f'text-anchor="middle" font-size="8">{_fmt(value, 3)}</text>'
                )
            if len(scored) <= 60:
                body.append(
                    f'<text x="{x + bar / 2:.2f}" y="{MARGIN_TOP + height + 12}" '
                    f'text-anchor="middle" font-size="7">{escape(row.code)}</text>'
                )
    body.append(
        f'<text x="{MARGIN_LEFT + width / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(label)}</text>"
    )
    return _svg(body, label)


@dataclass(frozen=True)
class ClassCounts:
    satisfactory: int
    questionable: int
    unsatisfactory: int
    unscored: int


def _class_counts(rows: list[TableRow]) -> ClassCounts:
    def n(name: str) -> int:
        return sum(1 for row in rows if row.classification == name)

    return ClassCounts(
        satisfactory=n("satisfactory"),
        questionable=n("questionable"),
        unsatisfactory=n("unsatisfactory"),
        unscored=n(""),
    )


def report_context(round_: Round) -> dict[str, Any]:
    """What the report shows. Raises RoundNotPublished: only published rounds have a report."""
    if not round_.is_published:
        raise RoundNotPublished(_("轮次发布后才能生成报告"))
    rows = anonymous_table(round_)
    values = [row.value for row in rows if row.value is not None]
    return {
        "round": round_,
        "scheme": round_.scheme,
        "rows": rows,
        "counts": _class_counts(rows),
        "results": len(values),
        "histogram": histogram_svg(
            values, assigned=round_.assigned_value, sigma=round_.sigma_pt, unit=round_.scheme.unit
        ),
        "zchart": zscore_svg(rows, z_prime=round_.z_prime_required),
        "generated_at": timezone.now(),
    }


def render_report_html(round_: Round) -> str:
    """The report's HTML (what WeasyPrint renders). Raises RoundNotPublished."""
    return render_to_string(REPORT_TEMPLATE, report_context(round_))


def render_report_pdf(round_: Round) -> bytes:
    """The report as PDF bytes, rendered now. Raises RoundNotPublished."""
    return _pdf(render_report_html(round_))


def published_report_pdf(round_: Round) -> bytes:
    """The report as pages and the API serve it: rendered once, then kept in the shared cache
    for as long as what it says is the same. A published round is frozen, so the report is
    too; rendering takes WeasyPrint about half a second, and the download is public. Keyed by the
    report's own text (its language included) without the time it was made, so any change to
    the round, or another language, is a new report. Raises RoundNotPublished."""
    context = report_context(round_)
    stable = render_to_string(REPORT_TEMPLATE, {**context, "generated_at": None})
    key = REPORT_CACHE_KEY.format(digest=hashlib.sha256(stable.encode()).hexdigest())
    pdf = cache.get(key)
    if not isinstance(pdf, bytes):
        pdf = _pdf(render_to_string(REPORT_TEMPLATE, context))
        cache.set(key, pdf, REPORT_CACHE_SECONDS)
    return pdf


def _pdf(html: str) -> bytes:
    # Imported on use, not at the top: importing WeasyPrint parses its default stylesheets and
    # logs each step at INFO, which would print on every page load and every `qihub` command.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
