"""Demo certificates: the registry a province's certification bodies would have pushed.

Bodies are the demo certification bodies holding a CNCA-CB approval (``demo.institutions`` gives
them one); each gets an approved scope (``ApprovedScope``: the three common management systems
and a random share of the rest) and issues only within it and only while its approval's dates
run, spread evenly over the months of the last four years, so no month stands out by chance.
Holders are the demo enterprises and institutions, some with several certificates. Types
follow a realistic mix (QMS most, then EMS, OHSMS, CCC categories, product and service
certificates); management-system certificates last 3 years, CCC 5. Certificates past expiry are
recorded expired; of the others ~3 % suspended, ~1.5 % withdrawn, ~1 % cancelled.

A few anomalies are seeded, one group per risk rule (``DemoCertificates.anomalies`` says
which subjects each rule should flag): types outside a body's scope, a certificate issued
before its body's approval began, ``active`` past expiry, holders deregistered while their
certificates are active, a number used by two bodies (when there are two), and a month's burst
of issuance by one body.

Writes go through ``certification.services.upsert_certificates`` (the import's bulk path) in
chunks. Re-running with the same scale, seed and day changes nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from time import perf_counter
from typing import Any

from django.db import reset_queries, transaction
from django.utils import timezone

from qihub.accounts.models import Organisation
from qihub.certification.models import (
    ApprovedScope,
    Certificate,
    CertificateStatusChange,
    HolderDeregistration,
)
from qihub.certification.records import CertificateData
from qihub.certification.services import upsert_certificates
from qihub.certification.types import certification_types
from qihub.core.imports import ImportCounts
from qihub.demo.scales import Scale
from qihub.institutions.models import Qualification
from qihub.institutions.numbers import QualificationType

CHUNK_SIZE = 2_000
HISTORY_YEARS = 4
COMMON_TYPES = ("MS-QMS", "MS-EMS", "MS-OHSMS")
# Relative weights of certificate types (the CCC weight is spread over its categories).
TYPE_WEIGHTS: dict[str, float] = {
    "MS-QMS": 40,
    "MS-EMS": 15,
    "MS-OHSMS": 13,
    "MS-ISMS": 2.5,
    "MS-EnMS": 2,
    "MS-FSMS": 1.5,
    "MS-HACCP": 1,
    "MS-ITSMS": 1,
    "MS-MMS": 0.8,
    "MS-IATF": 0.6,
    "MS-CONS": 1.2,
    "MS-IP": 1,
    "PC-GREEN": 1.5,
    "PC-ORG": 1,
    "PC-ENERGY": 1.2,
    "PC-LOWC": 0.5,
    "PC-CQC": 2,
    "PC-GBM": 0.8,
    "SC-AFTER": 2,
    "SC-PROP": 0.8,
    "SC-GEN": 0.8,
}
CCC_WEIGHT = 12.0
STANDARDS = {
    "MS-QMS": "GB/T 19001-2016",
    "MS-EMS": "GB/T 24001-2016",
    "MS-OHSMS": "GB/T 45001-2020",
    "MS-ISMS": "GB/T 22080-2016",
    "MS-EnMS": "GB/T 23331-2020",
    "MS-FSMS": "GB/T 22000-2006",
}
SCOPES = (
    "{product}的设计、生产和服务",
    "{product}的生产及相关管理活动",
    "{product}的销售和售后服务",
)
PRODUCTS = (
    "阀门",
    "钢结构件",
    "机床零部件",
    "电线电缆",
    "汽车零部件",
    "乳制品",
    "化工原料",
    "建筑材料",
    "软件开发",
    "物业管理",
    "医疗器械",
    "电子元器件",
)
SPIKE_MONTHS_AGO = 2
SUSPEND_REASON = "监督审核发现体系运行不符合要求，暂停证书"
WITHDRAW_REASON = "暂停期满未整改，撤销证书"
CANCEL_REASON = "获证组织申请注销证书"
EXPIRED_REASON = "有效期届满"
DEREGISTRATION_SOURCE = "市场主体登记（演示数据）"


@dataclass
class DemoCertificates:
    certificates: ImportCounts = field(default_factory=ImportCounts)
    generated: int = 0
    bodies: int = 0
    scopes_added: int = 0
    deregistrations_added: int = 0
    anomalies: dict[str, set[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        c = self.certificates
        return bool(c.created or c.updated or self.scopes_added or self.deregistrations_added)

    def as_dict(self) -> dict[str, object]:
        return {
            "generated": self.generated,
            "created": self.certificates.created,
            "updated": self.certificates.updated,
            "unchanged": self.certificates.unchanged,
            "bodies": self.bodies,
            "scopes_added": self.scopes_added,
            "deregistrations_added": self.deregistrations_added,
            "anomalies": {rule: len(keys) for rule, keys in self.anomalies.items()},
            "seconds": round(self.seconds, 2),
        }


@dataclass
class _Body:
    id: int
    serial: int
    start: date  # first issuing day
    end: date  # last issuing day
    approval_from: date
    scope: tuple[str, ...]
    weight: float

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = _next_month(month)
        return months


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _lifetime(cert_type: str) -> int:
    return 5 if cert_type.startswith("CCC") else 3


def _type_weights() -> dict[str, float]:
    known = certification_types()
    weights = {code: w for code, w in TYPE_WEIGHTS.items() if code in known}
    ccc = [code for code in known if code.startswith("CCC-")]
    for code in ccc:
        weights[code] = CCC_WEIGHT / len(ccc)
    return weights


def _bodies(today: date, rng: random.Random) -> list[_Body]:
    weights = _type_weights()
    others = [code for code in weights if code not in COMMON_TYPES]
    approvals: dict[int, list[Qualification]] = defaultdict(list)
    for qualification in Qualification.objects.filter(
        type=QualificationType.CNCA_CB.value,
        organisation__kind=Organisation.Kind.CERTIFICATION_BODY,
        organisation__is_active=True,
    ).order_by("organisation__uscc", "valid_from"):
        approvals[qualification.organisation_id].append(qualification)
    bodies = []
    earliest = _add_years(today, -HISTORY_YEARS)
    for serial, (body_id, held) in enumerate(approvals.items()):
        approval = held[-1]
        start = max(approval.valid_from, earliest)
        end = min(approval.valid_to, today - timedelta(days=1))
        # The scope: the common systems, and a random share of the rest (the first body
        # certifies nearly everything, so a one-body demo still shows every kind).
        share = 0.9 if serial == 0 else rng.uniform(0.15, 0.6)
        scope = tuple(COMMON_TYPES) + tuple(code for code in others if rng.random() < share)
        if end <= start:
            continue
        bodies.append(
            _Body(
                id=body_id,
                serial=serial,
                start=start,
                end=end,
                approval_from=approval.valid_from,
                scope=scope,
                weight=rng.uniform(0.3, 3.0),
            )
        )
    return bodies


@dataclass(frozen=True)
class _Holder:
    uscc: str
    name: str


def _holders() -> list[_Holder]:
    kinds = [
        Organisation.Kind.ENTERPRISE,
        Organisation.Kind.TESTING_LAB,
        Organisation.Kind.CALIBRATION_LAB,
        Organisation.Kind.SPECIAL_EQUIPMENT_BODY,
    ]
    return [
        _Holder(uscc, name)
        for uscc, name in Organisation.objects.filter(kind__in=kinds, is_active=True)
        .order_by("uscc")
        .values_list("uscc", "name")
    ]


class _Maker:
    """Builds certificates one body-month at a time, numbering each body's own sequence."""

    def __init__(self, today: date, rng: random.Random, holders: Sequence[_Holder]) -> None:
        self.today = today
        self.rng = rng
        self.holders = holders
        self.sequence: dict[int, int] = defaultdict(int)
        self.weights = _type_weights()
        self.hot = max(1, len(holders) // 8)  # an eighth of holders hold most certificates

    def holder(self) -> _Holder:
        rng = self.rng
        if rng.random() < 0.45:
            return self.holders[rng.randrange(self.hot)]
        return self.holders[rng.randrange(len(self.holders))]

    def cert_type(self, body: _Body) -> str:
        scope = body.scope
        return self.rng.choices(scope, weights=[self.weights.get(c, 1.0) for c in scope])[0]

    def make(
        self,
        body: _Body,
        issued_on: date,
        *,
        cert_type: str | None = None,
        holder: _Holder | None = None,
        status: str | None = None,
        number: str | None = None,
    ) -> CertificateData:
        rng = self.rng
        cert_type = cert_type or self.cert_type(body)
        holder = holder or self.holder()
        expires_on = _add_years(issued_on, _lifetime(cert_type)) - timedelta(days=1)
        reason = ""
        if status is None:
            draw = rng.random()
            if expires_on < self.today:
                status, reason = Certificate.Status.EXPIRED, EXPIRED_REASON
            elif draw < 0.03:
                status, reason = Certificate.Status.SUSPENDED, SUSPEND_REASON
            elif draw < 0.045:
                status, reason = Certificate.Status.WITHDRAWN, WITHDRAW_REASON
            elif draw < 0.055:
                status, reason = Certificate.Status.CANCELLED, CANCEL_REASON
            else:
                status = Certificate.Status.ACTIVE
        if number is None:
            self.sequence[body.id] += 1
            letter = cert_type.split("-")[-1][:1] if "-" in cert_type else "C"
            number = (
                f"L{body.serial:03d}{letter}{issued_on:%y}{self.sequence[body.id]:07d}"
            ).upper()
        standard = STANDARDS.get(cert_type, "")
        product = PRODUCTS[rng.randrange(len(PRODUCTS))]
        return CertificateData(
            number=number,
            cb_id=body.id,
            holder_uscc=holder.uscc,
            holder_name=holder.name,
            holder_city_code="",
            cert_type=cert_type,
            standards_text=standard,
            standard_codes=(standard,) if standard else (),
            standards_unparsed=False,
            scope=SCOPES[rng.randrange(len(SCOPES))].format(product=product),
            is_accredited=rng.random() < 0.7,
            issued_on=issued_on,
            expires_on=expires_on,
            status=status,
            status_reason=reason,
        )

    def day_in(self, month: date, body: _Body) -> date:
        last = _next_month(month) - timedelta(days=1)
        first, last = max(month, body.start), min(last, body.end)
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))


