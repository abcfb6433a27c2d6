"""`qihub import qualifications|capabilities`: good files, bad rows, re-runs, XLSX, flags."""

from datetime import date

import pytest
from openpyxl import Workbook

from qihub.accounts.models import AuditEntry, Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.institutions.importers import import_scope
from qihub.institutions.models import (
    CapabilityLine,
    CapabilityStandard,
    Qualification,
    QualificationStatusChange,
)
from qihub.institutions.queries import institution_profile
from qihub.institutions.tests.conftest import (
    CAPABILITIES_HEADER,
    QUALIFICATIONS_HEADER,
    run_import,
    run_json,
    write_csv,
)
from qihub.standards.models import Standard

CMA = "210600001234"


@pytest.fixture
def qualifications(catalogue, lab, calibration_lab, tmp_path):
    path = write_csv(
        tmp_path / "qualifications.csv",
        QUALIFICATIONS_HEADER,
        [
            # messy spellings of the numbers are normalised
            [
                lab.uscc.lower(),
                "CMA",
                "2106 0000 1234",
                "辽宁省市场监督管理局",
                "2021-06-01",
                "2027-05-31",
                "valid",
            ],
            [
                lab.uscc,
                "cnas-l",
                "cnas l 1234",
                "中国合格评定国家认可委员会",
                "2022/1/1",
                "2028年12月31日",
                "",
            ],
            [
                calibration_lab.uscc,
                "METROLOGY-AUTH",
                "（辽）法计（2021）01012号",
                "辽宁省市场监督管理局",
                "2021-03-01",
                "2026-02-28",
                "expired",
            ],
        ],
    )
    code, _out, err = run_import("qualifications", path)
    assert code == 0, err
    return path


def test_qualifications_import_then_rerun_changes_nothing(qualifications, lab):
    numbers = set(Qualification.objects.values_list("type", "number"))
    assert numbers == {
        ("CMA", CMA),
        ("CNAS-L", "CNAS L1234"),
        ("METROLOGY-AUTH", "(辽)法计(2021)01012号"),
    }
    cma = Qualification.objects.get(type="CMA")
    assert (cma.cma_year, cma.cma_authority, cma.organisation) == (2021, "06", lab)
    assert Qualification.objects.get(type="CNAS-L").valid_to == date(2028, 12, 31)
    assert QualificationStatusChange.objects.count() == 3

    code, result = run_json("qualifications", qualifications)

    assert code == 0
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)


def test_qualifications_update_records_status_history(qualifications, lab, tmp_path):
    path = write_csv(
        tmp_path / "suspended.csv",
        QUALIFICATIONS_HEADER,
        [[lab.uscc, "CMA", CMA, "辽宁省市场监督管理局", "2021-06-01", "2027-05-31", "suspended"]],
    )
    code, result = run_json("qualifications", path)

    assert code == 0 and result["updated"] == 1
    change = QualificationStatusChange.objects.filter(to_status="suspended").get()
    assert change.from_status == "valid"
    assert AuditEntry.objects.filter(action="institutions.qualification_updated").count() == 1


def test_profile_effective_statuses_on_every_boundary(qualifications, lab, calibration_lab):
    # given the imported CMA valid 2021-06-01..2027-05-31
    def status_on(day):
        profile = institution_profile(lab.uscc, on=day)
        return {q.type: q.effective_status for q in profile.qualifications}["CMA"]

    assert status_on(date(2021, 5, 31)) == "not_yet_valid"
    assert status_on(date(2021, 6, 1)) == "valid"
    assert status_on(date(2027, 5, 31)) == "valid"
    assert status_on(date(2027, 6, 1)) == "expired"
    # recorded expired: expired even inside its dates
    profile = institution_profile(calibration_lab.uscc, on=date(2025, 1, 1))
    assert [q.effective_status for q in profile.qualifications] == ["expired"]
    assert not profile.has_valid_qualification


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2021-05-31", "not_yet_valid"),
        ("2021-06-01", "valid"),
        ("2027-05-31", "valid"),
        ("2027-06-01", "expired"),
    ],
)
def test_profile_today_with_frozen_time(qualifications, lab, time_machine, today, expected):
    time_machine.move_to(f"{today} 23:59:00+08:00", tick=False)

    profile = institution_profile(lab.uscc)

    assert {q.type: q.effective_status for q in profile.qualifications}["CMA"] == expected
    assert Qualification.objects.get(type="CMA").effective_status == expected


