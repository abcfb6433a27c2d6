"""HTTP contract of the standardisation registries: public reads, filters, paging, the summary
against the plan targets, and problem+json for bad parameters."""

from __future__ import annotations

import pytest
from django.test import Client

from qihub.accounts.models import Organisation
from qihub.standards.codes import parse_standard_code
from qihub.standards.services import StandardData, upsert_standards
from qihub.standards.tests.registry_factories import (
    dalian_enterprise,
    make_committee,
    make_contribution,
    make_pilot,
    standards_institute,
)

pytestmark = pytest.mark.usefixtures("reference")


@pytest.fixture
def institute() -> Organisation:
    return standards_institute()


@pytest.fixture
def farm() -> Organisation:
    return dalian_enterprise()


@pytest.fixture
def registries(institute: Organisation, farm: Organisation) -> None:
    for number, topic in enumerate(("农业", "冶金", "菱镁", "旅游", "物流"), start=1):
        make_committee(
            institute,
            code=f"LN/TC {number}",
            name_zh=f"辽宁省{topic}标准化技术委员会",
            status="dissolved" if topic == "菱镁" else "active",
        )
    make_pilot(farm)
    make_pilot(
        institute,
        name_zh="沈阳市政务服务标准化试点",
        kind="pilot",
        field="social_governance",
        level="provincial",
        status="underway",
        accepted_on=None,
    )
    upsert_standards(
        [
            StandardData(
                code=parse_standard_code("GB/T 228.1-2021"),
                title_zh="金属材料 拉伸试验 第1部分：室温试验方法",
                type="recommended",
                status="current",
            )
        ],
        by=None,
    )
    make_contribution(institute, "GB/T 228.1-2021", role="lead")
    make_contribution(farm, "GB/T 228.1-2021")
    make_contribution(farm, "GB/T 39116-2020")


def test_committees_are_public_paged_and_searchable(
    anonymous: Client, registries: None, institute: Organisation
) -> None:
    first = anonymous.get("/api/v1/technical-committees", {"limit": 2})
    second = anonymous.get("/api/v1/technical-committees", {"limit": 2, "offset": 2})

    assert first.status_code == 200
    body = first.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 2, 0)
    assert [item["code"] for item in body["items"]] == ["LN/TC 1", "LN/TC 2"]
    assert [item["code"] for item in second.json()["items"]] == ["LN/TC 3", "LN/TC 4"]
    assert body["items"][0]["secretariat"] == {"uscc": institute.uscc, "name": institute.name}

    by_pinyin = anonymous.get("/api/v1/technical-committees", {"q": "yejin"}).json()
    assert [item["name_zh"] for item in by_pinyin["items"]] == ["辽宁省冶金标准化技术委员会"]
    active = anonymous.get("/api/v1/technical-committees", {"status": "active"}).json()
    assert active["count"] == 4


def test_pilot_projects_are_filtered(anonymous: Client, registries: None) -> None:
    response = anonymous.get("/api/v1/pilot-projects", {"city": "210200", "level": "national"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name_zh"] == "大连市海参标准化养殖示范区"
    assert (item["status"], item["status_label"]) == ("accepted", "已验收")
    assert item["city_name"] == "大连市"
    assert item["accepted_on"] == "2023-04-20"
    underway = anonymous.get("/api/v1/pilot-projects", {"status": "underway"}).json()
    assert [p["name_zh"] for p in underway["items"]] == ["沈阳市政务服务标准化试点"]


def test_contributions_flag_codes_the_catalogue_does_not_know(
    anonymous: Client, registries: None
) -> None:
    body = anonymous.get("/api/v1/national-contributions", {"city": "210200"}).json()

    by_code = {item["standard_code"]: item for item in body["items"]}
    assert body["count"] == 2
    assert by_code["GB/T 39116-2020"]["in_catalogue"] is False
    assert by_code["GB/T 39116-2020"]["standard_title"] is None
    assert by_code["GB/T 228.1-2021"]["in_catalogue"] is True
    leads = anonymous.get("/api/v1/national-contributions", {"role": "lead"}).json()
    assert [item["organisation"]["name"] for item in leads["items"]] == ["辽宁省标准化研究院"]
    by_code_query = anonymous.get("/api/v1/national-contributions", {"q": "gbt 228.1"}).json()
    assert by_code_query["count"] == 2
    assert anonymous.get("/api/v1/national-contributions", {"year": 2020}).json()["count"] == 1


def test_summary_counts_against_the_targets(anonymous: Client, registries: None) -> None:
    response = anonymous.get("/api/v1/standardisation/summary")

    assert response.status_code == 200
    items = {item["registry"]: item for item in response.json()["items"]}
    assert set(items) == {"committees", "pilot_projects", "national_contributions"}
    committees = items["committees"]
    assert (committees["count"], float(committees["target"])) == (4, 30.0)
    assert committees["target_key"] == "standardization.provincial_tech_committees"
    assert committees["percent"] == 13
    assert committees["meets_target"] is False
    assert items["pilot_projects"]["count"] == 2
    assert items["national_contributions"]["count"] == 2


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/technical-committees", {"status": "sleeping"}),
        ("/api/v1/technical-committees", {"limit": 0}),
        ("/api/v1/pilot-projects", {"city": "Dalian"}),
        ("/api/v1/pilot-projects", {"kind": "trial"}),
        ("/api/v1/national-contributions", {"year": 1800}),
        ("/api/v1/national-contributions", {"q": "x" * 101}),
    ],
)
def test_bad_parameters_are_a_problem(anonymous: Client, path: str, params: dict) -> None:
    response = anonymous.get(path, params)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_request"
