"""``qihub demo`` end to end on the test database: what it writes, and that it writes it once."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import AuditEntry, Membership, Organisation, User
from qihub.demo.people import DEMO_PASSWORD, PERSONAS
from qihub.demo.places import CITY_PROFILES
from qihub.demo.scales import SCALES

Kind = Organisation.Kind


def run_demo(*args: str) -> dict:
    out = StringIO()
    call_command("demo", *args, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_small_scale_has_every_kind_in_proportion_and_every_city(reference):
    report = run_demo("--scale", "small")

    counts = Counter(Organisation.objects.values_list("kind", flat=True))
    assert report["total"] == sum(counts.values()) == SCALES["small"].total
    liaoning = SCALES["liaoning"].counts
    for kind in Kind.values:
        if kind == Kind.REGULATOR:
            assert counts[kind] == 15
            continue
        # A fiftieth of the Liaoning scale, every kind present.
        expected = liaoning[kind] / 50
        assert counts[kind] >= 1
        assert abs(counts[kind] - expected) <= max(1, 0.2 * expected), kind
    enterprises_by_city = Counter(
        Organisation.objects.filter(kind=Kind.ENTERPRISE).values_list("city__code", flat=True)
    )
    assert set(enterprises_by_city) == set(CITY_PROFILES)


def test_regulators_have_their_jurisdictions(reference):
    run_demo("--scale", "small")

    regulators = Organisation.objects.filter(kind=Kind.REGULATOR).select_related("jurisdiction")
    jurisdictions = {r.jurisdiction.code for r in regulators if r.jurisdiction is not None}
    assert jurisdictions == {"210000", *CITY_PROFILES}
    assert all(r.jurisdiction is not None for r in regulators)
    assert (
        not Organisation.objects.exclude(kind=Kind.REGULATOR)
        .filter(jurisdiction__isnull=False)
        .exists()
    )


def test_every_stored_organisation_is_clean(reference):
    run_demo("--scale", "small")

    for organisation in Organisation.objects.select_related("city", "county"):
        organisation.full_clean(validate_unique=False)
        registered_by = {organisation.city.code, organisation.county.code, "210000"}
        assert organisation.uscc[2:8] in registered_by
        assert organisation.name_pinyin and organisation.phone
        assert organisation.longitude is not None and organisation.description


def test_created_organisations_have_audit_entries(reference):
    run_demo("--scale", "small")

    registered = set(
        AuditEntry.objects.filter(action="accounts.organisation_registered").values_list(
            "target_id", flat=True
        )
    )
    assert registered == set(Organisation.objects.values_list("uscc", flat=True))
    profiled = AuditEntry.objects.filter(action="accounts.organisation_profile_updated")
    assert profiled.count() == Organisation.objects.exclude(kind=Kind.REGULATOR).count()


def test_second_run_changes_nothing(reference):
    # given
    run_demo("--scale", "small", "--seed", "11")
    users, entries = User.objects.count(), AuditEntry.objects.count()

    # when
    report = run_demo("--scale", "small", "--seed", "11")

    # then
    assert report["organisations"] == {
        "created": 0,
        "updated": 0,
        "unchanged": SCALES["small"].total,
    }
    assert report["profiles_set"] == 0
    assert report["users"]["created"] == 0
    assert report["changed"] is False
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_demo_logins_work_and_belong_to_their_organisations(reference):
    report = run_demo("--scale", "small")

    assert [login["username"] for login in report["logins"]] == [p.username for p in PERSONAS]
    for persona in PERSONAS:
        user = User.objects.get(username=persona.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_platform_admin == persona.is_platform_admin
    lab_admin = Membership.objects.get(user__username="demo_lab_admin")
    assert lab_admin.role == Membership.Role.ADMIN
    assert lab_admin.organisation.kind == Kind.TESTING_LAB
    city_regulator = Membership.objects.get(user__username="demo_shenyang").organisation
    assert city_regulator.jurisdiction is not None
    assert city_regulator.jurisdiction.code == "210100"


def test_if_empty_does_nothing_when_organisations_exist(reference, lab):
    out = StringIO()

    call_command("demo", "--if-empty", stdout=out)

    assert "no demo data loaded" in out.getvalue()
    assert Organisation.objects.count() == 1
    assert not User.objects.filter(username__startswith="demo_").exists()


def test_if_empty_loads_into_an_empty_database(reference):
    report = run_demo("--scale", "tiny", "--if-empty")

    assert report["skipped"] is False
    assert Organisation.objects.count() == SCALES["tiny"].total


def test_human_summary_lists_counts_time_and_logins(reference):
    out = StringIO()

    call_command("demo", "--scale", "tiny", stdout=out, stderr=StringIO())

    text = out.getvalue()
    assert "testing_lab" in text and "finished in" in text
    assert DEMO_PASSWORD in text and "demo_province" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "galaxy"], "unknown scale 'galaxy'"),
        (["--seed", "-1"], "--seed must be"),
        (["--seed", "many"], "invalid int value"),
    ],
)
def test_bad_arguments_are_refused(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("demo", *args, stdout=StringIO(), stderr=StringIO())
    assert not Organisation.objects.exists()


def test_refuses_a_production_database_unless_confirmed(reference, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="evaluation databases only"):
        call_command("demo", "--scale", "tiny", stdout=StringIO(), stderr=StringIO())
    assert not Organisation.objects.exists()

    call_command(
        "demo", "--scale", "tiny", "--not-production", stdout=StringIO(), stderr=StringIO()
    )
    assert Organisation.objects.exists()
