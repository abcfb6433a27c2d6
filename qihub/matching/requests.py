"""Every write to service requests, invitations, quotes, orders and ratings.

The flow: ``create_request`` (an enterprise member) → ``propose_matches`` (the engine, on the
stored need) → ``invite`` → the institution ``quote``s or ``decline``s → ``accept_quote`` makes
the order → the institution ``advance_order``s it to report issued, the enterprise confirms it
completed → ``rate_order``. ``cancel_request`` and ``cancel_order`` end things early.

Who may write: the enterprise side is any member of the requesting enterprise; the institution
side any member of the invited institution. Platform administrators read everything but act for
neither side (they are not a party to the deal). Every write is atomic, audited, and notifies the
other side in-app (notifications are rows, so they appear only if the change commits).

Decisions: an invitation marked not responding may still be answered while the request is open
(a late quote beats none; the enterprise sees it was late). A quote may be revised until one is
accepted; the revision supersedes it and the old one is kept. Once a quote is accepted the other
invitations are closed and nothing more can be quoted. Cancelling an order closes the request.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action, snapshot
from qihub.accounts.errors import UnknownRegion
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.services import notify_organisation
from qihub.core.errors import Conflict, DomainError, PermissionDenied
from qihub.core.text import normalise_text
from qihub.matching.engine import MatchResult, match
from qihub.matching.models import (
    KIND_CHOICES,
    Invitation,
    Order,
    OrderStatusChange,
    Quote,
    Rating,
    ServiceRequest,
)
from qihub.matching.reminders import answer_due_at
from qihub.matching.understanding import MAX_QUERY_LENGTH, Need, understand
from qihub.reference.models import Region

MAX_TITLE_LENGTH = 200
MAX_TEXT_LENGTH = 4000
MAX_INVITATIONS = 10  # per request: enough to compare, too few to spam the province's labs
MAX_PRICE = Decimal("9999999999.99")
MAX_DAYS = 3650
QUOTE_VALID_DAYS = 30
KINDS = tuple(value for value, _label in KIND_CHOICES)

# Order status moves: (from, to) → the side that may make it.
INSTITUTION_SIDE = "institution"
ENTERPRISE_SIDE = "enterprise"
ORDER_STEPS: dict[tuple[str, str], str] = {
    (Order.Status.ACCEPTED, Order.Status.SAMPLES_RECEIVED): INSTITUTION_SIDE,
    (Order.Status.SAMPLES_RECEIVED, Order.Status.IN_PROGRESS): INSTITUTION_SIDE,
    (Order.Status.IN_PROGRESS, Order.Status.REPORT_ISSUED): INSTITUTION_SIDE,
    (Order.Status.REPORT_ISSUED, Order.Status.COMPLETED): ENTERPRISE_SIDE,
}
REQUEST_AUDITED_FIELDS = (
    "title",
    "need_text",
    "kind",
    "city",
    "budget_cny",
    "due_on",
    "status",
)


# --- errors -----------------------------------------------------------------------------------


class InvalidServiceRequest(DomainError):
    code = "service_request_invalid"


class NotAnEnterprise(DomainError):
    code = "not_an_enterprise"


class NotAnInstitution(DomainError):
    code = "invitee_not_an_institution"


class ServiceRequestForbidden(PermissionDenied):
    """``by`` is not on the side of the deal that may take this step."""

    code = "service_request_forbidden"


class RequestNotOpen(Conflict):
    code = "service_request_not_open"


class AlreadyInvited(Conflict):
    code = "already_invited"


class TooManyInvitations(Conflict):
    code = "too_many_invitations"


class InvitationClosed(Conflict):
    code = "invitation_closed"


class InvalidQuote(DomainError):
    code = "quote_invalid"


class QuoteNotAcceptable(Conflict):
    code = "quote_not_acceptable"


class OrderTransitionNotAllowed(Conflict):
    code = "order_transition_not_allowed"


class InvalidRating(DomainError):
    code = "rating_invalid"


class AlreadyRated(Conflict):
    code = "order_already_rated"


# --- who is who -------------------------------------------------------------------------------


def is_member(user: Any, organisation: Organisation) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def enterprises_of(user: Any) -> list[Organisation]:
    """The enterprises ``user`` may post requests for (their memberships)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(
            memberships__user=user, kind=Organisation.Kind.ENTERPRISE, is_active=True
        ).order_by("name")
    )


