"""Qualification and scope services: permissions, history, audit, and bad input writing nothing."""

from datetime import date

import pytest

from qihub.accounts.models import AuditEntry
from qihub.core.errors import PermissionDenied
from qihub.institutions.errors import (
    InvalidCapability,
    InvalidQualification,
    NotAnInstitution,
    QualificationNumberTaken,
    StatusChangeNotAllowed,
)
from qihub.institutions.models import CapabilityLine, Qualification, QualificationStatusChange
from qihub.institutions.numbers import InvalidQualificationNumber
from qihub.institutions.scope import ScopeLookups, read_capability
from qihub.institutions.services import (
    change_qualification_status,
    delete_capability,
    record_qualification,
    replace_scope,
    upsert_capabilities,
)
from qihub.institutions.tests.factories import CapabilityLineFactory, QualificationFactory

CMA = "210600001234"


def record(organisation, by, **changes):
    values = {
        "organisation": organisation,
        "type": "CMA",
        "number": CMA,
        "issuer": "辽宁省市场监督管理局",
        "valid_from": date(2021, 6, 1),
        "valid_to": date(2027, 5, 31),
        "by": by,
    }
    values.update(changes)
    return record_qualification(**values)


def test_admin_records_own_qualification_with_history_and_audit(lab, lab_admin):
    qualification = record(lab, lab_admin, number="  2106 0000 1234 ")

    assert qualification.number == CMA
    assert (qualification.cma_year, qualification.cma_authority, qualification.cma_field) == (
        2021,
        "06",
        "00",
    )
    change = QualificationStatusChange.objects.get(qualification=qualification)
    assert (change.from_status, change.to_status, change.by) == ("", "valid", lab_admin)
    entry = AuditEntry.objects.get(action="institutions.qualification_recorded")
    assert entry.actor == lab_admin and entry.after["number"] == CMA


def test_recording_again_updates_and_unchanged_records_nothing(lab, lab_admin):
    record(lab, lab_admin)
    record(lab, lab_admin)  # the same again
    assert AuditEntry.objects.filter(action__startswith="institutions.").count() == 1

    updated = record(lab, lab_admin, valid_to=date(2028, 5, 31))

    assert updated.valid_to == date(2028, 5, 31)
    assert Qualification.objects.count() == 1
    entry = AuditEntry.objects.get(action="institutions.qualification_updated")
    assert entry.before["valid_to"] == "2027-05-31" and entry.after["valid_to"] == "2028-05-31"
    assert QualificationStatusChange.objects.count() == 1  # status did not change


@pytest.mark.parametrize("persona", ["enterprise_user", "cb_reviewer", None])
def test_others_may_not_record_a_labs_qualification(request, lab, persona):
    user = request.getfixturevalue(persona) if persona else None
    if user is None:
        # None is the trusted command line: allowed.
        record(lab, None)
        return
    with pytest.raises(PermissionDenied):
        record(lab, user)
    assert not Qualification.objects.exists()


def test_platform_admin_may_record_for_any_institution(lab, platform_admin):
    assert record(lab, platform_admin).organisation == lab


def test_an_enterprise_cannot_hold_qualifications(enterprise, platform_admin):
    with pytest.raises(NotAnInstitution):
        record(enterprise, platform_admin)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"number": "21060000123"}, InvalidQualificationNumber),  # 11 digits
        ({"type": "ISO"}, InvalidQualification),
        ({"valid_to": date(2020, 1, 1)}, InvalidQualification),
        ({"status": "lost"}, InvalidQualification),
    ],
)
def test_bad_input_writes_nothing(lab, lab_admin, changes, error):
    with pytest.raises(error):
        record(lab, lab_admin, **changes)
    assert not Qualification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="institutions.").exists()


def test_a_number_of_another_organisation_is_refused(lab, certification_body, platform_admin):
    record(lab, platform_admin)
    with pytest.raises(QualificationNumberTaken):
        record(certification_body, platform_admin)


def test_suspension_needs_a_reason_and_is_kept_in_history(lab, lab_admin):
    qualification = record(lab, lab_admin)
    with pytest.raises(InvalidQualification):
        change_qualification_status(
            qualification=qualification, status="suspended", reason=" ", by=lab_admin
        )

    change_qualification_status(
        qualification=qualification, status="suspended", reason="监督检查不合格", by=lab_admin
    )
    change_qualification_status(
        qualification=qualification, status="suspended", reason="监督检查不合格", by=lab_admin
    )

    qualification.refresh_from_db()
    assert qualification.status == "suspended"
    assert qualification.status_reason == "监督检查不合格"
    history = list(
        QualificationStatusChange.objects.filter(qualification=qualification).values_list(
            "from_status", "to_status"
        )
    )
    assert history == [("", "valid"), ("valid", "suspended")]


