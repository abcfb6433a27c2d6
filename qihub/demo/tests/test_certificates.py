"""Demo certificates: a realistic registry, each risk rule's seeded anomaly flagged and nothing
else, and a re-run that writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.certification.models import ApprovedScope, Certificate, HolderDeregistration
from qihub.certification.risk import RULES, find_all
from qihub.certification.tests.factories import approve_body
from qihub.demo.certificates import load_certificate_demo
from qihub.demo.scales import SCALES

TODAY = date(2025, 6, 15)
TINY = SCALES["tiny"]


@pytest.fixture
def registry(reference: None) -> None:
    for serial in (1, 2):
        body = OrganisationFactory(
            uscc=uscc_for(9500 + serial),
            name=f"辽宁演示认证{serial}有限公司",
            kind=Organisation.Kind.CERTIFICATION_BODY,
        )
        approve_body(body, serial)
    for n in range(40):
        OrganisationFactory(uscc=uscc_for(9600 + n), kind=Organisation.Kind.ENTERPRISE)


@pytest.mark.django_db
def test_each_rule_flags_its_seeded_anomaly_and_nothing_else(registry: None) -> None:
    report = load_certificate_demo(scale=TINY, seed=7, today=TODAY)
    assert report.bodies == 2
    found: dict[str, set[str]] = {rule: set() for rule in RULES}
    for finding in find_all(TODAY):
        found[finding.rule].add(finding.subject_key)
    for rule in RULES:
        assert report.anomalies[rule], rule
        assert found[rule] == report.anomalies[rule], rule


@pytest.mark.django_db
def test_a_realistic_registry(registry: None) -> None:
    load_certificate_demo(scale=TINY, seed=7, today=TODAY)
    certificates = Certificate.objects.all()
    assert certificates.count() >= TINY.certificates
    types = list(certificates.values_list("cert_type", flat=True))
    assert types.count("MS-QMS") == max(types.count(t) for t in set(types))
    statuses = set(certificates.values_list("status", flat=True))
    assert {"active", "expired"} <= statuses
    for certificate in certificates.filter(cert_type__startswith="CCC"):
        assert certificate.expires_on.year - certificate.issued_on.year == 5
    assert ApprovedScope.objects.filter(cert_type="MS-QMS").count() == 2
    assert HolderDeregistration.objects.count() == 3
    holders = certificates.values("holder").distinct().count()
    assert 1 < holders < certificates.count()


@pytest.mark.django_db
def test_a_second_run_writes_nothing(registry: None) -> None:
    first = load_certificate_demo(scale=TINY, seed=7, today=TODAY)
    second = load_certificate_demo(scale=TINY, seed=7, today=TODAY)
    assert first.changed
    assert not second.changed
    assert second.certificates.unchanged == first.generated
    assert second.anomalies == first.anomalies


@pytest.mark.django_db
def test_without_bodies_nothing_is_made(reference: None) -> None:
    report = load_certificate_demo(scale=TINY, seed=7, today=TODAY)
    assert report.generated == 0
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_the_tiny_demo_flags_exactly_its_anomalies(reference: None) -> None:
    """The whole demo (its one certification body: no shared number to seed)."""
    from django.utils import timezone

    from qihub.demo.loader import load_demo

    report = load_demo(scale=TINY, seed=2025).certificates
    found: dict[str, set[str]] = {rule: set() for rule in RULES}
    for finding in find_all(timezone.localdate()):
        found[finding.rule].add(finding.subject_key)
    for rule in RULES:
        assert found[rule] == report.anomalies[rule], rule
    assert report.anomalies["duplicate_number"] == set()
    assert all(report.anomalies[rule] for rule in RULES if rule != "duplicate_number")
