"""Errors raised by the standards catalogue."""

from __future__ import annotations

from qihub.core.errors import DomainError, NotFound


class StandardNotFound(NotFound):
    code = "standard_not_found"


class InvalidStandard(DomainError):
    code = "invalid_standard"
