"""``qihub import orgs``: all-or-nothing, row-level errors, idempotent re-runs, CSV and XLSX."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from qihub.accounts.models import AuditEntry, Organisation
from qihub.accounts.tests.factories import uscc_for

HEADER = "uscc,name,kind,city_code,address\n"


def org_rows(count=3):
    return [
        (
            uscc_for(100 + i, "210102"),
            f"沈阳和平第{i}检测有限公司",
            "testing_lab",
            "210102",
            f"沈阳市和平区南京南街{i}号",
        )
        for i in range(count)
    ]


def write_csv(path, rows, header=HEADER):
    path.write_text(header + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("reference")
def test_one_bad_uscc_rejects_the_whole_file(tmp_path):
    # given three good rows and one with a wrong check character
    rows = org_rows(4)
    bad = rows[2][0][:-1] + ("0" if rows[2][0][-1] != "0" else "1")
    rows[2] = (bad, *rows[2][1:])
    path = write_csv(tmp_path / "orgs.csv", rows)
    # when
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", "orgs", str(path), stdout=StringIO(), stderr=err)
    # then nothing was written and the row is named with the reason
    assert error.value.returncode == 1
    assert Organisation.objects.count() == 0
    assert "row 4, column uscc: 校验码错误" in err.getvalue()


@pytest.mark.usefixtures("reference")
def test_fixed_file_imports_then_rerun_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "orgs.csv", org_rows(4))
    out, _ = run("orgs", str(path))
    assert "4 created" in out
    assert Organisation.objects.count() == 4
    audit_count = AuditEntry.objects.count()

    out, _ = run("orgs", str(path))

    assert "no changes" in out
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.usefixtures("reference")
def test_update_is_counted_and_audited_with_before_and_after(tmp_path):
    rows = org_rows(2)
    run("orgs", str(write_csv(tmp_path / "a.csv", rows)))
    rows[1] = (rows[1][0], "沈阳和平新名称检测有限公司", *rows[1][2:])

    out, _ = run("orgs", str(write_csv(tmp_path / "b.csv", rows)), "--json")

    result = json.loads(out)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    entry = AuditEntry.objects.filter(action="accounts.organisation_updated").get()
    assert entry.before["name"] == "沈阳和平第1检测有限公司"
    assert entry.after["name"] == "沈阳和平新名称检测有限公司"
    assert entry.client_address == "cli"


@pytest.mark.usefixtures("reference")
def test_every_problem_in_every_row_is_reported(tmp_path):
    rows = [
        (uscc_for(1), "", "laboratory", "999999", ""),
        (uscc_for(2), "好机构", "enterprise", "210000", ""),  # province code is not a city
        (uscc_for(3), "沈阳好企业有限公司", "enterprise", "210100", ""),
        (uscc_for(3), "重复", "enterprise", "210100", ""),
    ]
    path = write_csv(tmp_path / "orgs.csv", rows)

    out, _ = StringIO(), None
    with pytest.raises(CommandError):
        call_command("import", "orgs", str(path), "--json", stdout=out)

    errors = {(e["row"], e["column"]) for e in json.loads(out.getvalue())["errors"]}
    assert errors == {(2, "name"), (2, "kind"), (2, "city_code"), (3, "city_code"), (5, "uscc")}


@pytest.mark.usefixtures("reference")
def test_messy_input_is_normalised(tmp_path):
    code = uscc_for(7, "210202")
    messy = " ".join([code[:6].lower(), code[6:]])
    path = write_csv(
        tmp_path / "orgs.csv", [(messy, "大连　中山 检测有限公司", "testing_lab", "210202", "")]
    )
    run("orgs", str(path))
    organisation = Organisation.objects.get()
    assert organisation.uscc == code
    assert organisation.name == "大连 中山 检测有限公司"
    assert organisation.city.code == "210200"
    assert organisation.county.code == "210202"
    assert organisation.name_initials == "dlzsjcyxgs"


@pytest.mark.usefixtures("reference")
def test_dry_run_validates_without_writing(tmp_path):
    out, _ = run("orgs", str(write_csv(tmp_path / "orgs.csv", org_rows(3))), "--dry-run")
    assert "3 rows valid" in out
    assert Organisation.objects.count() == 0


@pytest.mark.usefixtures("reference")
def test_xlsx_with_the_same_columns(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["uscc", "name", "kind", "city_code", "address"])
    for row in org_rows(2):
        sheet.append([*row[:3], int(row[3]), row[4]])  # Excel turns codes into numbers
    path = tmp_path / "orgs.xlsx"
    workbook.save(path)

    out, _ = run("orgs", str(path))

    assert "2 created" in out


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("uscc,name\n1,2\n", r"missing column\(s\) kind, city_code"),
    ],
)
def test_unreadable_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "orgs.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("orgs", str(path))


@pytest.mark.usefixtures("reference")
def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes((HEADER + f"{uscc_for(1)},沈阳检测,testing_lab,210100,\n").encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("orgs", str(path))


@pytest.mark.usefixtures("reference")
def test_unknown_kind_and_type_are_refused(tmp_path):
    with pytest.raises(CommandError, match="unknown import kind 'widgets'"):
        run("widgets", str(write_csv(tmp_path / "x.csv", [])))
    other = tmp_path / "orgs.txt"
    other.write_text(HEADER, encoding="utf-8")
    with pytest.raises(CommandError, match="unsupported file type"):
        run("orgs", str(other))
