"""The round report: a real PDF, with the statistics and charts, and no laboratory's name."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone, translation

from qihub.proficiency.models import Round
from qihub.proficiency.queries import TableRow
from qihub.proficiency.report import (
    RoundNotPublished,
    histogram_svg,
    published_report_pdf,
    render_report_html,
    render_report_pdf,
    zscore_svg,
)
from qihub.proficiency.tests.factories import MakeWorld

pytestmark = pytest.mark.django_db


def test_report_is_a_pdf_with_codes_only(make_world: MakeWorld) -> None:
    world = make_world("published")
    html = render_report_html(world.round)
    for name in [*world.lab_names, world.outsider.name]:
        assert name not in html
    for participation in world.participations.values():
        assert participation.code in html
    assert world.round.code in html
    assert "<svg" in html and "x_pt" in html
    assert f"{world.round.assigned_value:.4g}"[:4] in html
    pdf = render_report_pdf(world.round)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


def test_the_served_report_is_made_once_per_content_and_language(
    make_world: MakeWorld, time_machine
) -> None:
    world = make_world("published")
    cache.clear()
    time_machine.move_to(timezone.now(), tick=False)
    first = published_report_pdf(world.round)
    time_machine.shift(3600)  # a report rendered now would say another time
    assert published_report_pdf(world.round) == first
    assert render_report_pdf(world.round) != first

    with translation.override("en"):
        english = published_report_pdf(world.round)
    assert english.startswith(b"%PDF") and english != first

    Round.objects.filter(pk=world.round.pk).update(assigned_value=F("assigned_value") + 1)
    world.round.refresh_from_db()
    assert published_report_pdf(world.round) != first  # another content, another report


@pytest.mark.parametrize("stage", ["open", "evaluated"])
def test_no_report_before_publication(make_world: MakeWorld, stage: str) -> None:
    world = make_world(stage)
    with pytest.raises(RoundNotPublished):
        render_report_html(world.round)


def row(code: str, z: float | None, cls: str) -> TableRow:
    return TableRow(
        code=code,
        value=1.0,
        unit="%",
        expanded_uncertainty=None,
        z=z,
        z_prime=None,
        zeta=None,
        en=None,
        classification=cls,
        is_excluded=False,
    )


def test_zscore_chart_colours_by_class_and_labels_clipped_bars() -> None:
    svg = str(
        zscore_svg(
            [
                row("P01", 0.5, "satisfactory"),
                row("P02", -12.0, "unsatisfactory"),
                row("P03", None, ""),
            ],
            z_prime=False,
        )
    )
    assert svg.count("<rect") == 2
    assert "#c62828" in svg and "#2e7d32" in svg
    assert "-12" in svg  # the clipped bar says its value
    assert "P03" not in svg


def test_histogram_handles_identical_values_and_no_values() -> None:
    assert "<rect" in str(histogram_svg([2.0, 2.0, 2.0], assigned=2.0, sigma=None, unit="%"))
    assert "<rect" not in str(histogram_svg([], assigned=None, sigma=None, unit="%"))
