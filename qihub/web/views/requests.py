"""Service-request pages: my requests (or my institution's invitations), posting a need, one
request with proposed matches and quotes side by side, an institution's answer page, and an
order's timeline. Everything is found through ``visible_to(user)``: what one may not see is a
404. Writes are POST forms (CSRF-protected) that redirect back with a message."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qihub.accounts.models import Organisation, User
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.matching.engine import MatchResult
from qihub.matching.models import Invitation, Order, Quote, ServiceRequest
from qihub.matching.request_queries import (
    invitations_of,
    order_view,
    orders_of,
    request_view,
    requests_of,
)
from qihub.matching.requests import (
    accept_quote,
    advance_order,
    cancel_order,
    cancel_request,
    create_request,
    decline_invitation,
    enterprises_of,
    invite,
    is_member,
    propose_matches,
    rate_order,
    submit_quote,
)
from qihub.web.forms.requests import (
    AdvanceForm,
    QuoteForm,
    RatingForm,
    ReasonForm,
    RequestForm,
    RequiredReasonForm,
)

MAX_PREFILL = 200


def _user(request: HtmxRequest) -> User:
    return cast(User, request.user)


def _request(request: HtmxRequest, public_id: UUID) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.visible_to(request.user).select_related("enterprise", "city"),
        public_id=public_id,
    )


def _invitation(request: HtmxRequest, public_id: UUID) -> Invitation:
    return get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related(
            "request__enterprise", "request__city", "institution"
        ),
        public_id=public_id,
    )


def _order(request: HtmxRequest, public_id: UUID) -> Order:
    return get_object_or_404(
        Order.objects.visible_to(request.user).select_related(
            "request", "institution", "enterprise", "quote"
        ),
        public_id=public_id,
    )


@require_safe
@login_required
def request_list(request: HtmxRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "web/requests/list.html",
        {
            "requests": list(requests_of(user)[:100]),
            "invitations": list(invitations_of(user)[:100]),
            "orders": list(orders_of(user)[:100]),
            "can_post": bool(enterprises_of(user)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def request_new(request: HtmxRequest) -> HttpResponse:
    user = _user(request)
    enterprises = enterprises_of(user)
    if request.method == "POST":
        form = RequestForm(request.POST, enterprises=enterprises)
        if enterprises and form.is_valid():
            data = form.cleaned_data
            enterprise = next(o for o in enterprises if o.uscc == data["enterprise"])
            try:
                created = create_request(
                    enterprise=enterprise,
                    by=user,
                    need_text=data["need_text"],
                    title=data["title"],
                    description=data["description"],
                    kind=data["kind"],
                    city_code=data["city"],
                    budget_cny=data["budget_cny"],
                    due_on=data["due_on"],
                )
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("服务需求已发布。请从推荐机构中选择邀请报价。"))
                return redirect("web:request-detail", public_id=created.public_id)
        status = 400
    else:
        # Prefilled from the search page: /requests/new/?q=…&kind=…&city=…
        initial = {
            "need_text": request.GET.get("q", "")[:MAX_PREFILL],
            "kind": request.GET.get("kind", "")[:20],
            "city": request.GET.get("city", "")[:12],
        }
        form = RequestForm(initial=initial, enterprises=enterprises)
        status = 200
    return render(
        request,
        "web/requests/new.html",
        {"form": form, "can_post": bool(enterprises)},
        status=status,
    )


@require_safe
@login_required
def request_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _request(request, public_id)
    user = _user(request)
    view = request_view(found, user)
    proposals: MatchResult | None = None
    if view.is_enterprise_side and found.is_open:
        proposals = propose_matches(request=found, by=user, limit=10)
    return render(
        request,
        "web/requests/detail.html",
        {
            "service_request": found,
            "view": view,
            "proposals": proposals,
            "cancel_form": ReasonForm(),
        },
    )


def _act(request: HtmxRequest, action: Any, success: str) -> None:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, success)


@require_POST
@login_required
def request_invite(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _request(request, public_id)
    institution = get_object_or_404(
        Organisation.objects.visible_to(request.user),
        uscc=request.POST.get("institution", "")[:18].upper(),
    )
    _act(
        request,
        lambda: invite(request=found, institution=institution, by=_user(request)),
        _("已邀请%(name)s报价，对方需在3个工作日内答复。") % {"name": institution.name},
    )
    return redirect("web:request-detail", public_id=found.public_id)


@require_POST
@login_required
def request_cancel(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    found = _request(request, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(
        request,
        lambda: cancel_request(request=found, by=_user(request), reason=reason),
        _("服务需求已取消。"),
    )
    return redirect("web:request-detail", public_id=found.public_id)


@require_POST
@login_required
def quote_accept(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    quote = get_object_or_404(
        Quote.objects.filter(invitation__in=Invitation.objects.visible_to(request.user)),
        public_id=public_id,
    )
    try:
        order = accept_quote(quote=quote, by=_user(request))
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("web:request-detail", public_id=quote.invitation.request.public_id)
    messages.success(request, _("已接受报价，订单已生成。"))
    return redirect("web:order-detail", public_id=order.public_id)


# --- the institution's side -------------------------------------------------------------------


def _invitation_page(
    request: HtmxRequest,
    invitation: Invitation,
    *,
    quote_form: QuoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = invitation.current_quote
    initial = (
        {"price_cny": current.price_cny, "days": current.days, "conditions": current.conditions}
        if current is not None
        else {}
    )
    return render(
        request,
        "web/requests/invitation.html",
        {
            "invitation": invitation,
            "service_request": invitation.request,
            "quote": current,
            "is_institution_side": is_member(request.user, invitation.institution),
            "quote_form": quote_form or QuoteForm(initial=initial),
            "decline_form": ReasonForm(),
            "answerable": invitation.request.is_open
            and invitation.status
            in (
                Invitation.Status.INVITED,
                Invitation.Status.QUOTED,
                Invitation.Status.NOT_RESPONDING,
            ),
        },
        status=status,
    )


@require_safe
@login_required
def invitation_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    return _invitation_page(request, _invitation(request, public_id))


@require_POST
@login_required
def invitation_quote(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    invitation = _invitation(request, public_id)
    form = QuoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            submit_quote(
                invitation=invitation,
                by=_user(request),
                price_cny=data["price_cny"],
                days=data["days"],
                conditions=data["conditions"],
                valid_until=data["valid_until"],
            )
        except DomainError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("报价已提交，企业将收到通知。"))
            return redirect("web:invitation-detail", public_id=invitation.public_id)
    return _invitation_page(request, invitation, quote_form=form, status=400)


@require_POST
@login_required
def invitation_decline(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    invitation = _invitation(request, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(
        request,
        lambda: decline_invitation(invitation=invitation, by=_user(request), reason=reason),
        _("已谢绝该邀请。"),
    )
    return redirect("web:invitation-detail", public_id=invitation.public_id)


# --- orders -----------------------------------------------------------------------------------


@require_safe
@login_required
def order_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    order = _order(request, public_id)
    view = order_view(order, _user(request))
    return render(
        request,
        "web/requests/order.html",
        {
            "order": order,
            "view": view,
            "advance_form": AdvanceForm(initial={"to_status": view.next_status}),
            "cancel_form": RequiredReasonForm(),
            "rating_form": RatingForm(),
        },
    )


@require_POST
@login_required
def order_advance(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    order = _order(request, public_id)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
    else:
        data = form.cleaned_data
        _act(
            request,
            lambda: advance_order(
                order=order,
                by=_user(request),
                to_status=data["to_status"],
                report_number=data["report_number"],
                note=data["note"],
            ),
            _("订单状态已更新。"),
        )
    return redirect("web:order-detail", public_id=order.public_id)


@require_POST
@login_required
def order_cancel(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    order = _order(request, public_id)
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请说明取消订单的原因"))
    else:
        reason = form.cleaned_data["reason"]
        _act(
            request,
            lambda: cancel_order(order=order, by=_user(request), reason=reason),
            _("订单已取消。"),
        )
    return redirect("web:order-detail", public_id=order.public_id)


@require_POST
@login_required
def order_rate(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    order = _order(request, public_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择1至5分的评分"))
    else:
        data = form.cleaned_data
        _act(
            request,
            lambda: rate_order(
                order=order, by=_user(request), score=data["score"], comment=data["comment"]
            ),
            _("感谢您的评价。"),
        )
    return redirect("web:order-detail", public_id=order.public_id)
