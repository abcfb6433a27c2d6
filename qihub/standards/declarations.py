"""Enterprise standard self-declarations (企业标准自我声明公开): publishing, withdrawing, and
telling enterprises when a standard they declared is superseded or withdrawn.

A declaration may cite only editions in force: citing GB/T 228.1-2010 after GB/T 228.1-2021
replaced it is refused with the edition to cite instead. Indicators weaker than the national
recommended standard's must be disclosed (《标准化法》第二十七条); weaker than a mandatory
standard's they are refused outright.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.services import notify_organisation
from qihub.core.text import normalise_text
from qihub.standards.codes import InvalidStandardCode, StandardCode, parse_standard_code
from qihub.standards.errors import (
    DeclarationNotAllowed,
    DeclaredStandardNotInForce,
    DeclaredStandardUnknown,
    IndicatorBelowMandatory,
    InvalidDeclaration,
    StandardNotFound,
    WeakerIndicatorsUndisclosed,
)
from qihub.standards.models import Standard
from qihub.standards.models.declarations import Declaration, DeclaredStandard
from qihub.standards.queries import in_force, lookup_standard, version_chain

MAX_STANDARDS = 30
MAX_INDICATORS = 50
# Types whose indicators bind everyone: promising less than them is not a disclosure matter.
MANDATORY_TYPES = frozenset(
    {
        Standard.Type.MANDATORY,
        Standard.Type.INDUSTRY_MANDATORY,
        Standard.Type.LOCAL_MANDATORY,
    }
)
NOTICE_KINDS = {
    Standard.Status.SUPERSEDED: "standard_superseded",
    Standard.Status.WITHDRAWN: "standard_withdrawn",
}


@dataclass(frozen=True)
class Indicator:
    """A key technical indicator: ``抗拉强度 ≥520 MPa``, and the national value it compares to."""

    name: str
    value: str
    unit: str = ""
    national_value: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"name": self.name, "value": self.value, "unit": self.unit}
        if self.national_value:
            data["national_value"] = self.national_value
        return data


@dataclass(frozen=True)
class DeclaredStandardInput:
    """One standard as the enterprise typed it, with the indicators it promises under it."""

    code: str
    is_own_standard: bool = False
    indicators: tuple[Indicator, ...] = field(default=())
    disclosure_text: str = ""


# --- indicators (pure) ----------------------------------------------------------------------

_BOUND_RE = re.compile(
    r"(?P<op>≥|>=|>|≤|<=|<|不小于|不低于|不大于|不高于)?\s*(?P<number>-?[0-9]+(?:\.[0-9]+)?)"
)
_MINIMUM_OPS = frozenset({"≥", ">=", ">", "不小于", "不低于"})
_MAXIMUM_OPS = frozenset({"≤", "<=", "<", "不大于", "不高于"})


def _bound(text: str) -> tuple[str, Decimal] | None:
    match = _BOUND_RE.fullmatch(normalise_text(text).replace(" ", ""))
    if match is None:
        return None
    try:
        return match["op"] or "", Decimal(match["number"])
    except InvalidOperation:
        return None


def indicator_is_weaker(value: str, national_value: str) -> bool:
    """Whether ``value`` promises less than ``national_value``: a lower minimum (≥520 against
    ≥540) or a higher maximum (≤0.05 against ≤0.03). The bound's direction comes from the
    national value's operator, else the declared one's; with neither (or text that is not a
    number) the comparison cannot be made and the indicator is not treated as weaker."""
    ours, theirs = _bound(value), _bound(national_value)
    if ours is None or theirs is None:
        return False
    op = theirs[0] or ours[0]
    if op in _MINIMUM_OPS:
        return ours[1] < theirs[1]
    if op in _MAXIMUM_OPS:
        return ours[1] > theirs[1]
    return False


# --- publishing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    data: DeclaredStandardInput
    code: StandardCode
    standard: Standard | None
    weaker: bool


def publish_declaration(
    *,
    enterprise: Organisation,
    product: str,
    model: str,
    standards: list[DeclaredStandardInput],
    by: User,
    is_forerunner: bool = False,
) -> Declaration:
    """Publish a product's self-declaration. Raises DeclarationNotAllowed, InvalidDeclaration,
    InvalidStandardCode, DeclaredStandardUnknown, DeclaredStandardNotInForce,
    IndicatorBelowMandatory or WeakerIndicatorsUndisclosed; on any of them nothing is written."""
    _check_may_declare(enterprise=enterprise, by=by)
    if is_forerunner and not by.is_platform_admin:
        # 领跑者 is the result of a third-party assessment, not something an enterprise claims.
        raise DeclarationNotAllowed(_("只有平台管理员可以标注企业标准领跑者"))
    product = normalise_text(product)
    model = normalise_text(model)
    if not product:
        raise InvalidDeclaration(_("产品名称不能为空"))
    if not standards:
        raise InvalidDeclaration(_("至少要声明一项执行标准"))
    if len(standards) > MAX_STANDARDS:
        raise InvalidDeclaration(_("一次最多声明 %(n)d 项标准") % {"n": MAX_STANDARDS})
    with transaction.atomic():
        resolved = [_resolve(item) for item in standards]
        codes = [r.code.canonical for r in resolved]
        if len(set(codes)) != len(codes):
            raise InvalidDeclaration(_("同一标准不能重复声明"))
        declaration = Declaration(
            enterprise=enterprise,
            product_name=product,
            product_model=model,
            status=Declaration.Status.PUBLISHED,
            published_at=timezone.now(),
            is_forerunner=is_forerunner,
            created_by=by,
        )
        _full_clean(declaration)
        declaration.save()
        for position, item in enumerate(resolved):
            declared = DeclaredStandard(
                declaration=declaration,
                standard=item.standard,
                raw_code=item.data.code.strip()[:200],
                canonical_code=item.code.canonical,
                is_own_standard=item.data.is_own_standard,
                key_indicators=[i.as_json() for i in item.data.indicators],
                discloses_weaker_indicators=item.weaker,
                disclosure_text=item.data.disclosure_text.strip(),
                position=position,
            )
            _full_clean(declared, exclude=["declaration"])
            declared.save()
        record_action(
            actor=by,
            action="standards.declaration_published",
            target=declaration,
            after={
                "public_id": str(declaration.public_id),
                "enterprise": enterprise.uscc,
                "product": product,
                "model": model,
                "standards": codes,
                "is_forerunner": is_forerunner,
            },
        )
    return declaration


def _check_may_declare(*, enterprise: Organisation, by: User) -> None:
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise InvalidDeclaration(_("只有企业可以发布标准自我声明"))
    if by.is_platform_admin:
        return
    if not Membership.objects.filter(user=by, organisation=enterprise).exists():
        raise DeclarationNotAllowed(
            _("只有%(name)s的成员可以代表该企业发布声明") % {"name": enterprise.name}
        )


def _resolve(item: DeclaredStandardInput) -> _Resolved:
    code = parse_standard_code(item.code)
    if len(item.indicators) > MAX_INDICATORS:
        raise InvalidDeclaration(_("每项标准最多填写 %(n)d 项指标") % {"n": MAX_INDICATORS})
    for indicator in item.indicators:
        if not normalise_text(indicator.name) or not normalise_text(indicator.value):
            raise InvalidDeclaration(_("%(code)s：指标名称和数值不能为空") % {"code": code})
    if item.is_own_standard:
        if code.family != "enterprise":
            raise InvalidDeclaration(
                _("%(code)s 不是企业标准（Q/ 开头），不能作为自有标准声明") % {"code": code}
            )
        # The enterprise's own standard may be catalogued or not; either way it is its own.
        standard = Standard.objects.filter(code=code.canonical).first()
        return _Resolved(item, code, standard, _weaker(item, code, standard))
    try:
        found = lookup_standard(item.code)
    except StandardNotFound as error:
        raise DeclaredStandardUnknown(
            _("标准目录中没有“%(code)s”，请核对标准号；企业自有标准请标注为自有标准")
            % {"code": code.canonical}
        ) from error
    standard = found.standard
    if standard.status != Standard.Status.CURRENT:
        raise DeclaredStandardNotInForce(_not_in_force_message(standard, found.current))
    code = parse_standard_code(standard.code)  # a code typed without a year: the edition in force
    return _Resolved(item, code, standard, _weaker(item, code, standard))


def _not_in_force_message(standard: Standard, current: Standard | None) -> str:
    if standard.status == Standard.Status.UPCOMING:
        return _("%(code)s 尚未实施，不能作为执行标准声明") % {"code": standard.code}
    state = _("已被代替") if standard.status == Standard.Status.SUPERSEDED else _("已废止")
    if current is not None:
        return _("%(code)s %(state)s，现行版本为 %(current)s") % {
            "code": standard.code,
            "state": state,
            "current": current.code,
        }
    return _("%(code)s %(state)s，没有现行版本") % {"code": standard.code, "state": state}


def _weaker(item: DeclaredStandardInput, code: StandardCode, standard: Standard | None) -> bool:
    weaker = [
        i.name
        for i in item.indicators
        if i.national_value and indicator_is_weaker(i.value, i.national_value)
    ]
    if not weaker:
        return False
    names = "、".join(weaker)
    if standard is not None and standard.type in MANDATORY_TYPES:
        raise IndicatorBelowMandatory(
            _("%(code)s 是强制性标准，指标不得低于其要求：%(names)s")
            % {"code": code, "names": names}
        )
    if not normalise_text(item.disclosure_text):
        raise WeakerIndicatorsUndisclosed(
            _("%(code)s：指标低于推荐性国家标准（%(names)s），必须填写说明予以公开")
            % {"code": code, "names": names}
        )
    return True


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidDeclaration("; ".join(error.messages)) from error


def withdraw_declaration(*, declaration: Declaration, by: User) -> Declaration:
    """Withdraw a published declaration; withdrawing it again changes nothing. Raises
    DeclarationNotAllowed for anyone but the enterprise's members and platform admins."""
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .get(pk=declaration.pk)
        )
        _check_may_declare(enterprise=declaration.enterprise, by=by)
        if declaration.status == Declaration.Status.WITHDRAWN:
            return declaration
        before = {"status": declaration.status}
        declaration.status = Declaration.Status.WITHDRAWN
        declaration.withdrawn_at = timezone.now()
        declaration.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record_action(
            actor=by,
            action="standards.declaration_withdrawn",
            target=declaration,
            before=before,
            after={"status": declaration.status},
        )
    return declaration