def _plan(bodies: Sequence[_Body], total: int, rng: random.Random) -> dict[int, int]:
    """How many certificates each body issues (by weight × months it could issue)."""
    capacity = [b.weight * len(b.months()) for b in bodies]
    whole = sum(capacity) or 1.0
    return {b.id: max(1, round(total * c / whole)) for b, c in zip(bodies, capacity, strict=True)}


def _regular(
    bodies: Sequence[_Body], plan: dict[int, int], maker: _Maker
) -> Iterator[CertificateData]:
    """Each body's certificates spread evenly over its months (counts differ by at most one)."""
    for body in bodies:
        months = body.months()
        for k in range(plan[body.id]):
            yield maker.make(body, maker.day_in(months[k % len(months)], body))


@dataclass
class _Seeds:
    rows: list[CertificateData] = field(default_factory=list)
    # rule → keys still to resolve: ("cert", cb_id, number) or ("number", number) or a subject
    expected: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    deregister: list[tuple[str, date]] = field(default_factory=list)
    past_expiry: int = 3


def _seed_anomalies(
    bodies: Sequence[_Body], plan: dict[int, int], maker: _Maker, today: date
) -> _Seeds:
    seeds = _Seeds()
    expected = seeds.expected
    weights = maker.weights
    recent = today - timedelta(days=40)
    # 1. Types outside the scope: the first body issues two certificates it is not approved for.
    body = bodies[0]
    outside = [c for c in weights if c not in body.scope] or ["PC-CRYPTO"]
    expected["out_of_scope"] = []
    for position in range(2):
        row = maker.make(
            body,
            max(body.start, recent - timedelta(days=position)),
            cert_type=outside[position % len(outside)],
            status=Certificate.Status.ACTIVE,
        )
        seeds.rows.append(row)
        expected["out_of_scope"].append(("cert", row.cb_id, row.number))
    # 2. Issued before the body's approval began (the body with the latest approval).
    late = max(bodies, key=lambda b: b.approval_from)
    row = maker.make(late, late.approval_from - timedelta(days=20), cert_type="MS-QMS")
    seeds.rows.append(row)
    expected["unqualified_issue"] = [("cert", row.cb_id, row.number)]
    # 5. One number used by two bodies.
    expected["duplicate_number"] = []
    if len(bodies) >= 2:
        first, second = bodies[0], bodies[1]
        shared = maker.make(first, max(first.start, recent), cert_type="MS-QMS")
        copied = maker.make(
            second,
            max(second.start, recent),
            cert_type="MS-QMS",
            status=Certificate.Status.ACTIVE,
            number=shared.number,
        )
        seeds.rows += [shared, copied]
        expected["duplicate_number"] = [("number", shared.number)]
    # 6. A burst: the busiest body issues several months' worth in one month.
    busiest = max(bodies, key=lambda b: plan[b.id] / max(1, len(b.months())))
    month = today.replace(day=1)
    for _ in range(SPIKE_MONTHS_AGO):
        month = (month - timedelta(days=1)).replace(day=1)
    per_month = plan[busiest.id] / max(1, len(busiest.months()))
    if month >= busiest.start.replace(day=1):
        for _ in range(max(25, round(4 * per_month))):
            seeds.rows.append(maker.make(busiest, maker.day_in(month, busiest)))
        expected["issuance_spike"] = [("subject", f"body-month:{busiest.id}:{month:%Y-%m}")]
    else:
        expected["issuance_spike"] = []
    return seeds


