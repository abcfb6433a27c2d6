"""HTTP contract of /api/v1/local-standards: reads are public, every step needs the right person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import client_for
from qihub.accounts.models import Organisation, User
from qihub.standards.models.projects import LocalStandardProject
from qihub.standards.pipeline import apply_for_project

BASE = "/api/v1/local-standards"
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def project(lab_admin: User, lab: Organisation, regulator_org: Organisation) -> Any:
    with time_machine.travel(dt.datetime(2024, 1, 10, 10, tzinfo=TZ), tick=False):
        return apply_for_project(
            title="海参养殖技术规范",
            proposed_code="DB21/T 4100",
            drafting_organisation=lab,
            regulator=regulator_org,
            by=lab_admin,
        )


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_list_and_detail_are_public(anonymous: Client, project: Any) -> None:
    listing = anonymous.get(BASE, {"stage": "application"})
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    detail = anonymous.get(f"{BASE}/{project.public_id}")
    assert detail.status_code == 200
    assert detail.json()["proposed_code"] == "DB21/T 4100"
    assert anonymous.get(f"{BASE}/{project.public_id}".replace("-", "0")).status_code == 404


def test_anonymous_cannot_approve(anonymous: Client, project: Any) -> None:
    response = post(anonymous, f"{BASE}/{project.public_id}/approve", {})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_enterprise_user_cannot_approve(enterprise_user: User, project: Any) -> None:
    response = post(client_for(enterprise_user), f"{BASE}/{project.public_id}/approve", {})
    assert response.status_code == 403
    assert response.json()["code"] == "project_action_not_allowed"


def test_out_of_order_is_a_conflict(lab_admin: User, project: Any) -> None:
    response = post(
        client_for(lab_admin), f"{BASE}/{project.public_id}/advance", {"to_stage": "drafting"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stage_out_of_order"
    assert "立项" in response.json()["detail"]


def test_happy_path_through_publication_and_comments(
    regulator: User, lab_admin: User, enterprise_user: User, project: Any
) -> None:
    url = f"{BASE}/{project.public_id}"
    # Sessions are per moment (idle timeout), so each jump in time signs in again.
    with time_machine.travel(dt.datetime(2024, 2, 1, 10, tzinfo=TZ), tick=False):
        as_regulator, as_drafter = client_for(regulator), client_for(lab_admin)
        assert post(as_regulator, f"{url}/approve", {}).json()["stage"] == "approved"
        assert post(as_drafter, f"{url}/advance", {"to_stage": "drafting"}).status_code == 200
    with time_machine.travel(dt.datetime(2024, 8, 1, 10, tzinfo=TZ), tick=False):
        as_regulator, as_drafter = client_for(regulator), client_for(lab_admin)
        response = post(as_drafter, f"{url}/consultation", {"closes_on": "2024-09-01"})
        assert response.json()["consultation_closes_on"] == "2024-09-01"
        comment = post(client_for(enterprise_user), f"{url}/comments", {"body": "建议补充苗种要求"})
        assert comment.status_code == 201
        comment_id = comment.json()["id"]
        refused = post(as_regulator, f"{url}/comments/{comment_id}/reply", {"body": "x"})
        assert refused.status_code == 403
        replied = post(as_drafter, f"{url}/comments/{comment_id}/reply", {"body": "已采纳"})
        assert replied.json()["reply"] == "已采纳"
    with time_machine.travel(dt.datetime(2024, 9, 10, 10, tzinfo=TZ), tick=False):
        as_regulator, as_drafter = client_for(regulator), client_for(lab_admin)
        post(as_drafter, f"{url}/advance", {"to_stage": "technical_review"})
        published = post(as_regulator, f"{url}/publish", {"effective_on": "2024-10-10"})
    assert published.status_code == 200
    assert published.json()["standard_code"] == "DB21/T 4100-2024"
    with time_machine.travel(dt.datetime(2029, 1, 1, 10, tzinfo=TZ), tick=False):
        as_regulator = client_for(regulator)
        review = post(as_regulator, f"{url}/reviews", {"outcome": "confirm"})
    assert review.status_code == 201
    assert review.json()["project"]["last_reviewed_on"] == "2029-01-01"
    assert [t["to_stage"] for t in review.json()["project"]["transitions"]] == [
        "approved",
        "drafting",
        "consultation",
        "technical_review",
        "published",
    ]


def test_pipeline_is_for_regulators(
    anonymous: Client, enterprise_user: User, regulator: User, project: Any
) -> None:
    assert anonymous.get(f"{BASE}/pipeline").status_code == 401
    assert client_for(enterprise_user).get(f"{BASE}/pipeline").status_code == 403
    response = client_for(regulator).get(f"{BASE}/pipeline")
    assert response.status_code == 200
    stages = {s["stage"]: s["count"] for s in response.json()["stages"]}
    assert stages[LocalStandardProject.Stage.APPLICATION] == 1
    assert response.json()["target_cycle_months"] == 18.0
