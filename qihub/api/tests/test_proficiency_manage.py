"""HTTP contract of the PT provider's steps and of follow-up cases: the round's status moves, the
outlier review, the PDF report, and the laboratory ↔ regulator exchange on a case. Who may do
what is the services' rule (the round's provider and PT regulators manage; a laboratory answers
its own case); the API must neither widen nor leak it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.services import issue_api_token
from qihub.proficiency.models import FollowUp, Submission
from qihub.proficiency.tests.factories import (
    A_VALUE,
    B_VALUE,
    OTHER_VALUES,
    MakeWorld,
    World,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def url(world: World, tail: str = "") -> str:
    return f"/api/v1/proficiency/rounds/{world.round.public_id}{tail}"


def case_url(case: FollowUp, tail: str = "") -> str:
    return f"/api/v1/proficiency/follow-ups/{case.public_id}{tail}"


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type=JSON)


def member_of(organisation: Organisation) -> User:
    return Membership.objects.select_related("user").get(organisation=organisation).user


def advance(client: Client, world: World, to_status: str) -> Any:
    return post(client, url(world, "/advance"), {"to_status": to_status})


def test_provider_walks_a_round_from_planned_to_published(make_world: MakeWorld) -> None:
    # given a planned round and its provider (the regulator), signed in with a bearer token
    world = make_world("planned")
    _, secret = issue_api_token(user=world.regulator, name="PT", by=world.regulator)
    provider = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    labs = [world.lab_a, world.lab_b, *world.others]
    values = [A_VALUE, B_VALUE, *OTHER_VALUES]

    # when it opens enrolment, the laboratories enrol and submit through their own routes
    opened = advance(provider, world, "enrolling")
    assert opened.status_code == 200
    assert opened.json()["status"] == "enrolling"
    codes = {}
    for laboratory in labs:
        enrolled = post(client_for(member_of(laboratory)), url(world, "/enrol"))
        assert enrolled.status_code == 201
        codes[laboratory.pk] = enrolled.json()["code"]
    assert advance(provider, world, "open").json()["participant_count"] == len(labs)
    for laboratory, value in zip(labs, values, strict=True):
        submitted = post(
            client_for(member_of(laboratory)),
            url(world, "/submission"),
            {"value": value, "unit": "MPa", "U": 0.4, "k": 2},
        )
        assert submitted.status_code == 201
    assert advance(provider, world, "closed").json()["status"] == "closed"
    evaluated = advance(provider, world, "evaluated")
    assert evaluated.json()["status"] == "evaluated"
    assert evaluated.json()["table"] is None  # nothing is public before publication

    # and reviews A's gross outlier: excluded with a reason, then evaluates again and publishes
    a_code = codes[world.lab_a.pk]
    excluded = post(
        provider,
        url(world, f"/results/{a_code}/exclusion"),
        {"excluded": True, "reason": "试块养护条件不符合 GB/T 50081"},
    )
    assert excluded.status_code == 200
    assert excluded.json() == {
        "round_id": str(world.round.public_id),
        "code": a_code,
        "is_excluded": True,
        "exclusion_reason": "试块养护条件不符合 GB/T 50081",
        "round_status": "evaluated",
    }
    assert advance(provider, world, "evaluated").status_code == 200
    published = advance(provider, world, "published")
    assert published.status_code == 200

    # then the public detail carries the statistics without A and the table with every code
    detail = Client().get(url(world)).json()
    assert detail["status"] == "published"
    assert detail["statistics"]["results_used"] == len(labs) - 1
    assert detail == published.json()
    rows = {row["code"]: row for row in detail["table"]}
    assert set(rows) == set(codes.values())
    assert rows[a_code]["is_excluded"] is True
    assert rows[a_code]["classification"] == "unsatisfactory"
    assert rows[codes[world.lab_b.pk]]["classification"] == "satisfactory"
    assert FollowUp.objects.filter(laboratory=world.lab_a, status="open").exists()


def test_a_laboratory_member_cannot_run_the_round(make_world: MakeWorld) -> None:
    world = make_world("closed")
    a_code = world.participations["a"].code
    for user in (world.user_a, world.outsider_user):
        client = client_for(user)
        refused = advance(client, world, "evaluated")
        assert refused.status_code == 403
        assert refused["Content-Type"] == "application/problem+json"
        assert refused.json()["code"] == "pt_round_forbidden"
        review = post(
            client, url(world, f"/results/{a_code}/exclusion"), {"excluded": True, "reason": "x"}
        )
        assert review.status_code == 403 and review.json()["code"] == "pt_round_forbidden"
        # an unknown code tells a non-manager nothing more than a known one
        probe = post(client, url(world, "/results/P999/exclusion"), {"excluded": False})
        assert probe.status_code == 403
    world.refresh()
    assert world.round.status == "closed"
    assert world.round.transitions.filter(to_status="evaluated").count() == 0
    assert not Submission.objects.filter(is_excluded=True).exists()


def test_anonymous_callers_get_401(make_world: MakeWorld) -> None:
    world = make_world("closed")
    assert advance(Client(), world, "evaluated").status_code == 401
    assert Client().get("/api/v1/proficiency/follow-ups").status_code == 401
    world.refresh()
    assert world.round.status == "closed"


def test_a_step_the_life_cycle_refuses_is_a_409_with_its_message(make_world: MakeWorld) -> None:
    world = make_world("published")
    refused = advance(client_for(world.regulator), world, "open")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "pt_transition_not_allowed"
    assert body["detail"] == "轮次当前为“已发布”，不能转为“结果提交中”"
    world.refresh()
    assert world.round.status == "published"


def test_unknown_round_and_status_are_refused(make_world: MakeWorld) -> None:
    world = make_world("planned")
    client = client_for(world.regulator)
    missing = post(
        client,
        "/api/v1/proficiency/rounds/00000000-0000-4000-8000-000000000000/advance",
        {"to_status": "enrolling"},
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert advance(client, world, "finished").status_code == 422
    back = advance(client, world, "planned")
    assert back.status_code == 409 and back.json()["code"] == "pt_transition_not_allowed"
    assert advance(client, world, "enrolling").status_code == 200
    empty = advance(client, world, "open")  # nobody enrolled: the service's own 400
    assert empty.status_code == 400 and empty.json()["code"] == "pt_round_invalid"


def test_exclusion_needs_a_reason_and_a_round_under_review(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    client = client_for(world.regulator)
    a_code = world.participations["a"].code
    blank = post(client, url(world, f"/results/{a_code}/exclusion"), {"excluded": True})
    assert blank.status_code == 400
    assert blank.json()["code"] == "pt_submission_invalid"
    assert blank.json()["detail"] == "剔除结果必须说明理由"
    spaces = post(
        client, url(world, f"/results/{a_code}/exclusion"), {"excluded": True, "reason": "  "}
    )
    assert spaces.status_code == 400
    assert not Submission.objects.get(participation__code=a_code).is_excluded
    missing = post(client, url(world, "/results/P999/exclusion"), {"excluded": False})
    assert missing.status_code == 404
    publish = advance(client, world, "published")
    assert publish.status_code == 200
    late = post(client, url(world, f"/results/{a_code}/exclusion"), {"excluded": False})
    assert late.status_code == 409 and late.json()["code"] == "pt_transition_not_allowed"


def test_report_is_a_pdf_only_after_publication(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    before = Client().get(url(world, "/report.pdf"))
    assert before.status_code == 404
    assert before["Content-Type"] == "application/problem+json"
    assert advance(client_for(world.regulator), world, "published").status_code == 200
    after = Client().get(url(world, "/report.pdf"))
    assert after.status_code == 200
    assert after["Content-Type"] == "application/pdf"
    assert after.content.startswith(b"%PDF")


def test_follow_up_from_corrective_action_to_closure(make_world: MakeWorld) -> None:
    # given a published round: A's result opened a case; B has one too (questionable, say)
    world = make_world("published")
    case_a = FollowUp.objects.get(laboratory=world.lab_a)
    case_b = FollowUp.objects.create(
        participation=world.participations["b"],
        laboratory=world.lab_b,
        classification="questionable",
    )
    lab, regulator = client_for(world.user_a), client_for(world.regulator)

    # the laboratory sees only its own case; other laboratories get 404
    mine = lab.get("/api/v1/proficiency/follow-ups").json()
    assert mine["count"] == 1
    assert [c["public_id"] for c in mine["items"]] == [str(case_a.public_id)]
    assert mine["items"][0]["classification"] == "unsatisfactory"
    assert lab.get(case_url(case_b)).status_code == 404
    assert client_for(world.outsider_user).get(case_url(case_a)).status_code == 404
    outsider_list = client_for(world.outsider_user).get("/api/v1/proficiency/follow-ups")
    assert outsider_list.json()["count"] == 0
    stranger = post(
        client_for(world.user_b),
        case_url(case_a, "/corrective-action"),
        {"root_cause": "x", "corrective_actions": "y"},
    )
    assert stranger.status_code == 404
    everyone = regulator.get("/api/v1/proficiency/follow-ups").json()
    assert everyone["count"] == 2
    only_open = regulator.get("/api/v1/proficiency/follow-ups?status=submitted").json()
    assert only_open["count"] == 0

    # the laboratory answers; it may not review its own answer
    answer = {
        "root_cause": "压力机未按期校准",
        "corrective_actions": "送检压力机并复测留样",
        "evidence": "校准证书 JJG 139-2014",
    }
    submitted = post(lab, case_url(case_a, "/corrective-action"), answer)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["root_cause"] == answer["root_cause"]
    self_review = post(lab, case_url(case_a, "/review"), {"decision": "accept"})
    assert self_review.status_code == 403
    assert self_review.json()["code"] == "pt_follow_up_forbidden"
    assert post(lab, case_url(case_a, "/close")).status_code == 403

    # the regulator returns it (a comment is required), the lab answers again, it is accepted
    bare = post(regulator, case_url(case_a, "/review"), {"decision": "return"})
    assert bare.status_code == 400 and bare.json()["code"] == "pt_follow_up_invalid"
    returned = post(
        regulator, case_url(case_a, "/review"), {"decision": "return", "comment": "请补充复测数据"}
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "请补充复测数据"
    too_early = post(regulator, case_url(case_a, "/close"))
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "pt_follow_up_step_not_allowed"
    assert post(lab, case_url(case_a, "/corrective-action"), answer).status_code == 200
    accepted = post(regulator, case_url(case_a, "/review"), {"decision": "accept"})
    assert accepted.json()["status"] == "accepted"

    # then closes it; the case reads closed for the laboratory too
    closed = post(regulator, case_url(case_a, "/close"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert lab.get(case_url(case_a)).json()["closed_at"] is not None
    again = post(regulator, case_url(case_a, "/close"))
    assert again.status_code == 409


def test_corrective_action_needs_its_fields(make_world: MakeWorld) -> None:
    world = make_world("published")
    case = FollowUp.objects.get(laboratory=world.lab_a)
    lab = client_for(world.user_a)
    missing = post(lab, case_url(case, "/corrective-action"), {"root_cause": "x"})
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"
    blank = post(
        lab, case_url(case, "/corrective-action"), {"root_cause": " ", "corrective_actions": "y"}
    )
    assert blank.status_code == 400 and blank.json()["code"] == "pt_follow_up_invalid"
    long = post(
        lab,
        case_url(case, "/corrective-action"),
        {"root_cause": "x" * 4001, "corrective_actions": "y"},
    )
    assert long.status_code == 422
    case.refresh_from_db()
    assert case.status == "open"


def test_session_post_without_csrf_token_is_refused(make_world: MakeWorld) -> None:
    world = make_world("planned")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.regulator)
    response = advance(client, world, "enrolling")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    world.refresh()
    assert world.round.status == "planned"
