"""Filters spelled out as Literal choices in the API (so OpenAPI enum names do not clash, see
test_openapi) must stay the models' choices."""

from typing import get_args

import pytest

from qihub.api.routers import institutions, standards_registries
from qihub.api.schemas import proficiency
from qihub.institutions.models import CapabilityLine
from qihub.proficiency.models import Classification, FollowUp, Round
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (institutions.CapabilityKind, CapabilityLine.Kind),
        (standards_registries.CommitteeStatus, TechnicalCommittee.Status),
        (standards_registries.PilotKind, PilotProject.Kind),
        (standards_registries.PilotField, PilotProject.Field),
        (standards_registries.PilotLevel, PilotProject.Level),
        (standards_registries.PilotStatus, PilotProject.Status),
        (standards_registries.ContributionRole, NationalStandardContribution.Role),
        (proficiency.RoundStatus, Round.Status),
        (proficiency.FollowUpStatus, FollowUp.Status),
        (proficiency.Classification, Classification),
    ],
)
def test_api_choices_are_the_models_choices(literal, choices):
    assert set(get_args(literal)) == set(choices.values)
