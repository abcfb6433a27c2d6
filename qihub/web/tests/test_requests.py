"""Service-request pages through the test client: the flow by forms, what each role may open,
bad input, and no inline code for the CSP."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory
from qihub.matching.models import Invitation, Order, Rating, ServiceRequest
from qihub.matching.requests import (
    accept_quote,
    advance_order,
    create_request,
    invite,
    submit_quote,
)
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

NEED = "钢筋拉伸试验 GB/T 228.1-2021 沈阳"


@pytest.fixture
def capable_lab(lab):
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
def service_request(enterprise, enterprise_user):
    return create_request(enterprise=enterprise, by=enterprise_user, need_text=NEED)


@pytest.fixture
def invitation(service_request, capable_lab, enterprise_user):
    return invite(request=service_request, institution=capable_lab, by=enterprise_user)


@pytest.fixture
def uninvited_lab_user(reference):
    user = UserFactory(username="uninvited_lab_user")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(uscc=uscc_for(9501), kind="testing_lab")
    )
    return user


@pytest.fixture
def other_enterprise_user(reference):
    user = UserFactory(username="other_enterprise_user")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(uscc=uscc_for(9502), kind="enterprise")
    )
    return user


def test_new_request_is_prefilled_from_a_search(enterprise_user):
    response = client_for(enterprise_user).get("/requests/new/", {"q": "压力表检定 0-60MPa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="压力表检定 0-60MPa"' in html
    assert inline_code(html) == []


def test_posting_a_request_by_form_then_inviting_a_proposed_lab(
    enterprise, enterprise_user, capable_lab
):
    client = client_for(enterprise_user)
    response = client.post(
        "/requests/new/",
        {"need_text": NEED, "enterprise": enterprise.uscc, "budget_cny": "3000"},
    )
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert response["Location"] == created.page_path

    page = client.get(created.page_path)
    html = page.content.decode()
    assert capable_lab.name in html  # proposed, with an invite button
    assert "邀请报价" in html
    assert inline_code(html) == []

    response = client.post(
        f"/requests/{created.public_id}/invite/", {"institution": capable_lab.uscc}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().institution == capable_lab


def test_a_bad_request_form_is_400_and_writes_nothing(enterprise, enterprise_user):
    response = client_for(enterprise_user).post(
        "/requests/new/", {"need_text": "", "enterprise": enterprise.uscc, "budget_cny": "-1"}
    )
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0


def test_a_lab_member_cannot_post(lab_admin):
    response = client_for(lab_admin).get("/requests/new/")
    assert "只有企业成员可以发布服务需求" in response.content.decode()
    response = client_for(lab_admin).post("/requests/new/", {"need_text": NEED})
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0


def test_pages_need_a_sign_in(service_request, invitation):
    anonymous = Client()
    for url in ("/requests/", "/requests/new/", service_request.page_path, invitation.page_path):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]


def test_each_role_opens_only_what_it_may(
    service_request,
    invitation,
    enterprise_user,
    lab_admin,
    other_enterprise_user,
    uninvited_lab_user,
    regulator,
    platform_admin,
):
    for user in (enterprise_user, lab_admin, platform_admin):
        assert client_for(user).get(service_request.page_path).status_code == 200
        assert client_for(user).get(invitation.page_path).status_code == 200
    for user in (other_enterprise_user, uninvited_lab_user, regulator):
        client = client_for(user)
        assert client.get(service_request.page_path).status_code == 404
        assert client.get(invitation.page_path).status_code == 404
        assert (
            client.post(
                f"{invitation.page_path}quote/", {"price_cny": "1", "days": "1"}
            ).status_code
            == 404
        )


def test_the_institution_quotes_by_form_and_sees_only_its_own(
    service_request, invitation, lab_admin, enterprise_user, uninvited_lab_user
):
    lab_client = client_for(lab_admin)
    inbox = lab_client.get("/requests/").content.decode()
    assert service_request.title in inbox

    response = lab_client.post(
        f"{invitation.page_path}quote/", {"price_cny": "1800", "days": "5", "conditions": "含税"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().status == Invitation.Status.QUOTED

    # a rival's quote is on the enterprise's comparison, not on the lab's page
    rival = uninvited_lab_user.memberships.get().organisation
    rival_invitation = invite(request=service_request, institution=rival, by=enterprise_user)
    submit_quote(invitation=rival_invitation, by=uninvited_lab_user, price_cny="1234", days=2)
    assert "1234" in client_for(enterprise_user).get(service_request.page_path).content.decode()
    assert "1234" not in lab_client.get(service_request.page_path).content.decode()


def test_a_bad_quote_form_is_400(invitation, lab_admin):
    response = client_for(lab_admin).post(
        f"{invitation.page_path}quote/", {"price_cny": "0", "days": "0"}
    )
    assert response.status_code == 400
    assert Invitation.objects.get().status == Invitation.Status.INVITED


def test_accept_advance_complete_and_rate_by_forms(invitation, lab_admin, enterprise_user):
    quote = submit_quote(invitation=invitation, by=lab_admin, price_cny="1800", days=5)
    enterprise_client = client_for(enterprise_user)
    lab_client = client_for(lab_admin)

    response = enterprise_client.post(f"/quotes/{quote.public_id}/accept/")
    order = Order.objects.get()
    assert response["Location"] == order.page_path

    for status in ("samples_received", "in_progress", "report_issued"):
        lab_client.post(f"{order.page_path}advance/", {"to_status": status})
    # the lab may not confirm completion for the enterprise
    lab_client.post(f"{order.page_path}advance/", {"to_status": "completed"})
    assert Order.objects.get().status == "report_issued"
    enterprise_client.post(f"{order.page_path}advance/", {"to_status": "completed"})
    assert Order.objects.get().status == "completed"

    page = enterprise_client.get(order.page_path).content.decode()
    assert 'id="rating-form"' in page
    assert inline_code(page) == []
    enterprise_client.post(f"{order.page_path}rate/", {"score": "4", "comment": "准时"})
    assert Rating.objects.get().score == 4
    assert 'id="rating-form"' not in enterprise_client.get(order.page_path).content.decode()


def test_order_page_is_404_for_outsiders(
    invitation, lab_admin, enterprise_user, uninvited_lab_user, other_enterprise_user
):
    quote = submit_quote(invitation=invitation, by=lab_admin, price_cny="100", days=1)
    order = accept_quote(quote=quote, by=enterprise_user)
    advance_order(order=order, by=lab_admin, to_status="samples_received")
    for user in (uninvited_lab_user, other_enterprise_user):
        assert client_for(user).get(order.page_path).status_code == 404
        assert (
            client_for(user).post(f"{order.page_path}cancel/", {"reason": "x"}).status_code == 404
        )
    assert client_for(lab_admin).get(order.page_path).status_code == 200


def test_nav_shows_service_requests_to_signed_in_users(enterprise_user):
    assert "服务需求" in client_for(enterprise_user).get("/").content.decode()
    assert 'href="/requests/"' not in Client().get("/").content.decode()


def test_page_paths_match_the_url_names(service_request, invitation):
    assert reverse("web:request-detail", kwargs={"public_id": service_request.public_id}) == (
        service_request.page_path
    )
    assert reverse("web:invitation-detail", kwargs={"public_id": invitation.public_id}) == (
        invitation.page_path
    )
