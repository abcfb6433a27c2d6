"""Risk monitoring and early warning for regulators: six explicit rules, a scan, a life cycle.

Each rule is a function ``(today) -> list[Finding]`` whose docstring states the rule and why it
matters; the same reasoning is stored on each warning (``reasoning``) and shown to the
regulator. ``risk_scan`` runs every rule and creates or refreshes warnings idempotently: one
live (open or acknowledged) warning per (rule, subject); a finding already warned about only
moves ``last_seen``; a dismissed warning is not raised again for the same subject (a regulator
judged it a false alarm), a resolved one is raised anew if the anomaly is back.

Life cycle (``acknowledge``, ``assign``, ``resolve``, ``dismiss``): open → acknowledged →
resolved | dismissed (dismissing needs a reason), each change in ``RiskWarningChange`` and the
audit log. Who may see and handle warnings: platform administrators, and members of a regulator
organisation, a provincial one for every warning, a city one for its city's.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.models import Membership, Organisation, User
from qihub.certification.models import (
    ApprovedScope,
    Certificate,
    HolderDeregistration,
    RiskWarning,
    RiskWarningChange,
)
from qihub.certification.querysets import effectively_active_condition
from qihub.certification.types import type_name
from qihub.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from qihub.core.text import normalise_text
from qihub.institutions.models import Qualification, QualificationStatusChange
from qihub.institutions.numbers import QualificationType

Rule = RiskWarning.Rule
Severity = RiskWarning.Severity
Status = RiskWarning.Status
PROVINCE_CODE = "210000"
CNCA_CB = QualificationType.CNCA_CB.value

# Rule 6's statistic.
SPIKE_WINDOW_MONTHS = 12  # baseline: the body's previous 12 months
SPIKE_MIN_HISTORY_MONTHS = 6  # months of issuing before a month can be judged
SPIKE_MIN_COUNT = 20  # small counts are never a spike
SPIKE_K = 3.0
MAD_TO_SD = 1.483  # MADe = 1.483 · MAD estimates the standard deviation of normal data
SPIKE_MONTHS_CHECKED = 12  # the months a scan judges: the last 12, this one included


class RiskWarningNotFound(NotFound):
    code = "risk_warning_not_found"


class RiskTransitionNotAllowed(Conflict):
    code = "risk_warning_transition_not_allowed"


class InvalidRiskAction(DomainError):
    code = "risk_warning_invalid"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    subject_key: str
    reasoning: str
    details: dict[str, Any]
    certificate_id: int | None = None
    cb_id: int | None = None
    city_id: int | None = None


def _certificate_finding(
    rule: str, severity: str, row: dict[str, Any], reasoning: str, **details: Any
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        subject_key=f"certificate:{row['id']}",
        reasoning=reasoning,
        details={
            "number": row["number"],
            "cb": row["cb__name"],
            "holder": row["holder_name"],
            "cert_type": row["cert_type"],
            "issued_on": row["issued_on"].isoformat(),
            "expires_on": row["expires_on"].isoformat(),
            "status": row["status"],
            **details,
        },
        certificate_id=row["id"],
        cb_id=row["cb_id"],
        city_id=row["holder__city_id"],
    )


CERT_FIELDS = (
    "id",
    "number",
    "cb_id",
    "cb__name",
    "holder_name",
    "holder__city_id",
    "cert_type",
    "issued_on",
    "expires_on",
    "status",
)
LIVE_CERTIFICATE = ~Q(status__in=[Certificate.Status.WITHDRAWN, Certificate.Status.CANCELLED])


# --- the rules -------------------------------------------------------------------------------


def rule_out_of_scope(today: date) -> list[Finding]:
    """Rule 1: a certificate (not withdrawn or cancelled) of a type outside its body's approved
    scope (``ApprovedScope``). A body may certify only what its CNCA approval covers, so such a
    certificate was issued without authority. A body whose scope is not recorded at all is not
    judged (no scope on file is not the same as an empty scope)."""
    scoped = ApprovedScope.objects.values("cb_id")
    approved = ApprovedScope.objects.filter(
        cb_id=OuterRef("cb_id"), cert_type=OuterRef("cert_type")
    )
    rows = (
        Certificate.objects.filter(LIVE_CERTIFICATE, cb_id__in=scoped)
        .filter(~Exists(approved))
        .values(*CERT_FIELDS)
    )
    scopes: dict[int, list[str]] = defaultdict(list)
    for cb_id, cert_type in ApprovedScope.objects.values_list("cb_id", "cert_type"):
        scopes[cb_id].append(cert_type)
    return [
        _certificate_finding(
            Rule.OUT_OF_SCOPE,
            Severity.HIGH,
            row,
            _(
                "%(cb)s 的批准范围不含“%(type)s”（批准的类型：%(scope)s），但颁发了该类型证书 "
                "%(number)s。认证机构只能在批准范围内从事认证活动，超范围颁发的证书不具备效力。"
            )
            % {
                "cb": row["cb__name"],
                "type": type_name(row["cert_type"]),
                "scope": "、".join(sorted(scopes[row["cb_id"]])),
                "number": row["number"],
            },
            approved_types=sorted(scopes[row["cb_id"]]),
        )
        for row in rows
    ]


def _bad_periods(today: date) -> dict[int, list[tuple[date, date, str]]]:
    """Body id → periods its CNCA-CB approvals were recorded suspended, revoked or expired,
    read from the qualification status history (a change counts from its day on)."""
    periods: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    changes = (
        QualificationStatusChange.objects.filter(qualification__type=CNCA_CB)
        .values_list(
            "qualification_id", "qualification__organisation_id", "to_status", "changed_at"
        )
        .order_by("qualification_id", "changed_at", "id")
    )
    by_qualification: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
    for qualification_id, body_id, to_status, changed_at in changes:
        by_qualification[qualification_id].append(
            (body_id, to_status, timezone.localdate(changed_at))
        )
    for history in by_qualification.values():
        for position, (body_id, to_status, start) in enumerate(history):
            if to_status == "valid":
                continue
            end = (
                history[position + 1][2] - timedelta(days=1)
                if position + 1 < len(history)
                else today
            )
            if end >= start:
                periods[body_id].append((start, end, to_status))
    return periods


def rule_unqualified_issue(today: date) -> list[Finding]:
    """Rule 2: a certificate (not withdrawn or cancelled) issued on a day its body held no
    effectively valid CNCA-CB approval: none whose dates covered that day, or the only ones that
    did were recorded suspended, revoked or expired then (per the approval's status history;
    before its first history entry only the dates count). A body may issue certificates only
    while approved, so these certificates were issued without a valid approval."""
    covering = Qualification.objects.filter(
        organisation_id=OuterRef("cb_id"),
        type=CNCA_CB,
        valid_from__lte=OuterRef("issued_on"),
        valid_to__gte=OuterRef("issued_on"),
    )
    findings = [
        _certificate_finding(
            Rule.UNQUALIFIED_ISSUE,
            Severity.HIGH,
            row,
            _(
                "证书 %(number)s 的颁证日期为 %(day)s，%(cb)s 当日没有处于有效期内的认证机构批准书"
                "（CNCA-CB）。机构只能在批准书有效期内颁发证书。"
            )
            % {"number": row["number"], "day": row["issued_on"], "cb": row["cb__name"]},
            reason="no_approval_on_date",
        )
        for row in Certificate.objects.filter(LIVE_CERTIFICATE)
        .filter(~Exists(covering))
        .values(*CERT_FIELDS)
    ]
    flagged = {f.certificate_id for f in findings}
    periods = _bad_periods(today)
    if not periods:
        return findings
    condition = Q()
    for body_id, spans in periods.items():
        for start, end, _status in spans:
            condition |= Q(cb_id=body_id, issued_on__gte=start, issued_on__lte=end)
    candidates = list(
        Certificate.objects.filter(LIVE_CERTIFICATE).filter(condition).values(*CERT_FIELDS)
    )
    # A day inside a bad period of one approval is fine if another approval was valid then.
    approvals: dict[int, list[Qualification]] = defaultdict(list)
    for qualification in Qualification.objects.filter(
        type=CNCA_CB, organisation_id__in=list(periods)
    ).prefetch_related("status_changes"):
        approvals[qualification.organisation_id].append(qualification)
    for row in candidates:
        if row["id"] in flagged:
            continue
        day: date = row["issued_on"]
        states = [_status_on(q, day) for q in approvals[row["cb_id"]]]
        if "valid" in states:
            continue
        bad = next(s for s in states if s != "none") if any(s != "none" for s in states) else ""
        findings.append(
            _certificate_finding(
                Rule.UNQUALIFIED_ISSUE,
                Severity.HIGH,
                row,
                _(
                    "证书 %(number)s 的颁证日期为 %(day)s，%(cb)s 的认证机构批准书（CNCA-CB）"
                    "当日处于“%(state)s”状态（据批准书状态变更记录）。资质暂停、撤销或过期期间"
                    "不得颁发证书。"
                )
                % {
                    "number": row["number"],
                    "day": day,
                    "cb": row["cb__name"],
                    "state": str(Qualification.Status(bad).label)
                    if bad in Qualification.Status.values
                    else bad,
                },
                reason="approval_not_valid_on_date",
                approval_status=bad,
            )
        )
    return findings


def _status_on(qualification: Qualification, day: date) -> str:
    """The recorded status on ``day`` from the history, dates applied; "none" when outside."""
    if not qualification.valid_from <= day <= qualification.valid_to:
        return "none"
    state = "valid"
    for change in qualification.status_changes.all():
        if timezone.localdate(change.changed_at) <= day:
            state = change.to_status
    return state


def rule_active_past_expiry(today: date) -> list[Finding]:
    """Rule 3: a certificate still recorded ``active`` after its ``expires_on``. The public
    page already shows it as expired, but the body has not updated its record, a sign that its
    data feed is not kept up (and of certificates used past their validity)."""
    rows = Certificate.objects.filter(
        status=Certificate.Status.ACTIVE, expires_on__lt=today
    ).values(*CERT_FIELDS)
    return [
        _certificate_finding(
            Rule.ACTIVE_PAST_EXPIRY,
            Severity.MEDIUM,
            row,
            _(
                "证书 %(number)s 已于 %(day)s 到期，%(cb)s 报送的登记状态仍为“有效”。"
                "机构应及时报送证书的到期、换证或注销信息。"
            )
            % {"number": row["number"], "day": row["expires_on"], "cb": row["cb__name"]},
            days_past=(today - row["expires_on"]).days,
        )
        for row in rows
    ]


def rule_holder_deregistered(today: date) -> list[Finding]:
    """Rule 4: an effectively active certificate whose holder's business registration was
    cancelled or revoked (``HolderDeregistration`` on or before today). A certificate cannot
    outlive its holder: the body should withdraw or cancel it."""
    gone = HolderDeregistration.objects.filter(on__lte=today)
    dates = dict(gone.values_list("organisation_id", "on"))
    rows = (
        Certificate.objects.filter(effectively_active_condition(today))
        .filter(holder_id__in=gone.values("organisation_id"))
        .values(*CERT_FIELDS, "holder_id")
    )
    return [
        _certificate_finding(
            Rule.HOLDER_DEREGISTERED,
            Severity.HIGH,
            row,
            _(
                "获证组织 %(holder)s 已于 %(day)s 注销（或被吊销营业执照），其证书 %(number)s "
                "仍为有效。组织注销后证书应由 %(cb)s 撤销或注销。"
            )
            % {
                "holder": row["holder_name"],
                "day": dates[row["holder_id"]],
                "number": row["number"],
                "cb": row["cb__name"],
            },
            deregistered_on=dates[row["holder_id"]].isoformat(),
        )
        for row in rows
    ]


def rule_duplicate_number(today: date) -> list[Finding]:
    """Rule 5: the same certificate number used by two or more bodies. Numbers are unique per
    body only, but a number shared across bodies makes a verification ambiguous and is a common
    sign of a forged or copied certificate."""
    numbers = (
        Certificate.objects.values("number")
        .annotate(bodies=Count("cb_id", distinct=True))
        .filter(bodies__gte=2)
        .values_list("number", flat=True)
    )
    by_number: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Certificate.objects.filter(number__in=numbers)
        .values("id", "number", "cb_id", "cb__name", "cb__city_id", "holder_name", "issued_on")
        .order_by("number", "issued_on", "id")
    ):
        by_number[row["number"]].append(dict(row))
    findings = []
    for number, rows in by_number.items():
        first = rows[0]
        findings.append(
            Finding(
                rule=Rule.DUPLICATE_NUMBER,
                severity=Severity.HIGH,
                subject_key=f"number:{number}",
                reasoning=_(
                    "证书编号 %(number)s 同时出现在 %(count)d 家机构的数据中（%(bodies)s）。"
                    "证书编号应能唯一识别一张证书；重复编号可能是伪造、套用或录入错误，需核实。"
                )
                % {
                    "number": number,
                    "count": len({r["cb_id"] for r in rows}),
                    "bodies": "、".join(r["cb__name"] for r in rows),
                },
                details={
                    "number": number,
                    "certificates": [
                        {
                            "id": r["id"],
                            "cb": r["cb__name"],
                            "holder": r["holder_name"],
                            "issued_on": r["issued_on"].isoformat(),
                        }
                        for r in rows
                    ],
                },
                certificate_id=None,
                cb_id=first["cb_id"],
                city_id=first["cb__city_id"],
            )
        )
    return findings


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class SpikeStatistic:
    median: float
    mad: float
    scale: float
    threshold: float


def spike_statistic(baseline: Sequence[int]) -> SpikeStatistic:
    """median, MAD, the scale max(1.483·MAD, √median) — counts vary at least like a Poisson
    count, so a body with perfectly steady months is not judged on a zero spread — and the
    threshold median + 3·scale."""
    median = float(statistics.median(baseline))
    mad = float(statistics.median([abs(x - median) for x in baseline]))
    scale = max(MAD_TO_SD * mad, median**0.5)
    return SpikeStatistic(median, mad, scale, median + SPIKE_K * scale)


def rule_issuance_spike(today: date) -> list[Finding]:
    """Rule 6: a body's monthly issuance far above its own robust baseline. For each of the
    last 12 months (this one included) and each body that had issued for at least 6 months
    before it, the baseline is that body's counts in the 12 months before (months since its
    first certificate; months with none count as 0). Fire when the month's count ≥ 20 and
    count > median + 3·s, s = max(1.483·MAD, √median) (MADe, floored by the Poisson spread).
    A sudden burst of certificates is a known sign of certificate selling (买证卖证) or of
    audits not really done."""
    first_month = _month_start(today)
    judged = [_add_months(first_month, -i) for i in range(SPIKE_MONTHS_CHECKED)]
    since = _add_months(judged[-1], -SPIKE_WINDOW_MONTHS)
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for cb_id, month, n in (
        Certificate.objects.filter(issued_on__gte=since, issued_on__lte=today)
        .annotate(month=TruncMonth("issued_on"))
        .values("cb_id", "month")
        .annotate(n=Count("id"))
        .values_list("cb_id", "month", "n")
    ):
        month_day = month.date() if isinstance(month, datetime) else month
        counts[cb_id][month_day] = n
    starts = dict(
        Certificate.objects.filter(cb_id__in=list(counts))
        .values("cb_id")
        .annotate(first=Min("issued_on"))
        .values_list("cb_id", "first")
    )
    bodies = {
        o.pk: o for o in Organisation.objects.filter(pk__in=list(counts)).only("name", "city_id")
    }
    findings = []
    for cb_id, months in counts.items():
        started = _month_start(starts[cb_id])
        for month in judged:
            count = months.get(month, 0)
            if count < SPIKE_MIN_COUNT:
                continue
            previous = [_add_months(month, -i) for i in range(1, SPIKE_WINDOW_MONTHS + 1)]
            baseline = [months.get(m, 0) for m in previous if m >= started]
            if len(baseline) < SPIKE_MIN_HISTORY_MONTHS:
                continue
            stat = spike_statistic(baseline)
            if count <= stat.threshold:
                continue
            body = bodies[cb_id]
            findings.append(
                Finding(
                    rule=Rule.ISSUANCE_SPIKE,
                    severity=Severity.MEDIUM,
                    subject_key=f"body-month:{cb_id}:{month:%Y-%m}",
                    reasoning=_(
                        "%(cb)s 在 %(month)s 颁发证书 %(count)d 张，其前 %(n)d 个月的"
                        "月发证量中位数为 %(median).1f、MAD 为 %(mad).1f；"
                        "判定阈值 = 中位数 + 3 × max(1.483×MAD, √中位数) = %(threshold).1f。"
                        "发证量突增可能意味着买证卖证或审核不到位。"
                    )
                    % {
                        "cb": body.name,
                        "month": f"{month:%Y-%m}",
                        "count": count,
                        "n": len(baseline),
                        "median": stat.median,
                        "mad": stat.mad,
                        "threshold": stat.threshold,
                    },
                    details={
                        "month": f"{month:%Y-%m}",
                        "count": count,
                        "baseline": baseline,
                        "median": stat.median,
                        "mad": stat.mad,
                        "scale": round(stat.scale, 3),
                        "threshold": round(stat.threshold, 3),
                        "statistic": "median + 3·max(1.483·MAD, √median), previous 12 months",
                    },
                    cb_id=cb_id,
                    city_id=body.city_id,
                )
            )
    return findings


RULES: dict[str, Callable[[date], list[Finding]]] = {
    Rule.OUT_OF_SCOPE: rule_out_of_scope,
    Rule.UNQUALIFIED_ISSUE: rule_unqualified_issue,
    Rule.ACTIVE_PAST_EXPIRY: rule_active_past_expiry,
    Rule.HOLDER_DEREGISTERED: rule_holder_deregistered,
    Rule.DUPLICATE_NUMBER: rule_duplicate_number,
    Rule.ISSUANCE_SPIKE: rule_issuance_spike,
}


def rule_reasoning(rule: str) -> str:
    """The rule's docstring, for the page's "how warnings are raised" section."""
    doc = RULES[rule].__doc__ or ""
    return " ".join(doc.split())


# --- the scan --------------------------------------------------------------------------------


@dataclass
class ScanReport:
    created: int = 0
    refreshed: int = 0
    suppressed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "refreshed": self.refreshed,
            "suppressed": self.suppressed,
            "by_rule": self.by_rule,
        }


def find_all(today: date) -> list[Finding]:
    return [finding for rule in RULES.values() for finding in rule(today)]


def risk_scan(now: datetime | None = None, *, by: User | None = None) -> ScanReport:
    """Run every rule; create a warning for each new finding, refresh ``last_seen`` of live
    ones; skip subjects whose last warning was dismissed. Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ScanReport()
    findings = find_all(today)
    report.by_rule = dict.fromkeys(RULES, 0)
    for finding in findings:
        report.by_rule[finding.rule] += 1
    with transaction.atomic():
        latest: dict[tuple[str, str], RiskWarning] = {}
        for warning in RiskWarning.objects.order_by("first_seen", "id").only(
            "id", "rule", "subject_key", "status"
        ):
            latest[(warning.rule, warning.subject_key)] = warning
        refresh: list[int] = []
        new: list[RiskWarning] = []
        for finding in findings:
            previous = latest.get((finding.rule, finding.subject_key))
            if previous is not None and previous.is_live:
                refresh.append(previous.pk)
                continue
            if previous is not None and previous.status == Status.DISMISSED:
                report.suppressed += 1
                continue
            new.append(
                RiskWarning(
                    rule=finding.rule,
                    severity=finding.severity,
                    subject_key=finding.subject_key,
                    certificate_id=finding.certificate_id,
                    cb_id=finding.cb_id,
                    city_id=finding.city_id,
                    details=finding.details,
                    reasoning=finding.reasoning,
                    first_seen=now,
                    last_seen=now,
                )
            )
        for start in range(0, len(refresh), 500):
            RiskWarning.objects.filter(pk__in=refresh[start : start + 500]).update(last_seen=now)
        RiskWarning.objects.bulk_create(new, batch_size=500)
        report.created, report.refreshed = len(new), len(refresh)
        if new:
            record_action(
                actor=by,
                action="certification.risk_scan",
                after={"created": report.created, "by_rule": report.by_rule},
            )
    return report


