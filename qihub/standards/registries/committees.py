"""Provincial technical committees (省级专业标准化技术委员会): register, update, import and
search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from qihub.accounts.audit import audit_entry, record_action
from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.core.imports import ImportCounts
from qihub.core.text import normalise_text
from qihub.standards.models import TechnicalCommittee
from qihub.standards.models.registries import (
    COMMITTEE_CODE_MAX_LENGTH,
    committee_sort_key,
    normalise_committee_code,
    validate_committee_code,
)
from qihub.standards.registries.common import (
    MAX_NAME,
    DuplicateCommitteeCode,
    InvalidRegistryEntry,
    Problem,
    _choice,
    _every_term,
    _first,
    _not_future,
    _organisation_problem,
    _pinyin_text,
    _require_registrar,
    _save,
    _terms,
    _text,
)

MAX_NAME_EN = 300
MAX_SCOPE = 2000
MAX_CHAIR = 50
MAX_MEMBERS = 999


# --- technical committees (省级专业标准化技术委员会) ------------------------------------------


@dataclass(frozen=True)
class CommitteeData:
    """One committee as registered or imported. ``code`` as typed (normalised on cleaning)."""

    code: str
    name_zh: str
    secretariat: Organisation
    member_count: int
    established_on: date
    name_en: str = ""
    scope: str = ""
    chair: str = ""
    status: str = TechnicalCommittee.Status.ACTIVE

    @classmethod
    def of(cls, committee: TechnicalCommittee) -> CommitteeData:
        """The stored committee as data, to change a field with ``dataclasses.replace``."""
        return cls(
            code=committee.code,
            name_zh=committee.name_zh,
            secretariat=committee.secretariat,
            member_count=committee.member_count,
            established_on=committee.established_on,
            name_en=committee.name_en,
            scope=committee.scope,
            chair=committee.chair,
            status=committee.status,
        )


def clean_committee_data(data: CommitteeData) -> tuple[CommitteeData, list[Problem]]:
    """Normalised data and every problem found, keyed by field (import column names)."""
    data = replace(
        data,
        code=normalise_committee_code(data.code),
        name_zh=normalise_text(data.name_zh),
        name_en=normalise_text(data.name_en),
        scope=normalise_text(data.scope),
        chair=normalise_text(data.chair),
        status=(data.status or TechnicalCommittee.Status.ACTIVE).strip().lower(),
    )
    problems: list[Problem] = []
    if not data.code:
        problems.append(("code", InvalidRegistryEntry(_("技术委员会编号不能为空"))))
    elif len(data.code) > COMMITTEE_CODE_MAX_LENGTH:
        problems.append(("code", InvalidRegistryEntry(_("技术委员会编号过长"))))
    else:
        try:
            validate_committee_code(data.code)
        except ValidationError as error:
            problems.append(("code", InvalidRegistryEntry(error.messages[0])))
    problems += _text(data.name_zh, field="name_zh", label=_("名称"), limit=MAX_NAME, required=True)
    problems += _text(
        data.name_en, field="name_en", label=_("英文名称"), limit=MAX_NAME_EN, required=False
    )
    problems += _text(
        data.scope, field="scope", label=_("专业领域"), limit=MAX_SCOPE, required=False
    )
    problems += _text(
        data.chair, field="chair", label=_("主任委员"), limit=MAX_CHAIR, required=False
    )
    problems += _organisation_problem(data.secretariat, "secretariat")
    if not 1 <= data.member_count <= MAX_MEMBERS:
        problems.append(
            (
                "member_count",
                InvalidRegistryEntry(
                    _("委员人数应为 1 至 %(max)d 之间的整数") % {"max": MAX_MEMBERS}
                ),
            )
        )
    problems += _not_future(data.established_on, field="established_on", label=_("成立日期"))
    problems += _choice(data.status, TechnicalCommittee.Status, field="status", label=_("状态"))
    return data, problems


def _committee_state(committee: TechnicalCommittee) -> dict[str, Any]:
    return {
        "code": committee.code,
        "name_zh": committee.name_zh,
        "name_en": committee.name_en,
        "scope": committee.scope,
        "secretariat": committee.secretariat.uscc,
        "chair": committee.chair,
        "member_count": committee.member_count,
        "established_on": committee.established_on.isoformat(),
        "status": committee.status,
    }


def _apply_committee(committee: TechnicalCommittee, data: CommitteeData) -> None:
    committee.code = data.code
    committee.name_zh = data.name_zh
    committee.name_en = data.name_en
    committee.scope = data.scope
    committee.secretariat = data.secretariat
    committee.chair = data.chair
    committee.member_count = data.member_count
    committee.established_on = data.established_on
    committee.status = data.status
    committee.sort_key = committee_sort_key(data.code)
    committee.search_text = " ".join(
        part
        for part in (
            data.code.lower(),
            data.name_zh,
            data.name_en.lower(),
            data.scope,
            data.chair,
            _pinyin_text(data.name_zh),
        )
        if part
    )


def _duplicate_code(code: str) -> DuplicateCommitteeCode:
    return DuplicateCommitteeCode(_("技术委员会编号 %(code)s 已登记") % {"code": code})


def register_committee(*, data: CommitteeData, by: User | None) -> TechnicalCommittee:
    """Register a provincial technical committee. Raises RegistryActionNotAllowed,
    InvalidRegistryEntry, UnknownOrganisation, RegistryDatesOutOfOrder, DuplicateCommitteeCode."""
    _require_registrar(by)
    data, problems = clean_committee_data(data)
    _first(problems)
    with transaction.atomic():
        if TechnicalCommittee.objects.filter(code=data.code).exists():
            raise _duplicate_code(data.code)
        committee = TechnicalCommittee()
        _apply_committee(committee, data)
        _save(committee, _duplicate_code(data.code))
        record_action(
            actor=by,
            action="standards.committee_registered",
            target=committee,
            after=_committee_state(committee),
        )
    return committee


def update_committee(
    *, committee: TechnicalCommittee, data: CommitteeData, by: User | None
) -> TechnicalCommittee:
    """Replace a committee's entry (renumbered, renamed, dissolved…); nothing is written when
    nothing changes. Raises what ``register_committee`` raises."""
    _require_registrar(by)
    data, problems = clean_committee_data(data)
    _first(problems)
    with transaction.atomic():
        committee = (
            TechnicalCommittee.objects.select_for_update(of=("self",))
            .select_related("secretariat")
            .get(pk=committee.pk)
        )
        if (
            data.code != committee.code
            and TechnicalCommittee.objects.filter(code=data.code).exists()
        ):
            raise _duplicate_code(data.code)
        before = _committee_state(committee)
        _apply_committee(committee, data)
        after = _committee_state(committee)
        if after != before:
            _save(committee, _duplicate_code(data.code))
            record_action(
                actor=by,
                action="standards.committee_updated",
                target=committee,
                before=before,
                after=after,
            )
    return committee


def upsert_committees(rows: Sequence[CommitteeData], *, by: User | None) -> ImportCounts:
    """Create or update committees by code (``qihub import committees``). Rows must be clean
    (``clean_committee_data`` without problems). Call inside a transaction."""
    counts = ImportCounts()
    entries: list[AuditEntry] = []
    existing = TechnicalCommittee.objects.select_related("secretariat").in_bulk(
        [row.code for row in rows], field_name="code"
    )
    for data in rows:
        committee = existing.get(data.code)
        before = _committee_state(committee) if committee is not None else None
        committee = committee or TechnicalCommittee()
        _apply_committee(committee, data)
        after = _committee_state(committee)
        if before == after:
            counts.unchanged += 1
            continue
        committee.save()
        if before is None:
            counts.created += 1
            action = "standards.committee_registered"
        else:
            counts.updated += 1
            action = "standards.committee_updated"
        entries.append(
            audit_entry(actor=by, action=action, target=committee, before=before, after=after)
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return counts


# --- reads --------------------------------------------------------------------------------------


def committees_matching(q: str = "", *, status: str | None = None) -> QuerySet[TechnicalCommittee]:
    """Committees whose code, name, English name, scope, chair, pinyin or initials, or
    secretariat name contain every word of ``q``; a code typed in full comes first."""
    committees = TechnicalCommittee.objects.select_related("secretariat")
    if status:
        committees = committees.filter(status=status)
    terms = _terms(q)
    if not terms:
        return committees
    condition = _every_term(terms, ["search_text", "secretariat__name"])
    code = normalise_committee_code(q)
    if re.search(r"[0-9]", code):
        condition |= Q(code=code) | Q(code__startswith=f"{code}/")
        return committees.filter(condition).order_by(
            Case(When(code=code, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "sort_key",
            "code",
        )
    return committees.filter(condition)
