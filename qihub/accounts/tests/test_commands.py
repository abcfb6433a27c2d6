from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import ApiToken, AuditEntry
from qihub.accounts.queries import user_for_api_token


def test_platform_admin_grant_and_withdraw_are_audited(lab_admin):
    call_command("platform_admin", "grant", "lab_admin", stdout=StringIO())
    lab_admin.refresh_from_db()
    assert lab_admin.is_platform_admin and lab_admin.is_staff

    call_command("platform_admin", "withdraw", "lab_admin", stdout=StringIO())
    lab_admin.refresh_from_db()
    assert not lab_admin.is_platform_admin and not lab_admin.is_staff
    actions = list(
        AuditEntry.objects.filter(target_id=str(lab_admin.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "accounts.platform_admin_granted",
        "accounts.platform_admin_withdrawn",
    ]


@pytest.mark.django_db
def test_platform_admin_unknown_user_fails():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("platform_admin", "grant", "ghost", stdout=StringIO())


def test_token_command_issues_a_working_token_and_revokes_it(lab_admin):
    out = StringIO()
    call_command("token", "create", "lab_admin", "--name", "LIMS", "--days", "30", stdout=out)
    secret = out.getvalue().split(": ", 1)[1].split()[0]
    assert user_for_api_token(secret) == lab_admin

    prefix = ApiToken.objects.get(user=lab_admin).prefix
    call_command("token", "revoke", prefix, stdout=StringIO())
    assert user_for_api_token(secret) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "ghost", "--name", "x"], "no active user"),
        (["create", "lab_admin", "--name", "x", "--days", "0"], "--days must be at least 1"),
        (["revoke", "nope"], "no active token"),
    ],
)
def test_token_command_bad_input(lab_admin, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("token", *args, stdout=StringIO())
