"""HTTP contract of proficiency testing: the programme list, the published anonymous table,
a participant's own view, enrolment and submission (errors as problem+json)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import client_for
from qihub.proficiency.models import Submission
from qihub.proficiency.tests.factories import MakeWorld, World

pytestmark = pytest.mark.django_db
JSON = "application/json"


def url(world: World, tail: str = "") -> str:
    return f"/api/v1/proficiency/rounds/{world.round.public_id}{tail}"


def test_programme_list_and_schemes_are_public(make_world: MakeWorld) -> None:
    make_world("open")
    rounds = Client().get("/api/v1/proficiency/rounds").json()
    assert rounds["count"] == 1
    assert rounds["items"][0]["participant_count"] == 7
    assert rounds["items"][0]["status"] == "open"
    schemes = Client().get("/api/v1/proficiency/schemes").json()
    assert schemes["items"][0]["unit"] == "MPa"
    assert Client().get("/api/v1/proficiency/rounds?status=bogus").status_code == 422


def test_round_detail_has_the_table_only_once_published(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    before = Client().get(url(world)).json()
    assert before["table"] is None and before["statistics"] is None


def test_published_detail_lists_every_code(make_world: MakeWorld) -> None:
    world = make_world("published")
    body = Client().get(url(world)).json()
    assert {row["code"] for row in body["table"]} == {p.code for p in world.participations.values()}
    assert body["statistics"]["assigned_value"] == pytest.approx(world.round.assigned_value)


def test_my_participation_hides_scores_until_published(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    mine = client_for(world.user_a).get(url(world, "/my")).json()
    assert len(mine) == 1
    assert mine[0]["code"] == world.participations["a"].code
    assert mine[0]["submission"]["value"] == pytest.approx(25.43)
    assert mine[0]["score"] is None
    assert client_for(world.outsider_user).get(url(world, "/my")).json() == []
    assert Client().get(url(world, "/my")).status_code == 401


def test_enrol_and_submit_through_the_api(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    client = client_for(world.outsider_user)
    enrolled = client.post(url(world, "/enrol"), {}, content_type=JSON)
    assert enrolled.status_code == 201
    code = enrolled.json()["code"]
    again = client.post(url(world, "/enrol"), {}, content_type=JSON)
    assert again.status_code == 409
    assert again.json()["code"] == "pt_already_enrolled"
    early = client.post(url(world, "/submission"), {"value": 10, "unit": "MPa"}, content_type=JSON)
    assert early.status_code == 409 and early.json()["code"] == "pt_not_open"
    world.round.status = "open"
    world.round.save(update_fields=["status"])
    bad = client.post(url(world, "/submission"), {"value": 10, "unit": "mg/kg"}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["code"] == "pt_submission_invalid"
    done = client.post(
        url(world, "/submission"),
        {"value": 10100, "unit": "kPa", "U": 300, "k": 2, "method": "JGJ/T 70"},
        content_type=JSON,
    )
    assert done.status_code == 201
    assert done.json()["submission"]["converted_value"] == pytest.approx(10.1)
    assert done.json()["code"] == code
    dup = client.post(url(world, "/submission"), {"value": 10, "unit": "MPa"}, content_type=JSON)
    assert dup.status_code == 409 and dup.json()["code"] == "pt_submission_duplicate"
    assert Submission.objects.filter(participation__laboratory=world.outsider).count() == 1


def test_non_member_cannot_submit_for_a_participant(make_world: MakeWorld) -> None:
    world = make_world("open")
    response = client_for(world.regulator).post(
        url(world, "/submission"), {"value": 1, "unit": "MPa"}, content_type=JSON
    )
    assert response.status_code == 404
