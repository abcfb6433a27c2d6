"""Realistic entries for the standardisation registries, written through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee
from qihub.standards.registries import (
    CommitteeData,
    ContributionData,
    PilotProjectData,
    record_contribution,
    register_committee,
    register_pilot_project,
)


def standards_institute() -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(8101),
        name="辽宁省标准化研究院",
        kind=Organisation.Kind.STANDARDS_BODY,
    )


def dalian_enterprise() -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(8102, "210200"),
        name="大连海珍品养殖有限公司",
        kind=Organisation.Kind.ENTERPRISE,
        city=Region.objects.get(code="210200"),
    )


def committee_data(secretariat: Organisation, **changes: Any) -> CommitteeData:
    values: dict[str, Any] = {
        "code": "LN/TC 12",
        "name_zh": "辽宁省装备制造业标准化技术委员会",
        "name_en": "Liaoning Technical Committee for Standardization of Equipment Manufacturing",
        "scope": "通用机械、重型装备、数控机床、工业机器人",
        "secretariat": secretariat,
        "chair": "王建国",
        "member_count": 41,
        "established_on": dt.date(2015, 6, 18),
    }
    values.update(changes)
    return CommitteeData(**values)


def make_committee(secretariat: Organisation, **changes: Any) -> TechnicalCommittee:
    return register_committee(data=committee_data(secretariat, **changes), by=None)


def pilot_data(organisation: Organisation, **changes: Any) -> PilotProjectData:
    values: dict[str, Any] = {
        "name_zh": "大连市海参标准化养殖示范区",
        "kind": PilotProject.Kind.DEMONSTRATION,
        "field": PilotProject.Field.AGRICULTURE,
        "level": PilotProject.Level.NATIONAL,
        "organisation": organisation,
        "started_on": dt.date(2021, 3, 1),
        "due_on": dt.date(2023, 3, 1),
        "status": PilotProject.Status.ACCEPTED,
        "accepted_on": dt.date(2023, 4, 20),
    }
    values.update(changes)
    return PilotProjectData(**values)


def make_pilot(organisation: Organisation, **changes: Any) -> PilotProject:
    return register_pilot_project(data=pilot_data(organisation, **changes), by=None)


def make_contribution(
    organisation: Organisation, code: str = "GB/T 228.1-2021", **changes: Any
) -> NationalStandardContribution:
    values: dict[str, Any] = {
        "standard_code": code,
        "organisation": organisation,
        "role": NationalStandardContribution.Role.PARTICIPATE,
    }
    values.update(changes)
    return record_contribution(data=ContributionData(**values), by=None)
