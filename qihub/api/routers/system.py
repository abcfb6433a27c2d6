"""Liveness for load balancers and monitoring: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

from qihub.api.errors import ERRORS

router = Router(tags=["system"])
logger = logging.getLogger(__name__)


class HealthOut(Schema):
    status: str
    database: str


@router.get(
    "/health",
    response={200: HealthOut, 503: HealthOut, **ERRORS},
    url_name="health",
    summary="Health check (200 when the database answers, 503 otherwise)",
    # Not throttled: without Redis the counters are in the database, and a monitor must get
    # its 503 when the database is down, not the throttle's error. It costs one SELECT 1.
    throttle=[],
)
def health(request: HttpRequest) -> Status[HealthOut]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return Status(503, HealthOut(status="unavailable", database="unreachable"))
    return Status(200, HealthOut(status="ok", database="ok"))
