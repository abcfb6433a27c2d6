"""Errors raised by the certification app."""

from __future__ import annotations

from dataclasses import dataclass

from qihub.core.errors import Conflict, DomainError, NotFound


class InvalidCertificate(DomainError):
    """A certificate record is wrong; ``errors`` holds (field, message) pairs, one per problem."""

    code = "certificate_invalid"

    def __init__(self, detail: str, *, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class NotACertificationBody(DomainError):
    """Only an organisation with an effectively valid CNCA-CB approval may report certificates."""

    code = "not_a_certification_body"
    status = 403


class StatusTransitionNotAllowed(Conflict):
    """The recorded status cannot change that way (see ``transitions.py``)."""

    code = "certificate_status_transition_not_allowed"


class CertificateNotFound(NotFound):
    code = "certificate_not_found"


@dataclass(frozen=True)
class ItemError:
    """One problem with one item of an upload: ``index`` counts from 0 in the batch."""

    index: int
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "field": self.field, "message": self.message}


class BatchInvalid(DomainError):
    """At least one item of a batch is wrong; nothing of the batch was written."""

    code = "certificate_batch_invalid"
    status = 422

    def __init__(self, detail: str, *, errors: list[ItemError]) -> None:
        super().__init__(detail)
        self.errors = errors
