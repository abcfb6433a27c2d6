"""The one NinjaAPI of QI Hub, mounted at /api/v1/."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from qihub.api.errors import PROBLEM_CONTENT_TYPE, install_error_handlers
from qihub.api.routers.accounts import router as accounts_router
from qihub.api.routers.certificate_tools import router as certificate_tools_router
from qihub.api.routers.certificates import router as certificates_router
from qihub.api.routers.declarations import router as declarations_router
from qihub.api.routers.institutions import router as institutions_router
from qihub.api.routers.local_standards import router as local_standards_router
from qihub.api.routers.matching import router as matching_router
from qihub.api.routers.organisations import router as organisations_router
from qihub.api.routers.proficiency import router as proficiency_router
from qihub.api.routers.reference import router as reference_router
from qihub.api.routers.requests import router as requests_router
from qihub.api.routers.standards import router as standards_router
from qihub.api.routers.standards_registries import router as standards_registries_router
from qihub.api.routers.system import router as system_router
from qihub.api.security import ClientAnonThrottle, ClientAuthThrottle


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text as itself, not as \\u escapes: half the bytes, and readable in logs."""

    json_dumps_params = {"ensure_ascii": False}


class QIHubAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Document error bodies under the media type they are sent with (RFC 9457)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = QIHubAPI(
    renderer=UnicodeJSONRenderer(),
    title="QI Hub API — 辽宁省质量基础设施一站式公共服务平台",
    version="1.0.0",
    description=(
        "Public and partner API of QI Hub. Errors are application/problem+json with a stable "
        "`code`. Read endpoints are public; writes need a session (with the CSRF token) or a "
        "bearer token (`Authorization: Bearer qih_…`). Unsafe requests must send JSON."
    ),
    urls_namespace="api",
    throttle=[
        ClientAnonThrottle(),
        ClientAuthThrottle(),
    ],
)
install_error_handlers(api)

api.add_router("/", reference_router)
api.add_router("/organisations", organisations_router)
api.add_router("/standards", standards_router)
api.add_router("/local-standards", local_standards_router)
api.add_router("/", standards_registries_router)
api.add_router("/", institutions_router)
api.add_router("/", certificate_tools_router)
api.add_router("/", certificates_router)
api.add_router("/", matching_router)
api.add_router("/", accounts_router)
api.add_router("/", declarations_router)
api.add_router("/", requests_router)
api.add_router("/", proficiency_router)
api.add_router("/", system_router)
