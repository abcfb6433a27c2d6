"""Shared set-up for institutions tests: a small catalogue, institutions and import helpers."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for

STANDARDS_HEADER = (
    "code,title_zh,title_en,type,status,published_on,effective_on,replaces,replaced_by,"
    "ics,ccs,issuer"
)
CATALOGUE = [
    "GB/T 228.1-2010,金属材料 拉伸试验 第1部分：室温试验方法,,recommended,superseded,"
    "2010-12-23,2011-12-01,,,77.040.10,H22,",
    "GB/T 228.1-2021,金属材料 拉伸试验 第1部分：室温试验方法,,recommended,current,"
    "2021-05-21,2021-12-01,GB/T 228.1-2010,,77.040.10,H22,",
    "GB/T 699-2015,优质碳素结构钢,,recommended,current,2015-12-10,2016-11-01,,,77.140.45,H40,",
    "GB/T 3077-2015,合金结构钢,,recommended,current,2015-12-10,2016-11-01,,,77.140.40,H40,",
    "JJG 52-2013,弹性元件式一般压力表、压力真空表和真空表检定规程,,verification_regulation,"
    "current,2013-06-27,2013-12-27,,,,A53,",
]
QUALIFICATIONS_HEADER = "org_uscc,type,number,issuer,valid_from,valid_to,status"
CAPABILITIES_HEADER = (
    "org_uscc,qualification_no,kind,field,object,parameter,standard,range_min,range_max,unit,"
    "uncertainty,restriction,price_cny,turnaround_days"
)


def write_csv(path, header, rows):
    """rows: lists of cells (quoted as needed) or ready-made lines."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    for row in rows:
        if isinstance(row, str):
            buffer.write(row + "\n")
        else:
            writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run_import(kind, path, *extra):
    """(exit code, stdout, stderr) of `qihub import KIND FILE`."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import", kind, str(path), *extra, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def run_json(kind, path):
    code, out, _err = run_import(kind, path, "--json")
    return code, json.loads(out)


@pytest.fixture
def catalogue(db, tmp_path):
    path = write_csv(tmp_path / "standards.csv", STANDARDS_HEADER, CATALOGUE)
    assert run_import("standards", path)[0] == 0


@pytest.fixture
def calibration_lab(reference):
    return OrganisationFactory(
        uscc=uscc_for(9102), name="辽宁省计量科学研究院", kind=Organisation.Kind.METROLOGY_INSTITUTE
    )