def _check_enterprise_side(request: ServiceRequest, by: User) -> None:
    if not is_member(by, request.enterprise):
        raise ServiceRequestForbidden(
            _("只有%(name)s的成员可以处理该服务需求") % {"name": request.enterprise.name}
        )


def _check_institution_side(institution: Organisation, by: User) -> None:
    if not is_member(by, institution):
        raise ServiceRequestForbidden(
            _("只有%(name)s的成员可以答复该邀请") % {"name": institution.name}
        )


def _check_open(request: ServiceRequest) -> None:
    if request.status != ServiceRequest.Status.OPEN:
        raise RequestNotOpen(
            _("该服务需求当前状态为“%(status)s”，不能再进行此操作")
            % {"status": request.get_status_display()}
        )


def _full_clean(instance: models.Model, error: type[DomainError], **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise error("；".join(exc.messages)) from exc


def _text(value: str, *, name: str, limit: int, error: type[DomainError]) -> str:
    text = normalise_text(value or "")
    if len(text) > limit:
        raise error(_("%(name)s过长（最多%(n)d字）") % {"name": name, "n": limit})
    return text


def _multiline(value: str, *, name: str, error: type[DomainError]) -> str:
    # Descriptions and conditions keep their line breaks; only the ends are trimmed.
    text = (value or "").replace("\x00", "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise error(_("%(name)s过长（最多%(n)d字）") % {"name": name, "n": MAX_TEXT_LENGTH})
    return text


def _money(value: Any, *, name: str, error: type[DomainError]) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise error(_("%(name)s不是有效的金额") % {"name": name}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_PRICE:
        raise error(_("%(name)s须大于0且不超过%(max)s元") % {"name": name, "max": MAX_PRICE})
    return amount


# --- requests ---------------------------------------------------------------------------------


def need_for(request: ServiceRequest) -> Need:
    """The need the engine matches on: the stored text with the request's kind and city."""
    return understand(
        request.need_text,
        kind=request.kind or None,
        city=request.city.code if request.city_id is not None and request.city else None,
    )


def create_request(
    *,
    enterprise: Organisation,
    by: User,
    need_text: str,
    title: str = "",
    description: str = "",
    kind: str = "",
    city_code: str = "",
    budget_cny: Decimal | float | str | None = None,
    due_on: date | None = None,
) -> ServiceRequest:
    """Post a service request for an enterprise ``by`` belongs to; the need is understood from
    ``need_text`` (``kind`` and ``city_code`` override what the text says). Raises
    NotAnEnterprise, ServiceRequestForbidden, InvalidServiceRequest or UnknownRegion."""
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise NotAnEnterprise(_("只有企业可以发布服务需求"))
    if not is_member(by, enterprise):
        raise ServiceRequestForbidden(
            _("只有%(name)s的成员可以代表该企业发布服务需求") % {"name": enterprise.name}
        )
    error = InvalidServiceRequest
    need_text = _text(need_text, name=_("需求描述"), limit=MAX_QUERY_LENGTH, error=error)
    if not need_text:
        raise InvalidServiceRequest(_("请填写需求描述，例如“钢筋拉伸试验 GB/T 228.1-2021 沈阳”"))
    title = _text(title, name=_("标题"), limit=MAX_TITLE_LENGTH, error=error) or need_text[:60]
    description = _multiline(description, name=_("说明"), error=error)
    if kind and kind not in KINDS:
        raise InvalidServiceRequest(
            _("未知的服务类型“%(kind)s”；可用：%(kinds)s")
            % {"kind": kind[:20], "kinds": ", ".join(KINDS)}
        )
    city = _city(city_code)
    budget = None if budget_cny in (None, "") else _money(budget_cny, name=_("预算"), error=error)
    if due_on is not None and due_on < timezone.localdate():
        raise InvalidServiceRequest(_("希望完成日期不能早于今天"))
    need = understand(need_text, kind=kind or None, city=city.code if city else None)
    if city is None and need.place is not None:
        city = Region.objects.filter(code=need.place.city_code).first()
    with transaction.atomic():
        request = ServiceRequest(
            enterprise=enterprise,
            created_by=by,
            title=title,
            description=description,
            need_text=need_text,
            need=need.as_dict(),
            kind=kind or need.kind or "",
            city=city,
            budget_cny=budget,
            due_on=due_on,
        )
        _full_clean(request, error)
        request.save()
        record_action(
            actor=by,
            action="matching.request_created",
            target=request,
            after={
                "public_id": str(request.public_id),
                "enterprise": enterprise.uscc,
                **snapshot(request, REQUEST_AUDITED_FIELDS),
            },
        )
    return request


def _city(code: str) -> Region | None:
    code = (code or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code[:12]).first()
    if region is None or region.level == Region.Level.PROVINCE:
        raise UnknownRegion(_("未知的城市代码“%(code)s”") % {"code": code[:20]})
    if region.level == Region.Level.COUNTY and region.parent is not None:
        return region.parent
    return region


def cancel_request(*, request: ServiceRequest, by: User, reason: str = "") -> ServiceRequest:
    """Withdraw an open request and its open invitations. Raises ServiceRequestForbidden,
    RequestNotOpen or InvalidServiceRequest."""
    reason = _multiline(reason, name=_("取消原因"), error=InvalidServiceRequest)
    with transaction.atomic():
        request = _locked_request(request)
        _check_enterprise_side(request, by)
        _check_open(request)
        request.status = ServiceRequest.Status.CANCELLED
        request.cancel_reason = reason
        request.save(update_fields=["status", "cancel_reason", "updated_at"])
        open_invitations = list(
            request.invitations.filter(status__in=ANSWERABLE).select_related("institution")
        )
        for invitation in open_invitations:
            invitation.status = Invitation.Status.WITHDRAWN
            invitation.save(update_fields=["status", "updated_at"])
            notify_organisation(
                organisation=invitation.institution,
                kind="service_request_cancelled",
                title=_("服务需求已取消：%(title)s") % {"title": request.title},
                message=_("%(enterprise)s 取消了该服务需求，无需再报价。")
                % {"enterprise": request.enterprise.name},
                link=invitation.page_path,
                by=by,
            )
        record_action(
            actor=by,
            action="matching.request_cancelled",
            target=request,
            before={"status": ServiceRequest.Status.OPEN},
            after={"status": request.status, "reason": reason, "withdrawn": len(open_invitations)},
        )
    return request


def _locked_request(request: ServiceRequest) -> ServiceRequest:
    # Lock the request row: accepting a quote and cancelling must not both pass their checks.
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=request.pk)
    )


# --- matches and invitations ------------------------------------------------------------------

ANSWERABLE = (
    Invitation.Status.INVITED,
    Invitation.Status.QUOTED,
    Invitation.Status.NOT_RESPONDING,
)


def propose_matches(
    *, request: ServiceRequest, by: Any, limit: int = 10, today: date | None = None
) -> MatchResult:
    """The institutions the engine proposes for the stored need, minus those already invited
    (and the enterprise itself). A read: enterprise members and platform admins only. Raises
    ServiceRequestForbidden."""
    if not (getattr(by, "is_platform_admin", False) or is_member(by, request.enterprise)):
        raise ServiceRequestForbidden(_("只有发布需求的企业可以查看推荐机构"))
    invited = set(request.invitations.values_list("institution_id", flat=True))
    invited.add(request.enterprise_id)
    return match(need_for(request), limit=limit, today=today, exclude=invited)


def invite(*, request: ServiceRequest, institution: Organisation, by: User) -> Invitation:
    """Ask an institution to quote; it has three working days to answer. The engine's reasons
    are kept with the invitation when it proposes the institution. Raises
    ServiceRequestForbidden, RequestNotOpen, NotAnInstitution, AlreadyInvited or
    TooManyInvitations."""
    if not institution.is_institution or not institution.is_active:
        raise NotAnInstitution(
            _("%(name)s 不是检验检测、校准或认证等服务机构，不能邀请报价")
            % {"name": institution.name}
        )
    reasons = _match_reasons(request, institution)
    with transaction.atomic():
        request = _locked_request(request)
        _check_enterprise_side(request, by)
        _check_open(request)
        if request.invitations.filter(institution=institution).exists():
            raise AlreadyInvited(_("已邀请过%(name)s") % {"name": institution.name})
        if request.invitations.count() >= MAX_INVITATIONS:
            raise TooManyInvitations(_("每个服务需求最多邀请%(n)d家机构") % {"n": MAX_INVITATIONS})
        now = timezone.now()
        invitation = Invitation(
            request=request,
            institution=institution,
            invited_by=by,
            invited_at=now,
            due_at=answer_due_at(now),
            match_reasons=reasons,
        )
        _full_clean(invitation, InvalidServiceRequest)
        invitation.save()
        record_action(
            actor=by,
            action="matching.institution_invited",
            target=invitation,
            after={
                "request": str(request.public_id),
                "institution": institution.uscc,
                "due_at": invitation.due_at.isoformat(),
            },
        )
        due = timezone.localtime(invitation.due_at)
        notify_organisation(
            organisation=institution,
            kind="service_invitation",
            title=_("新的服务需求邀请：%(title)s") % {"title": request.title},
            message=_("%(enterprise)s 邀请贵机构报价：%(need)s。请在 %(due)s 前报价或谢绝。")
            % {
                "enterprise": request.enterprise.name,
                "need": request.need_text,
                "due": f"{due:%Y-%m-%d %H:%M}",
            },
            link=invitation.page_path,
            by=by,
        )
    return invitation


def _match_reasons(request: ServiceRequest, institution: Organisation) -> list[str]:
    """Why the engine proposes this institution for the request (empty when it does not)."""
    result = match(need_for(request), limit=50)
    for item in result.results:
        if item.organisation.pk == institution.pk:
            return [str(reason) for reason in item.reasons]
    return []


# --- the institution's answer -----------------------------------------------------------------


def _locked_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("request__enterprise", "institution")
        .get(pk=invitation.pk)
    )


