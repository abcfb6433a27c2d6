"""Enterprise standard self-declarations (企业标准自我声明公开) and in-app notifications."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from qihub.accounts.models import Notification, Organisation
from qihub.accounts.queries import notifications_for
from qihub.accounts.services import mark_notification_read
from qihub.api.errors import AUTH_ERRORS, ERRORS, ProblemOut
from qihub.api.schemas.declarations import (
    DeclarationIn,
    DeclarationOut,
    DeclarationPage,
    NotificationOut,
)
from qihub.api.security import AUTHENTICATED
from qihub.core.http import AuthenticatedRequest
from qihub.standards.declarations import (
    DeclaredStandardInput,
    Indicator,
    cited_standards,
    find_declarations,
    publish_declaration,
    withdraw_declaration,
)
from qihub.standards.models.declarations import Declaration

router = Router(tags=["declarations"])

Filter = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]


class DeclarationFilters(Schema):
    q: Filter = ""
    enterprise: Filter = ""
    standard: Filter = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def declaration_item(declaration: Declaration) -> dict[str, object]:
    return {
        "public_id": declaration.public_id,
        "enterprise_uscc": declaration.enterprise.uscc,
        "enterprise_name": declaration.enterprise.name,
        "product_name": declaration.product_name,
        "product_model": declaration.product_model,
        "status": declaration.status,
        "is_forerunner": declaration.is_forerunner,
        "published_at": declaration.published_at,
        "standard_codes": [s.canonical_code for s in declaration.standards.all()],
    }


def declaration_detail(declaration: Declaration) -> dict[str, object]:
    standards = [
        {
            "code": declared.canonical_code,
            "raw_code": declared.raw_code,
            "title_zh": declared.standard.title_zh if declared.standard else None,
            "is_own_standard": declared.is_own_standard,
            "status": declared.standard.status if declared.standard else None,
            "current_code": current.code if current else None,
            "key_indicators": declared.key_indicators,
            "discloses_weaker_indicators": declared.discloses_weaker_indicators,
            "disclosure_text": declared.disclosure_text,
        }
        for declared, current in cited_standards(declaration)
    ]
    return {
        **declaration_item(declaration),
        "withdrawn_at": declaration.withdrawn_at,
        "standards": standards,
    }


@router.get(
    "/declarations",
    response={200: DeclarationPage, **ERRORS},
    url_name="declaration-list",
    summary="Search published self-declarations by product, enterprise or cited standard",
)
def list_declarations(
    request: HttpRequest, filters: Query[DeclarationFilters]
) -> dict[str, object]:
    found = find_declarations(
        user=request.user, q=filters.q, enterprise=filters.enterprise, standard=filters.standard
    )
    count = found.count()
    page = found.prefetch_related("standards")[filters.offset : filters.offset + filters.limit]
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [declaration_item(d) for d in page],
    }


@router.get(
    "/declarations/{public_id}",
    response={200: DeclarationOut, 404: ProblemOut, **ERRORS},
    url_name="declaration-detail",
    summary="One self-declaration with its cited standards and their status now",
)
def get_declaration(request: HttpRequest, public_id: UUID) -> dict[str, object]:
    declaration = get_object_or_404(
        Declaration.objects.visible_to(request.user).select_related("enterprise"),
        public_id=public_id,
    )
    return declaration_detail(declaration)


@router.post(
    "/declarations",
    response={201: DeclarationOut, 404: ProblemOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="declaration-create",
    summary="Publish a self-declaration for an enterprise you belong to",
)
def create_declaration(
    request: AuthenticatedRequest, payload: DeclarationIn
) -> Status[dict[str, object]]:
    enterprise = get_object_or_404(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE),
        uscc=payload.enterprise.upper(),
    )
    declaration = publish_declaration(
        enterprise=enterprise,
        product=payload.product,
        model=payload.model,
        standards=[
            DeclaredStandardInput(
                code=item.code,
                is_own_standard=item.is_own_standard,
                indicators=tuple(
                    Indicator(i.name, i.value, i.unit, i.national_value) for i in item.indicators
                ),
                disclosure_text=item.disclosure_text,
            )
            for item in payload.standards
        ],
        by=request.auth,
    )
    return Status(201, declaration_detail(declaration))


@router.post(
    "/declarations/{public_id}/withdraw",
    response={200: DeclarationOut, 404: ProblemOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="declaration-withdraw",
    summary="Withdraw a self-declaration",
)
def withdraw(request: AuthenticatedRequest, public_id: UUID) -> dict[str, object]:
    declaration = get_object_or_404(
        Declaration.objects.visible_to(request.auth), public_id=public_id
    )
    declaration = withdraw_declaration(declaration=declaration, by=request.auth)
    return declaration_detail(declaration)


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="notification-list",
    summary="My notifications and my organisations', newest first (the latest 100)",
)
def list_notifications(request: AuthenticatedRequest) -> list[Notification]:
    return list(notifications_for(request.auth)[:100])


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 404: ProblemOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="notification-read",
    summary="Mark one of my notifications read",
)
def read_notification(request: AuthenticatedRequest, notification_id: int) -> Notification:
    # Someone else's notification is answered like an unknown one: ids are not probed.
    notification = get_object_or_404(notifications_for(request.auth), pk=notification_id)
    return mark_notification_read(notification=notification, by=request.auth)