def _chunks(rows: Iterator[CertificateData], size: int) -> Iterator[list[CertificateData]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def load_certificate_demo(
    *,
    scale: Scale,
    seed: int,
    today: date | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[DemoCertificates], None] | None = None,
) -> DemoCertificates:
    """Certificates for the scale (after the organisations and the institutions' approvals).
    Idempotent for the same scale, seed and day."""
    started = perf_counter()
    day = today or timezone.localdate()
    rng = random.Random(f"{seed}:certificates")
    report = DemoCertificates()
    bodies = _bodies(day, rng)
    holders = _holders()
    report.bodies = len(bodies)
    if not bodies or not holders:
        report.seconds = perf_counter() - started
        return report
    scope_rows = [ApprovedScope(cb_id=b.id, cert_type=c) for b in bodies for c in b.scope]
    before = ApprovedScope.objects.count()
    ApprovedScope.objects.bulk_create(scope_rows, batch_size=1000, ignore_conflicts=True)
    report.scopes_added = ApprovedScope.objects.count() - before

    maker = _Maker(day, rng, holders)
    plan = _plan(bodies, scale.certificates, rng)
    regular = list(_regular(bodies, plan, maker))
    seeds = _seed_anomalies(bodies, plan, maker, day)
    # 3. Active past expiry: a few expired regular certificates still recorded active.
    past = _past_expiry_sample(regular, seeds)
    seeds.expected["active_past_expiry"] = []
    for i in past:
        row = regular[i]
        regular[i] = _with_status(row, Certificate.Status.ACTIVE)
        seeds.expected["active_past_expiry"].append(("cert", row.cb_id, row.number))
    rows = regular + seeds.rows
    report.generated = len(rows)
    uploaded_at = timezone.now()
    for chunk in _chunks(iter(rows), chunk_size):
        with transaction.atomic():
            counts = upsert_certificates(
                chunk,
                by=None,
                source=CertificateStatusChange.Source.IMPORT,
                uploaded_at=uploaded_at,
            )
        report.certificates.add(counts)
        reset_queries()
        if progress is not None:
            progress(report)
    # 4. Holders deregistered while a certificate of theirs is active.
    report.deregistrations_added = _deregister(rows, day, seeds)
    report.anomalies = _resolve(seeds, day)
    report.seconds = perf_counter() - started
    return report


