"""Certificates for the public: search by holder, verify a number (throttled, no captcha),
a certificate's page with its history and a signed QR code, the QR landing page that checks the
signature, and the platform's public signing key."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

import segno
from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.certification.errors import CertificateNotFound
from qihub.certification.freshness import SILENCE_DAYS, coverage, data_as_of
from qihub.certification.models import Certificate
from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.queries import (
    certificate_by_body_and_number,
    certificate_by_public_id,
    certificates_for_holder,
    may_write_certificates_of,
    next_statuses,
)
from qihub.certification.signing import ALGORITHM, signing_key
from qihub.certification.types import type_name
from qihub.certification.verification import check_qr_signature, lookup, qr_path
from qihub.core.http import HtmxRequest
from qihub.web.forms.certificate_manage import CertificateStatusForm
from qihub.web.throttles import visitor_throttle

PAGE_SIZE = 20


class CertificateSearchForm(forms.Form):
    holder = forms.CharField(
        label=gettext_lazy("获证组织名称或统一社会信用代码"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("如：海通阀门、9121…")}
        ),
    )


class CertificateVerifyForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("证书编号"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("如：00124Q31234R2M，可带空格或“No.”"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


def _badge(certificate: Certificate, status: str) -> dict[str, str]:
    """CSS class (the qualification badges' palette) and label for an effective status."""
    classes = {
        "active": "validity-valid",
        "suspended": "validity-suspended",
        "withdrawn": "validity-revoked",
        "cancelled": "validity-revoked",
        "expired": "validity-expired",
        "not_yet_valid": "validity-not",
    }
    return {
        "css": classes.get(status, "validity-expired"),
        "label": str(Certificate.EffectiveStatus(status).label),
    }


def certificate_row(certificate: Certificate, today: Any) -> dict[str, Any]:
    status = certificate.effective_status_on(today)
    feed = getattr(certificate.cb, "certificate_feed", None)
    return {
        "certificate": certificate,
        "type_name": type_name(certificate.cert_type),
        "badge": _badge(certificate, status),
        "data_as_of": getattr(feed, "last_upload_at", None),
    }


@require_safe
def certificate_search(request: HtmxRequest) -> HttpResponse:
    form = CertificateSearchForm(request.GET)
    form.is_valid()
    text = str(getattr(form, "cleaned_data", {}).get("holder") or "")
    page = None
    elided: list[Any] = []
    if text.strip():
        refused = visitor_throttle(request, "web-certificate-search")
        if refused is not None:
            return refused
        paginator = Paginator(certificates_for_holder(text, user=request.user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        elided = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    today = timezone.localdate()
    return render(
        request,
        "web/certificates/search.html",
        {
            "form": form,
            "verify_form": CertificateVerifyForm(),
            "page": page,
            "rows": [certificate_row(c, today) for c in page] if page is not None else [],
            "elided_pages": elided,
            "list_url": request.path,
            "target": "certificate-results",
            "coverage": coverage(),
            "silence_days": SILENCE_DAYS,
            "asked": bool(text.strip()),
        },
    )


@require_safe
def certificate_verify(request: HtmxRequest) -> HttpResponse:
    form = CertificateVerifyForm(request.GET)
    form.is_valid()
    number = str(getattr(form, "cleaned_data", {}).get("number") or "")
    answer = None
    if number.strip():
        refused = visitor_throttle(request, "web-certificate-verify")
        if refused is not None:
            return refused
        answer = lookup(number)
    today = timezone.localdate()
    return render(
        request,
        "web/certificates/verify.html",
        {
            "form": form,
            "answer": answer,
            "rows": [certificate_row(c, today) for c in answer.matches] if answer else [],
            "asked": bool(number.strip()),
        },
    )


def _detail_context(request: HtmxRequest, certificate: Certificate) -> dict[str, Any]:
    today = timezone.localdate()
    as_of = data_as_of(certificate.cb_id)
    stale = as_of is not None and (timezone.now() - as_of).days > SILENCE_DAYS
    return {
        "row": certificate_row(certificate, today),
        "certificate": certificate,
        "history": list(certificate.status_changes.all()),
        "sites": list(certificate.sites.all()),
        "data_as_of": as_of,
        "stale": stale,
        "silence_days": SILENCE_DAYS,
        "today": today,
    }


def render_certificate(
    request: HtmxRequest,
    certificate: Certificate,
    *,
    status_form: CertificateStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A certificate's page; with the status-change form for those who may write it (the form
    posts to ``certificate_manage.certificate_status_change``)."""
    context = _detail_context(request, certificate)
    context["verification_url"] = request.build_absolute_uri(
        qr_path(certificate.number, certificate.cb.uscc)
    )
    if status_form is None and may_write_certificates_of(request.user, certificate.cb_id):
        status_form = CertificateStatusForm(offered=next_statuses(certificate.status))
    context["status_form"] = status_form
    return render(request, "web/certificates/detail.html", context, status=status)


@require_safe
def certificate_detail(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    try:
        certificate = certificate_by_public_id(public_id, user=request.user)
    except CertificateNotFound as error:
        raise Http404(error.detail) from None
    return render_certificate(request, certificate)


@require_safe
def certificate_qr(request: HtmxRequest, public_id: UUID) -> HttpResponse:
    """The QR code as an SVG file (an <img> of our own origin, which the CSP allows), encoding
    the signed verification URL."""
    try:
        certificate = certificate_by_public_id(public_id, user=request.user)
    except CertificateNotFound as error:
        raise Http404(error.detail) from None
    url = request.build_absolute_uri(qr_path(certificate.number, certificate.cb.uscc))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def certificate_qr_landing(request: HtmxRequest, number: str) -> HttpResponse:
    """Where a QR code leads. A valid signature shows the certificate as it stands now; an absent
    or altered one (number, body or signature changed) answers 400 with a warning page, since the
    request itself (the code's content) is what is wrong."""
    refused = visitor_throttle(request, "web-certificate-verify")
    if refused is not None:
        return refused
    signature = str(request.GET.get("sig", ""))[:200]
    try:
        canonical = normalise_certificate_number(number)
        cb_uscc = normalise_uscc(str(request.GET.get("cb", ""))[:40])
    except (InvalidCertificateNumber, InvalidUSCC):
        canonical, cb_uscc = "", ""
    if not (canonical == number and check_qr_signature(canonical, cb_uscc, signature)):
        return render(
            request,
            "web/certificates/qr_invalid.html",
            {"number": number[:60]},
            status=400,
        )
    certificate = certificate_by_body_and_number(cb_uscc, canonical, user=request.user)
    context: dict[str, Any] = {"number": canonical, "cb_uscc": cb_uscc, "qr_checked": True}
    if certificate is not None:
        context.update(_detail_context(request, certificate))
    return render(request, "web/certificates/qr_valid.html", context)


@require_safe
def signing_key_page(request: HtmxRequest) -> HttpResponse:
    key = signing_key()
    return render(
        request,
        "web/certificates/key.html",
        {"algorithm": ALGORITHM, "key_id": key.key_id, "public_pem": key.public_pem},
    )
