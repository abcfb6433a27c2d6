"""Bodies push certificates: the file import, the API batch service, status changes."""

from datetime import date

import pytest

from qihub.accounts.models import AuditEntry, Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.certification.errors import (
    BatchInvalid,
    InvalidCertificate,
    NotACertificationBody,
    StatusTransitionNotAllowed,
)
from qihub.certification.models import (
    Certificate,
    CertificateSite,
    CertificateStatusChange,
    CertificationBodyFeed,
)
from qihub.certification.services import change_certificate_status, push_certificates
from qihub.certification.tests.conftest import (
    HOLDER_USCC,
    item,
    row,
    run_import,
    run_json,
    write_csv,
)
from qihub.certification.tests.factories import approve_body
from qihub.core.errors import PermissionDenied


def _nothing_written():
    return (
        not Certificate.objects.exists()
        and not CertificateStatusChange.objects.exists()
        and not CertificationBodyFeed.objects.exists()
    )


# --- the file import --------------------------------------------------------------------------


def test_import_creates_certificates_holder_and_history_then_rerun_changes_nothing(
    approved_cb, tmp_path
):
    # given a file with messy spellings
    path = write_csv(
        tmp_path / "c.csv",
        [
            row(approved_cb, "No. 00124q31001r0m", cert_type="ms-qms", status="有效"),
            row(approved_cb, "00124E21002R0M", cert_type="MS-EMS", standard="GB/T 24001-2016;XYZ?"),
        ],
    )
    # when
    code, result = run_json(path)
    # then
    assert code == 0 and result["created"] == 2
    first = Certificate.objects.get(number="00124Q31001R0M")
    assert first.cb == approved_cb and first.cert_type == "MS-QMS"
    assert first.holder.uscc == HOLDER_USCC
    assert first.holder.kind == Organisation.Kind.ENTERPRISE
    assert first.holder.city.code == "210200"  # from the USCC's region part
    assert first.holder_name == "大连海通阀门有限公司"
    assert first.standard_codes == ["GB/T 19001-2016"]
    second = Certificate.objects.get(number="00124E21002R0M")
    assert second.has_unknown_standard  # kept and flagged, not refused
    assert list(first.status_changes.values_list("from_status", "to_status", "source")) == [
        ("", "active", "import")
    ]
    feed = CertificationBodyFeed.objects.get(organisation=approved_cb)
    assert feed.last_upload_at is not None and feed.last_upload_items == 2
    audit = AuditEntry.objects.count()
    # when the same file comes again
    code, again = run_json(path)
    # then nothing changes but the freshness
    assert code == 0 and again["created"] == 0 and again["updated"] == 0
    assert again["unchanged"] == 2
    assert AuditEntry.objects.count() == audit
    assert CertificateStatusChange.objects.count() == 2


def test_import_status_change_records_history_from_import(approved_cb, tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [row(approved_cb)]))
    path = write_csv(tmp_path / "b.csv", [row(approved_cb, status="suspended")])
    assert run_import(path)[0] == 0
    certificate = Certificate.objects.get()
    assert certificate.status == "suspended"
    assert list(certificate.status_changes.values_list("from_status", "to_status", "source")) == [
        ("", "active", "import"),
        ("active", "suspended", "import"),
    ]


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"cb_uscc": uscc_for(9999)}, "cb_uscc", "未登记的认证机构"),
        ({"holder_uscc": "91210200MA0XXXXXX1"}, "holder_uscc", "校验码错误"),
        ({"expires_on": "2024-01-15"}, "expires_on", "必须晚于颁证日期"),
        ({"expires_on": "2023-12-31"}, "expires_on", "必须晚于颁证日期"),
        ({"cert_type": "ISO9001"}, "cert_type", "未知的认证类型"),
        ({"status": "revoked"}, "status", "未知的状态"),
        ({"issued_on": "2024-02-30"}, "issued_on", "YYYY-MM-DD"),
        ({"holder_uscc": uscc_for(1, "110100")}, "holder_uscc", "不在辽宁省"),
    ],
)
def test_import_bad_rows_write_nothing(approved_cb, tmp_path, changes, column, message):
    path = write_csv(tmp_path / "c.csv", [row(approved_cb, "GOOD1"), row(approved_cb, **changes)])
    code, _out, err = run_import(path)
    assert code == 1
    assert f"row 3, column {column}:" in err and message in err
    assert _nothing_written()


def test_import_refuses_a_body_without_a_valid_cnca_approval(certification_body, tmp_path):
    # the fixture body has no CNCA-CB approval at all
    code, _out, err = run_import(write_csv(tmp_path / "c.csv", [row(certification_body)]))
    assert code == 1 and "没有有效的认证机构批准书" in err
    assert _nothing_written()


def test_import_refuses_a_body_whose_approval_expired(certification_body, tmp_path):
    approval = approve_body(certification_body)
    approval.valid_to = date(2021, 1, 1)
    approval.save()
    code, _out, err = run_import(write_csv(tmp_path / "c.csv", [row(certification_body)]))
    assert code == 1 and "CNCA-CB" in err
    assert _nothing_written()


def test_import_refuses_impossible_transition_and_keeps_everything(approved_cb, tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [row(approved_cb, status="withdrawn")]))
    path = write_csv(tmp_path / "b.csv", [row(approved_cb, "NEW1"), row(approved_cb)])
    code, _out, err = run_import(path)
    assert code == 1 and "已撤销" in err
    assert list(Certificate.objects.values_list("number", "status")) == [
        ("00124Q31001R0M", "withdrawn")
    ]