def test_bad_qualification_rows_are_reported_and_nothing_is_written(
    catalogue, lab, enterprise, tmp_path
):
    other_lab = OrganisationFactory(uscc=uscc_for(9201), kind=Organisation.Kind.TESTING_LAB)
    Qualification.objects.create(
        organisation=other_lab,
        type="CMA",
        number="210600009999",
        valid_from=date(2021, 1, 1),
        valid_to=date(2027, 1, 1),
    )
    unknown = uscc_for(9999)
    path = write_csv(
        tmp_path / "bad.csv",
        QUALIFICATIONS_HEADER,
        [
            [lab.uscc, "CMA", CMA, "", "2021-06-01", "2027-05-31", "valid"],  # good
            [unknown, "CMA", "210600001235", "", "2021-06-01", "2027-05-31", "valid"],
            [enterprise.uscc, "CMA", "210600001236", "", "2021-06-01", "2027-05-31", "valid"],
            [lab.uscc, "ISO", "1", "", "2021-06-01", "2027-05-31", "valid"],
            [lab.uscc, "CMA", "21060000123", "", "2021-06-01", "2027-05-31", "valid"],
            [lab.uscc, "CMA", "210600009999", "", "2021-06-01", "2027-05-31", "valid"],
            [lab.uscc, "CMA", "210600001237", "", "2027-06-01", "2021-05-31", "lost"],
            [lab.uscc, "CMA", "210600001238", "", "31/05/2021", "2027-05-31", "valid"],
            [lab.uscc, "CMA", CMA, "", "2021-06-01", "2027-05-31", "valid"],  # duplicate
        ],
    )

    code, _out, err = run_import("qualifications", path)

    assert code == 1
    assert f"row 3, column org_uscc: 未登记的机构“{unknown}”" in err
    assert "row 4, column org_uscc:" in err and "不能登记资质" in err
    assert "row 5, column type: 未知的资质类型“ISO”" in err
    assert "row 6, column number: CMA 证书编号“21060000123”格式不对" in err
    assert "row 7, column number: 资质证书 210600009999 已登记在其他机构名下" in err
    assert "row 8, column valid_to: 有效期至不能早于有效期起" in err
    assert "row 8, column status: 未知的状态“lost”" in err
    assert "row 9, column valid_from: 日期“31/05/2021”应为 YYYY-MM-DD" in err
    assert "row 10, column org_uscc:" in err and "already appears in row 2" in err
    assert Qualification.objects.count() == 1  # only the one made above


# --- capabilities -----------------------------------------------------------------------------


def line(lab, **changes):
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
        "restriction": "",
        "price_cny": "120",
        "turnaround_days": "5",
    }
    row.update(changes)
    return [row[c] for c in CAPABILITIES_HEADER.split(",")]


@pytest.fixture
def scope(qualifications, lab, calibration_lab, tmp_path):
    path = write_csv(
        tmp_path / "capabilities.csv",
        CAPABILITIES_HEADER,
        [
            line(lab),
            line(lab, parameter="屈服强度", standard="GB/T 228.1"),  # any edition
            line(
                lab,
                kind="检验检测",
                field="建筑材料",
                object="碳素结构钢",
                parameter="化学成分",
                standard="GB/T 699-2015；GB/T 3077-2015",
                range_min="",
                range_max="",
                unit="",
                uncertainty="",
                price_cny="",
                turnaround_days="",
            ),
            line(
                lab,
                qualification_no="CNAS L1234",
                kind="calibration",
                field="CQ0203",
                object="温度试验箱",
                parameter="温度",
                standard="JJF 1101-2019",  # not in the catalogue: kept, flagged
                range_min="-40",
                range_max="150",
                unit="℃",
                uncertainty="U=0.3℃, k=2",
            ),
            line(
                lab,
                qualification_no="",
                kind="技术服务",
                field="",
                object="标准化咨询",
                parameter="",
                standard="",
                range_min="",
                range_max="",
                unit="",
                uncertainty="",
            ),
        ],
    )
    code, out, err = run_import("capabilities", path)
    assert code == 0, err
    assert "capabilities: 5 created, 0 updated, 0 unchanged (5 rows)" in out
    return path


