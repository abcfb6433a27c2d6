"""``qihub search``: text and JSON output, no results, bad arguments."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.matching.tests.test_engine import STEEL, institution, line


@pytest.fixture
def gauges(reference):
    _org, qualification = institution("沈阳市计量测试所", type="METROLOGY-AUTH")
    line(qualification, "压力表", "示值误差", kind="verification", low=0, high=60, unit="MPa",
         uncertainty="U=0.05%FS (k=2)")  # fmt: skip
    _org, cma = institution("沈阳钢筋检测")
    line(cma, "钢筋", STEEL, low=0, high=2000, unit="MPa")


def run(*args):
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_text_output_shows_what_was_understood_and_the_ranked_institutions(gauges):
    out = run("压力表检定 0-60MPa 沈阳")
    assert "理解为：类型：检定" in out
    assert "量程：0~60 MPa" in out
    assert "1. 沈阳市计量测试所" in out
    assert "量程覆盖" in out


def test_json_output_has_understood_and_results(gauges):
    data = json.loads(run("压力表", "--kind", "verification", "--range-min", "0",
                          "--range-max", "40", "--unit", "MPa", "--json"))  # fmt: skip
    assert data["understood"]["kind"] == "verification"
    assert data["understood"]["range"]["max"] == 40
    assert [r["name"] for r in data["results"]] == ["沈阳市计量测试所"]
    assert data["results"][0]["capabilities"][0]["object"] == "压力表"


def test_structured_filters_override_the_text(gauges):
    data = json.loads(run("压力表检定", "--city", "210200", "--max-uncertainty", "1.6级",
                          "--json"))  # fmt: skip
    assert data["understood"]["place"]["code"] == "210200"
    assert data["results"][0]["distance"] == "province"  # 沈阳 does not border 大连


def test_no_results_and_unreadable_input_still_exit_0_with_a_message(gauges):
    out = run("火箭发动机推力测试")
    assert "没有找到符合条件的机构" in out
    data = json.loads(run("压力表", "--city", "999999", "--json"))
    assert any("999999" in p for p in data["understood"]["problems"])
    assert data["results"]  # what could be understood is still searched


@pytest.mark.parametrize(
    "args",
    [["压力表", "--limit", "0"], ["压力表", "--limit", "1000"], ["压力表", "--range-min", "abc"]],
)
def test_bad_arguments_fail_with_exit_code_2(gauges, args):
    with pytest.raises(CommandError) as error:
        call_command("search", *args, stdout=StringIO())
    assert error.value.returncode == 2


def test_an_unknown_kind_is_a_usage_error_with_exit_code_2():
    done = subprocess.run(
        [sys.executable, "-m", "django", "search", "压力表", "--kind", "bogus"],
        capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "qihub.settings"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--kind" in done.stderr
