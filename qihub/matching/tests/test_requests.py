"""Service requests end to end at the service level: need → invitations → quotes → order →
rating, with who may do what, and bad input that writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from qihub.accounts.errors import UnknownRegion
from qihub.accounts.models import AuditEntry, Membership, Notification
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory
from qihub.matching.models import Invitation, Order, Quote, Rating, ServiceRequest
from qihub.matching.request_queries import (
    invitations_of,
    order_view,
    rating_summary,
    ratings_for,
    request_view,
    requests_of,
)
from qihub.matching.requests import (
    AlreadyInvited,
    AlreadyRated,
    InvalidQuote,
    InvalidRating,
    InvalidServiceRequest,
    InvitationClosed,
    NotAnEnterprise,
    NotAnInstitution,
    OrderTransitionNotAllowed,
    QuoteNotAcceptable,
    RequestNotOpen,
    ServiceRequestForbidden,
    accept_quote,
    advance_order,
    cancel_order,
    cancel_request,
    create_request,
    decline_invitation,
    invite,
    propose_matches,
    rate_order,
    submit_quote,
)
from qihub.reference.models import Region

pytestmark = pytest.mark.django_db

NEED = "钢筋拉伸试验 GB/T 228.1-2021 沈阳"


@pytest.fixture
def capable_lab(lab):
    """The persona lab, with a valid CMA line for 钢筋 tensile testing (in Shenyang)."""
    qualification = QualificationFactory(
        organisation=lab, valid_from=date(2021, 1, 1), valid_to=date(2099, 12, 31)
    )
    CapabilityLineFactory(
        qualification=qualification,
        object="钢筋",
        parameter="拉伸试验",
        search_text="钢筋 拉伸 试验 拉伸试验 抗拉强度",
    )
    return lab


@pytest.fixture
def other_lab(reference):
    return OrganisationFactory(
        uscc=uscc_for(9102), name="沈阳金属材料检测中心有限公司", kind="testing_lab"
    )


@pytest.fixture
def other_lab_user(other_lab):
    user = UserFactory(username="other_lab_user")
    MembershipFactory(user=user, organisation=other_lab)
    return user


@pytest.fixture
def other_enterprise_user(reference):
    other = OrganisationFactory(uscc=uscc_for(9103), name="鞍山重型机械有限公司", kind="enterprise")
    user = UserFactory(username="other_enterprise_user")
    MembershipFactory(user=user, organisation=other)
    return user


@pytest.fixture
def service_request(enterprise, enterprise_user):
    return create_request(
        enterprise=enterprise, by=enterprise_user, need_text=NEED, budget_cny="3000"
    )


@pytest.fixture
def invitation(service_request, capable_lab, enterprise_user):
    return invite(request=service_request, institution=capable_lab, by=enterprise_user)


@pytest.fixture
def quote(invitation, lab_admin):
    return submit_quote(invitation=invitation, by=lab_admin, price_cny="1800", days=5)


@pytest.fixture
def order(quote, enterprise_user):
    return accept_quote(quote=quote, by=enterprise_user)


def _complete(order, lab_admin, enterprise_user):
    for status in ("samples_received", "in_progress", "report_issued"):
        order = advance_order(order=order, by=lab_admin, to_status=status, report_number="R-1")
    return advance_order(order=order, by=enterprise_user, to_status="completed")


# --- creating a request -----------------------------------------------------------------------


def test_create_request_stores_the_understood_need(enterprise, enterprise_user):
    request = create_request(enterprise=enterprise, by=enterprise_user, need_text=NEED)

    assert request.status == ServiceRequest.Status.OPEN
    assert request.kind == "test"
    assert request.city.code == "210100"
    assert request.need["standards"][0]["code"] == "GB/T 228.1-2021"
    assert request.title == NEED
    assert AuditEntry.objects.filter(action="matching.request_created").count() == 1


def test_structured_kind_and_city_override_the_text(enterprise, enterprise_user):
    request = create_request(
        enterprise=enterprise,
        by=enterprise_user,
        need_text="压力表 0-60MPa",
        kind="verification",
        city_code="210200",
        title="压力表检定",
    )
    assert (request.kind, request.city.code, request.title) == (
        "verification",
        "210200",
        "压力表检定",
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"need_text": "   "}, InvalidServiceRequest),
        ({"need_text": "x" * 201}, InvalidServiceRequest),
        ({"title": "t" * 201}, InvalidServiceRequest),
        ({"kind": "massage"}, InvalidServiceRequest),
        ({"budget_cny": "-5"}, InvalidServiceRequest),
        ({"budget_cny": "abc"}, InvalidServiceRequest),
        ({"due_on": date(2000, 1, 1)}, InvalidServiceRequest),
        ({"city_code": "999999"}, UnknownRegion),
        ({"city_code": "210000"}, UnknownRegion),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(
    enterprise, enterprise_user, changes, error
):
    arguments = {"need_text": NEED, **changes}
    with pytest.raises(error):
        create_request(enterprise=enterprise, by=enterprise_user, **arguments)
    assert ServiceRequest.objects.count() == 0
    assert not AuditEntry.objects.filter(action="matching.request_created").exists()


def test_only_members_of_an_enterprise_post_for_it(enterprise, lab, lab_admin, platform_admin):
    with pytest.raises(ServiceRequestForbidden):
        create_request(enterprise=enterprise, by=lab_admin, need_text=NEED)
    with pytest.raises(ServiceRequestForbidden):
        create_request(enterprise=enterprise, by=platform_admin, need_text=NEED)
    with pytest.raises(NotAnEnterprise):
        create_request(enterprise=lab, by=lab_admin, need_text=NEED)
    assert ServiceRequest.objects.count() == 0


# --- matches and invitations ------------------------------------------------------------------


def test_proposed_matches_come_from_the_engine_minus_those_invited(
    service_request, capable_lab, enterprise_user, lab_admin
):
    proposed = propose_matches(request=service_request, by=enterprise_user)
    assert [m.organisation for m in proposed.results] == [capable_lab]
    assert proposed.results[0].reasons

    invite(request=service_request, institution=capable_lab, by=enterprise_user)
    assert propose_matches(request=service_request, by=enterprise_user).results == ()

    with pytest.raises(ServiceRequestForbidden):
        propose_matches(request=service_request, by=lab_admin)


def test_invite_keeps_the_reasons_and_gives_three_working_days(
    service_request, capable_lab, enterprise_user, time_machine
):
    time_machine.move_to("2026-03-06 10:00:00+08:00", tick=False)  # a Friday
    invitation = invite(request=service_request, institution=capable_lab, by=enterprise_user)

    assert invitation.status == Invitation.Status.INVITED
    assert timezone.localtime(invitation.due_at).isoformat() == "2026-03-11T10:00:00+08:00"
    assert invitation.match_reasons
    notice = Notification.objects.get(kind="service_invitation")
    assert notice.recipient_organisation == capable_lab
    assert notice.link == invitation.page_path


def test_invite_refuses_twice_non_institutions_strangers_and_closed_requests(
    service_request, capable_lab, enterprise, enterprise_user, other_enterprise_user
):
    with pytest.raises(ServiceRequestForbidden):
        invite(request=service_request, institution=capable_lab, by=other_enterprise_user)
    with pytest.raises(NotAnInstitution):
        invite(request=service_request, institution=enterprise, by=enterprise_user)
    invite(request=service_request, institution=capable_lab, by=enterprise_user)
    with pytest.raises(AlreadyInvited):
        invite(request=service_request, institution=capable_lab, by=enterprise_user)
    assert Invitation.objects.count() == 1

    cancel_request(request=service_request, by=enterprise_user, reason="不需要了")
    other = OrganisationFactory(uscc=uscc_for(9201), kind="testing_lab")
    with pytest.raises(RequestNotOpen):
        invite(request=service_request, institution=other, by=enterprise_user)
    assert Invitation.objects.get().status == Invitation.Status.WITHDRAWN


# --- answers ----------------------------------------------------------------------------------


def test_quote_revision_supersedes_the_previous_quote(invitation, lab_admin):
    first = submit_quote(invitation=invitation, by=lab_admin, price_cny="2000", days=7)
    second = submit_quote(
        invitation=invitation, by=lab_admin, price_cny=Decimal("1800.5"), days=5, conditions="含税"
    )

    first.refresh_from_db()
    assert first.superseded_at is not None
    assert Invitation.objects.get(pk=invitation.pk).current_quote == second
    assert Quote.objects.count() == 2
    assert Notification.objects.filter(kind="service_quote").count() == 2


@pytest.mark.parametrize(
    "arguments",
    [
        {"price_cny": "0", "days": 5},
        {"price_cny": "-1", "days": 5},
        {"price_cny": "12345678901", "days": 5},
        {"price_cny": "abc", "days": 5},
        {"price_cny": "100", "days": 0},
        {"price_cny": "100", "days": 99999},
        {"price_cny": "100", "days": 5, "valid_until": date(2000, 1, 1)},
    ],
)
def test_bad_quotes_are_refused(invitation, lab_admin, arguments):
    with pytest.raises(InvalidQuote):
        submit_quote(invitation=invitation, by=lab_admin, **arguments)
    assert Quote.objects.count() == 0
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.INVITED


def test_only_the_invited_institution_answers(
    invitation, other_lab_user, enterprise_user, platform_admin
):
    for user in (other_lab_user, enterprise_user, platform_admin):
        with pytest.raises(ServiceRequestForbidden):
            submit_quote(invitation=invitation, by=user, price_cny="100", days=3)
        with pytest.raises(ServiceRequestForbidden):
            decline_invitation(invitation=invitation, by=user)
    assert Quote.objects.count() == 0


def test_decline_withdraws_a_quote_and_is_final(invitation, quote, lab_admin, enterprise_user):
    invitation = decline_invitation(invitation=invitation, by=lab_admin, reason="设备检修")

    assert invitation.status == Invitation.Status.DECLINED
    assert Quote.objects.get(pk=quote.pk).superseded_at is not None
    assert Notification.objects.filter(kind="service_invitation_declined").exists()
    with pytest.raises(InvitationClosed):
        submit_quote(invitation=invitation, by=lab_admin, price_cny="100", days=3)
    with pytest.raises(QuoteNotAcceptable):
        accept_quote(quote=quote, by=enterprise_user)


# --- orders -----------------------------------------------------------------------------------


def test_accepting_a_quote_makes_the_order_and_closes_the_others(
    service_request, invitation, quote, other_lab, other_lab_user, enterprise_user
):
    rival = invite(request=service_request, institution=other_lab, by=enterprise_user)
    rival_quote = submit_quote(invitation=rival, by=other_lab_user, price_cny="2500", days=3)

    order = accept_quote(quote=quote, by=enterprise_user)

    assert order.status == Order.Status.ACCEPTED
    assert (order.institution, order.enterprise) == (
        invitation.institution,
        service_request.enterprise,
    )
    assert ServiceRequest.objects.get(pk=service_request.pk).status == "ordered"
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED
    assert Invitation.objects.get(pk=rival.pk).status == Invitation.Status.CLOSED
    assert Notification.objects.filter(kind="service_order").count() == 1
    assert Notification.objects.filter(
        kind="service_invitation_closed", recipient_organisation=other_lab
    ).exists()
    with pytest.raises(RequestNotOpen):
        accept_quote(quote=rival_quote, by=enterprise_user)
    with pytest.raises(RequestNotOpen):
        submit_quote(invitation=rival, by=other_lab_user, price_cny="1", days=1)


def test_only_the_enterprise_accepts_and_not_an_expired_quote(
    invitation, lab_admin, enterprise_user, other_enterprise_user, time_machine
):
    quote = submit_quote(
        invitation=invitation,
        by=lab_admin,
        price_cny="100",
        days=2,
        valid_until=timezone.localdate() + timedelta(days=1),
    )
    for user in (lab_admin, other_enterprise_user):
        with pytest.raises(ServiceRequestForbidden):
            accept_quote(quote=quote, by=user)
    time_machine.move_to(timezone.now() + timedelta(days=3))
    with pytest.raises(QuoteNotAcceptable):
        accept_quote(quote=quote, by=enterprise_user)
    assert Order.objects.count() == 0


def test_order_moves_step_by_step_each_side_its_own(order, lab_admin, enterprise_user):
    with pytest.raises(OrderTransitionNotAllowed):
        advance_order(order=order, by=lab_admin, to_status="in_progress")  # skips a step
    with pytest.raises(ServiceRequestForbidden):
        advance_order(order=order, by=enterprise_user, to_status="samples_received")
    order = advance_order(order=order, by=lab_admin, to_status="samples_received")
    order = advance_order(order=order, by=lab_admin, to_status="in_progress")
    order = advance_order(
        order=order, by=lab_admin, to_status="report_issued", report_number="LNSJ-2026-0001"
    )
    with pytest.raises(ServiceRequestForbidden):
        advance_order(order=order, by=lab_admin, to_status="completed")
    order = advance_order(order=order, by=enterprise_user, to_status="completed")

    assert order.report_number == "LNSJ-2026-0001"
    view = order_view(order, enterprise_user)
    assert [c.to_status for c in view.timeline] == [
        "accepted",
        "samples_received",
        "in_progress",
        "report_issued",
        "completed",
    ]
    assert order.request.status == ServiceRequest.Status.CLOSED
    assert view.may_rate
    with pytest.raises(OrderTransitionNotAllowed):
        cancel_order(order=order, by=enterprise_user, reason="晚了")


def test_cancel_order_needs_a_reason_and_a_party(order, lab_admin, other_lab_user):
    with pytest.raises(OrderTransitionNotAllowed):
        cancel_order(order=order, by=lab_admin, reason="  ")
    with pytest.raises(ServiceRequestForbidden):
        cancel_order(order=order, by=other_lab_user, reason="捣乱")
    order = cancel_order(order=order, by=lab_admin, reason="样品不符合要求")

    assert order.status == Order.Status.CANCELLED
    assert order.request.status == ServiceRequest.Status.CLOSED
    assert Notification.objects.filter(
        kind="service_order_cancelled", recipient_organisation=order.enterprise
    ).exists()


# --- ratings ----------------------------------------------------------------------------------


def test_rating_once_after_completion_by_the_enterprise(order, lab_admin, enterprise_user, lab):
    with pytest.raises(InvalidRating):
        rate_order(order=order, by=enterprise_user, score=5)
    order = _complete(order, lab_admin, enterprise_user)
    for score in (0, 6):
        with pytest.raises(InvalidRating):
            rate_order(order=order, by=enterprise_user, score=score)
    with pytest.raises(ServiceRequestForbidden):
        rate_order(order=order, by=lab_admin, score=5)

    rate_order(order=order, by=enterprise_user, score=4, comment="出报告快")

    with pytest.raises(AlreadyRated):
        rate_order(order=order, by=enterprise_user, score=5)
    assert [r.score for r in ratings_for(lab)] == [4]
    assert rating_summary(lab) == (1, 4.0)
    assert Rating.objects.count() == 1


def test_rating_summary_without_ratings(lab):
    assert rating_summary(lab) == (0, None)


# --- who sees what ----------------------------------------------------------------------------


def test_visibility_for_every_role(
    service_request,
    invitation,
    quote,
    other_lab,
    other_lab_user,
    enterprise_user,
    lab_admin,
    other_enterprise_user,
    regulator,
    platform_admin,
):
    rival = invite(request=service_request, institution=other_lab, by=enterprise_user)
    submit_quote(invitation=rival, by=other_lab_user, price_cny="999", days=1)

    def sees(user):
        return ServiceRequest.objects.visible_to(user).filter(pk=service_request.pk).exists()

    assert sees(enterprise_user) and sees(lab_admin) and sees(other_lab_user)
    assert sees(platform_admin)
    assert not sees(other_enterprise_user)
    assert not sees(regulator)
    assert not sees(AnonymousUser())

    # the enterprise compares both quotes; each lab sees only its own invitation and quote
    assert len(request_view(service_request, enterprise_user).quoted) == 2
    own = request_view(service_request, lab_admin)
    assert [i.institution for i in own.invitations] == [invitation.institution]
    assert not own.is_enterprise_side
    assert list(invitations_of(lab_admin)) == [invitation]
    assert list(invitations_of(enterprise_user)) == []
    assert list(requests_of(enterprise_user)) == [service_request]
    assert list(requests_of(lab_admin)) == []

    # an uninvited lab sees nothing of it
    stranger = UserFactory(username="stranger_lab")
    MembershipFactory(
        user=stranger,
        organisation=OrganisationFactory(uscc=uscc_for(9301), kind="testing_lab"),
        role=Membership.Role.ADMIN,
    )
    assert not sees(stranger)
    assert not Invitation.objects.visible_to(stranger).exists()

    # the order is seen by both of its sides only
    order = accept_quote(quote=quote, by=enterprise_user)
    assert Order.objects.visible_to(lab_admin).filter(pk=order.pk).exists()
    assert not Order.objects.visible_to(other_lab_user).exists()
    assert request_view(service_request, other_lab_user).order is None
    assert request_view(service_request, lab_admin).order == order


def test_region_county_code_means_its_city(enterprise, enterprise_user):
    county = Region.objects.filter(level=Region.Level.COUNTY, code__startswith="2102").first()
    request = create_request(
        enterprise=enterprise, by=enterprise_user, need_text="压力表检定", city_code=county.code
    )
    assert request.city.code == "210200"