def submit_quote(
    *,
    invitation: Invitation,
    by: User,
    price_cny: Decimal | float | str,
    days: int,
    conditions: str = "",
    valid_until: date | None = None,
) -> Quote:
    """Quote for an invitation (again, to revise: the new quote supersedes the last). Raises
    ServiceRequestForbidden, RequestNotOpen, InvitationClosed or InvalidQuote."""
    price = _money(price_cny, name=_("报价"), error=InvalidQuote)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise InvalidQuote(_("周期须为1至%(max)d天") % {"max": MAX_DAYS})
    conditions = _multiline(conditions, name=_("条件说明"), error=InvalidQuote)
    today = timezone.localdate()
    valid_until = valid_until or today + timedelta(days=QUOTE_VALID_DAYS)
    if valid_until < today:
        raise InvalidQuote(_("报价有效期不能早于今天"))
    with transaction.atomic():
        invitation = _locked_invitation(invitation)
        _check_institution_side(invitation.institution, by)
        request = _locked_request(invitation.request)
        _check_open(request)
        if invitation.status not in ANSWERABLE:
            raise InvitationClosed(
                _("该邀请当前状态为“%(status)s”，不能报价")
                % {"status": invitation.get_status_display()}
            )
        now = timezone.now()
        previous = invitation.quotes.filter(superseded_at=None).first()
        if previous is not None:
            previous.superseded_at = now
            previous.save(update_fields=["superseded_at"])
        quote = Quote(
            invitation=invitation,
            price_cny=price,
            days=days,
            conditions=conditions,
            valid_until=valid_until,
            created_by=by,
            created_at=now,
        )
        _full_clean(quote, InvalidQuote, validate_constraints=False)
        quote.save()
        before_status = invitation.status
        invitation.status = Invitation.Status.QUOTED
        invitation.responded_at = now
        invitation.save(update_fields=["status", "responded_at", "updated_at"])
        record_action(
            actor=by,
            action="matching.quote_revised" if previous else "matching.quote_submitted",
            target=invitation,
            before={"status": before_status, "price_cny": str(previous.price_cny)}
            if previous
            else {"status": before_status},
            after={
                "status": invitation.status,
                "price_cny": str(price),
                "days": days,
                "valid_until": valid_until.isoformat(),
            },
        )
        notify_organisation(
            organisation=request.enterprise,
            kind="service_quote",
            title=_("%(institution)s 已报价：%(title)s")
            % {"institution": invitation.institution.name, "title": request.title},
            message=_("报价 %(price)s 元，周期 %(days)d 天，有效期至 %(until)s。")
            % {"price": price, "days": days, "until": valid_until.isoformat()},
            link=request.page_path,
            by=by,
        )
    return quote


