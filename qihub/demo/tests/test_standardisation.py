"""Demo standardisation registries: realistic, counted against the targets, repeatable, and
topped up when a larger scale is loaded on top of a smaller one."""

from __future__ import annotations

import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.demo.scales import SCALES
from qihub.demo.standardisation import load_standardisation_demo
from qihub.reference.models import Region
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee
from qihub.standards.registries import registry_counts

SEED_CSV = Path(__file__).resolve().parents[2] / "standards" / "data" / "standards.csv"
Kind = Organisation.Kind


@pytest.fixture
def organisations(reference: None) -> None:
    call_command("import", "standards", str(SEED_CSV), stdout=StringIO())
    dalian = Region.objects.get(code="210200")
    kinds = [
        (Kind.STANDARDS_BODY, "标准化研究院"),
        (Kind.METROLOGY_INSTITUTE, "计量测试院"),
        (Kind.TESTING_LAB, "检验检测有限公司"),
        (Kind.ENTERPRISE, "机械制造有限公司"),
        (Kind.STATION_OPERATOR, "质量基础设施一站式服务站"),
        (Kind.REGULATOR, "市场监督管理局"),
    ]
    serial = 7100
    for kind, suffix in kinds:
        for number in range(4):
            serial += 1
            OrganisationFactory(
                uscc=uscc_for(serial, "210200" if number % 2 else "210100"),
                name=f"辽宁第{serial}{suffix}",
                kind=kind,
                city=dalian if number % 2 else Region.objects.get(code="210100"),
            )


def test_tiny_then_small_tops_up_and_a_rerun_adds_nothing(organisations: None) -> None:
    # when
    tiny = load_standardisation_demo(scale=SCALES["tiny"], rng=random.Random(7))
    # then
    assert (tiny.committees, tiny.pilot_projects, tiny.contributions) == (3, 5, 12)
    assert load_standardisation_demo(scale=SCALES["tiny"], rng=random.Random(7)).changed is False

    small = load_standardisation_demo(scale=SCALES["small"], rng=random.Random(7))

    assert (small.committees, small.pilot_projects, small.contributions) == (9, 15, 68)
    assert TechnicalCommittee.objects.count() == 12
    assert set(TechnicalCommittee.objects.values_list("code", flat=True)) == {
        f"LN/TC {n}" for n in range(1, 13)
    }
    assert PilotProject.objects.count() == 20
    assert NationalStandardContribution.objects.count() == 80


def test_entries_are_realistic_and_valid(organisations: None) -> None:
    load_standardisation_demo(scale=SCALES["small"], rng=random.Random(3))

    for committee in TechnicalCommittee.objects.select_related("secretariat"):
        assert committee.name_zh.startswith("辽宁省")
        assert committee.name_zh.endswith("标准化技术委员会")
        assert committee.secretariat.kind in {
            Kind.STANDARDS_BODY,
            Kind.METROLOGY_INSTITUTE,
            Kind.TESTING_LAB,
        }
        committee.full_clean()
    for project in PilotProject.objects.select_related("organisation", "city"):
        assert project.name_zh.startswith(project.city.name)
        assert project.city == project.organisation.city
        project.full_clean()
    contributions = NationalStandardContribution.objects.select_related("standard")
    assert all(c.standard_code.startswith("GB") for c in contributions)
    assert contributions.filter(role="lead").exists()
    assert contributions.filter(role="participate").exists()
    for contribution in contributions.filter(standard__isnull=False):
        assert contribution.standard is not None
        assert contribution.year == contribution.standard.year


def test_liaoning_scale_reaches_the_committee_and_national_targets(
    organisations: None,
) -> None:
    load_standardisation_demo(scale=SCALES["liaoning"], rng=random.Random(2025))

    counts = {row.registry: row for row in registry_counts()}
    assert TechnicalCommittee.objects.count() == 34
    assert counts["committees"].count == 32  # two dissolved
    assert counts["committees"].meets_target is True
    assert PilotProject.objects.count() == 60
    assert PilotProject.objects.exclude(status__in=["underway", "accepted"]).exists()
    assert NationalStandardContribution.objects.count() == 350
    assert counts["national_contributions"].meets_target is True


def test_nothing_is_made_without_organisations(reference: None) -> None:
    counts = load_standardisation_demo(scale=SCALES["tiny"], rng=random.Random(1))

    assert counts.changed is False
