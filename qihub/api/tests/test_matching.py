"""GET /api/v1/match: public, understood + ranked results, problem+json for invalid params."""

import pytest

from qihub.matching.tests.test_engine import STEEL, catalogue, institution, line  # noqa: F401

URL = "/api/v1/match"


@pytest.fixture
def labs(catalogue):  # noqa: F811
    _org, cma = institution("沈阳钢筋检测")
    line(cma, "钢筋", STEEL, standards=["GB/T 228.1-2021"], low=0, high=2000, unit="MPa",
         price=120, days=3)  # fmt: skip
    _org, suspended = institution("暂停检测", status="suspended")
    line(suspended, "钢筋", STEEL, standards=["GB/T 228.1-2021"], low=0, high=2000, unit="MPa")
    _org, old = institution("大连旧版检测", "210200")
    line(old, "钢筋", STEEL, standards=["GB/T 228.1-2010"], low=0, high=2000, unit="MPa")


def test_anyone_can_match_and_gets_understood_results_and_reasons(anonymous, labs):
    response = anonymous.get(URL, {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳"})
    assert response.status_code == 200
    data = response.json()
    assert data["understood"]["place"] == {"code": "210100", "name": "沈阳市"}
    assert [r["name"] for r in data["results"]] == ["沈阳钢筋检测", "大连旧版检测"]
    first = data["results"][0]
    assert first["city_code"] == "210100"
    assert "GB/T 228.1-2021 精确匹配" in first["reasons"]
    assert first["capabilities"][0]["exact_standard"] is True
    assert first["capabilities"][0]["price_cny"] == 120.0
    assert data["results"][1]["capabilities"][0]["flags"] == [
        "仅具备已被代替的 GB/T 228.1-2010 资质"
    ]


def test_structured_parameters_override_the_text(anonymous, labs):
    data = anonymous.get(
        URL,
        {
            "q": "钢筋 抗拉强度",
            "city": "210200",
            "range_min": 0,
            "range_max": 1500,
            "unit": "MPa",
            "limit": 1,
        },
    ).json()
    assert data["understood"]["place"]["code"] == "210200"
    assert data["understood"]["range"]["max"] == 1500
    assert [r["name"] for r in data["results"]] == ["大连旧版检测"]


def test_what_cannot_be_understood_is_reported_with_results_for_the_rest(anonymous, labs):
    data = anonymous.get(
        URL,
        {
            "q": "钢筋 抗拉强度",
            "city": "999999",
            "range_min": 50,
            "range_max": 10,
            "unit": "MPa",
            "max_uncertainty": "很准",
        },
    ).json()
    problems = " ".join(data["understood"]["problems"])
    assert "999999" in problems and "量程" in problems
    assert [r["name"] for r in data["results"]] == ["沈阳钢筋检测", "大连旧版检测"]


def test_an_empty_query_answers_with_a_problem_and_no_results(anonymous, labs):
    data = anonymous.get(URL).json()
    assert data["results"] == [] and data["understood"]["problems"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "钢筋", "kind": "bogus"},
        {"q": "钢筋", "city": "shenyang"},
        {"q": "钢筋", "limit": 0},
        {"q": "钢筋", "limit": 101},
        {"q": "钢筋", "range_min": "abc"},
        {"q": "x" * 201},
        {"q": "钢筋\x00"},
    ],
)
def test_invalid_parameters_are_problem_json(anonymous, labs, params):
    response = anonymous.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_request"
