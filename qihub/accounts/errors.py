"""Errors raised by accounts services."""

from __future__ import annotations

from qihub.core.errors import Conflict, DomainError, NotFound


class UnknownRegion(DomainError):  # noqa: N818
    code = "unknown_region"


class InvalidOrganisation(DomainError):  # noqa: N818
    code = "invalid_organisation"


class OrganisationExists(Conflict):  # noqa: N818
    code = "organisation_exists"


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"


class InvalidPassword(DomainError):  # noqa: N818
    code = "invalid_password"