def decline_invitation(*, invitation: Invitation, by: User, reason: str = "") -> Invitation:
    """Say no (withdrawing a quote given before). Raises ServiceRequestForbidden,
    RequestNotOpen, InvitationClosed or InvalidQuote."""
    reason = _multiline(reason, name=_("谢绝原因"), error=InvalidQuote)
    with transaction.atomic():
        invitation = _locked_invitation(invitation)
        _check_institution_side(invitation.institution, by)
        request = _locked_request(invitation.request)
        _check_open(request)
        if invitation.status not in ANSWERABLE:
            raise InvitationClosed(
                _("该邀请当前状态为“%(status)s”，不能谢绝")
                % {"status": invitation.get_status_display()}
            )
        now = timezone.now()
        invitation.quotes.filter(superseded_at=None).update(superseded_at=now)
        before_status = invitation.status
        invitation.status = Invitation.Status.DECLINED
        invitation.decline_reason = reason
        invitation.responded_at = now
        invitation.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
        record_action(
            actor=by,
            action="matching.invitation_declined",
            target=invitation,
            before={"status": before_status},
            after={"status": invitation.status, "reason": reason},
        )
        notify_organisation(
            organisation=request.enterprise,
            kind="service_invitation_declined",
            title=_("%(institution)s 谢绝了报价邀请")
            % {"institution": invitation.institution.name},
            message=_("服务需求“%(title)s”：%(reason)s")
            % {"title": request.title, "reason": reason or _("未说明原因")},
            link=request.page_path,
            by=by,
        )
    return invitation