def _past_expiry_sample(regular: list[CertificateData], seeds: _Seeds) -> list[int]:
    expired = [i for i, row in enumerate(regular) if row.status == Certificate.Status.EXPIRED]
    return expired[:: max(1, len(expired) // seeds.past_expiry)][: seeds.past_expiry]


def _with_status(row: CertificateData, status: str) -> CertificateData:
    return CertificateData(**{**row.__dict__, "status": status, "status_reason": ""})


def _deregister(rows: Sequence[CertificateData], today: date, seeds: _Seeds) -> int:
    """Two holders with an active certificate (and no other anomaly) are deregistered, and one
    holder whose certificates all ended (no warning expected for it)."""
    involved = {key[2] for keys in seeds.expected.values() for key in keys if key[0] == "cert"}
    anomalous_holders = {r.holder_uscc for r in rows if r.number in involved}
    by_holder: dict[str, list[CertificateData]] = defaultdict(list)
    for row in rows:
        by_holder[row.holder_uscc].append(row)

    def active(row: CertificateData) -> bool:
        return row.status == Certificate.Status.ACTIVE and row.issued_on <= today <= row.expires_on

    live = sorted(
        u for u, held in by_holder.items() if u not in anomalous_holders and any(map(active, held))
    )
    ended = sorted(
        u
        for u, held in by_holder.items()
        if u not in anomalous_holders and not any(map(active, held))
    )
    chosen = live[:: max(1, len(live) // 2)][:2] + ended[:1]
    added = 0
    on = today - timedelta(days=60)
    for uscc in chosen:
        organisation = Organisation.objects.get(uscc=uscc)
        _entry, created = HolderDeregistration.objects.get_or_create(
            organisation=organisation, defaults={"on": on, "source": DEREGISTRATION_SOURCE}
        )
        added += created
    seeds.deregister = [(u, on) for u in chosen]
    return added


def _resolve(seeds: _Seeds, today: date) -> dict[str, set[str]]:
    """The subject keys each rule should flag, now that the certificates have ids."""
    anomalies: dict[str, set[str]] = {}
    for rule, keys in seeds.expected.items():
        subjects: set[str] = set()
        for key in keys:
            if key[0] == "cert":
                pk = Certificate.objects.get(cb_id=key[1], number=key[2]).pk
                subjects.add(f"certificate:{pk}")
            elif key[0] == "number":
                subjects.add(f"number:{key[1]}")
            else:
                subjects.add(str(key[1]))
        anomalies[rule] = subjects
    usccs = [u for u, _on in seeds.deregister]
    anomalies["holder_deregistered"] = {
        f"certificate:{pk}"
        for pk in Certificate.objects.filter(
            holder__uscc__in=usccs,
            status=Certificate.Status.ACTIVE,
            issued_on__lte=today,
            expires_on__gte=today,
        ).values_list("pk", flat=True)
    }
    return anomalies
