"""RFC 9457 problem+json for every error the API returns, each with a stable ``code``."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.errors import Throttled as NinjaThrottled

from qihub.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemOut(Schema):
    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] | None = None


TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}

# The error responses every operation may return; routes add them to ``response=``.
ERRORS: dict[int, type[ProblemOut]] = {400: ProblemOut, 422: ProblemOut, 429: ProblemOut}
AUTH_ERRORS: dict[int, type[ProblemOut]] = {**ERRORS, 401: ProblemOut, 403: ProblemOut}


def problem(
    status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(exc.status, exc.code, exc.detail)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors]
        return problem(422, "invalid_request", "The request does not match the schema.", errors)

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem(400, "invalid", "; ".join(exc.messages))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(401, "not_authenticated", "Sign in or send a valid bearer token.")

    @api.exception_handler(DjangoPermissionDenied)
    def permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return problem(403, "permission_denied", str(exc) or "Not allowed.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "not_found", str(exc) or "Not found.")

    @api.exception_handler(NinjaThrottled)
    def throttled(request: HttpRequest, exc: NinjaThrottled) -> HttpResponse:
        response = problem(429, "throttled", "Too many requests; slow down and retry later.")
        if exc.wait:
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, "http_error", str(exc))
