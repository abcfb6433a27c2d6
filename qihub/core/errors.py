"""Domain errors. Every app raises subclasses; the API maps them to problem+json by ``code``."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. ``code`` is stable and part of the API contract."""

    code = "domain_error"
    status = 400

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
