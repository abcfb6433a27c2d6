"""The audit log is append-only, even for raw SQL, and records who, what, when and where."""

import pytest
from django.db import DatabaseError, connection, transaction

from qihub.accounts.audit import record_action
from qihub.accounts.models import AuditEntry, AuditLogIsAppendOnly
from qihub.accounts.services import OrganisationData, register_organisation
from qihub.accounts.tests.factories import uscc_for
from qihub.core.context import client_address


@pytest.fixture
def entry(db):
    return record_action(actor=None, action="test.something", after={"x": 1})


def test_model_refuses_update_and_delete(entry):
    entry.action = "test.rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()


def test_queryset_refuses_bulk_update_and_delete(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET action = 'forged'",
        "DELETE FROM accounts_auditentry",
    ],
)
def test_database_refuses_raw_sql(entry, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.something"


def test_service_records_actor_target_and_client_address(reference, platform_admin):
    with client_address("203.0.113.7"):
        organisation = register_organisation(
            data=OrganisationData(
                uscc=uscc_for(55), name="沈阳新检测有限公司", kind="testing_lab", city_code="210103"
            ),
            by=platform_admin,
        )
    entry = AuditEntry.objects.get(action="accounts.organisation_registered")
    assert entry.actor == platform_admin
    assert entry.target_id == organisation.uscc
    assert entry.client_address == "203.0.113.7"
    assert entry.after["name"] == "沈阳新检测有限公司"
