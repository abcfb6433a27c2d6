"""Factories for qualifications and capability lines with realistic Liaoning data."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory
from qihub.institutions.models import CapabilityLine, CapabilityStandard, Qualification
from qihub.institutions.scope import natural_key


def cma_number(serial: int, year: int = 21) -> str:
    """A valid 12-digit CMA number issued by Liaoning's authority (06), field 01, ministry 00."""
    return f"{year:02d}060100{serial % 10000:04d}"


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("type", "number")

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.TESTING_LAB)
    type = "CMA"
    number = factory.Sequence(lambda n: cma_number(n + 1))
    issuer = "辽宁省市场监督管理局"
    valid_from = date(2021, 6, 1)
    valid_to = date(2027, 5, 31)
    status = Qualification.Status.VALID
    cma_year = factory.LazyAttribute(
        lambda q: 2000 + int(q.number[:2]) if q.type == "CMA" else None
    )
    cma_authority = factory.LazyAttribute(lambda q: q.number[2:4] if q.type == "CMA" else "")
    cma_field = factory.LazyAttribute(lambda q: q.number[4:6] if q.type == "CMA" else "")


class CapabilityLineFactory(DjangoModelFactory):
    """A test line on a CMA: 钢筋 / 抗拉强度 by GB/T 228.1-2021 (no catalogue link)."""

    class Meta:
        model = CapabilityLine

    qualification = factory.SubFactory(QualificationFactory)
    organisation = factory.LazyAttribute(lambda line: line.qualification.organisation)
    kind = CapabilityLine.Kind.TEST
    object = "钢筋混凝土用钢"
    parameter = factory.Sequence(lambda n: f"抗拉强度{n}")
    standards_text = "GB/T 228.1-2021"
    range_text = "0~1000 MPa"
    range_min = 0.0
    range_max = 1000.0
    unit = "MPa"
    dimension = "pressure"
    range_min_base = 0.0
    range_max_base = 1e9
    search_text = factory.LazyAttribute(lambda line: f"钢筋 混凝土 用 钢 {line.parameter}")
    natural_key = factory.LazyAttribute(
        lambda line: natural_key(
            uscc=line.organisation.uscc,
            qualification_number=line.qualification.number if line.qualification else "",
            kind=line.kind,
            object=line.object,
            parameter=line.parameter,
            codes=[c.strip() for c in line.standards_text.split(";") if c.strip()],
        )
    )


class CapabilityStandardFactory(DjangoModelFactory):
    class Meta:
        model = CapabilityStandard

    line = factory.SubFactory(CapabilityLineFactory)
    code = "GB/T 228.1-2021"
    base_code = "GB/T 228.1"
    year = 2021
    is_known = False
