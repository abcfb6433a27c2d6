"""Reading one certificate record (an import row or an API batch item) into checked data.

Both ways in share these checks, so a file and a batch refuse the same things with the same
messages: the body must hold an effectively valid CNCA-CB approval (today: a body whose
approval lapsed cannot upload), the holder USCC must be valid, the type must be on the list,
``expires_on`` must come after ``issued_on``. Standard codes that do not parse are kept as typed
(and flagged), never refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc, uscc_region_code
from qihub.accounts.models import Organisation
from qihub.certification.errors import InvalidCertificate
from qihub.certification.models import Certificate
from qihub.certification.numbers import InvalidCertificateNumber, normalise_certificate_number
from qihub.certification.types import canonical_type_code
from qihub.core.text import normalise_text
from qihub.institutions.importers import parse_date
from qihub.institutions.models import Qualification
from qihub.institutions.numbers import QualificationType
from qihub.reference.models import Region
from qihub.standards.codes import InvalidStandardCode, parse_standard_code

COLUMNS = (
    "number",
    "cb_uscc",
    "holder_uscc",
    "holder_name",
    "cert_type",
    "standard",
    "scope",
    "issued_on",
    "expires_on",
    "status",
    "status_reason",
    "accredited",
)
REQUIRED_COLUMNS = (
    "number",
    "cb_uscc",
    "holder_uscc",
    "holder_name",
    "cert_type",
    "issued_on",
    "expires_on",
)
MAX_SITES = 200
PROVINCE_CODE = "210000"
CAPITAL_CODE = "210100"
STATUS_ALIASES = {
    **{s: s for s in Certificate.Status.values},
    "有效": Certificate.Status.ACTIVE,
    "暂停": Certificate.Status.SUSPENDED,
    "撤销": Certificate.Status.WITHDRAWN,
    "撤回": Certificate.Status.WITHDRAWN,
    "过期": Certificate.Status.EXPIRED,
    "失效": Certificate.Status.EXPIRED,
    "注销": Certificate.Status.CANCELLED,
}
_TRUE = {"1", "true", "yes", "y", "是", "有"}
_FALSE = {"", "0", "false", "no", "n", "否", "无"}


@dataclass(frozen=True)
class SiteData:
    address: str
    scope: str = ""


@dataclass(frozen=True)
class CertificateData:
    """One certificate, checked. ``holder_city_code`` is where a holder new to the platform is
    placed ("" when it must already exist); ``sites`` None means "leave the sites as they are"
    (the import file has no sites column)."""

    number: str
    cb_id: int
    holder_uscc: str
    holder_name: str
    holder_city_code: str
    cert_type: str
    standards_text: str
    standard_codes: tuple[str, ...]
    standards_unparsed: bool
    scope: str
    is_accredited: bool
    issued_on: date
    expires_on: date
    status: str
    status_reason: str = ""
    sites: tuple[SiteData, ...] | None = None


@dataclass
class CertificateLookups:
    """What reading records needs, loaded once per upload: the certification bodies with an
    effectively valid CNCA-CB approval on ``on`` (USCC → id), and the region codes."""

    on: date
    bodies: dict[str, int] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # code → its city's code

    @classmethod
    def load(cls, on: date | None = None) -> CertificateLookups:
        day = on or timezone.localdate()
        bodies = dict(
            Qualification.objects.filter(type=QualificationType.CNCA_CB.value)
            .effectively_valid(day)
            .filter(organisation__is_active=True)
            .values_list("organisation__uscc", "organisation_id")
        )
        regions = {
            code: (code if level != Region.Level.COUNTY else code[:4] + "00")
            for code, level in Region.objects.values_list("code", "level")
        }
        return cls(on=day, bodies=bodies, regions=regions)


def _uscc(value: str, column: str, errors: list[tuple[str, str]]) -> str:
    try:
        return normalise_uscc(value)
    except InvalidUSCC as error:
        errors.append((column, error.detail))
        return ""


def _body(value: str, lookups: CertificateLookups, errors: list[tuple[str, str]]) -> int | None:
    uscc = _uscc(value, "cb_uscc", errors)
    if not uscc:
        return None
    cb_id = lookups.bodies.get(uscc)
    if cb_id is not None:
        return cb_id
    organisation = Organisation.objects.filter(uscc=uscc).first()
    if organisation is None:
        errors.append(("cb_uscc", _("未登记的认证机构“%(uscc)s”") % {"uscc": uscc}))
    else:
        errors.append(
            (
                "cb_uscc",
                _("%(name)s 没有有效的认证机构批准书（CNCA-CB），不能报送证书")
                % {"name": organisation.name},
            )
        )
    return None


def _holder_city(uscc: str, lookups: CertificateLookups, errors: list[tuple[str, str]]) -> str:
    """Where a holder new to the platform goes: the city of the USCC's region part (a provincial
    registration, 210000, goes to the capital). Outside Liaoning there is no city to place it
    in, so such a holder must be registered first (``qihub import orgs``)."""
    region = uscc_region_code(uscc)
    if region == PROVINCE_CODE:
        return CAPITAL_CODE
    city = lookups.regions.get(region) or lookups.regions.get(region[:4] + "00")
    if city and city != PROVINCE_CODE:
        return city
    if not Organisation.objects.filter(uscc=uscc).exists():
        errors.append(
            (
                "holder_uscc",
                _(
                    "获证组织 %(uscc)s 尚未在平台登记，且其行政区划代码 %(region)s 不在辽宁省，"
                    "无法自动建档；请先登记该组织"
                )
                % {"uscc": uscc, "region": region},
            )
        )
    return ""


def _date(value: str, column: str, errors: list[tuple[str, str]]) -> date | None:
    value = normalise_text(value)
    if not value:
        errors.append((column, _("日期不能为空")))
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.append((column, _("日期“%(value)s”应为 YYYY-MM-DD") % {"value": value}))
    return parsed


def _standards(text: str) -> tuple[tuple[str, ...], bool]:
    codes: list[str] = []
    unparsed = False
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        try:
            code = parse_standard_code(part).canonical
        except InvalidStandardCode:
            code, unparsed = part, True
        if code not in codes:
            codes.append(code)
    return tuple(codes), unparsed


def _text(value: str, column: str, limit: int, errors: list[tuple[str, str]]) -> str:
    text = normalise_text(value)
    if "\x00" in text:
        errors.append((column, _("含有不允许的字符")))
    if len(text) > limit:
        errors.append((column, _("过长（最多%(max)d字）") % {"max": limit}))
    return text


def read_sites(
    sites: list[Mapping[str, str]] | None, errors: list[tuple[str, str]]
) -> tuple[SiteData, ...] | None:
    if sites is None:
        return None
    if len(sites) > MAX_SITES:
        errors.append(("sites", _("场所过多（最多%(max)d个）") % {"max": MAX_SITES}))
        return None
    read: list[SiteData] = []
    for position, site in enumerate(sites):
        address = _text(str(site.get("address") or ""), f"sites[{position}].address", 300, errors)
        if not address:
            errors.append((f"sites[{position}].address", _("地址不能为空")))
        scope = _text(str(site.get("scope") or ""), f"sites[{position}].scope", 4000, errors)
        read.append(SiteData(address=address, scope=scope))
    return tuple(read)


def read_certificate(
    row: Mapping[str, str],
    lookups: CertificateLookups,
    *,
    sites: list[Mapping[str, str]] | None = None,
) -> CertificateData:
    """Check one record (the import columns, all text); raise InvalidCertificate listing every
    problem as (field, message)."""
    errors: list[tuple[str, str]] = []
    number = ""
    try:
        number = normalise_certificate_number(row.get("number", ""))
    except InvalidCertificateNumber as error:
        errors.append(("number", error.detail))
    cb_id = _body(row.get("cb_uscc", ""), lookups, errors)
    holder_uscc = _uscc(row.get("holder_uscc", ""), "holder_uscc", errors)
    holder_city = _holder_city(holder_uscc, lookups, errors) if holder_uscc else ""
    holder_name = _text(row.get("holder_name", ""), "holder_name", 200, errors)
    if not holder_name:
        errors.append(("holder_name", _("获证组织名称不能为空")))
    type_text = normalise_text(row.get("cert_type", ""))
    cert_type = canonical_type_code(type_text)
    if cert_type is None:
        errors.append(
            (
                "cert_type",
                _(
                    "未知的认证类型“%(type)s”；"
                    "应为平台认证类型表中的代码，如 MS-QMS、CCC-07、PC-GREEN"
                )
                % {"type": type_text},
            )
        )
    standards_text = _text(row.get("standard", ""), "standard", 500, errors)
    codes, unparsed = _standards(standards_text)
    scope = _text(row.get("scope", ""), "scope", 4000, errors)
    issued_on = _date(row.get("issued_on", ""), "issued_on", errors)
    expires_on = _date(row.get("expires_on", ""), "expires_on", errors)
    if issued_on and expires_on and expires_on <= issued_on:
        errors.append(("expires_on", _("有效期至必须晚于颁证日期")))
    status_text = normalise_text(row.get("status", "")).lower() or Certificate.Status.ACTIVE
    status = STATUS_ALIASES.get(status_text)
    if status is None:
        errors.append(
            (
                "status",
                _("未知的状态“%(value)s”；可用：%(choices)s")
                % {"value": status_text, "choices": ", ".join(Certificate.Status.values)},
            )
        )
    reason = _text(row.get("status_reason", ""), "status_reason", 1000, errors)
    accredited_text = normalise_text(row.get("accredited", "")).lower()
    if accredited_text not in _TRUE | _FALSE:
        errors.append(("accredited", _("应为 是/否（true/false）")))
    read_sites_ = read_sites(list(sites) if sites is not None else None, errors)
    if errors or cb_id is None or cert_type is None or status is None:
        raise InvalidCertificate("; ".join(m for _c, m in errors), errors=errors)
    assert issued_on is not None and expires_on is not None  # noqa: S101 - errors were empty
    return CertificateData(
        number=number,
        cb_id=cb_id,
        holder_uscc=holder_uscc,
        holder_name=holder_name,
        holder_city_code=holder_city,
        cert_type=cert_type,
        standards_text=standards_text,
        standard_codes=codes,
        standards_unparsed=unparsed,
        scope=scope,
        is_accredited=accredited_text in _TRUE,
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
        status_reason=reason,
        sites=read_sites_,
    )
