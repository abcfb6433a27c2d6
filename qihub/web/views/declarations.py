"""Enterprise standard self-declarations (public search and detail) and the signed-in user's
notifications (change-impact notices among them)."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qihub.accounts.models import User
from qihub.accounts.queries import notifications_for
from qihub.accounts.services import mark_notification_read
from qihub.core.http import HtmxRequest
from qihub.standards.declarations import cited_standards, find_declarations
from qihub.standards.models.declarations import Declaration

PAGE_SIZE = 20
MAX_FILTER_LENGTH = 100
FILTERS = ("q", "enterprise", "standard")


@require_safe
def declaration_list(request: HtmxRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "")[:MAX_FILTER_LENGTH] for name in FILTERS}
    found = find_declarations(user=request.user, **filters).prefetch_related("standards")
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "web/declarations/list.html",
        {"filters": filters, "page": page, "is_filtered": any(filters.values())},
    )


@require_safe
def declaration_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    declaration = get_object_or_404(
        Declaration.objects.visible_to(request.user).select_related("enterprise"),
        public_id=public_id,
    )
    return render(
        request,
        "web/declarations/detail.html",
        {"declaration": declaration, "cited": cited_standards(declaration)},
    )


@require_safe
@login_required
def notification_list(request: HtmxRequest) -> HttpResponse:
    user = cast(User, request.user)
    paginator = Paginator(notifications_for(user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "web/declarations/notifications.html", {"page": page})


@require_POST
@login_required
def notification_read(request: HtmxRequest, notification_id: int) -> HttpResponse:
    user = cast(User, request.user)
    # Someone else's notification is a 404, like an unknown one.
    notification = get_object_or_404(notifications_for(user), pk=notification_id)
    mark_notification_read(notification=notification, by=user)
    messages.success(request, _("已标记为已读"))
    return redirect("web:notifications")
