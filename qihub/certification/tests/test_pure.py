"""Pure parts: certificate numbers, the type list, status transitions."""

import pytest

from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.transitions import transition_problem
from qihub.certification.types import canonical_type_code, certification_types


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("00124Q31234R2M", "00124Q31234R2M"),
        (" 00124q31234r2m ", "00124Q31234R2M"),
        ("００１２４Ｑ３１２３４Ｒ２Ｍ", "00124Q31234R2M"),
        ("00124 Q3 1234 R2M", "00124Q31234R2M"),
        ("No. 00124Q31234R2M", "00124Q31234R2M"),
        ("NO:00124Q31234R2M", "00124Q31234R2M"),
        ("no.00124q31234r2m", "00124Q31234R2M"),
        ("证书编号：00124Q31234R2M", "00124Q31234R2M"),
        ("Cert. No. CQC23001401234", "CQC23001401234"),
        ("LN—EMS—2023—0012", "LN-EMS-2023-0012"),
        ("NOA-123", "NOA-123"),  # "NO" that is part of the number stays
    ],
)
def test_normalises_messy_numbers(typed, canonical):
    assert normalise_certificate_number(typed) == canonical


@pytest.mark.parametrize("typed", ["", "   ", "No.", "A" * 61, "123\x00456"])
def test_refuses_unusable_numbers(typed):
    with pytest.raises(InvalidCertificateNumber):
        normalise_certificate_number(typed)


def test_type_list_holds_the_issue_types_and_no_accreditations():
    types = certification_types()
    for code in ("CCC-07", "MS-QMS", "MS-EMS", "MS-OHSMS", "MS-ISMS", "MS-EnMS", "MS-FSMS"):
        assert code in types
    assert "MS-HACCP" in types and "PC-GREEN" in types and "PC-ORG" in types
    assert "PC-LOWC" in types and "PC-ENERGY" in types and "SC-GEN" in types
    assert not any(code.startswith("AC-") for code in types)
    assert canonical_type_code("ms-enms") == "MS-EnMS"
    assert canonical_type_code("MS_QMS") == "MS-QMS"
    assert canonical_type_code("XYZ") is None


@pytest.mark.parametrize(
    ("current", "wanted", "renewed", "allowed"),
    [
        ("active", "suspended", False, True),
        ("active", "withdrawn", False, True),
        ("active", "expired", False, True),
        ("active", "cancelled", False, True),
        ("suspended", "active", False, True),  # restored
        ("suspended", "withdrawn", False, True),
        ("withdrawn", "active", False, False),
        ("withdrawn", "active", True, False),
        ("withdrawn", "suspended", False, False),
        ("cancelled", "active", False, False),
        ("expired", "active", False, False),
        ("expired", "active", True, True),  # a renewal
        ("expired", "suspended", False, False),
        ("active", "active", False, True),
    ],
)
def test_transitions(current, wanted, renewed, allowed):
    assert (transition_problem(current, wanted, renewed=renewed) is None) is allowed
