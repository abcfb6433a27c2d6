"""Standards models, one module per concern; importing them here registers them with Django."""

from qihub.standards.models import declarations, projects  # noqa: F401 - registers models
from qihub.standards.models.catalogue import Standard, StandardQuerySet
from qihub.standards.models.registries import (
    NationalStandardContribution,
    PilotProject,
    TechnicalCommittee,
)

__all__ = [
    "NationalStandardContribution",
    "PilotProject",
    "Standard",
    "StandardQuerySet",
    "TechnicalCommittee",
]
