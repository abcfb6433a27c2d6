"""Buyers' tools (watchlist, bulk verification of a supplier file), the regulators' risk
warnings, and the certification figures page."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qihub.accounts.models import User
from qihub.certification.bulk_verify import MAX_BYTES, result_csv, verify_file
from qihub.certification.figures import certification_figures
from qihub.certification.models import RiskWarning
from qihub.certification.queries import sees_every_body
from qihub.certification.risk import (
    RULES,
    change_warning_status,
    regulator_scope,
    rule_reasoning,
    warning_for,
    warnings_visible_to,
)
from qihub.certification.watchlists import (
    add_watch,
    certificates_watched,
    remove_watch,
    watches_of,
)
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.reference.models import Region
from qihub.web.throttles import TOO_MANY_SUBMISSIONS, visitor_throttle

PAGE_SIZE = 30


def _user(request: HtmxRequest) -> User:
    return cast(User, request.user)


# --- watchlist -------------------------------------------------------------------------------


class WatchForm(forms.Form):
    value = forms.CharField(
        label=gettext_lazy("证书编号或供应商统一社会信用代码"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(label=gettext_lazy("备注（可选）"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def watchlist(request: HtmxRequest) -> HttpResponse:
    user = _user(request)
    form = WatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = add_watch(
                user=user, value=form.cleaned_data["value"], note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error("value", error.detail)
        else:
            messages.success(request, _("已关注“%(value)s”") % {"value": entry.value})
            return redirect("web:certificate-watchlist")
    today = timezone.localdate()
    entries = [
        {"entry": entry, "certificates": list(certificates_watched(entry)[:20])}
        for entry in watches_of(user)
    ]
    return render(
        request,
        "web/certificate_tools/watchlist.html",
        {"form": form, "entries": entries, "today": today},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def watchlist_remove(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    try:
        remove_watch(user=_user(request), public_id=public_id)
    except DomainError as error:
        raise Http404(error.detail) from None
    messages.success(request, _("已取消关注"))
    return redirect("web:certificate-watchlist")


# --- bulk verification -----------------------------------------------------------------------


class BulkForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("供应商名单（CSV，UTF-8，含 name 和/或 uscc 列）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def bulk_verify(request: HtmxRequest) -> HttpResponse:
    form = BulkForm(request.POST or None, request.FILES or None)
    result = None
    error = ""
    status = 200
    if request.method == "POST":
        refused = visitor_throttle(request, "web-certificate-bulk", message=TOO_MANY_SUBMISSIONS)
        if refused is not None:
            return refused
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                error, status = _("文件过大（最多 2 MB）"), 400
            else:
                try:
                    result = verify_file(upload.read())
                except DomainError as problem:
                    error, status = problem.detail, 400
        else:
            status = 400
        if result is not None and request.POST.get("download"):
            response = HttpResponse(result_csv(result), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="certificate-check.csv"'
            return response
    return render(
        request,
        "web/certificate_tools/bulk.html",
        {"form": form, "result": result, "error": error, "today": timezone.localdate()},
        status=status,
    )


# --- risk warnings ---------------------------------------------------------------------------


class RiskFilterForm(forms.Form):
    rule = forms.ChoiceField(
        label=gettext_lazy("规则"),
        required=False,
        choices=[("", gettext_lazy("全部")), *list(RiskWarning.Rule.choices)],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("处理状态"),
        required=False,
        choices=[
            ("live", gettext_lazy("待处理和已确认")),
            ("", gettext_lazy("全部")),
            *list(RiskWarning.Status.choices),
        ],
    )
    city = forms.ChoiceField(label=gettext_lazy("市"), required=False, choices=[])
    cb = forms.CharField(label=gettext_lazy("认证机构名称"), required=False, max_length=100)

    def __init__(self, *args: Any, cities: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city = cast(forms.ChoiceField, self.fields["city"])
        city.choices = [("", _("全部")), *[(c.code, c.name) for c in cities]]


class RiskStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("处理"),
        choices=[
            (RiskWarning.Status.ACKNOWLEDGED, gettext_lazy("确认")),
            (RiskWarning.Status.RESOLVED, gettext_lazy("已解决")),
            (RiskWarning.Status.DISMISSED, gettext_lazy("排除（须说明理由）")),
        ],
    )
    reason = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=2000)


def _regulator_only(request: HtmxRequest) -> None:
    allowed, _cities = regulator_scope(request.user)
    if not allowed:
        raise Http404(_("仅监管部门人员可以查看风险预警"))


@login_required
@require_safe
def risk_warnings(request: HtmxRequest) -> HttpResponse:
    _regulator_only(request)
    _allowed, limited = regulator_scope(request.user)
    cities = Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code")
    if limited is not None:
        cities = cities.filter(pk__in=limited)
    data = request.GET.copy()
    data.setdefault("status", "live")
    form = RiskFilterForm(data, cities=list(cities))
    found = warnings_visible_to(request.user)
    if form.is_valid():
        filters = form.cleaned_data
        if filters["rule"]:
            found = found.filter(rule=filters["rule"])
        if filters["status"] == "live":
            found = found.filter(status__in=["open", "acknowledged"])
        elif filters["status"]:
            found = found.filter(status=filters["status"])
        if filters["city"]:
            found = found.filter(city__code=filters["city"])
        if filters["cb"]:
            found = found.filter(cb__name__icontains=filters["cb"])
    found = found.order_by("city__code", "cb__name", "-last_seen", "-id")
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "web/certificate_tools/risk.html",
        {
            "form": form,
            "page": page,
            "status_form": RiskStatusForm(),
            # The provincial regulator may read any body's desk; a city bureau may not.
            "opens_desks": sees_every_body(request.user),
            "rules": [
                {"code": code, "name": RiskWarning.Rule(code).label, "text": rule_reasoning(code)}
                for code in RULES
            ],
        },
    )


@login_required
@require_POST
def risk_warning_status(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    _regulator_only(request)
    try:
        warning = warning_for(request.user, public_id)
    except DomainError as error:
        raise Http404(error.detail) from None
    form = RiskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理方式"))
        return redirect("web:certificate-risk")
    try:
        change_warning_status(
            warning=warning,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=_user(request),
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("预警已更新"))
    return redirect("web:certificate-risk")


# --- figures ---------------------------------------------------------------------------------


@require_safe
def figures(request: HtmxRequest) -> HttpResponse:
    data = certification_figures()
    return render(
        request,
        "web/certificate_tools/figures.html",
        {
            "figures": data,
            "chart": {
                "series": data["series"],
                "by_city": data["by_city"],
                "by_type": data["by_type"][:12],
            },
        },
    )
