"""Standards models, one module per concern; importing them here registers them with Django."""

from qihub.standards.models import declarations, projects  # noqa: F401 - registers models
from qihub.standards.models.catalogue import Standard, StandardQuerySet

__all__ = ["Standard", "StandardQuerySet"]
