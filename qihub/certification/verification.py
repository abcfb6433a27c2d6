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

**Cost per answer** (the public, throttled hot path, meant to stay within 0.8× of a bare
indexed lookup over HTTP): three indexed queries by number (certificates with body, feed and
holder; sites; history), each compiled by the ORM once per process (``_PreparedQuery``), none
of them per match; "not found" coverage figures from the shared cache for up to a minute
(``freshness.cached_coverage``); the signing key parsed once (``signing.signing_key``); one
JSON serialisation, which is both what is signed and what is sent (``signed_answer_json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.certification.freshness import SILENCE_DAYS, Coverage, cached_coverage, coverage
from qihub.certification.models import Certificate, CertificateSite, CertificateStatusChange
from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.querysets import (
    ACTIVE,
    CANCELLED,
    EXPIRED,
    NOT_YET_VALID,
    SUSPENDED,
    WITHDRAWN,
)
from qihub.certification.signing import SigningKey, signing_key, verify
from qihub.certification.types import type_name

MAX_MATCHES = 20


# --- reading the facts: three indexed queries, compiled once -------------------------------------

# Stands for the number while a query is compiled. A real (normalised) number never equals it:
# control characters are refused by ``normalise_certificate_number``.
_NUMBER = "\x00number\x00"


class _PreparedQuery:
    """A read query by certificate number that the ORM compiles once per process and database,
    then runs with each new number. Compiling a query costs several times as much as running
    one of these indexed lookups, and is the same work on every call. Rows are converted as
    ``values_list`` converts them (dates, aware datetimes, JSON, booleans): the backend's and
    the fields' converters, looked up once (they are pure functions of the value). The query is
    defined with the ORM, so it follows the models."""

    def __init__(self, build: Callable[[str], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._query: QuerySet[Any, Any] | None = None  # built on first use (models ready)
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, query: QuerySet[Any, Any], using: str) -> _Compiled:
        compiler = query.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if _NUMBER not in params:
            raise ValueError("a prepared query must take the number as a parameter")
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        return _Compiled(sql, tuple(params), [(p, fs, col) for p, (fs, col) in converters.items()])

    def rows(self, number: str) -> list[list[Any]]:
        query = self._query
        if query is None:
            query = self._query = self._build(_NUMBER)
        using = query.db
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(query, using)
        params = tuple(number if value == _NUMBER else value for value in compiled.params)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, functions, column in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, column, connection)
                row[position] = value
        return rows


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # with _NUMBER where the number goes
    converters: list[tuple[int, list[Callable[..., Any]], Any]]  # (column, functions, expression)


_CERTIFICATES = _PreparedQuery(
    lambda number: (
        Certificate.objects.with_number(number)
        .order_by("cb__uscc")
        .values_list(
            "id",
            "number",
            "status",
            "status_reason",
            "holder__uscc",
            "holder_name",
            "cb__uscc",
            "cb__name",
            "cb__certificate_feed__last_upload_at",
            "cert_type",
            "standard_codes",
            "scope",
            "is_accredited",
            "issued_on",
            "expires_on",
        )[:MAX_MATCHES]
    )
)
_SITES = _PreparedQuery(
    lambda number: (
        CertificateSite.objects.filter(certificate__number=number)
        .order_by("certificate_id", "id")
        .values_list("certificate_id", "address", "scope")
    )
)
_HISTORY = _PreparedQuery(
    lambda number: (
        CertificateStatusChange.objects.filter(certificate__number=number)
        .order_by("certificate_id", "changed_at", "id")
        .values_list("certificate_id", "from_status", "to_status", "reason", "changed_at", "source")
    )
)


@dataclass(frozen=True)
class Match:
    """One certificate with the number, as the answer states it (plain values, no model)."""

    id: int
    number: str
    status: str
    status_reason: str
    holder_uscc: str
    holder_name: str
    cb_uscc: str
    cb_name: str
    data_as_of: datetime | None  # the body's last upload
    cert_type: str
    standard_codes: list[str]
    scope: str
    is_accredited: bool
    issued_on: date
    expires_on: date
    sites: list[dict[str, str]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def effective_status_on(self, day: date) -> str:
        # The model's rule, which reads only status and dates: one rule, not a copy of it.
        return Certificate.effective_status_on(cast(Certificate, self), day)


def _local(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _matches(number: str) -> list[Match]:
    """Every certificate with the canonical ``number`` (at most MAX_MATCHES, by body USCC), with
    its sites and status history: three indexed queries, none when nothing has the number for
    the last two."""
    found = _CERTIFICATES.rows(number)
    if not found:
        return []
    sites: dict[int, list[dict[str, str]]] = {row[0]: [] for row in found}
    history: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in found}
    for certificate_id, address, scope in _SITES.rows(number):
        if certificate_id in sites:
            sites[certificate_id].append({"address": address, "scope": scope})
    for certificate_id, from_status, to_status, reason, changed_at, source in _HISTORY.rows(number):
        if certificate_id in history:
            history[certificate_id].append(
                {
                    "from_status": from_status or None,
                    "to_status": to_status,
                    "reason": reason,
                    "at": _local(changed_at),
                    "source": source,
                }
            )
    return [
        Match(*row, sites=sites[row[0]], history=history[row[0]])  # type: ignore[misc]
        for row in found
    ]


# --- what the answer says -------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What the platform knows about a number as typed, on ``on``. ``facts`` are what the
    signed answer states; ``matches`` the same certificates as models, in the same order (for
    pages: filled by ``lookup``, not by ``signed_answer``)."""

    found: bool
    number: str
    on: date
    explanation: str
    matches: list[Certificate] = field(default_factory=list)
    coverage: Coverage | None = None
    facts: list[Match] = field(default_factory=list)


def _explain(c: Match, on: date, now: datetime) -> str:
    values = {
        "cb": c.cb_name,
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
    as_of = c.data_as_of
    if as_of is None:
        text += _("发证机构尚未通过报送记录数据更新时间。")
    else:
        text += _("以上为%(cb)s于 %(day)s 报送的数据") % {
            "cb": c.cb_name,
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


def _resolve(raw: str, *, on: date | None, moment: datetime, cached: bool) -> Lookup:
    """The answer's facts and explanation, without model instances. ``cached``: the "not
    found" coverage figures may come from the shared cache (``freshness.cached_coverage``:
    at most a minute old) instead of being counted at ``moment``."""
    day = on or timezone.localdate(moment)
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
    found = _matches(number)
    if not found:
        figures = cached_coverage() if cached else coverage(moment)
        return Lookup(False, number, day, _explain_missing(number, figures), coverage=figures)
    found.sort(key=lambda c: (c.effective_status_on(day) != ACTIVE, c.cb_uscc))
    explanation = _explain(found[0], day, moment)
    if len(found) > 1:
        explanation = (
            _(
                "有 %(count)d 家认证机构登记了编号为“%(number)s”的证书，"
                "请核对证书上的发证机构（见 matches）。"
            )
            % {"count": len(found), "number": number}
            + explanation
        )
    return Lookup(True, number, day, explanation, facts=found)


def lookup(raw: str, *, on: date | None = None, now: datetime | None = None) -> Lookup:
    """Find every certificate with the number as typed (full-width, spaces, lower case and
    ``No.`` prefixes tolerated), effective status on ``on`` (today). ``matches`` holds the
    certificates as models (body, its feed and holder loaded), in the answer's order."""
    found = _resolve(raw, on=on, moment=now or timezone.now(), cached=now is None)
    if not found.facts:
        return found
    by_id = Certificate.objects.select_related("cb__certificate_feed", "holder").in_bulk(
        [fact.id for fact in found.facts]
    )
    models = [by_id[fact.id] for fact in found.facts if fact.id in by_id]
    return Lookup(
        found.found, found.number, found.on, found.explanation, models, found.coverage, found.facts
    )


def certificate_payload(certificate: Match, on: date) -> dict[str, Any]:
    """One certificate as the answer shows it (JSON values only: it is signed as is)."""
    c = certificate
    return {
        "number": c.number,
        "status": c.status,
        "effective_status": c.effective_status_on(on),
        "status_reason": c.status_reason,
        "holder": {"uscc": c.holder_uscc, "name": c.holder_name},
        "cb": {"uscc": c.cb_uscc, "name": c.cb_name, "data_as_of": _local(c.data_as_of)},
        "cert_type": c.cert_type,
        "cert_type_name": type_name(c.cert_type),
        "standards": list(c.standard_codes),
        "scope": c.scope,
        "is_accredited": c.is_accredited,
        "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
        "sites": [dict(site) for site in c.sites],
        "history": [dict(change) for change in c.history],
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
    matches = [certificate_payload(c, found.on) for c in found.facts]
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


def sign_payload(payload: Mapping[str, Any], key: SigningKey | None = None) -> dict[str, Any]:
    key = key or signing_key()
    if payload.get("key_id") != key.key_id:
        raise ValueError("the payload names another key")
    return {**payload, "signature": key.sign(canonical_json(payload))}


def _signed(raw: str, on: date | None, now: datetime | None) -> tuple[dict[str, Any], bytes, str]:
    """The answer without its signature, its canonical JSON and the signature of that."""
    moment = now or timezone.now()
    found = _resolve(raw, on=on, moment=moment, cached=now is None)
    key = signing_key()
    payload = answer_payload(found, signed_at=moment, key_id=key.key_id)
    body = canonical_json(payload)
    return payload, body, key.sign(body)


def signed_answer(
    raw: str, *, on: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The verification answer for a number as typed, signed (see the module docstring).
    Without ``now``, "not found" coverage figures may be up to a minute old (shared cache)."""
    payload, _body, signature = _signed(raw, on, now)
    return {**payload, "signature": signature}


def signed_answer_json(raw: str, *, on: date | None = None, now: datetime | None = None) -> bytes:
    """``signed_answer`` as the API sends it: the signed canonical JSON with the ``signature``
    member appended last, so the answer is serialised once, not signed and then re-encoded."""
    _payload, body, signature = _signed(raw, on, now)
    # The body is a JSON object ("{…}") and a base64url signature needs no escaping.
    return body[:-1] + b',"signature":"' + signature.encode("ascii") + b'"}'


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