# --- who may see, life cycle -----------------------------------------------------------------


def regulator_scope(user: Any) -> tuple[bool, set[int] | None]:
    """(may see warnings, city region ids they are limited to — None for all)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, None
    if user.is_platform_admin:
        return True, None
    memberships = Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.REGULATOR, organisation__is_active=True
    ).select_related("organisation__jurisdiction")
    cities: set[int] = set()
    allowed = False
    for membership in memberships:
        allowed = True
        jurisdiction = membership.organisation.jurisdiction
        if jurisdiction is None:
            continue  # a regulator without a jurisdiction sees nothing until it is set
        if jurisdiction.code == PROVINCE_CODE:
            return True, None
        cities.add(jurisdiction.pk)
    return allowed, cities


def warnings_visible_to(user: Any) -> QuerySet[RiskWarning]:
    allowed, cities = regulator_scope(user)
    if not allowed:
        return RiskWarning.objects.none()
    found = RiskWarning.objects.all()
    if cities is not None:
        found = found.filter(city_id__in=cities)
    return found.select_related("cb", "city", "certificate", "assignee")


def warning_for(user: Any, public_id: Any) -> RiskWarning:
    warning = warnings_visible_to(user).filter(public_id=public_id).first()
    if warning is None:
        raise RiskWarningNotFound(_("没有这条预警，或您无权查看"))
    return warning


ALLOWED = {
    Status.OPEN: {Status.ACKNOWLEDGED, Status.RESOLVED, Status.DISMISSED},
    Status.ACKNOWLEDGED: {Status.RESOLVED, Status.DISMISSED},
    Status.RESOLVED: set(),
    Status.DISMISSED: set(),
}


def _check_handler(user: User | None) -> None:
    if user is None:
        return
    allowed, _cities = regulator_scope(user)
    if not allowed:
        raise PermissionDenied(_("只有监管部门人员或平台管理员可以处理风险预警"))


def change_warning_status(
    *, warning: RiskWarning, status: str, reason: str = "", by: User | None
) -> RiskWarning:
    """Move a warning along its life cycle. Raises InvalidRiskAction (unknown status, dismissal
    without a reason), RiskTransitionNotAllowed or PermissionDenied."""
    reason = normalise_text(reason)
    if status not in Status.values:
        raise InvalidRiskAction(
            _("未知的处理状态“%(status)s”；可用：acknowledged、resolved、dismissed")
            % {"status": status}
        )
    if status == Status.DISMISSED and not reason:
        raise InvalidRiskAction(_("排除预警必须说明理由"))
    if len(reason) > 2000:
        raise InvalidRiskAction(_("说明过长（最多2000字）"))
    _check_handler(by)
    with transaction.atomic():
        warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
        if status == warning.status:
            return warning
        if status not in ALLOWED[Status(warning.status)]:
            raise RiskTransitionNotAllowed(
                _("预警不能从“%(from)s”改为“%(to)s”")
                % {
                    "from": Status(warning.status).label,
                    "to": Status(status).label,
                }
            )
        before = {"status": warning.status, "status_reason": warning.status_reason}
        from_status = warning.status
        warning.status, warning.status_reason = status, reason
        warning.save(update_fields=["status", "status_reason", "updated_at"])
        RiskWarningChange(
            warning=warning,
            action="status",
            from_status=from_status,
            to_status=status,
            reason=reason,
            by=by if by is not None and by.pk else None,
        ).save()
        record_action(
            actor=by,
            action="certification.risk_warning_status",
            target=warning,
            before=before,
            after={"status": status, "status_reason": reason},
        )
    return warning


def acknowledge(*, warning: RiskWarning, by: User | None, reason: str = "") -> RiskWarning:
    return change_warning_status(warning=warning, status=Status.ACKNOWLEDGED, reason=reason, by=by)


def resolve(*, warning: RiskWarning, by: User | None, reason: str = "") -> RiskWarning:
    return change_warning_status(warning=warning, status=Status.RESOLVED, reason=reason, by=by)


def dismiss(*, warning: RiskWarning, by: User | None, reason: str) -> RiskWarning:
    return change_warning_status(warning=warning, status=Status.DISMISSED, reason=reason, by=by)


def assign(*, warning: RiskWarning, assignee: User | None, by: User | None) -> RiskWarning:
    """Give a live warning to a regulator (or take it back with None). Raises
    InvalidRiskAction (assignee not a regulator, warning closed) or PermissionDenied."""
    _check_handler(by)
    if assignee is not None and not regulator_scope(assignee)[0]:
        raise InvalidRiskAction(_("承办人必须是监管部门人员或平台管理员"))
    with transaction.atomic():
        warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
        if not warning.is_live:
            raise RiskTransitionNotAllowed(_("已解决或已排除的预警不能再指派"))
        before = {"assignee": warning.assignee_id}
        warning.assignee = assignee
        warning.save(update_fields=["assignee", "updated_at"])
        RiskWarningChange(
            warning=warning,
            action="assign",
            from_status=warning.status,
            to_status=warning.status,
            assignee=assignee,
            by=by if by is not None and by.pk else None,
        ).save()
        record_action(
            actor=by,
            action="certification.risk_warning_assigned",
            target=warning,
            before=before,
            after={"assignee": assignee.pk if assignee is not None else None},
        )
    return warning
