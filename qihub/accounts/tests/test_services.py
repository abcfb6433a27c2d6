import pytest

from qihub.accounts.errors import (
    InvalidOrganisation,
    InvalidPassword,
    OrganisationExists,
    UnknownRegion,
)
from qihub.accounts.identifiers import InvalidUSCC
from qihub.accounts.models import AuditEntry, Organisation
from qihub.accounts.queries import regulates_city, user_for_api_token
from qihub.accounts.services import (
    OrganisationData,
    create_user,
    issue_api_token,
    register_organisation,
    revoke_api_token,
    set_organisation_profiles,
    update_organisation_profile,
)
from qihub.accounts.tests.factories import uscc_for


def data(**overrides):
    values = {
        "uscc": uscc_for(77, "210211"),
        "name": "大连甘井子检测有限公司",
        "kind": "testing_lab",
        "city_code": "210211",
    }
    return OrganisationData(**{**values, **overrides})


@pytest.mark.usefixtures("reference")
def test_register_places_a_county_code_in_its_city():
    organisation = register_organisation(data=data(), by=None)
    assert (organisation.city.code, organisation.county.code) == ("210200", "210211")
    assert organisation.name_initials == "dlgjzjcyxgs"


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"uscc": "123"}, InvalidUSCC),
        ({"name": "  "}, InvalidOrganisation),
        ({"kind": "bank"}, InvalidOrganisation),
        ({"city_code": "110100"}, UnknownRegion),
        ({"city_code": "210000"}, UnknownRegion),
    ],
)
def test_register_rejects_bad_input_and_writes_nothing(overrides, error):
    with pytest.raises(error):
        register_organisation(data=data(**overrides), by=None)
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.usefixtures("reference")
def test_register_refuses_a_known_uscc_in_any_spelling():
    register_organisation(data=data(), by=None)
    with pytest.raises(OrganisationExists):
        register_organisation(data=data(uscc=data().uscc.lower()), by=None)


def test_profile_update_is_audited_and_limited_to_profile_fields(lab, lab_admin):
    update_organisation_profile(organisation=lab, by=lab_admin, changes={"phone": "024-23456789"})
    entry = AuditEntry.objects.get(action="accounts.organisation_profile_updated")
    assert entry.before == {"phone": ""}
    assert entry.after == {"phone": "024-23456789"}
    with pytest.raises(InvalidOrganisation):
        update_organisation_profile(organisation=lab, by=lab_admin, changes={"uscc": "x"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password", ["short1A!", "alllowercaseletters", "1234567890123", "password123"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(InvalidPassword):
        create_user(username="newuser", password=password, by=None)


@pytest.mark.django_db
def test_strong_password_creates_user():
    user = create_user(username="newuser", password="Liaoning-QI-2026", by=None)
    assert user.check_password("Liaoning-QI-2026")
    assert user.password.startswith(("md5$", "argon2$"))  # never stored in clear


def test_api_token_is_stored_hashed_and_can_be_revoked(lab_admin):
    token, secret = issue_api_token(user=lab_admin, name="LIMS", by=lab_admin)
    assert secret not in token.digest
    assert user_for_api_token(secret) == lab_admin
    assert user_for_api_token(secret + "x") is None
    revoke_api_token(token=token, by=lab_admin)
    assert user_for_api_token(secret) is None


def test_regulator_scope(regulator, enterprise_user, platform_admin):
    assert regulates_city(regulator, "210200")  # provincial bureau sees every city
    assert not regulates_city(enterprise_user, "210200")
    assert regulates_city(platform_admin, "210200")


def test_bulk_profiles_are_cleaned_audited_and_skip_unchanged(lab, enterprise):
    profiles = {
        lab.uscc: {"phone": "024-88886666", "website": "https://lab.example"},
        enterprise.uscc: {"phone": ""},  # already empty: unchanged, not audited
    }
    assert set_organisation_profiles(profiles=profiles, by=None) == 1
    lab.refresh_from_db()
    assert lab.phone == "024-88886666"
    entry = AuditEntry.objects.get(action="accounts.organisation_profile_updated")
    assert entry.after == {"phone": "024-88886666", "website": "https://lab.example"}
    assert set_organisation_profiles(profiles=profiles, by=None) == 0


@pytest.mark.parametrize(
    "profile", [{"website": "not a url"}, {"uscc": "x"}, {"latitude": "123456.789"}]
)
def test_bulk_profiles_refuse_bad_values(lab, profile):
    with pytest.raises(InvalidOrganisation):
        set_organisation_profiles(profiles={lab.uscc: profile}, by=None)