def test_capabilities_are_structured(scope, lab):
    tensile = CapabilityLine.objects.get(parameter="抗拉强度")
    assert tensile.field.code == "TF02"
    assert (tensile.range_min, tensile.range_max, tensile.unit) == (0.0, 1000.0, "MPa")
    assert (tensile.dimension, tensile.range_max_base) == ("pressure", 1e9)
    assert tensile.range_text == "0~1000 MPa"
    assert tensile.accuracy["kind"] == "relative" and tensile.accuracy_value == 0.5
    assert tensile.price_cny == 120 and tensile.turnaround_days == 5
    assert not tensile.is_flagged
    cited = tensile.standards.get()
    assert cited.standard == Standard.objects.get(code="GB/T 228.1-2021") and cited.is_known

    anyedition = CapabilityLine.objects.get(parameter="屈服强度").standards.get()
    assert (anyedition.code, anyedition.year, anyedition.standard, anyedition.is_known) == (
        "GB/T 228.1",
        None,
        None,
        True,
    )

    chemistry = CapabilityLine.objects.get(parameter="化学成分")
    assert chemistry.kind == "test" and chemistry.field.code == "TF02"  # Chinese name
    assert sorted(chemistry.standards.values_list("code", flat=True)) == [
        "GB/T 3077-2015",
        "GB/T 699-2015",
    ]
    assert chemistry.range_text == "" and chemistry.accuracy is None and not chemistry.is_flagged

    chamber = CapabilityLine.objects.get(object="温度试验箱")
    assert chamber.qualification.type == "CNAS-L"
    assert chamber.range_min_base == pytest.approx(233.15)
    assert chamber.standards_flag == "unknown_code" and chamber.is_flagged
    assert chamber.attention_reasons == ["standard_unknown"]

    service = CapabilityLine.objects.get(kind="service")
    assert service.qualification is None


def test_capabilities_rerun_changes_nothing_and_an_edit_updates(scope, lab, tmp_path):
    code, result = run_json("capabilities", scope)
    assert code == 0
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 5)
    assert CapabilityLine.objects.count() == 5
    assert CapabilityStandard.objects.count() == 5

    edited = write_csv(tmp_path / "edited.csv", CAPABILITIES_HEADER, [line(lab, range_max="800")])
    code, result = run_json("capabilities", edited)

    assert (code, result["created"], result["updated"]) == (0, 0, 1)
    tensile = CapabilityLine.objects.get(parameter="抗拉强度")
    assert tensile.range_max_base == 8e8 and tensile.range_text == "0~800 MPa"
    assert tensile.accuracy["kind"] == "relative"  # rewritten along, still JSON
    assert tensile.standards.get().code == "GB/T 228.1-2021"
    entry = AuditEntry.objects.get(action="institutions.capability_updated")
    assert entry.before["range_max"] == 1000.0 and entry.after["range_max"] == 800.0


def test_what_is_not_understood_is_kept_and_flagged(qualifications, lab, tmp_path):
    path = write_csv(
        tmp_path / "messy.csv",
        CAPABILITIES_HEADER,
        [
            line(lab, field="量子计量", parameter="A"),  # unknown field
            line(lab, parameter="B", uncertainty="按规程要求"),  # unparseable accuracy
            line(lab, parameter="C", standard="实验室自制方法 ZY-01"),  # unreadable code
            line(lab, parameter="D", standard="GB/T 228.1-2010"),  # superseded edition
        ],
    )

    code, _out, err = run_import("capabilities", path)

    assert code == 0, err
    flags = {
        line.parameter: (line.attention_reasons, line.standards_flag)
        for line in CapabilityLine.objects.all()
    }
    assert flags == {
        "A": (["field_unknown"], "none"),
        "B": (["accuracy_unparsed"], "none"),
        "C": (["standard_unknown"], "unknown_code"),
        "D": (["standard_out_of_force"], "out_of_force"),
    }
    assert CapabilityLine.objects.get(parameter="A").field_text == "量子计量"
    assert CapabilityLine.objects.get(parameter="B").uncertainty_text == "按规程要求"
    assert CapabilityLine.objects.get(parameter="C").standards.get().code == "实验室自制方法 ZY-01"
    assert CapabilityLine.objects.filter(is_flagged=True).count() == 4


def test_bad_capability_rows_are_reported_exactly_and_nothing_is_written(
    qualifications, lab, calibration_lab, enterprise, tmp_path
):
    unknown = uscc_for(9998)
    path = write_csv(
        tmp_path / "bad.csv",
        CAPABILITIES_HEADER,
        [
            line(lab),  # row 2: good
            line(lab, org_uscc=unknown),
            line(lab, qualification_no="(辽)法计(2021)01012号", kind="verification"),
            line(lab, kind="inspection"),
            line(lab, range_min="0~60MPa"),
            line(lab, range_min="100", range_max="10"),
            line(lab, unit="MPaa", parameter="v"),  # kept and flagged, not refused
            line(lab, unit=""),
            line(lab, qualification_no="", parameter="x"),
            line(lab, kind="service", parameter="y"),
            line(lab, kind="verification", parameter="z"),  # a CMA cannot grant 检定
            line(lab, price_cny="面议", turnaround_days="三天", parameter="w"),
            line(lab),  # duplicate of row 2
            line(enterprise, qualification_no="", kind="service"),
        ],
    )

    code, _out, err = run_import("capabilities", path)

    assert code == 1
    expected = [
        f"row 3, column org_uscc: 未登记的机构“{unknown}”",
        "row 4, column qualification_no: 资质证书“(辽)法计(2021)01012号”属于其他机构",
        "row 5, column kind: 未知的类别“inspection”",
        "row 6, column range_min: “0~60MPa”不是数字",
        "row 7, column range_max: 范围下限 100 大于上限 10",
        "row 9, column unit: 填写了范围就必须填写单位",
        "row 10, column qualification_no: 必须填写授予该能力的资质证书编号",
        "row 11, column qualification_no: 技术服务不需要资质，资质证书编号应留空",
        "row 12, column qualification_no: 检定能力不能挂在 CMA 资质下",
        "row 13, column price_cny: 价格“面议”不是数字",
        "row 13, column turnaround_days: 周期“三天”应为 0–3650 的整数天数",
        "row 14, column org_uscc: ",
        "row 15, column org_uscc: ",
    ]
    for message in expected:
        assert message in err, err
    assert "'test / 钢筋混凝土用钢 / 抗拉强度 / GB/T 228.1-2021' already appears in row 2" in err
    assert "不是检验检测、校准、认证等机构" in err
    assert not CapabilityLine.objects.exists()


