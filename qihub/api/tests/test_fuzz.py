"""Property-based API fuzzing: whatever a client sends, the API answers with a documented
response and never a server error (schemathesis generates the requests from our OpenAPI)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from qihub.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_db_connection():
    # Calling the WSGI app directly fires close_old_connections, which would close the
    # connection holding the test transaction on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, keep_db_connection, reference):
    # Some inputs are valid for the schema but not for the domain (a string that is not a
    # standard code): those answer a documented 400/404 problem, which this check would flag.
    case.call_and_validate(
        headers={"Host": "testserver"}, excluded_checks=[positive_data_acceptance]
    )
