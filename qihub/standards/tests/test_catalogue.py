"""The catalogue through its import, lookup API and command line."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import AuditEntry
from qihub.standards.models import Standard

HEADER = (
    "code,title_zh,title_en,type,status,published_on,effective_on,replaces,replaced_by,"
    "ics,ccs,issuer\n"
)
SEED = Path(__file__).resolve().parents[1] / "data" / "standards.csv"

CHAIN = [
    "GB/T 228-2002,金属材料 室温拉伸试验方法,,recommended,superseded,2002-03-10,2002-07-01,,"
    "GB/T 228.1-2010,,,",
    "GB/T 228.1-2010,金属材料 拉伸试验 第1部分：室温试验方法,,recommended,current,"
    "2010-12-23,2011-12-01,GB/T 228-2002,,77.040.10,H22,",
    "GB/T 228.1-2021,金属材料 拉伸试验 第1部分：室温试验方法,Metallic materials—Tensile "
    "testing—Part 1,recommended,current,2021-05-21,2021-12-01,GB/T 228.1-2010,,77.040.10,H22,"
    "国家市场监督管理总局",
]


def write(tmp_path, lines, name="standards.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def chain(db, tmp_path):
    run("import", "standards", str(write(tmp_path, CHAIN)))


def test_import_links_both_directions_and_supersedes_the_old_edition(chain):
    newest = Standard.objects.get(code="GB/T 228.1-2021")
    middle = Standard.objects.get(code="GB/T 228.1-2010")
    oldest = Standard.objects.get(code="GB/T 228-2002")
    assert list(newest.replaces.all()) == [middle]
    assert list(middle.replaced_by.all()) == [newest]
    assert list(oldest.replaced_by.all()) == [middle]
    # the file said 2010 was current, but 2021 replaces it and is current: 2010 is superseded
    assert middle.status == Standard.Status.SUPERSEDED


def test_rerun_changes_nothing(chain, tmp_path):
    audit = AuditEntry.objects.count()
    out = run("import", "standards", str(write(tmp_path, CHAIN, "again.csv")))
    assert "no changes" in out
    assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize(
    "typed", ["GB／T228.1—2021", "gbt 228.1", "GB/T 228.1-2010", "GB/T 228-2002", "GB/T 228.1"]
)
def test_cli_lookup_finds_the_edition_in_force(chain, typed):
    answer = json.loads(run("standards", "lookup", typed, "--json"))
    assert answer["current"] == "GB/T 228.1-2021"
    assert [v["code"] for v in answer["versions"]] == [
        "GB/T 228-2002",
        "GB/T 228.1-2010",
        "GB/T 228.1-2021",
    ]


def test_cli_lookup_of_an_old_edition_answers_with_it_and_its_successor(chain):
    answer = json.loads(run("standards", "lookup", "GB/T 228-2002", "--json"))
    assert answer["code"] == "GB/T 228-2002"
    assert answer["status"] == "superseded"
    assert answer["current"] == "GB/T 228.1-2021"


def test_cli_lookup_unknown_exits_1(chain):
    with pytest.raises(CommandError) as error:
        run("standards", "lookup", "GB/T 99999-2020", "--json")
    assert error.value.returncode == 1


def test_withdrawn_without_successor_has_no_current(db, tmp_path):
    run(
        "import",
        "standards",
        str(
            write(
                tmp_path,
                [
                    "JJG 1-1999,旧规程,,verification_regulation,withdrawn,,,,,,,",
                ],
            )
        ),
    )
    answer = json.loads(run("standards", "lookup", "jjg1-1999", "--json"))
    assert answer["current"] is None


def test_api_lookup(chain, client):
    body = client.get("/api/v1/standards/lookup", {"code": "GBT 228.1—2021"}).json()
    assert body["code"] == "GB/T 228.1-2021"
    assert body["status"] == "current"
    assert body["current"] == "GB/T 228.1-2021"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("GB/T 99999-2020", "standard_not_found"),
        ("拉伸试验", "invalid_standard_code"),
    ],
)
def test_api_lookup_errors_are_problem_json(chain, client, code, problem):
    response = client.get("/api/v1/standards/lookup", {"code": code})
    assert response.status_code in {400, 404}
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == problem


def test_api_search_by_title_and_filters(chain, client):
    body = client.get("/api/v1/standards", {"q": "拉伸", "status": "current"}).json()
    assert [item["code"] for item in body["items"]] == ["GB/T 228.1-2021"]


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("GB/T 1-2020,,,recommended,current,,,,,,,", "title_zh"),
        ("GB/T 1-2020,标题,,bogus,current,,,,,,,", "type"),
        ("GB/T 1-2020,标题,,recommended,alive,,,,,,,", "status"),
        ("GB/T 1-2020,标题,,recommended,current,2020-13-01,,,,,,", "published_on"),
        ("GB/T 1-2020,标题,,recommended,current,2020-05-01,2020-04-01,,,,,", "effective_on"),
        ("拉伸试验,标题,,recommended,current,,,,,,,", "code"),
        ("GB/T 1,标题,,recommended,current,,,,,,,", "code"),
        ("GB/T 1-2020,标题,,recommended,current,,,GB/T 1,,,,", "replaces"),
        ("GB/T 1-2020,标题,,recommended,current,,,GB/T 1-2020,,,,", "replaces"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(db, tmp_path, line, column):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "standards", str(write(tmp_path, [line])), "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    assert {e["column"] for e in errors} == {column}
    assert errors[0]["row"] == 2
    assert not Standard.objects.exists()


def test_the_shipped_catalogue_imports_cleanly(reference):
    result = json.loads(run("import", "standards", str(SEED), "--json"))
    assert result["ok"], result["errors"][:5]
    assert Standard.objects.filter(code="GB/T 228.1-2021").exists()
    answer = json.loads(run("standards", "lookup", "JJG52-2013", "--json"))
    assert answer["code"] == "JJG 52-2013"
    # the shipped file carries industry links and the dates the sources gave
    tensile = Standard.objects.get(code="GB/T 228.1-2021")
    assert {i.key for i in tensile.industries.all()} == {"MNM", "NMT"}
    assert str(tensile.published_on) == "2021-12-31"
    assert str(tensile.effective_on) == "2022-07-01"
