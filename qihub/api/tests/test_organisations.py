import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region


@pytest.fixture
def directory(reference):
    dalian = Region.objects.get(code="210200")
    return [
        OrganisationFactory(
            uscc=uscc_for(1), name="沈阳市计量测试院", kind=Organisation.Kind.METROLOGY_INSTITUTE
        ),
        OrganisationFactory(
            uscc=uscc_for(2, "210200"),
            name="大连华信检测有限公司",
            kind=Organisation.Kind.TESTING_LAB,
            city=dalian,
        ),
        OrganisationFactory(
            uscc=uscc_for(3, "210200"),
            name="大连远洋阀门有限公司",
            kind=Organisation.Kind.ENTERPRISE,
            city=dalian,
        ),
        OrganisationFactory(uscc=uscc_for(4), name="已注销检测有限公司", is_active=False),
    ]


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "华信"}, ["大连华信检测有限公司"]),
        ({"q": "sysjl"}, ["沈阳市计量测试院"]),  # pinyin initials
        ({"q": "dalian"}, ["大连华信检测有限公司", "大连远洋阀门有限公司"]),  # pinyin
        ({"kind": "enterprise"}, ["大连远洋阀门有限公司"]),
        ({"city": "210100"}, ["沈阳市计量测试院"]),
        ({"q": "大连", "kind": "testing_lab"}, ["大连华信检测有限公司"]),
    ],
)
def test_search(client, directory, params, expected):
    assert sorted(names(client.get("/api/v1/organisations", params))) == sorted(expected)


def test_search_by_uscc_in_any_spelling(client, directory):
    messy = " ".join([directory[1].uscc[:8], directory[1].uscc[8:].lower()])
    assert names(client.get("/api/v1/organisations", {"q": messy})) == ["大连华信检测有限公司"]


def test_inactive_organisations_are_hidden(client, directory):
    assert "已注销检测有限公司" not in names(client.get("/api/v1/organisations", {"q": "检测"}))
    assert client.get(f"/api/v1/organisations/{directory[3].uscc}").status_code == 404


def test_pagination_and_limits(client, directory):
    page = client.get("/api/v1/organisations", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert client.get("/api/v1/organisations", {"limit": 1000}).status_code == 422


def test_detail_accepts_messy_uscc(client, directory):
    body = client.get(f"/api/v1/organisations/{directory[0].uscc.lower()}").json()
    assert body["uscc"] == directory[0].uscc
    assert body["kind_label"] == "计量技术机构"
    assert body["city_name"] == "沈阳市"


@pytest.mark.parametrize("uscc", ["nonsense", uscc_for(999)])
def test_detail_unknown_is_problem_404(client, directory, uscc):
    response = client.get(f"/api/v1/organisations/{uscc}")
    assert response.status_code == 404
    assert response.json()["code"] in {"organisation_not_found", "not_found"}


def test_nul_bytes_are_rejected_not_crashing(client, directory):
    assert client.get("/api/v1/organisations", {"q": "a\x00b"}).status_code == 422
