"""Standards linked to the province's industry chains: import, search filter, API and page."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qihub.standards.models import Standard
from qihub.standards.search import search_standards

HEADER = "code,title_zh,type,status,industries\n"


def write(tmp_path: Path, lines: list[str], header: str = HEADER, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(path: Path) -> dict[str, object]:
    out = StringIO()
    call_command("import", "standards", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def linked(reference, tmp_path):
    run_import(
        write(
            tmp_path,
            [
                "GB/T 228.1-2021,金属材料 拉伸试验,recommended,current,MNM;NMT",
                "GB/T 1499.2-2018,钢筋混凝土用钢 热轧带肋钢筋,recommended,current,MNM-01",
                "JJG 52-2013,压力表检定规程,verification_regulation,current,AEM-01",
                "GB/T 19001-2016,质量管理体系 要求,recommended,current,",
            ],
        )
    )


def keys(code: str) -> set[str]:
    return {i.key for i in Standard.objects.get(code=code).industries.all()}


def codes(**filters: str) -> list[str]:
    return [s.code for s in search_standards("", **filters)]


def test_import_links_industries(linked):
    assert keys("GB/T 228.1-2021") == {"MNM", "NMT"}
    assert keys("GB/T 19001-2016") == set()


def test_a_group_finds_the_standards_of_its_items_once(linked):
    # MNM is the group; MNM-01 one of its items; GB/T 228.1 is linked to the group itself
    assert codes(industry="MNM") == ["GB/T 1499.2-2018", "GB/T 228.1-2021"]
    assert codes(industry="MNM-01") == ["GB/T 1499.2-2018"]
    assert codes(industry="AEM") == ["JJG 52-2013"]
    assert search_standards("拉伸", industry="AEM").count() == 0
    assert [s.code for s in search_standards("拉伸", industry="MNM")] == ["GB/T 228.1-2021"]


def test_the_column_is_authoritative_when_present_and_ignored_when_absent(linked, tmp_path):
    run_import(
        write(tmp_path, ["GB/T 228.1-2021,金属材料 拉伸试验,recommended,current,"], name="a.csv")
    )
    assert keys("GB/T 228.1-2021") == set()
    run_import(
        write(
            tmp_path,
            ["JJG 52-2013,压力表检定规程,verification_regulation,current"],
            header="code,title_zh,type,status\n",
            name="b.csv",
        )
    )
    assert keys("JJG 52-2013") == {"AEM-01"}


def test_rerun_changes_nothing(linked, tmp_path):
    result = run_import(
        write(tmp_path, ["GB/T 228.1-2021,金属材料 拉伸试验,recommended,current,NMT;MNM"])
    )
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 1)


def test_unknown_industry_key_is_a_row_error_and_nothing_is_written(reference, tmp_path):
    out = StringIO()
    path = write(tmp_path, ["GB/T 1-2020,标题,recommended,current,MNM;XYZ-9"])
    with pytest.raises(CommandError):
        call_command("import", "standards", str(path), "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "industries")]
    assert "XYZ-9" in errors[0]["message"]
    assert not Standard.objects.exists()


def test_api_filters_by_industry(linked, client):
    response = client.get("/api/v1/standards", {"industry": "mnm-01"})
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["GB/T 1499.2-2018"]
    assert client.get("/api/v1/standards", {"industry": "MNM'; --"}).status_code == 422


def test_page_filters_by_industry_and_ics_and_shows_the_links(linked, client):
    page = client.get("/standards/", {"industry": "AEM"}).content.decode()
    assert "JJG 52-2013" in page
    assert "GB/T 228.1-2021" not in page
    page = client.get("/standards/", {"ics": "abc"}).content.decode()
    assert "ICS 分类号只含数字和点" in page
    detail = client.get("/standards/GB/T 228.1-2021/").content.decode()
    assert "?industry=MNM" in detail
