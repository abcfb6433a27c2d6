"""Figures: valid certificates and certified organisations, by city, by type, over time, and
against the plan's targets."""

from __future__ import annotations

from datetime import date

import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory
from qihub.certification.figures import certification_figures, month_ends
from qihub.certification.tests.conftest import run_command
from qihub.certification.tests.factories import CertificateFactory
from qihub.reference.models import Region

ON = date(2025, 6, 15)


@pytest.fixture
def registry(approved_cb) -> None:
    dalian = Region.objects.get(code="210200")
    one = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, city=dalian)
    two = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, city=dalian)
    CertificateFactory(cb=approved_cb, holder=one)  # 2024-01-15 … 2027-01-14
    CertificateFactory(cb=approved_cb, holder=one, cert_type="MS-EMS")
    CertificateFactory(cb=approved_cb, holder=two, status="suspended")
    CertificateFactory(
        cb=approved_cb, holder=two, issued_on=date(2021, 1, 1), expires_on=date(2024, 1, 1)
    )


def test_month_ends() -> None:
    ends = month_ends(ON, 3)
    assert ends == [date(2025, 4, 30), date(2025, 5, 31), ON]
    assert month_ends(date(2025, 1, 10), 2) == [date(2024, 12, 31), date(2025, 1, 10)]


def test_figures(registry) -> None:
    figures = certification_figures(ON)
    assert figures["valid_certificates"] == 2
    assert figures["certified_organisations"] == 1
    assert figures["by_city"] == [
        {"code": "210200", "name": "大连市", "certificates": 2, "organisations": 1}
    ]
    assert {row["code"]: row["certificates"] for row in figures["by_type"]} == {
        "MS-QMS": 1,
        "MS-EMS": 1,
    }
    series = {row["month_end"]: row for row in figures["series"]}
    assert len(series) == 24
    assert series["2023-12-31"]["certificates"] == 1  # only the 2021 certificate then
    assert series["2025-06-15"] == {
        "month_end": "2025-06-15",
        "certificates": 2,
        "organisations": 1,
    }
    targets = {t["key"]: t for t in figures["targets"]}
    assert targets["certification.certificates"]["target"] == 75000
    assert targets["certification.certificates"]["comparator"] == ">"
    assert targets["certification.certified_organisations"]["met"] is False


def test_command(registry) -> None:
    code, out, _err = run_command("certification", "figures", "--on", "2025-06-15")
    assert code == 0 and "2 valid certificates" in out and "not met" in out
    code, _out, _err = run_command("certification", "figures", "--on", "June")
    assert code == 1
