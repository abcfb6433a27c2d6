"""Factories for certificates and the certification bodies that issue them."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory
from qihub.certification.models import Certificate, CertificateStatusChange
from qihub.institutions.models import Qualification
from qihub.institutions.tests.factories import QualificationFactory


def approve_body(organisation: Organisation, serial: int = 1) -> Qualification:
    """Give ``organisation`` a CNCA-CB approval valid 2020–2030."""
    return QualificationFactory(
        organisation=organisation,
        type="CNCA-CB",
        number=f"CNCA-R-2020-{serial:03d}",
        issuer="国家认证认可监督管理委员会",
        valid_from=date(2020, 1, 1),
        valid_to=date(2030, 12, 31),
    )


class CertificateFactory(DjangoModelFactory):
    """A quality-management certificate, active 2024-01-15 to 2027-01-14."""

    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"00124Q3{n:05d}R0M")
    cb = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CERTIFICATION_BODY)
    holder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.ENTERPRISE)
    holder_name = factory.LazyAttribute(lambda c: c.holder.name)
    cert_type = "MS-QMS"
    standards_text = "GB/T 19001-2016"
    standard_codes = factory.LazyFunction(lambda: ["GB/T 19001-2016"])
    scope = "阀门的设计、生产和服务"
    issued_on = date(2024, 1, 15)
    expires_on = date(2027, 1, 14)
    status = Certificate.Status.ACTIVE

    @factory.post_generation
    def history(obj: Certificate, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            CertificateStatusChange.objects.create(
                certificate=obj, from_status="", to_status=obj.status, source="import"
            )
