"""Errors raised by the institutions app: qualifications and capability scopes."""

from __future__ import annotations

from qihub.core.errors import Conflict, DomainError, NotFound, PermissionDenied


class InstitutionNotFound(NotFound):
    code = "institution_not_found"


class NotAnInstitution(DomainError):
    """Qualifications and scopes belong to institutions, not to enterprises or regulators."""

    code = "not_an_institution"


class InvalidQualification(DomainError):
    code = "qualification_invalid"


class QualificationNotFound(NotFound):
    code = "qualification_not_found"


class QualificationNumberTaken(Conflict):
    """The number is already recorded for another organisation."""

    code = "qualification_number_taken"


class StatusChangeNotAllowed(PermissionDenied):
    """Only platform administrators may lift a suspension or a revocation."""

    code = "qualification_status_locked"


class InvalidCapability(DomainError):
    """A capability line is structurally wrong; ``errors`` holds (column, message) pairs."""

    code = "capability_invalid"

    def __init__(self, detail: str, *, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class CapabilityNotFound(NotFound):
    code = "capability_not_found"