# --- orders -----------------------------------------------------------------------------------


def accept_quote(*, quote: Quote, by: User) -> Order:
    """Accept an institution's current quote: the request's order. The other invitations are
    closed and told. Raises ServiceRequestForbidden, RequestNotOpen or QuoteNotAcceptable."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        invitation = _locked_invitation(quote.invitation)
        request = _locked_request(invitation.request)
        _check_enterprise_side(request, by)
        _check_open(request)
        if quote.superseded_at is not None or invitation.status != Invitation.Status.QUOTED:
            raise QuoteNotAcceptable(_("该报价已被修改或撤回，请以机构的最新报价为准"))
        if quote.valid_until < timezone.localdate():
            raise QuoteNotAcceptable(
                _("该报价已于 %(day)s 过期，请机构重新报价") % {"day": quote.valid_until}
            )
        now = timezone.now()
        order = Order(
            request=request,
            quote=quote,
            institution=invitation.institution,
            enterprise=request.enterprise,
            created_by=by,
            created_at=now,
        )
        order.save()
        OrderStatusChange(
            order=order, from_status="", to_status=order.status, changed_at=now, by=by
        ).save()
        invitation.status = Invitation.Status.ACCEPTED
        invitation.save(update_fields=["status", "updated_at"])
        others = list(
            request.invitations.exclude(pk=invitation.pk)
            .filter(status__in=ANSWERABLE)
            .select_related("institution")
        )
        for other in others:
            other.status = Invitation.Status.CLOSED
            other.save(update_fields=["status", "updated_at"])
            notify_organisation(
                organisation=other.institution,
                kind="service_invitation_closed",
                title=_("服务需求已选定其他机构：%(title)s") % {"title": request.title},
                message=_("感谢参与报价，%(enterprise)s 已选定其他机构。")
                % {"enterprise": request.enterprise.name},
                link=other.page_path,
                by=by,
            )
        request.status = ServiceRequest.Status.ORDERED
        request.save(update_fields=["status", "updated_at"])
        record_action(
            actor=by,
            action="matching.quote_accepted",
            target=order,
            after={
                "order": str(order.public_id),
                "request": str(request.public_id),
                "institution": invitation.institution.uscc,
                "price_cny": str(quote.price_cny),
                "days": quote.days,
                "closed_invitations": len(others),
            },
        )
        notify_organisation(
            organisation=invitation.institution,
            kind="service_order",
            title=_("报价已被接受：%(title)s") % {"title": request.title},
            message=_("%(enterprise)s 接受了贵机构 %(price)s 元的报价，订单已生成。")
            % {"enterprise": request.enterprise.name, "price": quote.price_cny},
            link=order.page_path,
            by=by,
        )
    return order


def _locked_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("request", "institution", "enterprise")
        .get(pk=order.pk)
    )


def next_statuses(order: Order) -> dict[str, str]:
    """The status each side may move ``order`` to next: {side: status}."""
    return {side: to for (frm, to), side in ORDER_STEPS.items() if frm == order.status}


def advance_order(
    *, order: Order, by: User, to_status: str, report_number: str = "", note: str = ""
) -> Order:
    """Move an order one step: the institution to samples received, in progress and report
    issued; the enterprise confirms it completed. Raises OrderTransitionNotAllowed or
    ServiceRequestForbidden."""
    report_number = _text(
        report_number, name=_("报告编号"), limit=80, error=OrderTransitionNotAllowed
    )
    note = _multiline(note, name=_("备注"), error=OrderTransitionNotAllowed)
    with transaction.atomic():
        order = _locked_order(order)
        side = ORDER_STEPS.get((order.status, to_status))
        if side is None:
            raise OrderTransitionNotAllowed(
                _("订单不能从“%(from)s”变为“%(to)s”")
                % {"from": order.get_status_display(), "to": _status_label(to_status)}
            )
        if side == INSTITUTION_SIDE:
            _check_institution_side(order.institution, by)
        elif not is_member(by, order.enterprise):
            raise ServiceRequestForbidden(_("只有下单企业可以确认订单完成"))
        before = order.status
        order.status = to_status
        fields = ["status", "updated_at"]
        if to_status == Order.Status.REPORT_ISSUED and report_number:
            order.report_number = report_number
            fields.append("report_number")
        order.save(update_fields=fields)
        OrderStatusChange(
            order=order, from_status=before, to_status=to_status, note=note, by=by
        ).save()
        if to_status == Order.Status.COMPLETED:
            order.request.status = ServiceRequest.Status.CLOSED
            order.request.save(update_fields=["status", "updated_at"])
        record_action(
            actor=by,
            action="matching.order_advanced",
            target=order,
            before={"status": before},
            after={"status": to_status, "report_number": order.report_number, "note": note},
        )
        other = order.enterprise if side == INSTITUTION_SIDE else order.institution
        notify_organisation(
            organisation=other,
            kind="service_order_status",
            title=_("订单状态更新为“%(status)s”：%(title)s")
            % {"status": order.get_status_display(), "title": order.request.title},
            message=_("%(name)s 更新了订单状态。%(note)s")
            % {
                "name": (order.institution if side == INSTITUTION_SIDE else order.enterprise).name,
                "note": note,
            },
            link=order.page_path,
            by=by,
        )
    return order


def _status_label(status: str) -> str:
    try:
        return str(Order.Status(status).label)
    except ValueError:
        return status[:30]


def cancel_order(*, order: Order, by: User, reason: str) -> Order:
    """Cancel an order before it is completed, with a reason; either side may. The request is
    closed. Raises ServiceRequestForbidden or OrderTransitionNotAllowed."""
    reason = _multiline(reason, name=_("取消原因"), error=OrderTransitionNotAllowed)
    if not reason:
        raise OrderTransitionNotAllowed(_("请说明取消订单的原因"))
    with transaction.atomic():
        order = _locked_order(order)
        on_enterprise_side = is_member(by, order.enterprise)
        if not on_enterprise_side and not is_member(by, order.institution):
            raise ServiceRequestForbidden(_("只有订单双方可以取消订单"))
        if order.is_finished:
            raise OrderTransitionNotAllowed(
                _("订单已“%(status)s”，不能取消") % {"status": order.get_status_display()}
            )
        before = order.status
        order.status = Order.Status.CANCELLED
        order.cancel_reason = reason
        order.save(update_fields=["status", "cancel_reason", "updated_at"])
        OrderStatusChange(
            order=order, from_status=before, to_status=order.status, note=reason, by=by
        ).save()
        order.request.status = ServiceRequest.Status.CLOSED
        order.request.save(update_fields=["status", "updated_at"])
        record_action(
            actor=by,
            action="matching.order_cancelled",
            target=order,
            before={"status": before},
            after={"status": order.status, "reason": reason},
        )
        actor, other = (
            (order.enterprise, order.institution)
            if on_enterprise_side
            else (order.institution, order.enterprise)
        )
        notify_organisation(
            organisation=other,
            kind="service_order_cancelled",
            title=_("订单已取消：%(title)s") % {"title": order.request.title},
            message=_("%(name)s 取消了订单，原因：%(reason)s")
            % {"name": actor.name, "reason": reason},
            link=order.page_path,
            by=by,
        )
    return order


def rate_order(*, order: Order, by: User, score: int, comment: str = "") -> Rating:
    """Rate a completed order, once: 1–5 and a comment. Raises ServiceRequestForbidden,
    InvalidRating or AlreadyRated."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidRating(_("评分须为1至5的整数"))
    comment = _multiline(comment, name=_("评价"), error=InvalidRating)
    with transaction.atomic():
        order = _locked_order(order)
        if not is_member(by, order.enterprise):
            raise ServiceRequestForbidden(_("只有下单企业可以评价订单"))
        if order.status != Order.Status.COMPLETED:
            raise InvalidRating(_("订单完成后才能评价"))
        if Rating.objects.filter(order=order).exists():
            raise AlreadyRated(_("每个订单只能评价一次"))
        rating = Rating(
            order=order,
            institution=order.institution,
            score=score,
            comment=comment,
            created_by=by,
        )
        _full_clean(rating, InvalidRating, validate_unique=False)
        rating.save()
        record_action(
            actor=by,
            action="matching.order_rated",
            target=order,
            after={"score": score, "comment": comment, "institution": order.institution.uscc},
        )
        notify_organisation(
            organisation=order.institution,
            kind="service_order_rated",
            title=_("收到新的服务评价：%(score)d 分") % {"score": score},
            message=_("%(enterprise)s 对订单“%(title)s”的评价：%(comment)s")
            % {
                "enterprise": order.enterprise.name,
                "title": order.request.title,
                "comment": comment or _("（无文字评价）"),
            },
            link=order.page_path,
            by=by,
        )
    return rating