def test_only_platform_admins_lift_a_suspension(lab, lab_admin, platform_admin):
    qualification = record(lab, lab_admin, status="suspended", status_reason="整改中")

    with pytest.raises(StatusChangeNotAllowed):
        change_qualification_status(
            qualification=qualification, status="valid", reason="", by=lab_admin
        )
    with pytest.raises(StatusChangeNotAllowed):
        record(lab, lab_admin, status="valid")

    change_qualification_status(
        qualification=qualification, status="valid", reason="整改完成", by=platform_admin
    )
    qualification.refresh_from_db()
    assert qualification.status == "valid"


def test_status_history_is_append_only(lab, lab_admin):
    change = QualificationStatusChange.objects.get(qualification=record(lab, lab_admin))
    change.reason = "改写"
    with pytest.raises(ValueError, match="append-only"):
        change.save()


# --- capability lines -------------------------------------------------------------------------


def scope_row(lab, **changes):
    row = {
        "org_uscc": lab.uscc,
        "qualification_no": CMA,
        "kind": "test",
        "field": "TF02",
        "object": "钢筋混凝土用钢",
        "parameter": "抗拉强度",
        "standard": "GB/T 228.1-2021",
        "range_min": "0",
        "range_max": "1000",
        "unit": "MPa",
        "uncertainty": "Urel=0.5%, k=2",
    }
    row.update(changes)
    return row


def read(rows, organisation=None):
    lookups = ScopeLookups.load(organisation=organisation)
    return [read_capability(row, lookups) for row in rows]


def test_upsert_capabilities_refuses_other_organisations(lab, lab_admin, cb_reviewer):
    record(lab, lab_admin)
    rows = read([scope_row(lab)])

    with pytest.raises(PermissionDenied):
        upsert_capabilities(rows, by=cb_reviewer)

    assert upsert_capabilities(rows, by=lab_admin).created == 1
    assert upsert_capabilities(rows, by=lab_admin).unchanged == 1


def test_duplicate_rows_are_refused_before_anything_is_written(lab, lab_admin):
    qualification = record(lab, lab_admin)
    rows = read([scope_row(lab), scope_row(lab)])

    with pytest.raises(InvalidCapability):
        upsert_capabilities(rows, by=lab_admin)
    with pytest.raises(InvalidCapability):
        replace_scope(organisation=lab, qualification=qualification, rows=rows, by=lab_admin)
    assert not CapabilityLine.objects.exists()


def test_replace_scope_removes_absent_lines_and_audits(lab, lab_admin):
    qualification = record(lab, lab_admin)
    upsert_capabilities(read([scope_row(lab), scope_row(lab, parameter="屈服强度")]), by=lab_admin)

    replaced = replace_scope(
        organisation=lab,
        qualification=qualification,
        rows=iter(read([scope_row(lab), scope_row(lab, parameter="断后伸长率")])),
        by=lab_admin,
    )

    assert (replaced.counts.created, replaced.counts.unchanged, replaced.removed) == (1, 1, 1)
    assert sorted(CapabilityLine.objects.values_list("parameter", flat=True)) == [
        "抗拉强度",
        "断后伸长率",
    ]
    entry = AuditEntry.objects.get(action="institutions.scope_replaced")
    assert entry.after["removed"] == 1


def test_replace_scope_refuses_rows_of_another_qualification(lab, lab_admin):
    qualification = record(lab, lab_admin)
    other = record(lab, lab_admin, type="CNAS-L", number="CNAS L1234")
    upsert_capabilities(read([scope_row(lab)]), by=lab_admin)

    with pytest.raises(InvalidCapability):
        replace_scope(
            organisation=lab,
            qualification=other,
            rows=read([scope_row(lab, parameter="硬度")]),
            by=lab_admin,
        )

    # nothing written, nothing removed
    assert list(CapabilityLine.objects.values_list("parameter", flat=True)) == ["抗拉强度"]
    assert CapabilityLine.objects.get().qualification == qualification


def test_delete_capability_is_for_the_institutions_admins(lab, lab_admin, cb_reviewer):
    line = CapabilityLineFactory(qualification=QualificationFactory(organisation=lab))
    with pytest.raises(PermissionDenied):
        delete_capability(line=line, by=cb_reviewer)

    delete_capability(line=line, by=lab_admin)

    assert not CapabilityLine.objects.exists()
    assert AuditEntry.objects.get(action="institutions.capability_deleted").before["object"]
