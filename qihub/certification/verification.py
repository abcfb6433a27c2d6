"""Public verification of a certificate number, with answers the platform signs.

**The signed answer.** ``signed_answer`` returns a JSON object; ``signature`` is the Ed25519
signature (base64url, unpadded) of the *canonical JSON* of every other member of that object,
``signed_at`` and ``key_id`` included. Canonical JSON: keys sorted at every level, no
whitespace (separators ``,`` and ``:``), non-ASCII characters as themselves (not ``\\u``
escapes), encoded as UTF-8; dates are ``YYYY-MM-DD`` strings, times ISO 8601 with their offset
(China time). To check an answer a client removes ``signature``, re-serialises the rest this
way (Python: ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
.encode()``) and verifies with the public key published at ``GET /api/v1/certificates/key``
whose ``key_id`` matches.

**Several bodies, one number.** Numbers are unique per body only; every certificate with the
number is listed in ``matches`` (active ones first) and the top-level fields describe the first.

**Not found** is not "invalid": ``explanation`` says how many bodies report to the platform and
how fresh their data is, so a reader can judge what the absence means.

**QR codes** encode ``/certificates/v/<number>?cb=<body USCC>&sig=<signature>``, where the
signature is over the UTF-8 bytes of ``"<number>|<body USCC>"``: a code pointing elsewhere, or
with the number, body or signature altered, fails ``check_qr_signature``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.certification.freshness import SILENCE_DAYS, Coverage, coverage
from qihub.certification.models import Certificate
from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.querysets import (
    ACTIVE,
    CANCELLED,
    EXPIRED,
    NOT_YET_VALID,
    SUSPENDED,
    WITHDRAWN,
)
from qihub.certification.signing import signing_key, verify
from qihub.certification.types import type_name

MAX_MATCHES = 20


@dataclass(frozen=True)
class Lookup:
    """What the platform knows about a number as typed, on ``on``."""

    found: bool
    number: str
    on: date
    explanation: str
    matches: list[Certificate] = field(default_factory=list)
    coverage: Coverage | None = None


def _local(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _data_as_of(certificate: Certificate) -> datetime | None:
    feed = getattr(certificate.cb, "certificate_feed", None)
    return feed.last_upload_at if feed is not None else None


def _explain(certificate: Certificate, on: date, now: datetime) -> str:
    c = certificate
    values = {
        "cb": c.cb.name,
        "holder": c.holder_name,
        "issued": c.issued_on.isoformat(),
        "expires": c.expires_on.isoformat(),
        "reason": c.status_reason,
        "type": type_name(c.cert_type),
    }
    status = c.effective_status_on(on)
    if status == ACTIVE:
        text = (
            _(
                "该证书有效：%(cb)s 于 %(issued)s 向 %(holder)s 颁发的%(type)s证书，"
                "有效期至 %(expires)s。"
            )
            % values
        )
    elif status == NOT_YET_VALID:
        text = _("该证书尚未生效，自 %(issued)s 起有效。") % values
    elif status == SUSPENDED:
        text = _("该证书已被发证机构暂停，暂停期间证书不能使用。") % values
    elif status == WITHDRAWN:
        text = _("该证书已被发证机构撤销，不再有效。") % values
    elif status == CANCELLED:
        text = _("该证书已注销，不再有效。") % values
    else:
        text = _("该证书已过期（有效期至 %(expires)s）。") % values
        if c.status == ACTIVE:
            text += _("发证机构登记的状态仍为“有效”，但已超过有效期。")
    if c.status_reason and status in (SUSPENDED, WITHDRAWN, CANCELLED, EXPIRED):
        text += _("原因：%(reason)s。") % values
    as_of = _data_as_of(c)
    if as_of is None:
        text += _("发证机构尚未通过报送记录数据更新时间。")
    else:
        text += _("以上为%(cb)s于 %(day)s 报送的数据") % {
            "cb": c.cb.name,
            "day": timezone.localtime(as_of).date().isoformat(),
        }
        if now - as_of > timedelta(days=SILENCE_DAYS):
            text += _("；该机构已超过 %(days)d 天未更新数据，请向其核实最新状态。") % {
                "days": SILENCE_DAYS
            }
        else:
            text += _("。")
    return text


def _explain_missing(number: str, figures: Coverage) -> str:
    values = {
        "number": number,
        "reporting": figures.bodies_reporting,
        "approved": figures.bodies_approved,
        "fresh": figures.bodies_fresh,
        "days": SILENCE_DAYS,
    }
    text = _("平台未收录编号为“%(number)s”的证书。“未找到”不等于证书无效或伪造：") % values
    text += (
        _(
            "目前有 %(reporting)d 家认证机构向平台报送证书数据（持有效认证机构批准书的机构共 "
            "%(approved)d 家），其中 %(fresh)d 家在最近 %(days)d 天内更新过。"
        )
        % values
    )
    text += _(
        "证书可能由尚未向平台报送数据的机构颁发，或刚颁发、尚未报送。请核对编号，"
        "向证书上的发证机构核实，或到国家认证认可监督管理委员会的认证认可业务信息统一查询平台查询。"
    )
    return text


def lookup(raw: str, *, on: date | None = None, now: datetime | None = None) -> Lookup:
    """Find every certificate with the number as typed (full-width, spaces, lower case and
    ``No.`` prefixes tolerated), effective status on ``on`` (today)."""
    now = now or timezone.now()
    day = on or timezone.localdate(now)
    try:
        number = normalise_certificate_number(raw)
    except InvalidCertificateNumber as error:
        shown = (raw or "").strip()[:60]
        return Lookup(
            False,
            shown,
            day,
            _("“%(number)s”不是有效的证书编号：%(problem)s")
            % {"number": shown, "problem": error.detail},
        )
    found = list(
        Certificate.objects.with_number(number)
        .select_related("cb__certificate_feed", "holder")
        .prefetch_related("sites", "status_changes")
        .order_by("cb__uscc")[:MAX_MATCHES]
    )
    if not found:
        figures = coverage(now)
        return Lookup(False, number, day, _explain_missing(number, figures), coverage=figures)
    found.sort(key=lambda c: (c.effective_status_on(day) != ACTIVE, c.cb.uscc))
    explanation = _explain(found[0], day, now)
    if len(found) > 1:
        explanation = (
            _(
                "有 %(count)d 家认证机构登记了编号为“%(number)s”的证书，"
                "请核对证书上的发证机构（见 matches）。"
            )
            % {"count": len(found), "number": number}
            + explanation
        )
    return Lookup(True, number, day, explanation, found)


def certificate_payload(certificate: Certificate, on: date) -> dict[str, Any]:
    """One certificate as the answer shows it (JSON values only: it is signed as is)."""
    c = certificate
    return {
        "number": c.number,
        "status": c.status,
        "effective_status": c.effective_status_on(on),
        "status_reason": c.status_reason,
        "holder": {"uscc": c.holder.uscc, "name": c.holder_name},
        "cb": {"uscc": c.cb.uscc, "name": c.cb.name, "data_as_of": _local(_data_as_of(c))},
        "cert_type": c.cert_type,
        "cert_type_name": type_name(c.cert_type),
        "standards": list(c.standard_codes),
        "scope": c.scope,
        "is_accredited": c.is_accredited,
        "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
        "sites": [{"address": s.address, "scope": s.scope} for s in c.sites.all()],
        "history": [
            {
                "from_status": h.from_status or None,
                "to_status": h.to_status,
                "reason": h.reason,
                "at": _local(h.changed_at),
                "source": h.source,
            }
            for h in c.status_changes.all()
        ],
    }


EMPTY_FIELDS: dict[str, Any] = {
    "status": None,
    "effective_status": None,
    "status_reason": None,
    "holder": None,
    "cb": None,
    "cert_type": None,
    "cert_type_name": None,
    "standards": [],
    "scope": None,
    "is_accredited": None,
    "issued_on": None,
    "expires_on": None,
    "sites": [],
    "history": [],
}


def answer_payload(found: Lookup, *, signed_at: datetime, key_id: str) -> dict[str, Any]:
    """The answer without its signature: exactly what is signed."""
    matches = [certificate_payload(c, found.on) for c in found.matches]
    first = {k: v for k, v in matches[0].items() if k != "number"} if matches else EMPTY_FIELDS
    return {
        "found": found.found,
        "number": found.number,
        "checked_on": found.on.isoformat(),
        **first,
        "match_count": len(matches),
        "matches": matches,
        "explanation": found.explanation,
        "signed_at": _local(signed_at),
        "key_id": key_id,
    }


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (see the module docstring)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    key = signing_key()
    if payload.get("key_id") != key.key_id:
        raise ValueError("the payload names another key")
    return {**payload, "signature": key.sign(canonical_json(payload))}


def signed_answer(
    raw: str, *, on: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The verification answer for a number as typed, signed (see the module docstring)."""
    now = now or timezone.now()
    found = lookup(raw, on=on, now=now)
    return sign_payload(answer_payload(found, signed_at=now, key_id=signing_key().key_id))


def verify_answer(answer: Mapping[str, Any], public_key: Ed25519PublicKey) -> bool:
    """Whether a received answer is intact: what a client does with the published key."""
    signature = answer.get("signature")
    if not isinstance(signature, str):
        return False
    payload = {k: v for k, v in answer.items() if k != "signature"}
    return verify(public_key, signature, canonical_json(payload))


# --- QR codes -------------------------------------------------------------------------------------


def qr_message(number: str, cb_uscc: str) -> bytes:
    return f"{number}|{cb_uscc}".encode()


def qr_signature(number: str, cb_uscc: str) -> str:
    return signing_key().sign(qr_message(number, cb_uscc))


def check_qr_signature(number: str, cb_uscc: str, signature: str) -> bool:
    """Whether ``signature`` is the platform's QR signature of this number and body."""
    if not number or not cb_uscc or not signature or len(signature) > 200:
        return False
    return verify(signing_key().public_key, signature, qr_message(number, cb_uscc))


def qr_path(number: str, cb_uscc: str) -> str:
    """The site-relative verification URL a certificate's QR code carries."""
    query = urlencode({"cb": cb_uscc, "sig": qr_signature(number, cb_uscc)})
    return f"/certificates/v/{quote(number, safe='')}?{query}"
