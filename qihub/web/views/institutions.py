"""Testing, calibration, certification and inspection institutions: finding one, its public
profile (qualifications with their effective status, the capability scope as a filterable table
paged in the database, a map pin), the self-service page of its administrators (profile, scope
upload, what expires, what needs attention) and checking a qualification number."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.accounts.models import Organisation, User
from qihub.accounts.queries import is_organisation_admin
from qihub.accounts.services import update_organisation_profile
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.core.imports import run_import
from qihub.institutions.errors import InstitutionNotFound
from qihub.institutions.importers import CapabilityImporter, import_scope
from qihub.institutions.models import (
    QUALIFICATION_TYPE_CHOICES,
    CapabilityLine,
    CapabilityStandard,
    Qualification,
)
from qihub.institutions.queries import (
    capabilities_of,
    expiring_for,
    find_institutions,
    institution_by_uscc,
    institution_profile,
    qualification_lookup,
    qualifications_of,
    with_standards,
)
from qihub.institutions.scope import COLUMNS, ScopeLookups
from qihub.reference.models import Field, Region
from qihub.standards.models import Standard
from qihub.web.forms import uploads as upload_forms
from qihub.web.forms.institutions import (
    SERVICE_SCOPE,
    CapabilityFilterForm,
    InstitutionFilterForm,
    InstitutionProfileForm,
    ScopeUploadForm,
)
from qihub.web.throttles import write_throttle
from qihub.web.uploads import (
    SHOWN_ROW_ERRORS,
    UploadOutcome,
    import_upload,
    too_large_outcome,
)
from qihub.web.views.organisations import pin_config

PAGE_SIZE = 20
LINES_PER_PAGE = 25
EXPIRY_WINDOW_DAYS = 90
FLAGGED_ON_MANAGE_PAGE = 50

View = Callable[..., HttpResponse]
Status = Qualification.EffectiveStatus
EXPIRING = "expiring"


# --- presenting qualifications and lines -------------------------------------------------------


@dataclass(frozen=True)
class Validity:
    """A qualification as a page shows it: the badge comes from the effective status, so a
    certificate past its date never reads as valid, whatever its recorded status."""

    qualification: Qualification
    status: str  # an effective status, or "expiring" (valid, ending within 90 days)
    label: str
    days_left: int

    @property
    def is_valid(self) -> bool:
        return self.status in (Status.VALID, EXPIRING)


def validity(qualification: Qualification, today: date) -> Validity:
    status = qualification.effective_status_on(today)
    days_left = qualification.days_left_on(today)
    if status == Status.VALID and days_left <= EXPIRY_WINDOW_DAYS:
        label = _("有效，%(days)d 天后到期") % {"days": days_left}
        return Validity(qualification, EXPIRING, label, days_left)
    labels: dict[str, str] = {
        Status.VALID: _("有效"),
        Status.SUSPENDED: _("暂停"),
        Status.REVOKED: _("已撤销"),
        Status.EXPIRED: _("已过期"),
        Status.NOT_YET_VALID: _("尚未生效"),
    }
    return Validity(qualification, status, labels.get(status, status), days_left)


@dataclass(frozen=True)
class CitedCode:
    code: str
    standard: Standard | None  # the catalogue edition, when the citation names one


@dataclass(frozen=True)
class LineRow:
    line: CapabilityLine
    codes: list[CitedCode]
    notes: list[str]  # why the line needs attention, one sentence each
    qualification: Validity | None


def _standard_note(citation: CapabilityStandard, bases_in_force: set[str]) -> str | None:
    if not citation.is_known:
        return _("标准号 %(code)s 未收录于平台标准目录，请核对") % {"code": citation.code}
    standard = citation.standard
    if standard is None:
        if citation.base_code in bases_in_force:
            return None
        return _("标准 %(code)s 的各版本均已废止或被代替") % {"code": citation.code}
    if standard.status == Standard.Status.CURRENT:
        return None
    if standard.status == Standard.Status.SUPERSEDED:
        newer = sorted(s.code for s in standard.replaced_by.all())
        if newer:
            return _("标准 %(code)s 已被 %(newer)s 代替") % {
                "code": standard.code,
                "newer": "、".join(newer),
            }
        return _("标准 %(code)s 已被代替") % {"code": standard.code}
    if standard.status == Standard.Status.WITHDRAWN:
        return _("标准 %(code)s 已废止") % {"code": standard.code}
    if standard.effective_on:
        return _("标准 %(code)s 尚未实施（%(day)s 起实施）") % {
            "code": standard.code,
            "day": standard.effective_on.isoformat(),
        }
    return _("标准 %(code)s 尚未实施") % {"code": standard.code}


def line_rows(lines: Iterable[CapabilityLine], today: date) -> list[LineRow]:
    """One page of lines with their cited codes and why each needs attention (if it does)."""
    lines = list(lines)
    yearless = {
        c.base_code
        for line in lines
        for c in line.standards.all()
        if c.is_known and c.standard_id is None
    }
    bases_in_force = set(
        Standard.objects.filter(base_code__in=yearless, status=Standard.Status.CURRENT)
        .values_list("base_code", flat=True)
        .distinct()
    )
    rows = []
    for line in lines:
        citations = list(line.standards.all())
        notes: list[str] = []
        if line.field_unknown:
            notes.append(
                _("领域“%(field)s”不在检验检测领域和计量专业分类中") % {"field": line.field_text}
            )
        if line.accuracy_unparsed:
            notes.append(
                _("不确定度/准确度“%(text)s”无法识别，不用于按精度匹配")
                % {"text": line.uncertainty_text}
            )
        if line.unit_unknown:
            notes.append(_("单位“%(unit)s”无法换算，不用于按量程匹配") % {"unit": line.unit})
        for citation in citations:
            note = _standard_note(citation, bases_in_force)
            if note:
                notes.append(note)
        rows.append(
            LineRow(
                line=line,
                codes=[CitedCode(c.code, c.standard) for c in citations],
                notes=notes,
                qualification=validity(line.qualification, today) if line.qualification else None,
            )
        )
    return rows


def _lines_with_citations(lines: Any) -> Any:
    return with_standards(lines).prefetch_related("standards__standard__replaced_by")


# --- finding institutions -----------------------------------------------------------------------


def _cities() -> list[Region]:
    return list(Region.objects.cities().order_by("code"))


@require_safe
@vary_on_headers("HX-Request")
def institution_list(request: HtmxRequest) -> HttpResponse:
    form = InstitutionFilterForm(request.GET, cities=_cities())
    filters = form.filters()
    valid_only = bool(filters["valid_only"])
    qualification_type = filters["qualification_type"] or None
    found = find_institutions(
        user=request.user,
        q=filters["q"],
        kind=filters["kind"] or None,
        city=filters["city"] or None,
        qualification_type=qualification_type,
        # "Only with a valid qualification": valid on today's dates, of the type if one is asked.
        effective_status=Status.VALID if valid_only and qualification_type else None,
        has_valid_qualification=True if valid_only and not qualification_type else None,
    )
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    organisations = list(page.object_list)
    ids = [o.pk for o in organisations]
    held: dict[int, list[Validity]] = defaultdict(list)
    for qualification in Qualification.objects.filter(organisation_id__in=ids).order_by(
        "type", "number"
    ):
        held[qualification.organisation_id].append(validity(qualification, today))
    counts = dict(
        CapabilityLine.objects.filter(organisation_id__in=ids)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    context = {
        "form": form,
        "page": page,
        "items": [
            {"organisation": o, "qualifications": held[o.pk], "capabilities": counts.get(o.pk, 0)}
            for o in organisations
        ],
        "is_filtered": any(filters.values()),
        "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    }
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/institutions/_results.html", context)
    return render(request, "web/institutions/list.html", context)


# --- the public profile ------------------------------------------------------------------------


def _fields() -> list[Field]:
    return list(Field.objects.order_by("code"))


@require_safe
@vary_on_headers("HX-Request")
def institution_detail(request: HtmxRequest, uscc: str) -> HttpResponse:
    try:
        profile = institution_profile(uscc, user=request.user)
    except InstitutionNotFound as error:
        raise Http404(error.detail) from None
    organisation = profile.organisation
    if organisation.uscc != uscc:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        url = reverse("web:institution-detail", kwargs={"uscc": organisation.uscc})
        return redirect(url + query, permanent=True)
    form = CapabilityFilterForm(request.GET, fields=_fields())
    filters = form.filters()
    lines = capabilities_of(
        organisation,
        user=request.user,
        kind=filters["kind"] or None,
        field=filters["field"] or None,
        q=filters["q"],
        standard=filters["standard"],
        flagged=True if filters["flagged"] else None,
    )
    paginator = Paginator(_lines_with_citations(lines), LINES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "profile": profile,
        "organisation": organisation,
        "form": form,
        "page": page,
        "rows": line_rows(page.object_list, profile.on),
        "is_filtered": any(filters.values()),
        "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
        "can_manage": is_organisation_admin(request.user, organisation),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/institutions/_capabilities.html", context)
    pin = pin_config(organisation)
    context.update(
        {
            "qualifications": [validity(q, profile.on) for q in profile.qualifications],
            "kind_counts": [
                (CapabilityLine.Kind(kind).label, count)
                for kind, count in profile.capability_counts.items()
            ],
            "pin": pin,
            "pin_is_approximate": bool(pin and pin["approximate"]),
        }
    )
    return render(request, "web/institutions/detail.html", context)


# --- self-service --------------------------------------------------------------------------------


def admin_required(view: View) -> View:
    """The institution's administrators and platform administrators only: anonymous visitors
    go to the login page, everyone else gets 403. Passes the organisation to the view."""

    @wraps(view)
    def wrapped(request: HtmxRequest, uscc: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            manage_url = reverse("web:institution-manage", kwargs={"uscc": uscc})
            return redirect_to_login(manage_url)
        try:
            organisation = institution_by_uscc(uscc, user=request.user)
        except InstitutionNotFound as error:
            raise Http404(error.detail) from None
        if not is_organisation_admin(request.user, organisation):
            raise PermissionDenied(_("只有本机构管理员或平台管理员可以管理机构信息"))
        return view(request, organisation, *args, **kwargs)

    return wrapped


def render_manage(
    request: HtmxRequest,
    organisation: Organisation,
    *,
    profile_form: InstitutionProfileForm | None = None,
    upload_form: ScopeUploadForm | None = None,
    outcome: UploadOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    qualifications = qualifications_of(organisation, on=today)
    flagged = capabilities_of(organisation, user=request.user, flagged=True)
    flagged_count = flagged.count()
    context = {
        "organisation": organisation,
        "profile_form": profile_form or InstitutionProfileForm.for_organisation(organisation),
        "upload_form": upload_form or ScopeUploadForm(qualifications=qualifications),
        "qualifications": [validity(q, today) for q in qualifications],
        "expiring": expiring_for(organisation, within_days=EXPIRY_WINDOW_DAYS, on=today),
        "flagged_rows": line_rows(_lines_with_citations(flagged)[:FLAGGED_ON_MANAGE_PAGE], today),
        "flagged_count": flagged_count,
        "flagged_url": reverse("web:institution-detail", kwargs={"uscc": organisation.uscc})
        + "?"
        + urlencode({"flagged": "on"}),
        "outcome": outcome,
        "max_upload_mb": upload_forms.MAX_UPLOAD_BYTES // (1024 * 1024),
        "shown_errors": SHOWN_ROW_ERRORS,
        "columns": ",".join(COLUMNS),
    }
    return render(request, "web/institutions/manage.html", context, status=status)


@require_safe
@never_cache
@admin_required
def institution_manage(request: HtmxRequest, organisation: Organisation) -> HttpResponse:
    return render_manage(request, organisation)


@require_POST
@never_cache
@admin_required
def institution_profile_update(request: HtmxRequest, organisation: Organisation) -> HttpResponse:
    refused = write_throttle(request, "institution-profile")
    if refused is not None:
        return refused
    form = InstitutionProfileForm(request.POST)
    if form.is_valid():
        changes = form.changes(organisation)
        if not changes:
            messages.info(request, _("机构信息没有变化。"))
            return redirect("web:institution-manage", uscc=organisation.uscc)
        try:
            update_organisation_profile(
                organisation=organisation, by=cast(User, request.user), changes=changes
            )
        except DomainError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("机构信息已更新。"))
            return redirect("web:institution-manage", uscc=organisation.uscc)
    return render_manage(request, organisation, profile_form=form, status=400)


@require_POST
@never_cache
@admin_required
def institution_scope_upload(request: HtmxRequest, organisation: Organisation) -> HttpResponse:
    refused = write_throttle(request, "institution-scope-upload")
    if refused is not None:
        return refused
    qualifications = qualifications_of(organisation)
    too_large = too_large_outcome(request)
    if too_large is not None:
        form = ScopeUploadForm(qualifications=qualifications)
        return render_manage(request, organisation, upload_form=form, outcome=too_large, status=413)
    form = ScopeUploadForm(request.POST, request.FILES, qualifications=qualifications)
    if not form.is_valid():
        return render_manage(request, organisation, upload_form=form, status=400)
    outcome = _import_upload(
        organisation,
        cast(UploadedFile, form.cleaned_data["file"]),
        replace=form.cleaned_data["mode"] == ScopeUploadForm.REPLACE,
        qualification=_chosen(qualifications, form.cleaned_data.get("qualification") or ""),
        dry_run=bool(form.cleaned_data.get("check_only")),
        by=cast(User, request.user),
    )
    return render_manage(
        request,
        organisation,
        upload_form=ScopeUploadForm(qualifications=qualifications) if outcome.ok else form,
        outcome=outcome,
        status=200 if outcome.ok else 400,
    )


def _chosen(qualifications: Iterable[Qualification], value: str) -> Qualification | None:
    if value in ("", SERVICE_SCOPE):
        return None
    for qualification in qualifications:
        if str(qualification.pk) == value:
            return qualification
    raise Http404(_("没有这项资质"))


def _import_upload(
    organisation: Organisation,
    upload: UploadedFile,
    *,
    replace: bool,
    qualification: Qualification | None,
    dry_run: bool,
    by: User,
) -> UploadOutcome:
    """Check every row of the uploaded scope and write all of it or nothing: merged into the
    scope, or replacing one qualification's lines (or the service lines)."""

    def merge(path: Path) -> UploadOutcome:
        importer = CapabilityImporter(ScopeLookups.load(organisation=organisation))
        return UploadOutcome(run_import(importer, path, by=by, dry_run=dry_run))

    def replace_one(path: Path) -> UploadOutcome:
        uploaded = import_scope(
            organisation=organisation,
            qualification=qualification,
            path=path,
            by=by,
            dry_run=dry_run,
        )
        label = (
            f"{qualification.get_type_display()} {qualification.number}"
            if qualification is not None
            else _("技术服务（无需资质）")
        )
        return UploadOutcome(uploaded.result, removed=uploaded.removed, replaced=label)

    return import_upload(upload, "scope", replace_one if replace else merge)


@require_safe
@admin_required
def institution_scope_template(request: HtmxRequest, organisation: Organisation) -> HttpResponse:
    """The capabilities file's header row (what ``qihub import capabilities`` reads), with the
    UTF-8 byte-order mark spreadsheet programs need to read Chinese."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capabilities-template.csv"'
    return response


# --- checking a qualification number --------------------------------------------------------------


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("证书编号"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("如：210612345678、CNAS L1234、TS7110236-2026"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("资质类型"),
        required=False,
        choices=[("", gettext_lazy("自动识别")), *QUALIFICATION_TYPE_CHOICES],
    )


@require_safe
def qualification_verify(request: HtmxRequest) -> HttpResponse:
    form = VerifyForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    number = str(cleaned.get("number") or "")
    answer = None
    badge = None
    if number.strip():
        answer = qualification_lookup(number, type=cleaned.get("type") or None, user=request.user)
        if answer.qualification is not None:
            badge = validity(answer.qualification, answer.on or timezone.localdate())
    return render(
        request,
        "web/institutions/verify.html",
        {"form": form, "answer": answer, "badge": badge, "asked": bool(number.strip())},
    )
