"""Buyers' tools (a signed-in user's watchlist, bulk verification of a supplier list),
regulators' risk warnings, and the certification figures the plan's targets use."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut
from qihub.api.schemas.certificate_tools import (
    BulkVerifyIn,
    BulkVerifyOut,
    FiguresOut,
    RiskStatusIn,
    RiskWarningOut,
    RiskWarningPage,
    WatchIn,
    WatchOut,
)
from qihub.api.security import AUTHENTICATED
from qihub.certification.bulk_verify import verify_list
from qihub.certification.figures import certification_figures
from qihub.certification.models import RiskWarning, WatchlistEntry
from qihub.certification.risk import change_warning_status, warning_for, warnings_visible_to
from qihub.certification.watchlists import (
    add_watch,
    certificates_watched,
    remove_watch,
    watches_of,
)
from qihub.core.http import AuthenticatedRequest

router = Router(tags=["certificate tools"])

NOT_FOUND = {404: ProblemOut}
CONFLICT = {409: ProblemOut}


def watch_out(entry: WatchlistEntry) -> dict[str, Any]:
    return {
        "public_id": entry.public_id,
        "kind": entry.kind,
        "value": entry.value,
        "note": entry.note,
        "created_at": entry.created_at,
        "certificates": [
            {
                "public_id": c.public_id,
                "number": c.number,
                "cb_name": c.cb.name,
                "holder_name": c.holder_name,
                "cert_type": c.cert_type,
                "effective_status": c.effective_status,
                "expires_on": c.expires_on.isoformat(),
            }
            for c in certificates_watched(entry)[:50]
        ],
    }


@router.get(
    "/watchlist",
    auth=AUTHENTICATED,
    response={200: list[WatchOut], **AUTH_ERRORS},
    url_name="watchlist",
    summary="My watchlist: certificate numbers and suppliers, with their certificates now",
)
def list_watches(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    return [watch_out(entry) for entry in watches_of(request.auth)]


@router.post(
    "/watchlist",
    auth=AUTHENTICATED,
    response={201: WatchOut, **CONFLICT, **AUTH_ERRORS},
    url_name="watchlist-add",
    summary="Watch a certificate number (any spelling) or a supplier's USCC",
    description=(
        "Without `kind`, a valid USCC is a supplier and anything else a certificate number. "
        "You are notified in-app when a watched certificate's status changes or it will "
        "expire within 30 days. 409 when already watched."
    ),
)
def add_to_watchlist(request: AuthenticatedRequest, payload: WatchIn) -> Status[dict[str, Any]]:
    entry = add_watch(user=request.auth, value=payload.value, kind=payload.kind, note=payload.note)
    return Status(201, watch_out(entry))


@router.delete(
    "/watchlist/{public_id}",
    auth=AUTHENTICATED,
    response={204: None, **NOT_FOUND, **AUTH_ERRORS},
    url_name="watchlist-remove",
    summary="Stop watching",
)
def remove_from_watchlist(request: AuthenticatedRequest, public_id: UUID) -> Status[None]:
    remove_watch(user=request.auth, public_id=public_id)
    return Status(204, None)


@router.post(
    "/certificates/bulk-verify",
    response={200: BulkVerifyOut, 403: ProblemOut, **ERRORS},
    url_name="certificate-bulk-verify",
    summary="Verify up to 1,000 suppliers at once: exact (USCC) / loose (name) / none",
    description=(
        "Each supplier's certificates with how they matched: `exact` by USCC, `loose` by the "
        "name without spacing, punctuation, legal form (有限公司…) or place names, `none`. "
        "Bad rows are listed in `bad_rows` (line = position from 1); nothing is stored. "
        "Free and open to all; like every unsafe call it needs a bearer token or, from a "
        "browser session, the CSRF token (403 otherwise)."
    ),
)
def bulk_verify(request: HttpRequest, payload: BulkVerifyIn) -> dict[str, Any]:
    result = verify_list([s.model_dump() for s in payload.suppliers])
    return {
        "counts": result.counts,
        "results": [r.as_dict() for r in result.results],
        "bad_rows": [b.as_dict() for b in result.bad_rows],
    }


class RiskFilters(Schema):
    rule: Annotated[str, Field(max_length=30, pattern=r"^[a-z_]*$")] = ""
    status: Annotated[str, Field(pattern=r"^(|open|acknowledged|resolved|dismissed|live)$")] = ""
    city: Annotated[str, Field(pattern=r"^(|\d{6})$")] = ""
    cb: Annotated[str, Field(max_length=18, pattern=r"^[0-9A-Za-z]*$")] = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def warning_out(warning: RiskWarning) -> dict[str, Any]:
    return {
        "id": warning.public_id,
        "rule": warning.rule,
        "rule_name": str(RiskWarning.Rule(warning.rule).label),
        "severity": warning.severity,
        "status": warning.status,
        "status_reason": warning.status_reason,
        "subject_key": warning.subject_key,
        "certificate_number": warning.certificate.number if warning.certificate else None,
        "cb": {"uscc": warning.cb.uscc, "name": warning.cb.name} if warning.cb else None,
        "city": {"code": warning.city.code, "name": warning.city.name} if warning.city else None,
        "reasoning": warning.reasoning,
        "details": warning.details,
        "assignee": warning.assignee.get_username() if warning.assignee else None,
        "first_seen": warning.first_seen,
        "last_seen": warning.last_seen,
    }


def filtered_warnings(user: Any, filters: Any) -> Any:
    found = warnings_visible_to(user)
    if filters.rule:
        found = found.filter(rule=filters.rule)
    if filters.status == "live":
        found = found.filter(status__in=["open", "acknowledged"])
    elif filters.status:
        found = found.filter(status=filters.status)
    if filters.city:
        found = found.filter(city__code=filters.city)
    if filters.cb:
        found = found.filter(cb__uscc=filters.cb.upper())
    return found.order_by("status", "-last_seen", "-id")


@router.get(
    "/risk-warnings",
    auth=AUTHENTICATED,
    response={200: RiskWarningPage, **AUTH_ERRORS},
    url_name="risk-warning-list",
    summary="Risk warnings (regulators: a city bureau sees its city's; others see none)",
)
def list_warnings(request: AuthenticatedRequest, filters: Query[RiskFilters]) -> dict[str, Any]:
    found = filtered_warnings(request.auth, filters)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [warning_out(w) for w in page],
    }


@router.post(
    "/risk-warnings/{public_id}/status",
    auth=AUTHENTICATED,
    response={200: RiskWarningOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="risk-warning-status",
    summary="Acknowledge, resolve or dismiss (with a reason) a warning",
)
def set_warning_status(
    request: AuthenticatedRequest, public_id: UUID, payload: RiskStatusIn
) -> dict[str, Any]:
    warning = warning_for(request.auth, public_id)
    change_warning_status(
        warning=warning, status=payload.status, reason=payload.reason, by=request.auth
    )
    return warning_out(warning_for(request.auth, public_id))


@router.get(
    "/certificates/figures",
    response={200: FiguresOut, **ERRORS},
    url_name="certificate-figures",
    summary="Valid certificates and certified organisations: by city, type, month; targets",
)
def figures(request: HttpRequest) -> dict[str, Any]:
    return certification_figures()
