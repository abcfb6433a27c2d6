"""Bulk verification: exact by USCC, loose by name key, none; bad rows and bad files reported;
a result CSV; nothing stored."""

from __future__ import annotations

import csv
import io

import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.certification.bulk_verify import (
    MAX_ROWS,
    BulkVerifyInvalid,
    name_key,
    place_free_key,
    result_csv,
    verify_file,
    verify_list,
)
from qihub.certification.models import Certificate
from qihub.certification.tests.factories import CertificateFactory


@pytest.fixture
def holder(approved_cb) -> Organisation:
    organisation = OrganisationFactory(
        uscc=uscc_for(8101, "210200"),
        name="大连海通阀门有限公司",
        kind=Organisation.Kind.ENTERPRISE,
    )
    CertificateFactory(cb=approved_cb, holder=organisation, number="N1")
    CertificateFactory(cb=approved_cb, holder=organisation, number="N2", cert_type="MS-EMS")
    return organisation


def test_name_key_drops_legal_form_spacing_and_places(reference) -> None:
    assert (
        name_key("大连 海通阀门 有限责任公司") == name_key("大连海通阀门有限公司") == "大连海通阀门"
    )
    assert name_key("ＡＢＣ（大连）股份有限公司") == "ABC大连"
    assert place_free_key(name_key("海通阀门（大连）有限公司")) == "海通阀门"
    assert place_free_key("大连海通阀门") == "海通阀门"


def test_exact_loose_and_none(holder) -> None:
    data = (
        "name,uscc\n"
        f"随便写的名字,{holder.uscc}\n"
        "大连海通阀门有限责任公司,\n"
        "海通阀门（大连）有限公司,\n"
        "沈阳从未认证有限公司,\n"
    ).encode()
    result = verify_file(data)
    assert [r.match for r in result.results] == ["exact", "loose", "loose", "none"]
    assert [c.number for c in result.results[0].certificates] == ["N1", "N2"] or {
        c.number for c in result.results[0].certificates
    } == {"N1", "N2"}
    assert result.counts == {"exact": 1, "loose": 2, "none": 1}
    assert not result.bad_rows


def test_bad_rows_are_reported_and_others_answered(holder) -> None:
    data = (
        "\ufeff统一社会信用代码,名称\n"
        "91210000XXXXXXXXXX,\n"
        ",\n"
        f"{holder.uscc},\n"
        "91210000XXXXXXXXXX,大连海通阀门有限公司\n"
    ).encode()
    result = verify_file(data)
    assert [bad.line for bad in result.bad_rows] == [2]
    assert [r.match for r in result.results] == ["exact", "loose"]
    assert "无效" in result.results[1].notes[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("名称,uscc\n".encode("gbk") + "大连".encode("gbk"), "UTF-8"),
        (b"", "\u6587\u4ef6\u4e3a\u7a7a"),
        (b"company,code\nA,B\n", "name"),
        (b"name\n" + b"x\n" * (MAX_ROWS + 1), "5000"),
        (b"name\n" + b"x" * (2 * 1024 * 1024), "2 MB"),
    ],
)
def test_unusable_files(reference, data: bytes, message: str) -> None:
    with pytest.raises(BulkVerifyInvalid, match=message):
        verify_file(data)


def test_result_csv_and_nothing_stored(holder) -> None:
    before = Certificate.objects.count()
    result = verify_list([{"name": "=cmd()", "uscc": ""}, {"uscc": holder.uscc}, {}])
    text = result_csv(result)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["line", "input_name", "input_uscc", "match"]
    assert rows[1][1] == "'=cmd()" and rows[1][3] == "none"
    assert {row[6] for row in rows if row[3] == "exact"} == {"N1", "N2"}
    assert rows[-1][3] == "error"
    assert Certificate.objects.count() == before


def test_api_list_limit(reference) -> None:
    with pytest.raises(BulkVerifyInvalid):
        verify_list([{"name": "x"}] * 1001)
