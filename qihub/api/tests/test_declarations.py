"""HTTP contract of self-declarations and notifications: statuses, shapes, permissions."""

import pytest

from conftest import client_for
from qihub.accounts.models import Notification
from qihub.accounts.services import notify_organisation
from qihub.standards.declarations import DeclaredStandardInput, publish_declaration
from qihub.standards.tests.test_declarations import CATALOGUE, import_standards

URL = "/api/v1/declarations"


@pytest.fixture
def catalogue(db, tmp_path):
    import_standards(tmp_path, CATALOGUE)


@pytest.fixture
def declaration(catalogue, enterprise, enterprise_user):
    return publish_declaration(
        enterprise=enterprise,
        product="阀门用优质碳素钢棒",
        model="Φ20",
        standards=[
            DeclaredStandardInput(code="GB/T 699-2015"),
            DeclaredStandardInput(code="Q/DLYH 001-2024", is_own_standard=True),
        ],
        by=enterprise_user,
    )


def payload(enterprise, code="GB/T 228.1-2021", **extra):
    return {
        "enterprise": enterprise.uscc,
        "product": "拉伸试样",
        "model": "R4",
        "standards": [{"code": code, **extra}],
    }


def test_member_publishes_a_declaration(catalogue, enterprise, enterprise_user):
    response = client_for(enterprise_user).post(
        URL, payload(enterprise), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published"
    assert body["standards"][0]["code"] == "GB/T 228.1-2021"
    assert body["standards"][0]["status"] == "current"


def test_superseded_edition_is_a_problem_naming_the_current_one(
    catalogue, enterprise, enterprise_user
):
    response = client_for(enterprise_user).post(
        URL, payload(enterprise, "GB/T 228.1-2010"), content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "declared_standard_not_in_force"
    assert "GB/T 228.1-2021" in response.json()["detail"]


def test_weaker_indicator_without_disclosure_is_refused(catalogue, enterprise, enterprise_user):
    body = payload(
        enterprise,
        indicators=[{"name": "断后伸长率", "value": "≥14", "unit": "%", "national_value": "≥16"}],
    )
    response = client_for(enterprise_user).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "weaker_indicators_undisclosed"


def test_anonymous_cannot_publish(catalogue, enterprise, anonymous):
    response = anonymous.post(URL, payload(enterprise), content_type="application/json")
    assert response.status_code == 401


def test_non_member_cannot_publish(catalogue, enterprise, lab_admin):
    response = client_for(lab_admin).post(URL, payload(enterprise), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "declaration_not_allowed"


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "碳素钢"}, True),
        ({"q": "远航阀门"}, True),
        ({"enterprise": "大连远航"}, True),
        ({"standard": "gbt 699"}, True),
        ({"standard": "GB/T 699-2015"}, True),
        ({"standard": "GB/T 69"}, False),
        ({"q": "Q/DLYH 001"}, True),
        ({"q": "不存在的产品"}, False),
    ],
)
def test_public_search(declaration, anonymous, params, found):
    response = anonymous.get(URL, params)
    assert response.status_code == 200
    ids = [item["public_id"] for item in response.json()["items"]]
    assert ids == ([str(declaration.public_id)] if found else [])


def test_search_by_uscc(declaration, enterprise, anonymous):
    response = anonymous.get(URL, {"enterprise": enterprise.uscc})
    assert response.json()["count"] == 1


def test_public_detail(declaration, anonymous):
    response = anonymous.get(f"{URL}/{declaration.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body["standards"]] == ["GB/T 699-2015", "Q/DLYH 001-2024"]
    assert body["standards"][1]["is_own_standard"] is True
    assert anonymous.get(f"{URL}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_withdraw_by_member_only(declaration, enterprise_user, lab_admin):
    url = f"{URL}/{declaration.public_id}/withdraw"
    assert client_for(lab_admin).post(url, content_type="application/json").status_code == 403
    response = client_for(enterprise_user).post(url, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    listed = client_for(enterprise_user).get(URL).json()
    assert listed["count"] == 0


def test_notifications_are_private(enterprise, enterprise_user, lab_admin):
    notice = notify_organisation(
        organisation=enterprise,
        kind="standard_superseded",
        title="标准被代替",
        message="m",
        link="/declarations/",
        by=None,
    )
    mine = client_for(enterprise_user).get("/api/v1/notifications")
    assert [n["id"] for n in mine.json()] == [notice.pk]
    assert client_for(lab_admin).get("/api/v1/notifications").json() == []
    read_url = f"/api/v1/notifications/{notice.pk}/read"
    assert client_for(lab_admin).post(read_url, content_type="application/json").status_code == 404
    response = client_for(enterprise_user).post(read_url, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client_for(enterprise_user).get("/api/v1/notifications").json()[0]["read_at"]
    assert notice.receipts.count() == 1
    assert Notification.objects.count() == 1


def test_notifications_need_sign_in(anonymous):
    assert anonymous.get("/api/v1/notifications").status_code == 401
