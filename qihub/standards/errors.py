"""Errors raised by the standards catalogue."""

from __future__ import annotations

from qihub.core.errors import DomainError, NotFound


class StandardNotFound(NotFound):
    code = "standard_not_found"


class InvalidStandard(DomainError):
    code = "invalid_standard"


# --- local-standard projects (pipeline.py) ---------------------------------------------------


class LocalStandardProjectError(DomainError):
    code = "local_standard_project_error"


class ProjectActionNotAllowed(LocalStandardProjectError):
    """The acting user may not do this to this project (not the regulator, not a drafter)."""

    code = "project_action_not_allowed"
    status = 403


class StageOutOfOrder(LocalStandardProjectError):
    code = "stage_out_of_order"
    status = 409


class DateOutOfOrder(LocalStandardProjectError):
    code = "date_out_of_order"


class ConsultationNotOpen(LocalStandardProjectError):
    code = "consultation_not_open"
    status = 409


class InvalidConsultationPeriod(LocalStandardProjectError):
    code = "invalid_consultation_period"


class CommentAlreadyAnswered(LocalStandardProjectError):
    code = "comment_already_answered"
    status = 409


class ReviewNotAllowed(LocalStandardProjectError):
    code = "review_not_allowed"
    status = 409


# --- enterprise self-declarations (declarations.py) -------------------------------------------


class DeclarationError(DomainError):
    code = "declaration_error"


class InvalidDeclaration(DeclarationError):
    code = "invalid_declaration"


class DeclarationNotAllowed(DeclarationError):
    """Only members of the enterprise (or platform admins) may declare for it."""

    code = "declaration_not_allowed"
    status = 403


class DeclaredStandardUnknown(DeclarationError):
    """A cited (non-own) standard is not in the catalogue."""

    code = "declared_standard_unknown"


class DeclaredStandardNotInForce(DeclarationError):
    """A cited edition is superseded, withdrawn or not yet in force."""

    code = "declared_standard_not_in_force"


class WeakerIndicatorsUndisclosed(DeclarationError):
    """An indicator is weaker than the national recommended standard's and no disclosure
    text says so (《标准化法》第二十七条)."""

    code = "weaker_indicators_undisclosed"


class IndicatorBelowMandatory(DeclarationError):
    code = "indicator_below_mandatory"
