import pytest

pytestmark = pytest.mark.usefixtures("reference")


def test_regions_are_liaoning_14_cities_and_100_counties(client):
    cities = client.get("/api/v1/regions", {"level": "prefecture"}).json()
    counties = client.get("/api/v1/regions", {"level": "county"}).json()
    assert len(cities) == 14
    assert len(counties) == 100
    shenyang = next(c for c in cities if c["code"] == "210100")
    assert shenyang["name"] == "沈阳市"
    assert shenyang["longitude"] is not None


def test_regions_by_parent(client):
    dalian = client.get("/api/v1/regions", {"parent": "210200"}).json()
    assert {r["name"] for r in dalian} >= {"中山区", "金州区", "瓦房店市", "庄河市"}
    assert all(r["parent_code"] == "210200" for r in dalian)


def test_industries_mark_the_three_trillion_yuan_bases(client):
    bases = client.get("/api/v1/industries", {"level": 1, "trillion_base": True}).json()
    assert {i["key"] for i in bases} == {"AEM", "PCF", "MNM"}
    assert all(i["gbt4754_codes"] for i in bases)


def test_clusters_filter_by_city_and_industry(client):
    clusters = client.get("/api/v1/clusters", {"city": "210200", "industry": "PCF"}).json()
    assert clusters
    assert all(c["city_code"] == "210200" for c in clusters)
    assert all(any(k.startswith("PCF") for k in c["industry_keys"]) for c in clusters)


def test_plan_targets(client):
    targets = {t["key"]: t for t in client.get("/api/v1/plan-targets").json()}
    assert targets["certification.certificates"]["target_value"] == "75000.00"
    assert targets["certification.certificates"]["comparator"] == ">"
    assert targets["standardization.local_standard_cycle"]["comparator"] == "<="


def test_bad_filter_is_a_problem_json_422(client):
    response = client.get("/api/v1/regions", {"parent": "abc"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_request"


def test_reference_api_is_read_only(client):
    response = client.post("/api/v1/regions", data={}, content_type="application/json")
    assert response.status_code in {403, 405}


def test_health_reports_the_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_says_503_when_the_database_fails(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
