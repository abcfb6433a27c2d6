"""Proficiency pages: programmes vs the target, the round page for each role, the submission
form, the regulator's steps and outlier review, the PDF, and the follow-up pages."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import client_for
from qihub.proficiency.models import FollowUp, Round, Submission
from qihub.proficiency.tests.factories import MakeWorld, World

pytestmark = pytest.mark.django_db


def page(world: World, tail: str = "") -> str:
    return f"/proficiency/rounds/{world.round.public_id}/{tail}"


def test_programmes_page_shows_the_year_against_the_target(make_world: MakeWorld) -> None:
    world = make_world("open")
    text = Client().get("/proficiency/").content.decode()
    assert world.round.code in text
    assert "≥ 5" in text and "差 4 项" in text
    assert 'id="flagged-labs"' not in text
    assert 'aria-current="page">能力验证' in text


def test_regulator_walks_a_round_through_its_steps(make_world: MakeWorld) -> None:
    world = make_world("open")
    client = client_for(world.regulator)
    for expected in ("closed", "evaluated"):
        response = client.post(page(world, "advance/"), {"to": expected})
        assert response.status_code == 302
        world.refresh()
        assert world.round.status == expected
    # outlier review: exclude A's result with a reason, re-evaluate, publish
    code = world.participations["a"].code
    client.post(page(world, f"results/{code}/review/"), {"action": "exclude", "reason": "破损"})
    assert Submission.objects.get(participation=world.participations["a"]).is_excluded
    client.post(page(world, "advance/"), {"to": "evaluated"})
    client.post(page(world, "advance/"), {"to": "published"})
    world.refresh()
    assert world.round.status == Round.Status.PUBLISHED
    assert world.round.results_used == 6
    flagged = client.get("/proficiency/").content.decode()
    assert 'id="flagged-labs"' in flagged and world.lab_a.name in flagged


def test_a_participant_cannot_take_regulator_steps(make_world: MakeWorld) -> None:
    world = make_world("open")
    response = client_for(world.user_a).post(page(world, "advance/"), {"to": "closed"})
    assert response.status_code == 403
    world.refresh()
    assert world.round.status == Round.Status.OPEN


def test_enrol_and_submit_through_the_pages(make_world: MakeWorld) -> None:
    world = make_world("enrolling")
    client = client_for(world.outsider_user)
    text = client.get(page(world)).content.decode()
    assert "报名" in text and world.outsider.uscc in text
    client.post(page(world, "enrol/"), {"laboratory": world.outsider.uscc})
    assert world.round.participations.filter(laboratory=world.outsider).exists()
    client_for(world.regulator).post(page(world, "advance/"), {"to": "open"})
    form = client.get(page(world, "submit/"))
    assert form.status_code == 200
    bad = client.post(page(world, "submit/"), {"value": "10", "unit": "mg/kg"})
    assert bad.status_code == 400 and "MPa" in bad.content.decode()
    good = client.post(page(world, "submit/"), {"value": "10.2", "unit": "N/mm2", "method": "x"})
    assert good.status_code == 302
    assert Submission.objects.get(participation__laboratory=world.outsider).converted_value == 10.2


def test_submission_form_is_only_for_participants(make_world: MakeWorld) -> None:
    world = make_world("open")
    assert client_for(world.outsider_user).get(page(world, "submit/")).status_code == 404
    assert Client().get(page(world, "submit/")).status_code == 302


def test_report_pdf_only_once_published(make_world: MakeWorld) -> None:
    world = make_world("evaluated")
    assert Client().get(page(world, "report.pdf")).status_code == 404


def test_follow_up_pages_from_answer_to_closure(make_world: MakeWorld) -> None:
    world = make_world("published")
    case = FollowUp.objects.get(laboratory=world.lab_a)
    url = f"/proficiency/follow-ups/{case.public_id}/"
    lab = client_for(world.user_a)
    empty = lab.post(url + "submit/", {"root_cause": "", "corrective_actions": ""})
    assert empty.status_code == 400
    lab.post(url + "submit/", {"root_cause": "压力机偏差", "corrective_actions": "送检并复测"})
    case.refresh_from_db()
    assert case.status == FollowUp.Status.SUBMITTED
    assert lab.post(url + "review/", {"decision": "accept"}).status_code == 403
    regulator = client_for(world.regulator)
    assert "提交审核结论" in regulator.get(url).content.decode()
    regulator.post(url + "review/", {"decision": "accept", "comment": "有效"})
    regulator.post(url + "close/")
    case.refresh_from_db()
    assert case.status == FollowUp.Status.CLOSED
    listing = regulator.get("/proficiency/follow-ups/").content.decode()
    assert world.lab_a.name in listing
