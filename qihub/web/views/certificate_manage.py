"""A certification body's desk: its data freshness, the upload of a certificates file (the
``qihub import certificates`` columns, all or nothing, a check-only mode), the template, and its
certificates with filters; and the status change on a certificate's page.

Who may do what is the certification services' rule (``services.writable_bodies``): members of
a body and platform administrators write its certificates; the provincial regulator may open
any body's desk to read. The services check every write again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from qihub.accounts.models import Organisation, User
from qihub.certification.errors import CertificateNotFound
from qihub.certification.freshness import SILENCE_DAYS
from qihub.certification.importers import BodyCertificateImporter, template_rows
from qihub.certification.models import Certificate, CertificateStatusChange
from qihub.certification.queries import (
    BodyDesk,
    body_desk,
    certificate_by_public_id,
    desk_cert_types,
    desk_certificates,
    desk_status_counts,
    feed_state,
    next_statuses,
)
from qihub.certification.records import COLUMNS
from qihub.certification.services import change_certificate_status
from qihub.core.errors import DomainError
from qihub.core.http import HtmxRequest
from qihub.core.imports import run_import
from qihub.web.forms.certificate_manage import (
    BodyChoiceForm,
    CertificateStatusForm,
    CertificateUploadForm,
    DeskFilterForm,
)
from qihub.web.throttles import write_throttle
from qihub.web.uploads import (
    SHOWN_ROW_ERRORS,
    UploadOutcome,
    import_upload,
    too_large_outcome,
)
from qihub.web.views.certificates import certificate_row, render_certificate

PAGE_SIZE = 25
EXPIRING_DAYS = 30

View = Callable[..., HttpResponse]


def _forbidden(request: HtmxRequest, message: str) -> HttpResponse:
    return render(
        request, "web/certificates/manage_forbidden.html", {"message": message}, status=403
    )


def desk_required(view: View) -> View:
    """Signed-in visitors who may open a body's desk (``?cb=<USCC>`` picks the body): anonymous
    visitors go to the login page, others get a 403 page saying why. Passes the desk on."""

    @wraps(view)
    def wrapped(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            # Back to the desk itself: the upload is POST-only, the template a download.
            query = request.GET.urlencode()
            return redirect_to_login(
                reverse("web:certificate-manage") + (f"?{query}" if query else "")
            )
        try:
            desk = body_desk(request.user, str(request.GET.get("cb", ""))[:40])
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.detail) from None
            return _forbidden(request, error.detail)
        return view(request, desk, *args, **kwargs)

    return wrapped


# --- the desk ------------------------------------------------------------------------------------


def render_desk(
    request: HtmxRequest,
    desk: BodyDesk,
    *,
    upload_form: CertificateUploadForm | None = None,
    outcome: UploadOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "desk": desk,
        "body": desk.body,
        "choice_form": BodyChoiceForm(
            initial={"cb": desk.body.uscc if desk.body else ""}, bodies=desk.choices
        ),
        "list_url": reverse("web:certificate-manage"),
        "target": "desk-certificates",
    }
    if desk.body is None:
        return render(request, "web/certificates/manage.html", context, status=status)
    body = desk.body
    today = timezone.localdate()
    form = DeskFilterForm(request.GET, cert_types=desk_cert_types(body))
    filters = form.filters()
    found = desk_certificates(
        body,
        status=filters["status"],
        cert_type=filters["type"],
        text=filters["q"],
        expiring_within_days=EXPIRING_DAYS if filters["expiring"] else None,
        on=today,
    )
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context.update(
        {
            "form": form,
            "page": page,
            "rows": [certificate_row(c, today) for c in page],
            "elided_pages": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
            "is_filtered": any(filters.values()),
        }
    )
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "web/certificates/_manage_certificates.html", context)
    counts = desk_status_counts(body, on=today)
    context.update(
        {
            "feed": feed_state(body),
            "silence_days": SILENCE_DAYS,
            "status_counts": [
                (label, counts[value])
                for value, label in Certificate.EffectiveStatus.choices
                if counts.get(value)
            ],
            "upload_form": upload_form or CertificateUploadForm(),
            "outcome": outcome,
            "shown_errors": SHOWN_ROW_ERRORS,
            "columns": ",".join(COLUMNS),
            "expiring_days": EXPIRING_DAYS,
        }
    )
    return render(request, "web/certificates/manage.html", context, status=status)


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@desk_required
def certificate_manage(request: HtmxRequest, desk: BodyDesk) -> HttpResponse:
    return render_desk(request, desk)


# --- upload --------------------------------------------------------------------------------------


def _import_upload(
    body: Organisation, upload: UploadedFile, *, dry_run: bool, by: User
) -> UploadOutcome:
    """Check every row of the uploaded certificates and write all of them or nothing."""

    def run(path: Path) -> UploadOutcome:
        return UploadOutcome(
            run_import(BodyCertificateImporter(body), path, by=by, dry_run=dry_run)
        )

    return import_upload(upload, "certificates", run)


@require_POST
@never_cache
@desk_required
def certificate_manage_upload(request: HtmxRequest, desk: BodyDesk) -> HttpResponse:
    if desk.body is None:
        return redirect("web:certificate-manage")
    if not desk.can_write:
        return _forbidden(request, _("您可以查看该认证机构的证书，但不能代其上传或变更证书"))
    refused = write_throttle(request, "certificate-manage-upload")
    if refused is not None:
        return refused
    too_large = too_large_outcome(request)
    if too_large is not None:
        return render_desk(request, desk, outcome=too_large, status=413)
    form = CertificateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_desk(request, desk, upload_form=form, status=400)
    outcome = _import_upload(
        desk.body,
        cast(UploadedFile, form.cleaned_data["file"]),
        dry_run=bool(form.cleaned_data.get("check_only")),
        by=cast(User, request.user),
    )
    return render_desk(
        request,
        desk,
        upload_form=CertificateUploadForm() if outcome.ok else form,
        outcome=outcome,
        status=200 if outcome.ok else 400,
    )


@require_safe
@desk_required
def certificate_manage_template(request: HtmxRequest, desk: BodyDesk) -> HttpResponse:
    """The import's header row and one example row for this body, with the UTF-8 byte-order
    mark spreadsheet programs need to read Chinese. The example row is refused on upload."""
    if desk.body is None:
        return redirect("web:certificate-manage")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(template_rows(desk.body))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="certificates-template.csv"'
    return response


# --- a certificate's status ----------------------------------------------------------------------


@require_POST
@never_cache
def certificate_status_change(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    """The form on a certificate's page. Who may write it is the service's decision: a POST
    from anyone else is refused there (403)."""
    detail_url = reverse("web:certificate-detail", kwargs={"public_id": public_id})
    if not request.user.is_authenticated:
        return redirect_to_login(detail_url)
    try:
        certificate = certificate_by_public_id(public_id, user=request.user)
    except CertificateNotFound as error:
        raise Http404(error.detail) from None
    form = CertificateStatusForm(request.POST, offered=next_statuses(certificate.status))
    if form.is_valid():
        try:
            changed = change_certificate_status(
                certificate=certificate,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                source=CertificateStatusChange.Source.WEB,
            )
        except DomainError as error:
            if error.status == 403:
                return _forbidden(request, error.detail)
            form.add_error(None, error.detail)
        else:
            messages.success(
                request,
                _("证书 %(number)s 的状态已登记为“%(status)s”。")
                % {"number": changed.number, "status": changed.get_status_display()},
            )
            return redirect(detail_url)
    return render_certificate(request, certificate, status_form=form, status=400)
