"""Change impact on capability scopes: a cited standard was superseded or withdrawn.

``on_standards_left_force`` receives ``standards.signals.standards_left_force`` (sent by the
standards import for the editions whose status it just changed). It flags the capability lines
citing an edition that is no longer in force (or, for a code cited without a year, a standard
none of whose editions is in force) and tells each affected institution once, naming the
standard and the edition now in force. Lines already flagged are left alone, so re-running the
same import notifies nobody.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.models import Organisation, User
from qihub.accounts.services import notify_organisation
from qihub.institutions.expiry import institution_path
from qihub.institutions.models import CapabilityLine, CapabilityStandard
from qihub.standards.models import Standard
from qihub.standards.queries import in_force, version_chain

NOTICE_KIND = "capability_standard_changed"
OUT_OF_FORCE = (Standard.Status.SUPERSEDED, Standard.Status.WITHDRAWN)
MAX_NAMED = 10  # standards named in one notice; the rest are counted


def on_standards_left_force(
    sender: Any, standards: list[Standard], by: User | None = None, **kwargs: Any
) -> None:
    flag_lines_citing(standards=standards, by=by)


def flag_lines_citing(*, standards: list[Standard], by: User | None) -> int:
    """Flag the lines citing these editions if they are now out of force, and notify each
    institution concerned once. Returns how many institutions were notified."""
    if not standards:
        return 0
    # Read the statuses again: a later row of the same import may have changed them again.
    changed = {
        s.pk: s
        for s in Standard.objects.filter(pk__in={s.pk for s in standards}, status__in=OUT_OF_FORCE)
    }
    if not changed:
        return 0
    # A code cited without a year is out of force only when no edition of it is in force.
    bases = {s.base_code for s in changed.values()}
    bases_in_force = set(
        Standard.objects.filter(base_code__in=bases, status=Standard.Status.CURRENT).values_list(
            "base_code", flat=True
        )
    )
    dead_bases = bases - bases_in_force
    citations = CapabilityStandard.objects.filter(
        Q(standard_id__in=list(changed)) | Q(base_code__in=dead_bases, year__isnull=True)
    ).filter(~Q(line__standards_flag=CapabilityLine.StandardsFlag.OUT_OF_FORCE))
    by_base = {s.base_code: s for s in changed.values()}
    affected: dict[int, dict[int, Standard]] = defaultdict(dict)  # organisation → standards
    lines_by_organisation: dict[int, set[int]] = defaultdict(set)
    for line_id, organisation_id, standard_id, base_code in citations.values_list(
        "line_id", "line__organisation_id", "standard_id", "base_code"
    ).iterator():
        standard = changed.get(standard_id) if standard_id else by_base.get(base_code)
        if standard is None:
            continue
        affected[organisation_id][standard.pk] = standard
        lines_by_organisation[organisation_id].add(line_id)
    if not affected:
        return 0
    now = timezone.now()
    currents: dict[int, Standard | None] = {}
    organisations = Organisation.objects.in_bulk(list(affected))
    with transaction.atomic():
        for organisation_id, line_ids in lines_by_organisation.items():
            ids = sorted(line_ids)
            for start in range(0, len(ids), 1000):
                CapabilityLine.objects.filter(pk__in=ids[start : start + 1000]).update(
                    standards_flag=CapabilityLine.StandardsFlag.OUT_OF_FORCE,
                    is_flagged=True,
                    updated_at=now,
                )
            organisation = organisations[organisation_id]
            cited = sorted(affected[organisation_id].values(), key=lambda s: s.code)
            for standard in cited:
                if standard.pk not in currents:
                    currents[standard.pk] = in_force(version_chain(standard))
            record_action(
                actor=by,
                action="institutions.capabilities_flagged",
                target=organisation,
                after={
                    "lines": len(ids),
                    "standards": [s.code for s in cited],
                    "flag": CapabilityLine.StandardsFlag.OUT_OF_FORCE.value,
                },
            )
            _notify(
                organisation=organisation,
                standards=cited,
                currents=currents,
                lines=len(ids),
                by=by,
            )
    return len(affected)


def _describe(standard: Standard, current: Standard | None) -> str:
    state = standard.get_status_display()
    if current is not None:
        return _("%(code)s 已%(state)s，现行版本为 %(current)s") % {
            "code": standard.code,
            "state": state,
            "current": current.code,
        }
    return _("%(code)s 已%(state)s，目前没有现行版本") % {"code": standard.code, "state": state}


def _notify(
    *,
    organisation: Organisation,
    standards: list[Standard],
    currents: dict[int, Standard | None],
    lines: int,
    by: User | None,
) -> None:
    named = [_describe(s, currents.get(s.pk)) for s in standards[:MAX_NAMED]]
    if len(standards) > MAX_NAMED:
        named.append(_("另有 %(n)d 项标准") % {"n": len(standards) - MAX_NAMED})
    if len(standards) == 1:
        title = _("能力范围引用的标准 %(code)s 已%(state)s") % {
            "code": standards[0].code,
            "state": standards[0].get_status_display(),
        }
    else:
        title = _("能力范围引用的 %(n)d 项标准已被代替或废止") % {"n": len(standards)}
    notify_organisation(
        organisation=organisation,
        kind=NOTICE_KIND,
        title=title,
        message=_("贵机构能力范围中有 %(lines)d 项能力引用的标准不再现行：%(standards)s。")
        % {"lines": lines, "standards": "；".join(named)}
        + _("这些能力已标记为“需要关注”，请核查方法标准并更新能力范围。"),
        link=institution_path(organisation.uscc),
        by=by,
    )