def test_import_as_user_of_another_body_is_refused(approved_cb, other_cb_user, tmp_path):
    code, _out, err = run_import(
        write_csv(tmp_path / "c.csv", [row(approved_cb)]), "--as", other_cb_user.username
    )
    assert code == 1 and "只能报送本机构" in err
    assert _nothing_written()


def test_import_as_member_of_the_body_is_accepted(approved_cb, cb_reviewer, tmp_path):
    code, _out, _err = run_import(
        write_csv(tmp_path / "c.csv", [row(approved_cb)]), "--as", cb_reviewer.username
    )
    assert code == 0
    change = CertificateStatusChange.objects.get()
    assert change.by == cb_reviewer


def test_same_number_at_two_bodies_is_two_certificates(approved_cb, other_cb, tmp_path):
    path = write_csv(tmp_path / "c.csv", [row(approved_cb), row(other_cb)])
    assert run_import(path)[0] == 0
    assert Certificate.objects.with_number("00124Q31001R0M").count() == 2


def test_duplicate_rows_in_one_file(approved_cb, tmp_path):
    path = write_csv(tmp_path / "c.csv", [row(approved_cb), row(approved_cb, "00124q31001r0m")])
    code, _out, err = run_import(path)
    assert code == 1 and "row 3" in err
    assert _nothing_written()


# --- the batch service --------------------------------------------------------------------------


def test_batch_creates_with_sites_and_source_api(approved_cb, cb_reviewer):
    sites = [{"address": "大连市甘井子区1号", "scope": "铸造"}, {"address": "大连市金州区2号"}]
    result = push_certificates(items=[item(approved_cb, sites=sites)], by=cb_reviewer)
    assert result.counts.created == 1
    certificate = Certificate.objects.get()
    assert [s.address for s in certificate.sites.all()] == ["大连市甘井子区1号", "大连市金州区2号"]
    assert certificate.status_changes.get().source == "api"
    # a second push without changes is idempotent; a changed site list replaces the sites
    again = push_certificates(items=[item(approved_cb, sites=sites)], by=cb_reviewer)
    assert again.counts.unchanged == 1
    push_certificates(items=[item(approved_cb, sites=sites[:1])], by=cb_reviewer)
    assert CertificateSite.objects.count() == 1


def test_batch_lists_every_item_error_and_writes_nothing(approved_cb, other_cb, cb_reviewer):
    items = [
        item(approved_cb, "A1"),
        item(approved_cb, "A2", expires_on="2020-01-01"),
        item(other_cb, "A3"),
        item(approved_cb, "A4", holder_uscc="123"),
    ]
    with pytest.raises(BatchInvalid) as caught:
        push_certificates(items=items, by=cb_reviewer)
    errors = [(e.index, e.field) for e in caught.value.errors]
    assert errors == [(1, "expires_on"), (2, "cb_uscc"), (3, "holder_uscc")]
    assert _nothing_written()


def test_batch_refuses_impossible_transition_per_item(approved_cb, cb_reviewer):
    push_certificates(items=[item(approved_cb, status="withdrawn")], by=cb_reviewer)
    with pytest.raises(BatchInvalid) as caught:
        push_certificates(items=[item(approved_cb, "B1"), item(approved_cb)], by=cb_reviewer)
    assert [(e.index, e.field) for e in caught.value.errors] == [(1, "status")]
    assert Certificate.objects.count() == 1


def test_batch_by_someone_outside_any_body_is_refused(approved_cb, enterprise_user):
    with pytest.raises(NotACertificationBody):
        push_certificates(items=[item(approved_cb)], by=enterprise_user)
    assert _nothing_written()


def test_expired_certificate_may_be_renewed_with_a_later_expiry(approved_cb, cb_reviewer):
    push_certificates(items=[item(approved_cb, status="expired")], by=cb_reviewer)
    with pytest.raises(BatchInvalid):
        push_certificates(items=[item(approved_cb, status="active")], by=cb_reviewer)
    push_certificates(
        items=[item(approved_cb, status="active", expires_on="2030-01-14")], by=cb_reviewer
    )
    assert Certificate.objects.get().status == "active"


# --- one certificate ------------------------------------------------------------------------------


def test_status_changes_follow_the_rules(approved_cb, cb_reviewer, other_cb_user):
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    certificate = Certificate.objects.get()
    with pytest.raises(InvalidCertificate):
        change_certificate_status(certificate=certificate, status="suspended", reason="", by=None)
    with pytest.raises(PermissionDenied):
        change_certificate_status(
            certificate=certificate, status="suspended", reason="监督审核不通过", by=other_cb_user
        )
    change_certificate_status(
        certificate=certificate, status="suspended", reason="监督审核不通过", by=cb_reviewer
    )
    change_certificate_status(certificate=certificate, status="active", reason="", by=cb_reviewer)
    change_certificate_status(
        certificate=certificate, status="withdrawn", reason="整改不合格", by=cb_reviewer
    )
    with pytest.raises(StatusTransitionNotAllowed):
        change_certificate_status(
            certificate=certificate, status="active", reason="", by=cb_reviewer
        )
    assert list(certificate.status_changes.values_list("to_status", "source")) == [
        ("active", "api"),
        ("suspended", "web"),
        ("active", "web"),
        ("withdrawn", "web"),
    ]


def test_an_existing_holder_outside_liaoning_is_accepted(approved_cb, tmp_path, reference):
    outside = OrganisationFactory(uscc=uscc_for(5, "110100"), kind=Organisation.Kind.ENTERPRISE)
    path = write_csv(tmp_path / "c.csv", [row(approved_cb, holder_uscc=outside.uscc)])
    assert run_import(path)[0] == 0
    assert Certificate.objects.get().holder == outside
