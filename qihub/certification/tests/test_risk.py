"""Risk rules: each fires on its anomaly and on nothing else; the scan is idempotent; the life
cycle is audited and guarded; only regulators see warnings, city regulators their city's."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qihub.accounts.models import AuditEntry, Membership, Organisation
from qihub.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from qihub.certification.models import (
    ApprovedScope,
    HolderDeregistration,
    RiskWarning,
    RiskWarningChange,
)
from qihub.certification.risk import (
    InvalidRiskAction,
    RiskTransitionNotAllowed,
    acknowledge,
    assign,
    dismiss,
    resolve,
    risk_scan,
    rule_active_past_expiry,
    rule_duplicate_number,
    rule_holder_deregistered,
    rule_issuance_spike,
    rule_out_of_scope,
    rule_unqualified_issue,
    spike_statistic,
    warnings_visible_to,
)
from qihub.certification.tests.factories import CertificateFactory, approve_body
from qihub.core.errors import PermissionDenied
from qihub.institutions.models import QualificationStatusChange
from qihub.reference.models import Region

TODAY = date(2025, 6, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 15, 9, 0, tzinfo=SHANGHAI)


def subjects(findings) -> set[str]:
    return {f.subject_key for f in findings}


@pytest.fixture
def body(approved_cb: Organisation) -> Organisation:
    return approved_cb


@pytest.fixture
def normal(body: Organisation):
    """A clean certificate no rule should flag."""
    ApprovedScope.objects.create(cb=body, cert_type="MS-QMS")
    return CertificateFactory(cb=body, issued_on=date(2024, 1, 15), expires_on=date(2027, 1, 14))


def test_out_of_scope_fires_on_an_unapproved_type_only(body, normal) -> None:
    wrong = CertificateFactory(cb=body, cert_type="CCC-07")
    withdrawn = CertificateFactory(cb=body, cert_type="CCC-07", status="withdrawn")
    unscoped_body = OrganisationFactory(kind=Organisation.Kind.CERTIFICATION_BODY)
    CertificateFactory(cb=unscoped_body, cert_type="CCC-07")  # scope not on file: not judged
    found = rule_out_of_scope(TODAY)
    assert subjects(found) == {f"certificate:{wrong.pk}"}
    assert withdrawn.pk not in {f.certificate_id for f in found}
    assert "批准范围" in found[0].reasoning


def test_unqualified_issue_before_approval_and_while_suspended(body, normal) -> None:
    before = CertificateFactory(cb=body, issued_on=date(2019, 6, 1), expires_on=date(2022, 5, 31))
    qualification = body.qualifications.get(type="CNCA-CB")
    QualificationStatusChange.objects.create(
        qualification=qualification,
        from_status="valid",
        to_status="suspended",
        changed_at=datetime(2024, 3, 1, tzinfo=SHANGHAI),
    )
    QualificationStatusChange.objects.create(
        qualification=qualification,
        from_status="suspended",
        to_status="valid",
        changed_at=datetime(2024, 4, 1, tzinfo=SHANGHAI),
    )
    during = CertificateFactory(cb=body, issued_on=date(2024, 3, 15), expires_on=date(2027, 3, 14))
    CertificateFactory(cb=body, issued_on=date(2024, 4, 2), expires_on=date(2027, 4, 1))
    found = rule_unqualified_issue(TODAY)
    assert subjects(found) == {f"certificate:{before.pk}", f"certificate:{during.pk}"}


def test_active_past_expiry(body, normal) -> None:
    stale = CertificateFactory(cb=body, issued_on=date(2021, 1, 1), expires_on=date(2024, 1, 1))
    CertificateFactory(
        cb=body, issued_on=date(2021, 1, 1), expires_on=date(2024, 1, 1), status="expired"
    )
    CertificateFactory(cb=body, issued_on=date(2022, 6, 15), expires_on=TODAY)  # last day
    assert subjects(rule_active_past_expiry(TODAY)) == {f"certificate:{stale.pk}"}


def test_holder_deregistered(body, normal) -> None:
    gone = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
    HolderDeregistration.objects.create(organisation=gone, on=date(2025, 3, 1), source="test")
    active = CertificateFactory(cb=body, holder=gone)
    CertificateFactory(cb=body, holder=gone, status="withdrawn")
    later = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
    HolderDeregistration.objects.create(organisation=later, on=date(2025, 9, 1), source="test")
    CertificateFactory(cb=body, holder=later)
    assert subjects(rule_holder_deregistered(TODAY)) == {f"certificate:{active.pk}"}


def test_duplicate_number(body, normal, other_cb) -> None:
    CertificateFactory(cb=body, number="SAME001")
    CertificateFactory(cb=other_cb, number="SAME001")
    found = rule_duplicate_number(TODAY)
    assert subjects(found) == {"number:SAME001"}
    assert len(found[0].details["certificates"]) == 2


def test_spike_statistic_is_median_plus_three_made() -> None:
    stat = spike_statistic([20, 22, 18, 21, 19, 20, 40, 20])
    assert stat.median == 20
    assert stat.mad == 1
    assert stat.threshold == pytest.approx(20 + 3 * max(1.483 * 1, 20**0.5))


def test_issuance_spike_fires_on_the_burst_month_only(body) -> None:
    for months_ago in range(1, 14):
        month = date(2025, 6, 1) - timedelta(days=31 * months_ago)
        count = 80 if months_ago == 2 else 20
        for n in range(count):
            CertificateFactory(cb=body, issued_on=month.replace(day=1 + n % 27))
    found = rule_issuance_spike(TODAY)
    month = (date(2025, 6, 1) - timedelta(days=62)).strftime("%Y-%m")
    assert subjects(found) == {f"body-month:{body.pk}:{month}"}
    assert found[0].details["count"] == 80
    assert "中位数" in found[0].reasoning


def test_no_rule_fires_on_a_clean_registry(body, normal) -> None:
    for rule in (
        rule_out_of_scope,
        rule_unqualified_issue,
        rule_active_past_expiry,
        rule_holder_deregistered,
        rule_duplicate_number,
        rule_issuance_spike,
    ):
        assert rule(TODAY) == [], rule.__name__


# --- scan and life cycle -----------------------------------------------------------------------


@pytest.fixture
def warned(body, normal) -> RiskWarning:
    CertificateFactory(cb=body, issued_on=date(2021, 1, 1), expires_on=date(2024, 1, 1))
    risk_scan(NOW)
    return RiskWarning.objects.get()


def test_scan_is_idempotent_and_refreshes(warned: RiskWarning) -> None:
    later = NOW + timedelta(days=1)
    report = risk_scan(later)
    assert (report.created, report.refreshed) == (0, 1)
    warned.refresh_from_db()
    assert warned.first_seen == NOW and warned.last_seen == later
    assert warned.city is not None and warned.cb is not None


def test_life_cycle_is_recorded_and_audited(warned, regulator) -> None:
    acknowledge(warning=warned, by=regulator)
    assign(warning=warned, assignee=regulator, by=regulator)
    resolve(warning=warned, by=regulator, reason="机构已更新状态")
    warned.refresh_from_db()
    assert warned.status == "resolved" and warned.assignee == regulator
    actions = list(RiskWarningChange.objects.values_list("action", "to_status"))
    assert actions == [
        ("status", "acknowledged"),
        ("assign", "acknowledged"),
        ("status", "resolved"),
    ]
    assert AuditEntry.objects.filter(action__startswith="certification.risk_warning").count() == 3
    with pytest.raises(RiskTransitionNotAllowed):
        acknowledge(warning=warned, by=regulator)
    # Still firing after "resolved": a new warning opens.
    assert risk_scan(NOW + timedelta(days=2)).created == 1


def test_dismiss_needs_a_reason_and_stays_dismissed(warned, regulator) -> None:
    with pytest.raises(InvalidRiskAction):
        dismiss(warning=warned, by=regulator, reason="  ")
    assert RiskWarningChange.objects.count() == 0
    dismiss(warning=warned, by=regulator, reason="机构已书面说明，系录入错误")
    report = risk_scan(NOW + timedelta(days=1))
    assert (report.created, report.suppressed) == (0, 1)


def test_only_regulators_handle_warnings(warned, enterprise_user) -> None:
    with pytest.raises(PermissionDenied):
        acknowledge(warning=warned, by=enterprise_user)
    with pytest.raises(InvalidRiskAction):
        assign(warning=warned, assignee=enterprise_user, by=None)
    warned.refresh_from_db()
    assert warned.status == "open" and warned.assignee is None


def test_visibility_by_jurisdiction(warned, regulator, enterprise_user, platform_admin) -> None:
    assert list(warnings_visible_to(regulator)) == [warned]  # provincial
    assert list(warnings_visible_to(platform_admin)) == [warned]
    assert not warnings_visible_to(enterprise_user).exists()
    elsewhere = Region.objects.filter(level="prefecture").exclude(pk=warned.city_id).first()
    city_bureau = OrganisationFactory(kind=Organisation.Kind.REGULATOR, jurisdiction=elsewhere)
    city_user = UserFactory()
    MembershipFactory(user=city_user, organisation=city_bureau, role=Membership.Role.MEMBER)
    assert not warnings_visible_to(city_user).exists()
    home = OrganisationFactory(kind=Organisation.Kind.REGULATOR, jurisdiction=warned.city)
    home_user = UserFactory()
    MembershipFactory(user=home_user, organisation=home, role=Membership.Role.MEMBER)
    assert list(warnings_visible_to(home_user)) == [warned]


def test_approve_body_helper_is_used(body) -> None:
    assert approve_body  # the fixtures above rely on a 2020–2030 approval