# --- finding ------------------------------------------------------------------------------


def find_declarations(
    *, user: Any, q: str = "", enterprise: str = "", standard: str = ""
) -> QuerySet[Declaration]:
    """Published declarations matching a product, enterprise (name or USCC) or cited code."""
    found = Declaration.objects.visible_to(user).published()
    q, enterprise, standard = (normalise_text(v) for v in (q, enterprise, standard))
    if q:
        found = found.filter(
            Q(product_name__icontains=q)
            | Q(product_model__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__uscc=q.upper())
            | _cites(q)
        )
    if enterprise:
        found = found.filter(
            Q(enterprise__uscc=enterprise.upper()) | Q(enterprise__name__icontains=enterprise)
        )
    if standard:
        found = found.filter(_cites(standard))
    return found.select_related("enterprise").distinct()


def _cites(text: str) -> Q:
    """Cites this code: one edition when a year is given, any edition of the base otherwise."""
    try:
        code = parse_standard_code(text)
    except InvalidStandardCode:
        return Q(standards__canonical_code__icontains=text)
    if code.is_versioned:
        return Q(standards__canonical_code=code.canonical)
    return (
        Q(standards__canonical_code=code.base)
        | Q(standards__canonical_code__startswith=f"{code.base}-")
        | Q(standards__canonical_code__startswith=f"{code.base}:")
    )


