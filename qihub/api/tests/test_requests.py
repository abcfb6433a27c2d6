"""HTTP contract of service requests: the whole flow through the API (session and bearer), and
what every role gets back (enterprise owner, other enterprise, invited lab, uninvited lab,
regulator, platform admin, anonymous)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from conftest import client_for
from qihub.accounts.services import issue_api_token
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory
from qihub.matching.models import Invitation, Order, ServiceRequest

pytestmark = pytest.mark.django_db

JSON = "application/json"
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
def uninvited_lab_user(reference):
    user = UserFactory(username="uninvited_lab_user")
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(uscc=uscc_for(9401), kind="testing_lab"),
        role="admin",
    )
    return user


@pytest.fixture
def other_enterprise_user(reference):
    user = UserFactory(username="other_enterprise_user")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(uscc=uscc_for(9402), kind="enterprise")
    )
    return user


def post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


@pytest.fixture
def flow(capable_lab, enterprise_user, lab_admin):
    """A request with the lab invited and a quote in: (request id, invitation id, quote id)."""
    enterprise = client_for(enterprise_user)
    created = post(enterprise, "/api/v1/requests", {"need_text": NEED, "budget_cny": "3000"})
    request_id = created.json()["public_id"]
    invited = post(
        enterprise, f"/api/v1/requests/{request_id}/invitations", {"institution": capable_lab.uscc}
    )
    invitation_id = invited.json()["public_id"]
    quoted = post(
        client_for(lab_admin),
        f"/api/v1/invitations/{invitation_id}/quote",
        {"price_cny": "1800.00", "days": 5, "conditions": "含税"},
    )
    return request_id, invitation_id, quoted.json()["quote"]["public_id"]


def test_the_whole_flow_through_the_api(capable_lab, enterprise, enterprise_user, lab_admin):
    enterprise_client = client_for(enterprise_user)
    lab_client = client_for(lab_admin)

    # post the need; the member of one enterprise need not name it
    response = post(enterprise_client, "/api/v1/requests", {"need_text": NEED})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["enterprise"]["uscc"] == enterprise.uscc
    assert created["kind"] == "test"
    assert created["need"]["standards"][0]["code"] == "GB/T 228.1-2021"
    request_id = created["public_id"]

    # the platform proposes the capable lab, with reasons
    response = enterprise_client.get(f"/api/v1/requests/{request_id}/matches")
    assert response.status_code == 200, response.content
    proposed = response.json()["results"]
    assert [p["uscc"] for p in proposed] == [capable_lab.uscc]
    assert proposed[0]["reasons"]

    # invite it
    response = post(
        enterprise_client,
        f"/api/v1/requests/{request_id}/invitations",
        {"institution": capable_lab.uscc.lower()},
    )
    assert response.status_code == 201, response.content
    invitation_id = response.json()["public_id"]
    assert response.json()["match_reasons"]

    # the lab finds it in its inbox and quotes
    inbox = lab_client.get("/api/v1/invitations").json()
    assert [i["public_id"] for i in inbox["items"]] == [invitation_id]
    response = post(
        lab_client,
        f"/api/v1/invitations/{invitation_id}/quote",
        {"price_cny": "1800", "days": 5},
    )
    assert response.status_code == 201, response.content
    quote_id = response.json()["quote"]["public_id"]

    # the enterprise accepts: an order
    response = post(enterprise_client, f"/api/v1/quotes/{quote_id}/accept")
    assert response.status_code == 201, response.content
    order_id = response.json()["public_id"]
    assert response.json()["status"] == "accepted"

    # the lab moves it on, the enterprise confirms completion and rates it
    for status in ("samples_received", "in_progress", "report_issued"):
        response = post(
            lab_client,
            f"/api/v1/orders/{order_id}/status",
            {"status": status, "report_number": "LNSJ-2026-0001"},
        )
        assert response.status_code == 200, response.content
    response = post(enterprise_client, f"/api/v1/orders/{order_id}/status", {"status": "completed"})
    assert response.status_code == 200
    assert [c["to_status"] for c in response.json()["timeline"]] == [
        "accepted",
        "samples_received",
        "in_progress",
        "report_issued",
        "completed",
    ]
    response = post(
        enterprise_client, f"/api/v1/orders/{order_id}/rating", {"score": 5, "comment": "很快"}
    )
    assert response.status_code == 201, response.content
    assert enterprise_client.get(f"/api/v1/orders/{order_id}").json()["rating"]["score"] == 5

    # a second rating is a conflict
    response = post(enterprise_client, f"/api/v1/orders/{order_id}/rating", {"score": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "order_already_rated"


def test_bearer_token_works_without_csrf(enterprise_user):
    _token, secret = issue_api_token(user=enterprise_user, name="erp", by=enterprise_user)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/requests",
        {"need_text": "压力表检定 0-60MPa 1.6级"},
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "verification"


def test_session_writes_need_the_csrf_token(enterprise_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enterprise_user)
    response = client.post("/api/v1/requests", {"need_text": NEED}, content_type=JSON)
    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"need_text": ""}, 422, "invalid_request"),
        ({"need_text": NEED, "budget_cny": "-1"}, 422, "invalid_request"),
        ({"need_text": NEED, "kind": "massage"}, 422, "invalid_request"),
        ({"need_text": NEED, "city": "999999"}, 400, "unknown_region"),
        ({"need_text": NEED, "due_on": "2000-01-01"}, 400, "service_request_invalid"),
        ({"need_text": NEED, "enterprise": uscc_for(9999)}, 404, "not_found"),
    ],
)
def test_bad_requests_are_problems_and_write_nothing(enterprise_user, body, status, code):
    response = post(client_for(enterprise_user), "/api/v1/requests", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert ServiceRequest.objects.count() == 0


def test_a_lab_cannot_post_a_request(lab_admin, lab):
    response = post(
        client_for(lab_admin), "/api/v1/requests", {"need_text": NEED, "enterprise": lab.uscc}
    )
    assert response.status_code == 404  # not an enterprise: no such enterprise
    response = post(client_for(lab_admin), "/api/v1/requests", {"need_text": NEED})
    assert response.status_code == 400
    assert response.json()["code"] == "service_request_invalid"


def test_anonymous_gets_401_everywhere(flow):
    request_id, invitation_id, quote_id = flow
    anonymous = Client()
    for url in (
        "/api/v1/requests",
        f"/api/v1/requests/{request_id}",
        f"/api/v1/requests/{request_id}/matches",
        "/api/v1/invitations",
        f"/api/v1/invitations/{invitation_id}",
    ):
        assert anonymous.get(url).status_code == 401, url
    assert post(anonymous, f"/api/v1/quotes/{quote_id}/accept").status_code == 401


def test_what_each_role_sees_of_a_request(
    flow,
    enterprise_user,
    lab_admin,
    other_enterprise_user,
    uninvited_lab_user,
    regulator,
    platform_admin,
):
    request_id, invitation_id, quote_id = flow
    url = f"/api/v1/requests/{request_id}"

    owner = client_for(enterprise_user).get(url)
    assert owner.status_code == 200
    assert len(owner.json()["invitations"]) == 1
    assert owner.json()["invitations"][0]["quote"]["price_cny"] in ("1800.00", 1800.0)

    invited = client_for(lab_admin).get(url)
    assert invited.status_code == 200
    assert [i["public_id"] for i in invited.json()["invitations"]] == [invitation_id]

    for user in (other_enterprise_user, uninvited_lab_user, regulator):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(f"/api/v1/invitations/{invitation_id}").status_code == 404
        assert client.get("/api/v1/requests").json()["count"] == 0
        assert client.get("/api/v1/invitations").json()["count"] == 0
        assert post(client, f"/api/v1/quotes/{quote_id}/accept").status_code == 404

    # platform administrators read, but do not act for either side
    admin = client_for(platform_admin)
    assert admin.get(url).status_code == 200
    response = post(admin, f"/api/v1/quotes/{quote_id}/accept")
    assert response.status_code == 403
    assert response.json()["code"] == "service_request_forbidden"
    assert Order.objects.count() == 0


def test_an_invited_lab_sees_only_its_own_quote(
    flow, enterprise_user, lab_admin, uninvited_lab_user
):
    request_id, _invitation_id, _quote_id = flow
    rival = uninvited_lab_user.memberships.get().organisation
    response = post(
        client_for(enterprise_user),
        f"/api/v1/requests/{request_id}/invitations",
        {"institution": rival.uscc},
    )
    rival_invitation = response.json()["public_id"]
    post(
        client_for(uninvited_lab_user),
        f"/api/v1/invitations/{rival_invitation}/quote",
        {"price_cny": "999", "days": 1},
    )

    seen = client_for(lab_admin).get(f"/api/v1/requests/{request_id}").json()["invitations"]
    assert [i["institution"]["uscc"] for i in seen] == [
        lab_admin.memberships.get().organisation.uscc
    ]
    assert client_for(lab_admin).get(f"/api/v1/invitations/{rival_invitation}").status_code == 404
    owner = client_for(enterprise_user).get(f"/api/v1/requests/{request_id}").json()
    assert len(owner["invitations"]) == 2


def test_only_the_invited_lab_quotes_and_the_enterprise_cannot(flow, enterprise_user):
    _request_id, invitation_id, _quote_id = flow
    response = post(
        client_for(enterprise_user),
        f"/api/v1/invitations/{invitation_id}/quote",
        {"price_cny": "1", "days": 1},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "service_request_forbidden"


def test_bad_quotes_are_422(flow, lab_admin):
    _request_id, invitation_id, _quote_id = flow
    client = client_for(lab_admin)
    for body in ({"price_cny": "0", "days": 1}, {"price_cny": "10", "days": 0}, {"days": 3}):
        response = post(client, f"/api/v1/invitations/{invitation_id}/quote", body)
        assert response.status_code == 422, body


def test_decline_then_accepting_is_a_conflict(flow, enterprise_user, lab_admin):
    _request_id, invitation_id, quote_id = flow
    response = post(
        client_for(lab_admin), f"/api/v1/invitations/{invitation_id}/decline", {"reason": "满负荷"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == Invitation.Status.DECLINED
    response = post(client_for(enterprise_user), f"/api/v1/quotes/{quote_id}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_not_acceptable"


def test_order_steps_out_of_turn_are_conflicts(flow, enterprise_user, lab_admin):
    _request_id, _invitation_id, quote_id = flow
    order_id = post(client_for(enterprise_user), f"/api/v1/quotes/{quote_id}/accept").json()[
        "public_id"
    ]
    response = post(
        client_for(lab_admin), f"/api/v1/orders/{order_id}/status", {"status": "completed"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "order_transition_not_allowed"
    response = post(client_for(lab_admin), f"/api/v1/orders/{order_id}/rating", {"score": 5})
    assert response.status_code == 403
    response = post(
        client_for(enterprise_user), f"/api/v1/orders/{order_id}/cancel", {"reason": ""}
    )
    assert response.status_code == 422
    response = post(
        client_for(enterprise_user), f"/api/v1/orders/{order_id}/cancel", {"reason": "项目取消"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_cancel_request_withdraws_invitations(flow, enterprise_user, lab_admin):
    request_id, invitation_id, _quote_id = flow
    response = post(client_for(enterprise_user), f"/api/v1/requests/{request_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    invitation = client_for(lab_admin).get(f"/api/v1/invitations/{invitation_id}").json()
    assert invitation["status"] == "withdrawn"
    response = post(client_for(enterprise_user), f"/api/v1/requests/{request_id}/cancel")
    assert response.status_code == 409
