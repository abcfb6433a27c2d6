"""Service requests: post a need, get proposals, invite, quote or decline, accept, follow the
order, rate it. Session or bearer auth on every route; what a caller may not see is a 404."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from qihub.accounts.models import Organisation
from qihub.api.errors import AUTH_ERRORS, ProblemOut
from qihub.api.schemas.requests import (
    CancelOrderIn,
    InvitationOut,
    InvitationPage,
    InviteIn,
    OrderOut,
    OrderStatusIn,
    ProposalsOut,
    QuoteIn,
    RatingIn,
    RatingOut,
    ReasonIn,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestPage,
)
from qihub.api.security import AUTHENTICATED
from qihub.core.http import AuthenticatedRequest
from qihub.matching.models import Invitation, Order, Quote, ServiceRequest
from qihub.matching.request_queries import (
    invitations_of,
    order_view,
    request_view,
    requests_of,
)
from qihub.matching.requests import (
    InvalidServiceRequest,
    accept_quote,
    advance_order,
    cancel_order,
    cancel_request,
    create_request,
    decline_invitation,
    enterprises_of,
    invite,
    propose_matches,
    rate_order,
    submit_quote,
)

router = Router(tags=["service requests"], auth=AUTHENTICATED)

NOT_FOUND = {404: ProblemOut}
CONFLICT = {409: ProblemOut}


class PageFilters(Schema):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


class InboxFilters(PageFilters):
    status: Annotated[
        str,
        Field(pattern=r"^(|invited|quoted|declined|not_responding|withdrawn|accepted|closed)$"),
    ] = ""


class ProposalFilters(Schema):
    limit: Annotated[int, Field(ge=1, le=50)] = 10


def _org(organisation: Organisation) -> dict[str, str]:
    return {"uscc": organisation.uscc, "name": organisation.name}


def _quote(quote: Quote | None) -> dict[str, Any] | None:
    if quote is None:
        return None
    return {
        "public_id": quote.public_id,
        "price_cny": quote.price_cny,
        "days": quote.days,
        "conditions": quote.conditions,
        "valid_until": quote.valid_until,
        "created_at": quote.created_at,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    request = invitation.request
    return {
        "public_id": invitation.public_id,
        "request_id": request.public_id,
        "request_title": request.title,
        "need_text": request.need_text,
        "enterprise": _org(request.enterprise),
        "institution": _org(invitation.institution),
        "status": invitation.status,
        "invited_at": invitation.invited_at,
        "due_at": invitation.due_at,
        "reminded_at": invitation.reminded_at,
        "responded_at": invitation.responded_at,
        "decline_reason": invitation.decline_reason,
        "match_reasons": [str(r) for r in invitation.match_reasons],
        "quote": _quote(invitation.current_quote),
    }


def request_out(request: ServiceRequest) -> dict[str, Any]:
    return {
        "public_id": request.public_id,
        "title": request.title,
        "description": request.description,
        "need_text": request.need_text,
        "need": request.need,
        "kind": request.kind,
        "city_code": request.city.code if request.city is not None else None,
        "budget_cny": request.budget_cny,
        "due_on": request.due_on,
        "status": request.status,
        "enterprise": _org(request.enterprise),
        "created_at": request.created_at,
    }


def request_detail(request: ServiceRequest, user: Any) -> dict[str, Any]:
    view = request_view(request, user)
    return {
        **request_out(request),
        "invitations": [invitation_out(i) for i in view.invitations],
        "order_id": view.order.public_id if view.order is not None else None,
    }


def order_out(order: Order, user: Any) -> dict[str, Any]:
    view = order_view(order, user)
    rating = view.rating
    return {
        "public_id": order.public_id,
        "request_id": order.request.public_id,
        "request_title": order.request.title,
        "enterprise": _org(order.enterprise),
        "institution": _org(order.institution),
        "status": order.status,
        "price_cny": order.quote.price_cny,
        "days": order.quote.days,
        "report_number": order.report_number,
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at,
        "timeline": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "note": change.note,
                "changed_at": change.changed_at,
            }
            for change in view.timeline
        ],
        "rating": None
        if rating is None
        else {"score": rating.score, "comment": rating.comment, "created_at": rating.created_at},
    }


def _visible_request(request: AuthenticatedRequest, public_id: UUID) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.visible_to(request.auth).select_related("enterprise", "city"),
        public_id=public_id,
    )


def _visible_invitation(request: AuthenticatedRequest, public_id: UUID) -> Invitation:
    return get_object_or_404(
        Invitation.objects.visible_to(request.auth).select_related(
            "request__enterprise", "request__city", "institution"
        ),
        public_id=public_id,
    )


def _visible_order(request: AuthenticatedRequest, public_id: UUID) -> Order:
    return get_object_or_404(
        Order.objects.visible_to(request.auth).select_related(
            "request", "institution", "enterprise", "quote"
        ),
        public_id=public_id,
    )


def _posting_enterprise(request: AuthenticatedRequest, uscc: str) -> Organisation:
    if uscc:
        return get_object_or_404(
            Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE), uscc=uscc.upper()
        )
    mine = enterprises_of(request.auth)
    if len(mine) != 1:
        raise InvalidServiceRequest(
            _("请用 enterprise 字段指明代表哪家企业发布") if mine else _("您不是任何企业的成员")
        )
    return mine[0]


# --- requests ---------------------------------------------------------------------------------


@router.post(
    "/requests",
    response={201: RequestOut, **NOT_FOUND, **AUTH_ERRORS},
    url_name="request-create",
    summary="Post a service request for an enterprise you belong to",
)
def create(request: AuthenticatedRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    enterprise = _posting_enterprise(request, payload.enterprise)
    created = create_request(
        enterprise=enterprise,
        by=request.auth,
        need_text=payload.need_text,
        title=payload.title,
        description=payload.description,
        kind=payload.kind,
        city_code=payload.city,
        budget_cny=payload.budget_cny,
        due_on=payload.due_on,
    )
    return Status(201, request_out(created))


@router.get(
    "/requests",
    response={200: RequestPage, **AUTH_ERRORS},
    url_name="request-list",
    summary="The requests of the enterprises I belong to, newest first",
)
def list_requests(request: AuthenticatedRequest, filters: Query[PageFilters]) -> dict[str, Any]:
    found = requests_of(request.auth)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [request_out(r) for r in page],
    }


@router.get(
    "/requests/{public_id}",
    response={200: RequestDetailOut, **NOT_FOUND, **AUTH_ERRORS},
    url_name="request-detail",
    summary="One request with the invitations I may see (an institution: only its own)",
)
def get_request(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    return request_detail(_visible_request(request, public_id), request.auth)


@router.get(
    "/requests/{public_id}/matches",
    response={200: ProposalsOut, **NOT_FOUND, **AUTH_ERRORS},
    url_name="request-matches",
    summary="Institutions the platform proposes for the request, not yet invited",
)
def proposals(
    request: AuthenticatedRequest, public_id: UUID, filters: Query[ProposalFilters]
) -> dict[str, Any]:
    found = _visible_request(request, public_id)
    result = propose_matches(request=found, by=request.auth, limit=filters.limit)
    return {
        "understood": result.need.as_dict(),
        "results": [item.as_dict() for item in result.results],
    }


@router.post(
    "/requests/{public_id}/invitations",
    response={201: InvitationOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="request-invite",
    summary="Invite an institution to quote (it has three working days to answer)",
)
def invite_institution(
    request: AuthenticatedRequest, public_id: UUID, payload: InviteIn
) -> Status[dict[str, Any]]:
    found = _visible_request(request, public_id)
    institution = get_object_or_404(
        Organisation.objects.visible_to(request.auth), uscc=payload.institution.upper()
    )
    invitation = invite(request=found, institution=institution, by=request.auth)
    return Status(201, invitation_out(invitation))


@router.post(
    "/requests/{public_id}/cancel",
    response={200: RequestOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="request-cancel",
    summary="Cancel an open request; its open invitations are withdrawn",
)
def cancel(request: AuthenticatedRequest, public_id: UUID, payload: ReasonIn) -> dict[str, Any]:
    found = _visible_request(request, public_id)
    return request_out(cancel_request(request=found, by=request.auth, reason=payload.reason))


# --- invitations ------------------------------------------------------------------------------


@router.get(
    "/invitations",
    response={200: InvitationPage, **AUTH_ERRORS},
    url_name="invitation-list",
    summary="My institutions' invitations (the inbox), newest first",
)
def inbox(request: AuthenticatedRequest, filters: Query[InboxFilters]) -> dict[str, Any]:
    found = invitations_of(request.auth, status=filters.status)
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [invitation_out(i) for i in page],
    }


@router.get(
    "/invitations/{public_id}",
    response={200: InvitationOut, **NOT_FOUND, **AUTH_ERRORS},
    url_name="invitation-detail",
    summary="One invitation (its institution, or the requesting enterprise)",
)
def get_invitation(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    return invitation_out(_visible_invitation(request, public_id))


@router.post(
    "/invitations/{public_id}/quote",
    response={201: InvitationOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="invitation-quote",
    summary="Quote (or revise the quote) for an invitation",
)
def quote(
    request: AuthenticatedRequest, public_id: UUID, payload: QuoteIn
) -> Status[dict[str, Any]]:
    invitation = _visible_invitation(request, public_id)
    submit_quote(
        invitation=invitation,
        by=request.auth,
        price_cny=payload.price_cny,
        days=payload.days,
        conditions=payload.conditions,
        valid_until=payload.valid_until,
    )
    return Status(201, invitation_out(_visible_invitation(request, public_id)))


@router.post(
    "/invitations/{public_id}/decline",
    response={200: InvitationOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="invitation-decline",
    summary="Decline an invitation (withdrawing any quote given)",
)
def decline(request: AuthenticatedRequest, public_id: UUID, payload: ReasonIn) -> dict[str, Any]:
    invitation = _visible_invitation(request, public_id)
    decline_invitation(invitation=invitation, by=request.auth, reason=payload.reason)
    return invitation_out(_visible_invitation(request, public_id))


@router.post(
    "/quotes/{public_id}/accept",
    response={201: OrderOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="quote-accept",
    summary="Accept a current quote: the request's order; the other invitations are closed",
)
def accept(request: AuthenticatedRequest, public_id: UUID) -> Status[dict[str, Any]]:
    found = get_object_or_404(
        Quote.objects.filter(invitation__in=Invitation.objects.visible_to(request.auth)),
        public_id=public_id,
    )
    order = accept_quote(quote=found, by=request.auth)
    return Status(201, order_out(_visible_order(request, order.public_id), request.auth))


# --- orders -----------------------------------------------------------------------------------


@router.get(
    "/orders/{public_id}",
    response={200: OrderOut, **NOT_FOUND, **AUTH_ERRORS},
    url_name="order-detail",
    summary="One order with its dated status timeline (its two sides only)",
)
def get_order(request: AuthenticatedRequest, public_id: UUID) -> dict[str, Any]:
    return order_out(_visible_order(request, public_id), request.auth)


@router.post(
    "/orders/{public_id}/status",
    response={200: OrderOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="order-advance",
    summary="Move an order one step (institution up to report issued; enterprise: completed)",
)
def advance(
    request: AuthenticatedRequest, public_id: UUID, payload: OrderStatusIn
) -> dict[str, Any]:
    order = advance_order(
        order=_visible_order(request, public_id),
        by=request.auth,
        to_status=payload.status,
        report_number=payload.report_number,
        note=payload.note,
    )
    return order_out(_visible_order(request, order.public_id), request.auth)


@router.post(
    "/orders/{public_id}/cancel",
    response={200: OrderOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="order-cancel",
    summary="Cancel an order before it is completed, with a reason",
)
def cancel_an_order(
    request: AuthenticatedRequest, public_id: UUID, payload: CancelOrderIn
) -> dict[str, Any]:
    order = cancel_order(
        order=_visible_order(request, public_id), by=request.auth, reason=payload.reason
    )
    return order_out(_visible_order(request, order.public_id), request.auth)


@router.post(
    "/orders/{public_id}/rating",
    response={201: RatingOut, **NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
    url_name="order-rate",
    summary="Rate a completed order, once (1–5 and a comment)",
)
def rate(
    request: AuthenticatedRequest, public_id: UUID, payload: RatingIn
) -> Status[dict[str, Any]]:
    rating = rate_order(
        order=_visible_order(request, public_id),
        by=request.auth,
        score=payload.score,
        comment=payload.comment,
    )
    return Status(
        201, {"score": rating.score, "comment": rating.comment, "created_at": rating.created_at}
    )
