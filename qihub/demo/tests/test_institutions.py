"""Demo qualifications and capability scopes: the showcase the matching demo relies on, a
realistic mix of statuses, lines the import accepts, and runs that repeat without writing."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from qihub.accounts.models import AuditEntry, Membership, Organisation
from qihub.core.imports import importer_for, run_import
from qihub.demo.institutions import (
    DATA_DIR,
    load_institution_demo,
)
from qihub.demo.organisations import DemoGenerator
from qihub.demo.places import load_geography
from qihub.demo.scales import SCALES, Scale
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.querysets import EXPIRED, SUSPENDED, VALID
from qihub.standards.codes import parse_standard_code
from qihub.standards.importers import SHIPPED_CATALOGUE
from qihub.standards.models import Standard

Kind = Organisation.Kind
TINY = SCALES["tiny"]


def run_demo(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("demo", "--scale", "tiny", *args, "--json", stdout=out, stderr=StringIO())
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def lines_of(organisation: Organisation, **filters: Any) -> Any:
    return CapabilityLine.objects.filter(organisation=organisation, **filters)


def cites(code: str) -> Q:
    return Q(standards__code=code)


def showcase(report: dict[str, Any], role: str) -> Organisation:
    return Organisation.objects.get(name=report["institutions"]["showcase"][role])


@pytest.fixture
def tiny(reference: None) -> dict[str, Any]:
    return run_demo()


def test_every_institution_gets_qualifications_and_a_scope(tiny: dict[str, Any]) -> None:
    today = timezone.localdate()
    institutions = Organisation.objects.institutions()
    assert tiny["institutions"]["institutions"] == institutions.count() == TINY.institutions

    for organisation in institutions:
        lines = lines_of(organisation)
        assert lines.exists(), organisation.name
        if organisation.kind == Kind.STANDARDS_BODY:
            # Standardisation services need no qualification.
            assert not Qualification.objects.filter(organisation=organisation).exists()
            assert set(lines.values_list("kind", flat=True)) == {CapabilityLine.Kind.SERVICE}
        else:
            assert Qualification.objects.filter(organisation=organisation).exists()
            assert not lines.filter(qualification__isnull=True).exists()
    assert CapabilityLine.objects.count() == tiny["institutions"]["capability_lines"]["created"]
    # The import's own checks ran on every line: every range has a unit in base units.
    assert not CapabilityLine.objects.filter(range_max__isnull=False, dimension="").exists()
    assert Qualification.objects.filter(valid_to__gte=today).exists()


def test_the_showcase_for_matching_is_present(tiny: dict[str, Any]) -> None:
    today = timezone.localdate()
    rebar_tensile = Q(object="钢筋", parameter__in=["抗拉强度", "屈服强度", "断后伸长率"])

    # The demo lab admin's lab in Shenyang: 钢筋 tensile by GB/T 228.1-2021 on a valid CMA, a
    # CNAS accreditation ending within 90 days and exactly one flagged line.
    persona = Membership.objects.get(user__username="demo_lab_admin").organisation
    assert showcase(tiny, "steel_current") == persona
    assert persona.city.code == "210100"
    current = lines_of(persona).filter(rebar_tensile, cites("GB/T 228.1-2021"))
    assert current.filter(qualification__type="CMA").count() == 3
    assert all(line.qualification.is_valid_on(today) for line in current)
    assert lines_of(persona).count() > 300  # a rich scope for the manage page
    assert lines_of(persona, is_flagged=True).count() == 1
    assert Qualification.objects.expiring_within(90, today).filter(organisation=persona).exists()

    # A Dalian lab still on the superseded edition only: shown, flagged, never exact.
    dalian = showcase(tiny, "steel_superseded")
    assert dalian.city.code == "210200"
    old = lines_of(dalian).filter(rebar_tensile, cites("GB/T 228.1-2010"))
    assert old.count() == 3
    assert all(line.is_flagged for line in old)
    assert not lines_of(dalian).filter(cites("GB/T 228.1-2021")).exists()

    # The same line on a suspended CMA and on one past its date.
    for role, status in (("steel_suspended", SUSPENDED), ("steel_expired", EXPIRED)):
        holder = showcase(tiny, role)
        line = lines_of(holder).filter(rebar_tensile, cites("GB/T 228.1-2021")).first()
        assert line is not None, role
        assert line.qualification.effective_status_on(today) == status

    # A Shenyang metrology institute verifying 压力表 to 60 MPa at 0.05 %FS.
    institute = showcase(tiny, "pressure_verification")
    assert institute.city.code == "210100" and institute.kind == Kind.METROLOGY_INSTITUTE
    gauge = lines_of(institute).get(
        kind="verification", object="压力表", standards_text="JJG 52-2013"
    )
    assert (gauge.range_min, gauge.range_max, gauge.unit) == (0, 60, "MPa")
    assert gauge.accuracy_kind == "full_scale" and gauge.accuracy_value == pytest.approx(0.05)
    assert lines_of(institute).filter(object="精密压力表", uncertainty_text__contains="FS").exists()

    # A lab calibrating 压力表 to 100 MPa, and a Dalian lab calibrating 三坐标测量机.
    gauges = lines_of(showcase(tiny, "pressure_calibration")).get(
        kind="calibration", object="压力表"
    )
    assert gauges.range_max == 100 and gauges.range_max_base == pytest.approx(100e6)
    cmm_lab = showcase(tiny, "cmm_calibration")
    assert cmm_lab.city.code == "210200"
    cmm = lines_of(cmm_lab).get(object="三坐标测量机")
    assert cmm.kind == "calibration" and not cmm.is_flagged and cmm.unit == "mm"

    # Certification bodies certifying quality management systems to GB/T 19001-2016.
    body = showcase(tiny, "qms_certification")
    assert body.kind == Kind.CERTIFICATION_BODY
    qms = lines_of(body).filter(kind="certification").filter(cites("GB/T 19001-2016"))
    assert qms.exists() and not qms.filter(is_flagged=True).exists()


def test_statuses_are_mixed_and_follow_the_dates(tiny: dict[str, Any]) -> None:
    today = timezone.localdate()
    statuses = {q.effective_status_on(today) for q in Qualification.objects.all()}

    assert {VALID, EXPIRED, SUSPENDED} <= statuses
    assert Qualification.objects.expiring_within(90, today).exists()
    # Expired by date while recorded valid: the report counts it as expired, not valid.
    lapsed = Qualification.objects.filter(status=VALID, valid_to__lt=today)
    assert lapsed.exists()
    assert tiny["institutions"]["qualifications"]["by_effective_status"][EXPIRED] >= lapsed.count()
    assert not Qualification.objects.effectively_valid(today).filter(valid_to__lt=today).exists()


def test_a_second_run_changes_nothing(tiny: dict[str, Any]) -> None:
    # given
    lines, qualifications = CapabilityLine.objects.count(), Qualification.objects.count()
    entries = AuditEntry.objects.count()

    # when
    again = run_demo()

    # then
    report = again["institutions"]
    assert again["changed"] is False
    assert report["qualifications"]["created"] == report["qualifications"]["updated"] == 0
    assert report["capability_lines"]["created"] == report["capability_lines"]["updated"] == 0
    assert report["capability_lines"]["unchanged"] == lines
    assert report["showcase"] == tiny["institutions"]["showcase"]
    assert (CapabilityLine.objects.count(), Qualification.objects.count()) == (
        lines,
        qualifications,
    )
    assert AuditEntry.objects.count() == entries


def test_a_larger_cap_tops_up_without_touching_existing_lines(tiny: dict[str, Any]) -> None:
    # given: the tiny scale's institutions, now loaded with the small scale's larger cap
    before = dict(CapabilityLine.objects.values_list("natural_key", "updated_at"))
    generator = DemoGenerator(geography=load_geography(), scale=TINY, seed=2025)
    wider = Scale("small", TINY.counts)

    # when
    report = load_institution_demo(scale=wider, seed=2025, generator=generator)

    # then
    assert report.lines.created > 0 and report.lines.updated == 0
    assert report.qualifications.created == 0
    after = dict(CapabilityLine.objects.values_list("natural_key", "updated_at"))
    assert {key: after[key] for key in before} == before


def test_the_vocabulary_cites_the_shipped_catalogue(reference: None) -> None:
    """Every method standard in demo/data exists, in force, in the shipped catalogue (except
    the CMM calibration specification, which the loader replaces when it is missing)."""
    assert run_import(importer_for("standards"), SHIPPED_CATALOGUE).ok
    current = set(
        Standard.objects.filter(status=Standard.Status.CURRENT).values_list("code", flat=True)
    )
    cited: set[str] = set()
    for name, column in (
        ("test_methods.csv", "standard"),
        ("instruments.csv", "standard"),
        ("certification.csv", "standard"),
        ("services.csv", "standard"),
    ):
        with Path(DATA_DIR / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cited.update(c.strip() for c in row[column].split(";") if c.strip())
    canonical = {parse_standard_code(code).canonical for code in cited}

    assert canonical - current == {"JJF 1064-2010"}