def cited_standards(declaration: Declaration) -> list[tuple[DeclaredStandard, Standard | None]]:
    """Each cited standard with the edition now in force for it (None for own standards, or
    when no edition is in force), for pages that show whether a declaration is still current."""
    result: list[tuple[DeclaredStandard, Standard | None]] = []
    for declared in declaration.standards.select_related("standard"):
        current = (
            in_force(version_chain(declared.standard)) if declared.standard is not None else None
        )
        result.append((declared, current))
    return result


# --- change-impact notices ------------------------------------------------------------------


def notify_declarations_citing(*, standards: list[Standard], by: User | None) -> int:
    """Tell each enterprise whose published declarations cite a standard that is now superseded
    or withdrawn: one notice per organisation per standard, naming the edition in force.
    Returns how many notices were written. Called by ``upsert_standards`` for the editions whose
    status just changed, so re-importing the same file notifies nobody again."""
    if not standards:
        return 0
    # Read the statuses again: a later row of the same import may have changed an edition again.
    changed = {
        s.pk: s
        for s in Standard.objects.filter(
            pk__in={s.pk for s in standards}, status__in=list(NOTICE_KINDS)
        )
    }
    if not changed:
        return 0
    citing = (
        DeclaredStandard.objects.filter(
            standard__in=list(changed), declaration__status=Declaration.Status.PUBLISHED
        )
        .select_related("declaration__enterprise")
        .order_by("standard_id", "declaration__enterprise_id", "declaration_id")
    )
    by_standard: dict[int, dict[int, list[Declaration]]] = defaultdict(lambda: defaultdict(list))
    for declared in citing:
        if declared.standard_id is None:  # never: filtered on standard__in; narrows the type
            continue
        declaration = declared.declaration
        by_standard[declared.standard_id][declaration.enterprise_id].append(declaration)
    sent = 0
    with transaction.atomic():
        for standard_pk, enterprises in by_standard.items():
            standard = changed[standard_pk]
            current = in_force(version_chain(standard))
            for declarations in enterprises.values():
                _notify(standard=standard, current=current, declarations=declarations, by=by)
                sent += 1
    return sent


def _notify(
    *,
    standard: Standard,
    current: Standard | None,
    declarations: list[Declaration],
    by: User | None,
) -> None:
    products = "、".join(f"“{d}”" for d in declarations)
    state = standard.get_status_display()
    if current is not None:
        tail = _("现行版本为 %(current)s，请核查并更新自我声明。") % {"current": current.code}
    else:
        tail = _("目前没有现行版本，请核查并更新自我声明。")
    notify_organisation(
        organisation=declarations[0].enterprise,
        kind=NOTICE_KINDS[Standard.Status(standard.status)],
        title=_("执行标准 %(code)s %(state)s") % {"code": standard.code, "state": state},
        message=_("贵企业自我声明的产品 %(products)s 所执行的标准 %(code)s 已%(state)s。")
        % {"products": products, "code": standard.code, "state": state}
        + tail,
        link=declarations[0].page_path,
        by=by,
    )
