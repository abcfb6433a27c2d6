"""Errors raised by accounts services."""

from __future__ import annotations

from qihub.core.errors import Conflict, DomainError, NotFound


class UnknownRegion(DomainError):
    code = "unknown_region"


class InvalidOrganisation(DomainError):
    code = "invalid_organisation"


class OrganisationExists(Conflict):
    code = "organisation_exists"


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"


class InvalidPassword(DomainError):
    code = "invalid_password"
