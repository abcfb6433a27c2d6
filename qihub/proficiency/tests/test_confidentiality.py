"""PT confidentiality (issue 7 acceptance): no page or endpoint reveals another participant's
results or identity before publication, nor identities after it.

Every page and API route of the proficiency app is fetched by every role — participant A,
participant B, a laboratory that does not take part, the anonymous public, and the regulator
that runs the round — at every stage, and the responses are searched for what must not be
there: other participants' names, codes and values, and (before publication) any score.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import client_for
from qihub.proficiency.models import FollowUp
from qihub.proficiency.tests.factories import A_VALUE, B_VALUE, MakeWorld, World

pytestmark = pytest.mark.django_db
BEFORE = ("enrolling", "open", "closed", "evaluated")


def urls(world: World) -> list[str]:
    rid = world.round.public_id
    found = [
        "/proficiency/",
        f"/proficiency/rounds/{rid}/",
        f"/proficiency/rounds/{rid}/submit/",
        f"/proficiency/rounds/{rid}/report.pdf",
        "/proficiency/follow-ups/",
        "/notifications/",
        "/api/v1/proficiency/schemes",
        "/api/v1/proficiency/rounds",
        f"/api/v1/proficiency/rounds/{rid}",
        f"/api/v1/proficiency/rounds/{rid}/my",
    ]
    found += [f"/proficiency/follow-ups/{c.public_id}/" for c in FollowUp.objects.all()]
    return found


def fetch_all(client: Client, world: World) -> str:
    """Every response body of every URL, as one text (PDF bytes decoded leniently)."""
    bodies = []
    for url in urls(world):
        response = client.get(url)
        assert response.status_code in (200, 302, 401, 403, 404), (url, response.status_code)
        if response.status_code == 200:
            bodies.append(response.content.decode("utf-8", errors="replace"))
    return "\n".join(bodies)


def value_strings(value: float) -> list[str]:
    return [str(value), f"{value:g}", f"{value * 1000:g}"]


def others_of(world: World, who: str) -> tuple[list[str], list[str]]:
    """(names, codes) of every participant but ``who`` ("a", "b" or "" for nobody)."""
    own_lab = {"a": world.lab_a, "b": world.lab_b}.get(who)
    names = [name for name in world.lab_names if own_lab is None or name != own_lab.name]
    codes = [p.code for key, p in world.participations.items() if key != who]
    return names, codes


def assert_absent(text: str, needles: list[str], what: str) -> None:
    for needle in needles:
        assert needle not in text, f"{what}: {needle!r} leaked"


@pytest.mark.parametrize("stage", BEFORE)
def test_before_publication_a_participant_sees_only_its_own_submission(
    make_world: MakeWorld, stage: str
) -> None:
    world = make_world(stage)
    for who, user, own_value, other_value in (
        ("a", world.user_a, A_VALUE, B_VALUE),
        ("b", world.user_b, B_VALUE, A_VALUE),
    ):
        text = fetch_all(client_for(user), world)
        names, codes = others_of(world, who)
        assert_absent(text, names, f"{who} at {stage}: another participant's name")
        assert_absent(
            text,
            [f">{c}<" for c in codes] + [f'"{c}"' for c in codes],
            f"{who} at {stage}: another participant's code",
        )
        assert_absent(text, value_strings(other_value), f"{who} at {stage}: another's value")
        assert 'id="my-score"' not in text
        assert '"z":' not in text and "results-table" not in text
        assert '"score": null' in text
        own_code = world.participations[who].code
        assert own_code in text  # its own participation is there
        if stage != "enrolling":
            assert any(v in text for v in value_strings(own_value))


@pytest.mark.parametrize("stage", BEFORE)
def test_before_publication_outsiders_see_no_participant(make_world: MakeWorld, stage: str) -> None:
    world = make_world(stage)
    for label, client in (
        ("anonymous", Client()),
        ("non-participant lab", client_for(world.outsider_user)),
    ):
        text = fetch_all(client, world)
        names, codes = others_of(world, "")
        assert_absent(text, names, f"{label} at {stage}: a participant's name")
        assert_absent(
            text,
            [f">{c}<" for c in codes] + [f'"{c}"' for c in codes],
            f"{label} at {stage}: a code",
        )
        assert_absent(text, value_strings(A_VALUE) + value_strings(B_VALUE), f"{label}: values")
        assert '"z":' not in text


def test_after_publication_tables_carry_codes_never_names(make_world: MakeWorld) -> None:
    world = make_world("published")
    for who, client in (
        ("", Client()),
        ("", client_for(world.outsider_user)),
        ("a", client_for(world.user_a)),
        ("b", client_for(world.user_b)),
    ):
        text = fetch_all(client, world)
        names, codes = others_of(world, who)
        assert_absent(text, names, f"{who or 'outsider'} after publication: a name")
        for code in codes:
            assert code in text  # the anonymous table lists every participant by code
        assert "results-table" in text


def test_after_publication_a_participant_sees_its_own_scores(make_world: MakeWorld) -> None:
    world = make_world("published")
    page = client_for(world.user_a).get(f"/proficiency/rounds/{world.round.public_id}/")
    assert 'id="my-score"' in page.content.decode()
    my = client_for(world.user_a).get(f"/api/v1/proficiency/rounds/{world.round.public_id}/my")
    assert my.json()[0]["score"]["classification"] == "unsatisfactory"


def test_the_pdf_report_carries_no_name(make_world: MakeWorld) -> None:
    world = make_world("published")
    response = Client().get(f"/proficiency/rounds/{world.round.public_id}/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_follow_up_cases_are_seen_by_their_laboratory_and_regulators_only(
    make_world: MakeWorld,
) -> None:
    world = make_world("published")
    case = FollowUp.objects.get(laboratory=world.lab_a)
    url = f"/proficiency/follow-ups/{case.public_id}/"
    assert client_for(world.user_a).get(url).status_code == 200
    assert client_for(world.regulator).get(url).status_code == 200
    assert client_for(world.user_b).get(url).status_code == 404
    assert client_for(world.outsider_user).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    listing = client_for(world.user_b).get("/proficiency/follow-ups/").content.decode()
    assert world.lab_a.name not in listing


@pytest.mark.parametrize("stage", [*BEFORE, "published"])
def test_the_regulator_sees_everyone_at_every_stage(make_world: MakeWorld, stage: str) -> None:
    world = make_world(stage)
    page = client_for(world.regulator).get(f"/proficiency/rounds/{world.round.public_id}/")
    text = page.content.decode()
    for name in world.lab_names:
        assert name in text
    assert "managed-table" in text
