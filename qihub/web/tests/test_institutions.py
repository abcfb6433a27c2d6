"""Institution pages: finding institutions, the public profile with effective statuses and the
capability table, self-service (profile, scope upload, template), and qualification checks."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.core.imports import importer_for, run_import
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.scope import COLUMNS
from qihub.institutions.tests.factories import QualificationFactory
from qihub.reference.models import Region
from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.services import StandardData, upsert_standards
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

LIST_URL = "/institutions/"
VERIFY_URL = "/qualifications/verify/"
CMA_NUMBER = "210601000001"
TITLE = "金属材料 拉伸试验 第1部分：室温试验方法"


def today() -> date:
    return timezone.localdate()


def detail_url(organisation: Organisation) -> str:
    return f"/institutions/{organisation.uscc}/"


def manage_url(organisation: Organisation) -> str:
    return f"/institutions/{organisation.uscc}/manage/"


def upload_url(organisation: Organisation) -> str:
    return f"/institutions/{organisation.uscc}/manage/scope/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def catalogue(reference: None) -> None:
    upsert_standards(
        [
            StandardData(
                code=parse_standard_code("GB/T 228.1-2010"),
                title_zh=TITLE,
                type=Standard.Type.RECOMMENDED,
                status=Standard.Status.SUPERSEDED,
            ),
            StandardData(
                code=parse_standard_code("GB/T 228.1-2021"),
                title_zh=TITLE,
                type=Standard.Type.RECOMMENDED,
                status=Standard.Status.CURRENT,
                replaces=(parse_standard_code("GB/T 228.1-2010"),),
            ),
            StandardData(
                code=parse_standard_code("JJG 52-2013"),
                title_zh="弹性元件式一般压力表、压力真空表和真空表",
                type=Standard.Type.VERIFICATION_REGULATION,
                status=Standard.Status.CURRENT,
            ),
        ],
        by=None,
    )


def qualification(organisation: Organisation, **fields: Any) -> Qualification:
    values: dict[str, Any] = {
        "type": "CMA",
        "number": CMA_NUMBER,
        "valid_from": today() - timedelta(days=400),
        "valid_to": today() + timedelta(days=800),
        "status": Qualification.Status.VALID,
    }
    values.update(fields)
    return QualificationFactory(organisation=organisation, **values)


def scope_row(organisation: Organisation, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        org_uscc=organisation.uscc,
        qualification_no=CMA_NUMBER,
        kind="test",
        field="TF10",
        object="钢筋",
        parameter="抗拉强度",
        standard="GB/T 228.1-2021",
        range_min="0",
        range_max="1000",
        unit="MPa",
        uncertainty="Urel=1.0% (k=2)",
        price_cny="120",
        turnaround_days="3",
    )
    row.update(fields)
    return row


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_lines(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    path = tmp_path / "capabilities.csv"
    path.write_bytes(csv_bytes(rows))
    result = run_import(importer_for("capabilities"), path)
    assert result.ok, result.errors


def capability_rows(html: str) -> list[str]:
    body = html.split('<table class="data-table capability-table">', 1)
    if len(body) < 2:
        return []
    return re.findall(r'<th scope="row">\s*([^<]+)', body[1].split("</table>", 1)[0])


def upload(client: Client, organisation: Organisation, content: bytes, **data: Any) -> Any:
    name = data.pop("name", "scope.csv")
    payload = {"file": SimpleUploadedFile(name, content, "text/csv"), "mode": "merge", **data}
    return client.post(upload_url(organisation), payload)


# --- URLs and navigation -------------------------------------------------------------------------


def test_url_names(lab: Organisation) -> None:
    assert reverse("web:institution-list") == LIST_URL
    assert reverse("web:institution-detail", kwargs={"uscc": lab.uscc}) == detail_url(lab)
    assert reverse("web:institution-manage", kwargs={"uscc": lab.uscc}) == manage_url(lab)
    assert reverse("web:qualification-verify") == VERIFY_URL


def test_navigation_and_organisation_page_lead_to_institutions(
    client: Client, lab: Organisation
) -> None:
    html = client.get(f"/organisations/{lab.uscc}/").content.decode()

    assert f'href="{LIST_URL}"' in html
    assert f'href="{detail_url(lab)}"' in html


# --- finding institutions -------------------------------------------------------------------------


def test_list_shows_institutions_with_their_effective_status(
    client: Client, lab: Organisation
) -> None:
    qualification(lab, valid_to=today() - timedelta(days=1))  # recorded valid, past its date
    OrganisationFactory(uscc=uscc_for(7001), name="大连远澄阀门制造有限公司", kind="enterprise")

    response = client.get(LIST_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert lab.name in html
    assert "大连远澄阀门制造有限公司" not in html  # enterprises are not institutions
    assert "validity-expired" in html and "validity-valid" not in html
    assert inline_code(html) == []


def test_valid_only_uses_dates_not_just_the_recorded_status(
    client: Client, lab: Organisation
) -> None:
    # given: one lab whose CMA is valid, one whose CMA is recorded valid but ended yesterday
    qualification(lab)
    lapsed = OrganisationFactory(uscc=uscc_for(7002), name="沈阳过期检测有限公司")
    qualification(lapsed, number="210601000002", valid_to=today() - timedelta(days=1))

    # when
    everyone = client.get(LIST_URL).content.decode()
    valid = client.get(LIST_URL, {"valid_only": "on"}).content.decode()
    valid_cma = client.get(
        LIST_URL, {"valid_only": "on", "qualification_type": "CMA"}
    ).content.decode()

    # then
    assert lab.name in everyone and lapsed.name in everyone
    assert lab.name in valid and lapsed.name not in valid
    assert lab.name in valid_cma and lapsed.name not in valid_cma


def test_list_filters_by_kind_city_and_text(client: Client, lab: Organisation) -> None:
    dalian = OrganisationFactory(
        uscc=uscc_for(7003, "210200"),
        name="大连计量校准有限公司",
        kind=Organisation.Kind.CALIBRATION_LAB,
        city=Region.objects.get(code="210200"),
    )

    by_kind = client.get(LIST_URL, {"kind": "calibration_lab"}).content.decode()
    by_city = client.get(LIST_URL, {"city": "210200"}).content.decode()
    by_text = client.get(LIST_URL, {"q": "盛京"}).content.decode()

    assert dalian.name in by_kind and lab.name not in by_kind
    assert dalian.name in by_city and lab.name not in by_city
    assert lab.name in by_text and dalian.name not in by_text


def test_htmx_list_request_gets_the_results_fragment(client: Client, lab: Organisation) -> None:
    response = client.get(LIST_URL, {"q": "盛京"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="institution-results"')
    assert "<html" not in html
    assert lab.name in html


def test_bad_filter_values_are_ignored_not_fatal(client: Client, lab: Organisation) -> None:
    response = client.get(LIST_URL, {"kind": "spaceship", "qualification_type": "X", "q": "盛京"})

    assert response.status_code == 200
    assert lab.name in response.content.decode()


# --- the public profile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "badge", "label"),
    [
        ({}, "validity-valid", "有效"),
        ({"valid_to": "yesterday"}, "validity-expired", "已过期"),
        ({"valid_to": "today"}, "validity-expiring", "0 天后到期"),
        ({"valid_to": "in 30 days"}, "validity-expiring", "30 天后到期"),
        ({"status": "suspended", "status_reason": "整改期间暂停"}, "validity-suspended", "暂停"),
        ({"status": "revoked"}, "validity-revoked", "已撤销"),
        ({"status": "expired"}, "validity-expired", "已过期"),
        ({"valid_from": "tomorrow"}, "validity-not_yet_valid", "尚未生效"),
    ],
)
def test_profile_badge_comes_from_the_effective_status(
    client: Client, lab: Organisation, fields: dict[str, str], badge: str, label: str
) -> None:
    days = {"yesterday": -1, "today": 0, "tomorrow": 1, "in 30 days": 30}
    values: dict[str, Any] = {
        name: today() + timedelta(days=days[value]) if value in days else value
        for name, value in fields.items()
    }
    qualification(lab, **values)

    html = client.get(detail_url(lab)).content.decode()

    section = html.split('id="qualifications-title"', 1)[1].split("</section>", 1)[0]
    assert f'class="validity-badge {badge}"' in section
    assert label in section
    if badge != "validity-valid":
        assert "validity-valid" not in section  # never shown as valid


def test_profile_shows_contact_map_and_kinds_but_no_person(
    client: Client, lab: Organisation, lab_admin: User, tmp_path: Path, catalogue: None
) -> None:
    lab.phone = "024-88886666"
    lab.website = "https://lab.example.cn"
    lab.save()
    qualification(lab)
    import_lines(tmp_path, [scope_row(lab)])

    response = client.get(detail_url(lab))
    html = response.content.decode()

    assert response.status_code == 200
    assert "024-88886666" in html and "https://lab.example.cn" in html
    assert 'data-map-config="pin-map-data"' in html and 'id="pin-map-data"' in html
    assert "检验检测" in html  # the kind of its capability lines
    assert lab_admin.username not in html and lab_admin.email not in html
    assert "管理本机构信息" not in html  # only for its administrators
    assert inline_code(html) == []


def test_non_canonical_uscc_redirects_and_unknown_is_404(client: Client, lab: Organisation) -> None:
    response = client.get(f"/institutions/{lab.uscc.lower()}/", {"kind": "test"})

    assert response.status_code == 301
    assert response["Location"] == f"{detail_url(lab)}?kind=test"
    assert client.get("/institutions/not-a-code/").status_code == 404
    assert client.get(f"/institutions/{uscc_for(8888)}/").status_code == 404


def test_enterprise_has_no_institution_profile(client: Client, enterprise: Organisation) -> None:
    assert client.get(detail_url(enterprise)).status_code == 404


def test_capability_table_pages_in_the_database(
    client: Client, lab: Organisation, tmp_path: Path, catalogue: None
) -> None:
    qualification(lab)
    import_lines(
        tmp_path, [scope_row(lab, object=f"钢筋{i:02d}", parameter="抗拉强度") for i in range(30)]
    )

    first = client.get(detail_url(lab)).content.decode()
    second = client.get(detail_url(lab), {"page": "2"}).content.decode()

    assert len(capability_rows(first)) == 25
    assert len(capability_rows(second)) == 5
    assert "30 项能力符合条件" in first
    assert 'href="/institutions/' in second and "page=1" in second


def test_capability_table_filters(
    client: Client, lab: Organisation, tmp_path: Path, catalogue: None
) -> None:
    # given: a test line, a calibration line, and a line on the superseded edition
    qualification(lab)
    qualification(lab, type="CNAS-L", number="CNAS L1234")
    import_lines(
        tmp_path,
        [
            scope_row(lab),
            scope_row(lab, object="型钢", parameter="屈服强度", standard="GB/T 228.1-2010"),
            scope_row(
                lab,
                qualification_no="CNAS L1234",
                kind="calibration",
                field="CQ0303",
                object="压力表",
                parameter="示值误差",
                standard="JJG 52-2013",
                range_max="60",
                uncertainty="U=0.05%FS (k=2)",
            ),
        ],
    )

    def objects(**query: str) -> set[str]:
        html = client.get(detail_url(lab), query).content.decode()
        return {row.strip() for row in capability_rows(html)}

    # then
    assert objects() == {"型钢", "压力表", "钢筋"}
    assert objects(kind="calibration") == {"压力表"}
    assert objects(field="CQ03") == {"压力表"}  # a discipline includes its sub-groups
    assert objects(q="抗拉强度") == {"钢筋"}
    assert objects(standard="gb/t228.1—2021") == {"钢筋"}  # any spelling of the code
    assert objects(standard="GB/T 228.1") == {"型钢", "钢筋"}  # no year: every edition
    assert objects(flagged="on") == {"型钢"}


def test_flagged_lines_explain_why(
    client: Client, lab: Organisation, tmp_path: Path, catalogue: None
) -> None:
    qualification(lab)
    import_lines(
        tmp_path,
        [
            scope_row(lab, object="型钢", standard="GB/T 228.1-2010"),
            scope_row(lab, object="钢板", standard="GB/T 99999-2020"),
            scope_row(lab, object="钢管", field="理化检验", uncertainty="见证书附件"),
        ],
    )

    html = client.get(detail_url(lab), {"flagged": "on"}).content.decode()

    assert "标准 GB/T 228.1-2010 已被 GB/T 228.1-2021 代替" in html
    assert "标准号 GB/T 99999-2020 未收录于平台标准目录" in html
    assert "领域“理化检验”不在" in html
    assert "不确定度/准确度“见证书附件”无法识别" in html
    assert html.count('class="is-flagged"') == 3


def test_lines_under_a_lapsed_qualification_say_so(
    client: Client, lab: Organisation, tmp_path: Path, catalogue: None
) -> None:
    held = qualification(lab)
    import_lines(tmp_path, [scope_row(lab)])
    Qualification.objects.filter(pk=held.pk).update(valid_to=today() - timedelta(days=3))

    html = client.get(detail_url(lab)).content.decode()
    table = html.split("capability-table", 1)[1]

    assert "validity-expired" in table and "validity-valid" not in table


def test_htmx_table_request_gets_the_table_fragment(
    client: Client, lab: Organisation, tmp_path: Path, catalogue: None
) -> None:
    qualification(lab)
    import_lines(tmp_path, [scope_row(lab)])

    response = client.get(detail_url(lab), {"kind": "test"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert html.lstrip().startswith('<div id="capability-results"')
    assert "<html" not in html and "钢筋" in html


# --- self-service --------------------------------------------------------------------------------


def test_manage_page_needs_the_institutions_administrator(
    lab: Organisation,
    lab_admin: User,
    enterprise_user: User,
    cb_reviewer: User,
    platform_admin: User,
) -> None:
    anonymous = Client().get(manage_url(lab))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/?next=")

    assert client_for(enterprise_user).get(manage_url(lab)).status_code == 403
    assert client_for(cb_reviewer).get(manage_url(lab)).status_code == 403
    assert client_for(lab_admin).get(manage_url(lab)).status_code == 200
    assert client_for(platform_admin).get(manage_url(lab)).status_code == 200


def test_manage_page_shows_what_expires_and_what_needs_attention(
    lab: Organisation, lab_admin: User, tmp_path: Path, catalogue: None
) -> None:
    qualification(lab)
    qualification(lab, type="CNAS-L", number="CNAS L1234", valid_to=today() + timedelta(days=45))
    import_lines(
        tmp_path, [scope_row(lab), scope_row(lab, object="型钢", standard="GB/T 228.1-2010")]
    )

    html = client_for(lab_admin).get(manage_url(lab)).content.decode()

    expiring = html.split('id="expiring-title"', 1)[1].split("</section>", 1)[0]
    assert "CNAS L1234" in expiring and "还有 45 天" in expiring
    assert CMA_NUMBER not in expiring
    flagged = html.split('id="flagged-title"', 1)[1].split("</section>", 1)[0]
    assert "型钢" in flagged and "已被 GB/T 228.1-2021 代替" in flagged
    assert "钢筋" not in flagged
    assert "csrfmiddlewaretoken" in html
    assert inline_code(html) == []


def test_upload_with_bad_rows_shows_errors_and_writes_nothing(
    lab: Organisation, lab_admin: User, catalogue: None
) -> None:
    # given: one good row and two structurally wrong ones
    qualification(lab)
    content = csv_bytes(
        [
            scope_row(lab),
            scope_row(lab, object="型钢", kind="spaceship"),
            scope_row(lab, object="钢板", range_min="900", range_max="100"),
        ]
    )

    # when
    response = upload(client_for(lab_admin), lab, content)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "没有写入任何数据" in html
    errors = html.split('class="data-table row-errors"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'<td class="num">3</td>\s*<td><code>kind</code></td>', errors)
    assert re.search(r'<td class="num">4</td>\s*<td><code>range_max</code></td>', errors)
    assert not CapabilityLine.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="institutions.capabilit").exists()


def test_upload_of_a_good_file_writes_and_shows_counts(
    lab: Organisation, lab_admin: User, catalogue: None
) -> None:
    qualification(lab)
    content = csv_bytes([scope_row(lab), scope_row(lab, object="型钢")])

    response = upload(client_for(lab_admin), lab, content)

    html = response.content.decode()
    assert response.status_code == 200
    assert "导入完成：共 2 行，新增 2 项" in html
    assert CapabilityLine.objects.filter(organisation=lab).count() == 2
    assert AuditEntry.objects.filter(
        action="institutions.capabilities_added", actor__username=lab_admin.username
    ).exists()


def test_upload_of_an_xlsx_file(lab: Organisation, lab_admin: User, catalogue: None) -> None:
    from openpyxl import Workbook

    qualification(lab)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    row = scope_row(lab)
    sheet.append(list(COLUMNS))
    sheet.append([row[c] for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client_for(lab_admin), lab, buffer.getvalue(), name="scope.xlsx")

    assert response.status_code == 200
    assert CapabilityLine.objects.filter(organisation=lab).count() == 1


def test_check_only_writes_nothing(lab: Organisation, lab_admin: User, catalogue: None) -> None:
    qualification(lab)

    response = upload(client_for(lab_admin), lab, csv_bytes([scope_row(lab)]), check_only="on")

    assert response.status_code == 200
    assert "检查通过" in response.content.decode()
    assert not CapabilityLine.objects.exists()


def test_replace_removes_lines_missing_from_the_file(
    lab: Organisation, lab_admin: User, tmp_path: Path, catalogue: None
) -> None:
    # given
    held = qualification(lab)
    import_lines(tmp_path, [scope_row(lab), scope_row(lab, object="型钢")])

    # when
    response = upload(
        client_for(lab_admin),
        lab,
        csv_bytes([scope_row(lab)]),
        mode="replace",
        qualification=str(held.pk),
    )

    # then
    assert response.status_code == 200
    assert "删除文件中没有的 1 项" in response.content.decode()
    assert list(CapabilityLine.objects.values_list("object", flat=True)) == ["钢筋"]


def test_replace_needs_a_qualification(lab: Organisation, lab_admin: User, catalogue: None) -> None:
    qualification(lab)

    response = upload(client_for(lab_admin), lab, csv_bytes([scope_row(lab)]), mode="replace")

    assert response.status_code == 400
    assert "替换时请选择资质" in response.content.decode()
    assert not CapabilityLine.objects.exists()


def test_rows_of_another_institution_are_refused(
    lab: Organisation, lab_admin: User, catalogue: None
) -> None:
    other = OrganisationFactory(uscc=uscc_for(7004), name="沈阳另一检测有限公司")
    qualification(lab)
    qualification(other, number="210601000009")

    response = upload(
        client_for(lab_admin),
        lab,
        csv_bytes([scope_row(other, qualification_no="210601000009")]),
    )

    assert response.status_code == 400
    assert "只能导入本机构" in response.content.decode()
    assert not CapabilityLine.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scope.txt", b"org_uscc\n", "只接受 .csv 或 .xlsx 文件"),
        ("scope.csv", b"object,parameter\n\xe9\x92\xa2\xe7\xad\x8b,x\n", "missing column"),
        ("scope.csv", b"\xff\xfe\x00bad", "文件无法读取"),
    ],
)
def test_unreadable_files_are_refused(
    lab: Organisation, lab_admin: User, catalogue: None, name: str, content: bytes, message: str
) -> None:
    qualification(lab)

    response = upload(client_for(lab_admin), lab, content, name=name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CapabilityLine.objects.exists()


def test_oversized_file_is_refused(
    lab: Organisation, lab_admin: User, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qihub.web.forms.uploads.MAX_UPLOAD_BYTES", 10)
    qualification(lab)

    response = upload(client_for(lab_admin), lab, csv_bytes([scope_row(lab)]))

    assert response.status_code == 400
    assert "文件超过 20 MB" in response.content.decode()
    assert not CapabilityLine.objects.exists()


def test_non_admin_cannot_upload(lab: Organisation, enterprise_user: User, catalogue: None) -> None:
    qualification(lab)

    response = upload(client_for(enterprise_user), lab, csv_bytes([scope_row(lab)]))

    assert response.status_code == 403
    assert not CapabilityLine.objects.exists()


def test_posts_need_a_csrf_token(lab: Organisation, lab_admin: User, catalogue: None) -> None:
    qualification(lab)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lab_admin)

    uploaded = upload(client, lab, csv_bytes([scope_row(lab)]))
    profile = client.post(f"{manage_url(lab)}profile/", {"phone": "024-1"})

    assert uploaded.status_code == 403 and profile.status_code == 403
    assert not CapabilityLine.objects.exists()
    lab.refresh_from_db()
    assert lab.phone != "024-1"


def test_uploads_are_throttled(
    lab: Organisation, lab_admin: User, catalogue: None, settings: Any
) -> None:
    settings.QIHUB_THROTTLE_UPLOAD = "1/m"
    qualification(lab)
    client = client_for(lab_admin)

    first = upload(client, lab, csv_bytes([scope_row(lab)]), check_only="on")
    second = upload(client, lab, csv_bytes([scope_row(lab)]))

    assert first.status_code == 200
    assert second.status_code == 429 and second["Retry-After"]
    assert not CapabilityLine.objects.exists()


def test_admin_edits_the_profile(lab: Organisation, lab_admin: User) -> None:
    response = client_for(lab_admin).post(
        f"{manage_url(lab)}profile/",
        {
            "phone": "024-23456789",
            "website": "https://shengjing.example.cn",
            "address": lab.address,
        },
    )

    assert response.status_code == 302
    lab.refresh_from_db()
    assert lab.phone == "024-23456789" and lab.website == "https://shengjing.example.cn"
    entry = AuditEntry.objects.get(action="accounts.organisation_profile_updated")
    assert entry.actor == lab_admin


def test_bad_profile_values_are_refused(lab: Organisation, lab_admin: User) -> None:
    response = client_for(lab_admin).post(
        f"{manage_url(lab)}profile/", {"website": "not a url", "longitude": "500"}
    )

    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode()
    lab.refresh_from_db()
    assert lab.website == "" and lab.longitude is None
    assert not AuditEntry.objects.filter(action="accounts.organisation_profile_updated").exists()


def test_non_admin_cannot_edit_the_profile(lab: Organisation, enterprise_user: User) -> None:
    response = client_for(enterprise_user).post(f"{manage_url(lab)}profile/", {"phone": "1"})

    assert response.status_code == 403
    lab.refresh_from_db()
    assert lab.phone != "1"


def test_template_download_has_the_import_header(
    lab: Organisation, lab_admin: User, enterprise_user: User
) -> None:
    url = f"{manage_url(lab)}scope-template.csv"

    response = client_for(lab_admin).get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert client_for(enterprise_user).get(url).status_code == 403


# --- checking a qualification number --------------------------------------------------------


def test_verify_finds_a_messy_number(client: Client, lab: Organisation) -> None:
    qualification(lab)

    response = client.get(VERIFY_URL, {"number": "ＣＭＡ 2106 0100 0001"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "已找到该证书" in html and lab.name in html
    assert 'class="validity-badge validity-valid"' in html
    assert (today() + timedelta(days=800)).isoformat() in html
    assert inline_code(html) == []


def test_verify_says_expired_by_date(client: Client, lab: Organisation) -> None:
    qualification(lab, valid_to=today() - timedelta(days=2))

    html = client.get(VERIFY_URL, {"number": CMA_NUMBER}).content.decode()

    assert "validity-expired" in html and "validity-valid" not in html
    assert "已过期" in html


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("210601009999", "平台未收录证书编号"),
        ("12345", "不是有效的证书编号"),
    ],
)
def test_verify_explains_what_was_not_found(
    client: Client, lab: Organisation, number: str, message: str
) -> None:
    qualification(lab)

    html = client.get(VERIFY_URL, {"number": number}).content.decode()

    assert "未找到该证书" in html and message in html
    assert lab.name not in html


def test_verify_without_a_number_shows_the_form(client: Client) -> None:
    html = client.get(VERIFY_URL).content.decode()

    assert 'name="number"' in html and "未找到" not in html
