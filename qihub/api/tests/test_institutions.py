"""Institutions API: directory, profile, capability scope and qualification verification."""

from datetime import date

import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.institutions.models import CapabilityLine
from qihub.institutions.tests.conftest import (  # noqa: F401 - catalogue is a fixture
    CAPABILITIES_HEADER,
    catalogue,
    run_import,
    write_csv,
)
from qihub.institutions.tests.factories import QualificationFactory
from qihub.reference.models import Region

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def directory(lab, time_machine):
    time_machine.move_to("2026-06-01")
    dalian = OrganisationFactory(
        uscc=uscc_for(9401, "210200"),
        name="大连华信检测有限公司",
        kind=Organisation.Kind.TESTING_LAB,
        city=Region.objects.get(code="210200"),
    )
    institute = OrganisationFactory(
        uscc=uscc_for(9402), name="沈阳市计量测试院", kind=Organisation.Kind.METROLOGY_INSTITUTE
    )
    QualificationFactory(
        organisation=lab,
        number="210600001234",
        valid_from=date(2021, 6, 1),
        valid_to=date(2027, 5, 31),
    )
    QualificationFactory(  # expired by date although recorded valid
        organisation=dalian,
        number="190600000001",
        valid_from=date(2019, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    QualificationFactory(
        organisation=institute,
        type="METROLOGY-AUTH",
        number="(辽)法计(2021)01012号",
        valid_from=date(2021, 1, 1),
        valid_to=date(2027, 1, 1),
        status="suspended",
        status_reason="监督抽查不合格",
    )
    OrganisationFactory(uscc=uscc_for(9403), name="沈阳阀门制造有限公司", kind="enterprise")
    return {"lab": lab, "dalian": dalian, "institute": institute}


@pytest.fixture
def scope(directory, tmp_path):
    lab = directory["lab"]
    rows = [
        [
            lab.uscc,
            "210600001234",
            "test",
            "TF02",
            "钢筋混凝土用钢",
            "抗拉强度",
            "GB/T 228.1-2021",
            "0",
            "1000",
            "MPa",
            "Urel=0.5%, k=2",
            "",
            "120",
            "5",
        ],
        [
            lab.uscc,
            "210600001234",
            "test",
            "TF02",
            "钢筋混凝土用钢",
            "屈服强度",
            "GB/T 228.1-2010",
            "0",
            "1000",
            "MPa",
            "",
            "",
            "",
            "",
        ],
        [
            lab.uscc,
            "210600001234",
            "test",
            "TF01",
            "混凝土",
            "抗压强度",
            "GB/T 50081",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [lab.uscc, "", "service", "", "标准化咨询", "", "", "", "", "", "", "", "", ""],
    ]
    assert (
        run_import("capabilities", write_csv(tmp_path / "s.csv", CAPABILITIES_HEADER, rows))[0] == 0
    )
    return lab


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["大连华信检测有限公司", "沈阳市计量测试院", "辽宁盛京检验检测有限公司"]),
        ({"q": "华信"}, ["大连华信检测有限公司"]),
        ({"city": "210200"}, ["大连华信检测有限公司"]),
        ({"kind": "metrology_institute"}, ["沈阳市计量测试院"]),
        ({"qualification_type": "METROLOGY-AUTH"}, ["沈阳市计量测试院"]),
        ({"has_valid_qualification": "true"}, ["辽宁盛京检验检测有限公司"]),
        (
            {"has_valid_qualification": "false"},
            ["大连华信检测有限公司", "沈阳市计量测试院"],
        ),
        ({"effective_status": "expired"}, ["大连华信检测有限公司"]),
        ({"effective_status": "suspended", "qualification_type": "CMA"}, []),
    ],
)
def test_list_filters(client, directory, params, expected):
    assert names(client.get("/api/v1/institutions", params)) == expected


def test_list_filters_by_capabilities(client, scope):
    assert names(client.get("/api/v1/institutions", {"field": "tf02"})) == [scope.name]
    assert names(client.get("/api/v1/institutions", {"capability_kind": "calibration"})) == []
    body = client.get("/api/v1/institutions", {"limit": 1}).json()
    assert (body["count"], len(body["items"])) == (3, 1)


def test_profile_shows_recorded_and_effective_status(client, scope, directory):
    body = client.get(f"/api/v1/institutions/{scope.uscc.lower()}").json()

    assert body["uscc"] == scope.uscc
    assert body["qualifications"] == [
        {
            "type": "CMA",
            "type_label": "检验检测机构资质认定（CMA）",
            "number": "210600001234",
            "issuer": "辽宁省市场监督管理局",
            "status": "valid",
            "effective_status": "valid",
            "effective_status_label": "有效",
            "status_reason": "",
            "valid_from": "2021-06-01",
            "valid_to": "2027-05-31",
        }
    ]
    assert body["capability_count"] == 4
    assert body["capability_counts"] == {"test": 3, "service": 1}
    assert body["kinds"] == ["test", "service"]
    assert body["flagged_count"] == 2  # a superseded edition; a code the catalogue lacks
    assert body["has_valid_qualification"] is True

    expired = client.get(f"/api/v1/institutions/{directory['dalian'].uscc}").json()
    assert expired["qualifications"][0]["status"] == "valid"
    assert expired["qualifications"][0]["effective_status"] == "expired"
    assert expired["has_valid_qualification"] is False