def test_a_missing_required_column_refuses_the_file(qualifications, lab, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("org_uscc,kind,object\n" + f"{lab.uscc},test,钢筋\n", encoding="utf-8")

    code, _out, err = run_import("capabilities", path)

    assert code == 1
    assert "missing column(s) qualification_no" in err


def test_xlsx_with_the_same_columns(qualifications, lab, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CAPABILITIES_HEADER.split(","))
    row = line(lab, range_min="0", range_max="60", unit="MPa")
    row[7], row[8] = 0, 60.5  # numbers as numbers
    sheet.append(row)
    path = tmp_path / "scope.xlsx"
    workbook.save(path)

    code, _out, err = run_import("capabilities", path)

    assert code == 0, err
    assert CapabilityLine.objects.get().range_max_base == 60.5e6


def test_institution_uploads_its_own_scope_for_one_qualification(
    qualifications, lab, lab_admin, calibration_lab, tmp_path
):
    cma = Qualification.objects.get(type="CMA")
    first = write_csv(
        tmp_path / "mine.csv",
        CAPABILITIES_HEADER,
        [line(lab), line(lab, parameter="屈服强度")],
    )
    assert import_scope(organisation=lab, qualification=cma, path=first, by=lab_admin).result.ok

    bad = write_csv(
        tmp_path / "bad.csv",
        CAPABILITIES_HEADER,
        [
            line(lab, parameter="硬度"),
            line(lab, qualification_no="CNAS L1234", kind="calibration"),
            line(calibration_lab, qualification_no="", kind="service"),
        ],
    )
    upload = import_scope(organisation=lab, qualification=cma, path=bad, by=lab_admin)
    messages = [str(e) for e in upload.result.errors]
    assert messages[0] == f"row 3, column qualification_no: 本次只上传资质“{CMA}”的能力范围"
    assert messages[1].startswith("row 4, column org_uscc: 只能导入本机构")
    assert CapabilityLine.objects.count() == 2  # nothing written

    again = write_csv(
        tmp_path / "again.csv", CAPABILITIES_HEADER, [line(lab), line(lab, parameter="硬度")]
    )
    upload = import_scope(organisation=lab, qualification=cma, path=again, by=lab_admin)

    assert upload.result.ok and upload.removed == 1
    assert (upload.result.counts.created, upload.result.counts.unchanged) == (1, 1)
    parameters = sorted(CapabilityLine.objects.values_list("parameter", flat=True))
    assert parameters == ["抗拉强度", "硬度"]


def test_an_acting_user_without_rights_is_refused_and_nothing_is_written(
    qualifications, lab, enterprise_user, tmp_path
):
    path = write_csv(tmp_path / "scope.csv", CAPABILITIES_HEADER, [line(lab)])
    code, _out, err = run_import("capabilities", path, "--as", enterprise_user.username)
    assert code == 1
    assert "只能修改本机构的资质和能力范围" in err
    assert not CapabilityLine.objects.exists()


def test_a_unit_the_platform_cannot_convert_is_kept_and_flagged(qualifications, lab, tmp_path):
    path = write_csv(
        tmp_path / "scope.csv", CAPABILITIES_HEADER, [line(lab, unit="格令", range_max="60")]
    )
    code, _out, err = run_import("capabilities", path)
    assert code == 0, err
    kept = CapabilityLine.objects.get()
    assert (kept.unit, kept.dimension) == ("格令", "")
    assert (kept.range_min, kept.range_max) == (0, 60)
    assert kept.range_min_base is None and kept.range_max_base is None
    assert kept.is_flagged and "unit_unknown" in kept.attention_reasons