@pytest.mark.parametrize("uscc", ["nonsense", uscc_for(9999)])
def test_unknown_institution_is_a_problem_404(client, directory, uscc):
    response = client.get(f"/api/v1/institutions/{uscc}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "institution_not_found"


def test_an_enterprise_is_not_an_institution(client, directory):
    response = client.get(f"/api/v1/institutions/{uscc_for(9403)}")
    assert response.status_code == 404


def params_of(client, uscc, **params):
    response = client.get(f"/api/v1/institutions/{uscc}/capabilities", params)
    assert response.status_code == 200, response.content
    return sorted(item["parameter"] or item["object"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["抗压强度", "抗拉强度", "屈服强度", "标准化咨询"]),
        ({"kind": "service"}, ["标准化咨询"]),
        ({"field": "TF02"}, ["抗拉强度", "屈服强度"]),
        ({"q": "抗拉强度"}, ["抗拉强度"]),
        ({"q": "混凝土 抗压"}, ["抗压强度"]),
        ({"standard": "gbt228.1"}, ["抗拉强度", "屈服强度"]),  # any edition
        ({"standard": "GB/T 228.1—2021"}, ["抗拉强度"]),
        ({"standard": "GB/T 50081-2019"}, ["抗压强度"]),  # cited without a year: any edition
        ({"parameter": "屈服"}, ["屈服强度"]),
        ({"flagged": "true"}, ["屈服强度", "抗压强度"]),  # superseded; unknown code
        ({"qualification": "210600001234", "kind": "test", "flagged": "false"}, ["抗拉强度"]),
    ],
)
def test_capability_filters(client, scope, params, expected):
    assert params_of(client, scope.uscc, **params) == sorted(expected)


def test_capability_item_shape_and_paging(client, scope):
    body = client.get(
        f"/api/v1/institutions/{scope.uscc}/capabilities", {"limit": 1, "offset": 0}
    ).json()
    assert (body["count"], len(body["items"])) == (4, 1)
    item = body["items"][0]
    assert item["kind_label"] == "检验检测"
    assert item["field_code"] == "TF02" and item["field_name"] == "建筑材料"
    assert item["standards"] == [
        {"code": "GB/T 228.1-2021", "is_known": True, "status": "current", "in_force": True}
    ]
    assert item["range_text"] == "0~1000 MPa" and item["unit"] == "MPa"
    assert item["accuracy"]["kind"] == "relative"
    assert item["price_cny"] == "120.00" or float(item["price_cny"]) == 120
    assert item["qualification"] == {
        "type": "CMA",
        "number": "210600001234",
        "effective_status": "valid",
        "valid_to": "2027-05-31",
    }
    assert item["needs_attention"] == []
    flagged = client.get(
        f"/api/v1/institutions/{scope.uscc}/capabilities", {"flagged": "true"}
    ).json()["items"]
    assert [f["needs_attention"] for f in flagged] == [
        ["standard_out_of_force"],
        ["standard_unknown"],
    ]
    assert flagged[1]["standards"] == [
        {"code": "GB/T 50081", "is_known": False, "status": None, "in_force": None}
    ]
    assert CapabilityLine.objects.count() == 4


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"kind": "inspection"}, {"field": "建筑"}, {"q": "x" * 101}],
)
def test_capability_params_are_constrained(client, scope, params):
    response = client.get(f"/api/v1/institutions/{scope.uscc}/capabilities", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "found", "effective", "text"),
    [
        ({"number": " 2106 0000 1234 "}, True, "valid", "有效期至 2027-05-31"),
        ({"number": "ＣＭＡ２１０６００００１２３４", "type": "CMA"}, True, "valid", "有效"),
        ({"number": "190600000001"}, True, "expired", "已过期（有效期至 2025-12-31）"),
        ({"number": "（辽）法计（2021）01012号"}, True, "suspended", "已暂停：监督抽查不合格"),
        ({"number": "210600009999"}, False, None, "平台未收录"),
        ({"number": "12345", "type": "CMA"}, False, None, "不是有效的证书编号"),
    ],
)
def test_verify_qualification(client, directory, params, found, effective, text):
    response = client.get("/api/v1/qualifications/verify", params)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["found"] is found
    assert body["effective_status"] == effective
    assert text in body["explanation"]
    if found:
        assert body["institution_uscc"]


def test_verify_needs_a_number(client, directory):
    assert client.get("/api/v1/qualifications/verify").status_code == 422
    assert client.get("/api/v1/qualifications/verify", {"type": "ISO"}).status_code == 422
