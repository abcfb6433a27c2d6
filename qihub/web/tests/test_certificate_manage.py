"""A certification body's desk (/certificates/manage/): who may open it, the data freshness, the
certificates upload (rows checked first, all or nothing, check only, throttled), the template,
the filtered list; and the status change on a certificate's page."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conftest import client_for
from qihub.accounts.models import AuditEntry, Membership, Organisation, User
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.certification.models import (
    Certificate,
    CertificateStatusChange,
    CertificationBodyFeed,
)
from qihub.certification.records import COLUMNS
from qihub.certification.services import change_certificate_status
from qihub.certification.tests.conftest import HEADER, row, run_import
from qihub.certification.tests.factories import CertificateFactory
from qihub.core.imports import importer_for
from qihub.core.imports import run_import as run_importer
from qihub.reference.models import Region
from qihub.web.tests.html import inline_code

DESK = "/certificates/manage/"
UPLOAD = "/certificates/manage/upload/"
TEMPLATE = "/certificates/manage/template.csv"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def desk_url(body: Organisation, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"cb": body.uscc, **params}.items())
    return f"{DESK}?{query}"


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert inline_code(text) == []
    return text


def csv_bytes(rows: list[list[str]], header: str = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(client: Client, body: Organisation, content: bytes, **data: Any) -> Any:
    name = data.pop("name", "certificates.csv")
    payload = {"file": SimpleUploadedFile(name, content, "text/csv"), **data}
    return client.post(f"{UPLOAD}?cb={body.uscc}", payload)


def numbers_listed(text: str) -> list[str]:
    table = text.split('<table class="data-table desk-certificates">', 1)
    if len(table) < 2:
        return []
    body = table[1].split("</table>", 1)[0]
    return [
        part.split("</a>", 1)[0].rsplit(">", 1)[-1]
        for part in body.split('<th scope="row" class="qualification-number">')[1:]
    ]


def certificate_of(body: Organisation, number: str, **fields: Any) -> Certificate:
    return CertificateFactory(cb=body, number=number, **fields)


# --- who may open the desk ------------------------------------------------------------------------


def test_url_names() -> None:
    assert reverse("web:certificate-manage") == DESK
    assert reverse("web:certificate-manage-upload") == UPLOAD
    assert reverse("web:certificate-manage-template") == TEMPLATE


def test_anonymous_visitors_are_sent_to_log_in(approved_cb: Organisation) -> None:
    certificate = certificate_of(approved_cb, "A-1")
    client = Client()

    responses = [
        client.get(desk_url(approved_cb)),
        upload(client, approved_cb, csv_bytes([row(approved_cb)])),
        client.get(f"{TEMPLATE}?cb={approved_cb.uscc}"),
        client.post(
            f"/certificates/{certificate.public_id}/status/",
            {"status": "suspended", "reason": "x"},
        ),
    ]

    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    # The upload is POST-only: after signing in, back to the desk rather than to it.
    assert (
        responses[1]["Location"] == f"/login/?next=/certificates/manage/%3Fcb%3D{approved_cb.uscc}"
    )
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_a_user_without_a_body_gets_a_403_that_says_why(enterprise_user: User) -> None:
    response = client_for(enterprise_user).get(DESK)

    assert response.status_code == 403
    text = response.content.decode()
    assert "您的账户不属于任何认证机构" in text and inline_code(text) == []


def test_member_sees_their_own_bodys_certificates_only(
    approved_cb: Organisation, cb_reviewer: User, other_cb: Organisation
) -> None:
    certificate_of(approved_cb, "OWN-1")
    certificate_of(approved_cb, "OWN-2")
    certificate_of(other_cb, "THEIRS-1")

    text = page(client_for(cb_reviewer).get(DESK))

    assert sorted(numbers_listed(text)) == ["OWN-1", "OWN-2"]
    assert "辽宁北方认证有限公司" in text and "THEIRS-1" not in text
    assert 'action="/certificates/manage/upload/' in text


def test_another_bodys_member_can_neither_see_nor_change_its_certificates(
    approved_cb: Organisation, other_cb_user: User
) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")
    client = client_for(other_cb_user)

    seen = client.get(desk_url(approved_cb))
    uploaded = upload(client, approved_cb, csv_bytes([row(approved_cb, "NEW-1")]))
    template = client.get(f"{TEMPLATE}?cb={approved_cb.uscc}")
    detail = page(client.get(f"/certificates/{certificate.public_id}/"))
    changed = client.post(
        f"/certificates/{certificate.public_id}/status/",
        {"status": "withdrawn", "reason": "不是我们的证书"},
    )

    assert seen.status_code == 403 and "OWN-1" not in seen.content.decode()
    assert "您不是该认证机构的成员" in seen.content.decode()
    assert uploaded.status_code == 403 and template.status_code == 403
    assert "变更证书状态" not in detail
    # The service refuses the change, with its own words.
    assert changed.status_code == 403
    assert "认证机构只能报送本机构颁发的证书" in changed.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.status_changes.count() == 1
    assert not Certificate.objects.filter(number="NEW-1").exists()
    assert not AuditEntry.objects.filter(action="certification.certificate_status_changed").exists()


def test_a_member_of_two_bodies_chooses_with_the_selector(
    approved_cb: Organisation, other_cb: Organisation, cb_reviewer: User
) -> None:
    MembershipFactory(user=cb_reviewer, organisation=other_cb, role=Membership.Role.MEMBER)
    certificate_of(approved_cb, "NORTH-1")
    certificate_of(other_cb, "SHENYANG-1")
    client = client_for(cb_reviewer)

    first = page(client.get(DESK))
    second = page(client.get(desk_url(other_cb)))
    lower_case = page(client.get(desk_url(other_cb).replace(other_cb.uscc, other_cb.uscc.lower())))

    assert 'name="cb"' in first and f'value="{other_cb.uscc}"' in first
    assert numbers_listed(first) in (["SHENYANG-1"], ["NORTH-1"])
    assert numbers_listed(second) == ["SHENYANG-1"]
    assert numbers_listed(lower_case) == ["SHENYANG-1"]


def test_platform_admin_opens_any_desk_and_may_upload(
    approved_cb: Organisation, platform_admin: User
) -> None:
    certificate_of(approved_cb, "OWN-1")
    client = client_for(platform_admin)

    chooser = page(client.get(DESK))
    desk = page(client.get(desk_url(approved_cb)))
    unknown = client.get(f"{DESK}?cb={uscc_for(4444)}")

    assert "请选择要查看的认证机构" in chooser and approved_cb.uscc in chooser
    assert numbers_listed(desk) == ["OWN-1"] and 'enctype="multipart/form-data"' in desk
    assert unknown.status_code == 404


def test_provincial_regulator_reads_a_desk_but_cannot_write(
    approved_cb: Organisation, regulator: User
) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")
    client = client_for(regulator)

    desk = page(client.get(desk_url(approved_cb)))
    uploaded = upload(client, approved_cb, csv_bytes([row(approved_cb, "NEW-1")]))
    detail = page(client.get(f"/certificates/{certificate.public_id}/"))
    changed = client.post(
        f"/certificates/{certificate.public_id}/status/",
        {"status": "suspended", "reason": "监管抽查"},
    )

    assert numbers_listed(desk) == ["OWN-1"]
    assert "不能代其上传或变更证书" in desk and 'enctype="multipart/form-data"' not in desk
    assert uploaded.status_code == 403
    assert "变更证书状态" not in detail
    assert changed.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert not Certificate.objects.filter(number="NEW-1").exists()


def test_a_city_regulator_has_no_desk(reference: None) -> None:
    city = OrganisationFactory(
        uscc=uscc_for(9501),
        name="沈阳市市场监督管理局",
        kind=Organisation.Kind.REGULATOR,
        jurisdiction=Region.objects.get(code="210100"),
    )
    user = UserFactory(username="city_regulator")
    MembershipFactory(user=user, organisation=city)

    assert client_for(user).get(DESK).status_code == 403


def test_a_body_without_a_valid_approval_sees_its_certificates_but_no_upload(
    certification_body: Organisation, cb_reviewer: User
) -> None:
    certificate_of(certification_body, "OLD-1")

    text = page(client_for(cb_reviewer).get(DESK))

    assert numbers_listed(text) == ["OLD-1"]
    assert "没有有效的认证机构批准书" in text and 'enctype="multipart/form-data"' not in text


def test_account_page_links_a_bodys_members_to_its_desk(
    approved_cb: Organisation, cb_reviewer: User, enterprise_user: User
) -> None:
    member = page(client_for(cb_reviewer).get("/account/"))
    outsider = page(client_for(enterprise_user).get("/account/"))

    assert f'href="/certificates/manage/?cb={approved_cb.uscc}"' in member
    assert "/certificates/manage/" not in outsider


# --- freshness ------------------------------------------------------------------------------------


def test_desk_says_when_the_body_last_uploaded(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    never = page(client_for(cb_reviewer).get(DESK))
    CertificationBodyFeed.objects.create(
        organisation=approved_cb,
        last_upload_at=timezone.now() - timedelta(days=3, hours=1),
        last_upload_source="api",
        last_upload_items=12,
    )
    fresh = page(client_for(cb_reviewer).get(DESK))

    assert "平台尚未收到本机构的证书数据" in never
    assert "3 天前" in fresh and "接口推送" in fresh
    assert "天未更新数据" not in fresh


def test_desk_warns_as_the_public_pages_after_30_days_of_silence(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    CertificationBodyFeed.objects.create(
        organisation=approved_cb,
        last_upload_at=timezone.now() - timedelta(days=41),
        last_upload_source="import",
        last_upload_items=3,
    )
    certificate = certificate_of(approved_cb, "OWN-1")

    desk = page(client_for(cb_reviewer).get(DESK))
    public = page(Client().get(f"/certificates/{certificate.public_id}/"))

    warning = "该认证机构已超过 30 天未更新数据，证书的最新状态请向其核实。"
    assert "41 天前" in desk and warning in desk and warning in public


# --- upload ---------------------------------------------------------------------------------------


def test_upload_creates_the_certificates(approved_cb: Organisation, cb_reviewer: User) -> None:
    content = csv_bytes([row(approved_cb, "00124Q31001R0M"), row(approved_cb, "00124Q31002R0M")])

    response = upload(client_for(cb_reviewer), approved_cb, content)

    text = page(response)
    assert "新增 2 张证书，更新 0 张，未变化 0 张" in text
    assert set(Certificate.objects.values_list("number", flat=True)) == {
        "00124Q31001R0M",
        "00124Q31002R0M",
    }
    assert all(c.cb_id == approved_cb.pk for c in Certificate.objects.all())
    assert CertificateStatusChange.objects.filter(source="import").count() == 2
    recorded = AuditEntry.objects.filter(action="certification.certificate_recorded")
    assert recorded.count() == 2 and {e.actor for e in recorded} == {cb_reviewer}
    assert "00124Q31001R0M" in numbers_listed(text)
    assert CertificationBodyFeed.objects.get(organisation=approved_cb).last_upload_items == 2


def test_uploading_the_same_file_again_changes_nothing(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    content = csv_bytes([row(approved_cb)])
    client = client_for(cb_reviewer)
    upload(client, approved_cb, content)

    text = page(upload(client, approved_cb, content))

    assert "新增 0 张证书，更新 0 张，未变化 1 张" in text
    assert Certificate.objects.count() == 1


def test_bad_rows_are_listed_as_the_command_line_lists_them_and_nothing_is_written(
    approved_cb: Organisation, cb_reviewer: User, tmp_path: Path
) -> None:
    rows = [
        row(approved_cb, "GOOD-1"),
        row(approved_cb, "BAD-1", cert_type="MS-NOPE"),
        row(approved_cb, "BAD-2", issued_on="2024-02-30", expires_on="2023-01-01"),
        row(approved_cb, "GOOD-1"),
    ]
    content = csv_bytes(rows)
    path = tmp_path / "certificates.csv"
    path.write_bytes(content)
    code, _out, err = run_import(path, "--dry-run")
    cli_lines = [line for line in err.splitlines() if line.startswith("row ")]

    response = upload(client_for(cb_reviewer), approved_cb, content)

    assert code == 1 and len(cli_lines) >= 3
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert f"发现 {len(cli_lines)} 处错误，没有写入任何数据" in text
    for line in cli_lines:
        assert line in text
    assert "MS-NOPE" in text and "<td><code>cert_type</code></td>" in text
    assert not Certificate.objects.exists()
    assert not CertificationBodyFeed.objects.exists()


def test_check_only_writes_nothing(approved_cb: Organisation, cb_reviewer: User) -> None:
    response = upload(
        client_for(cb_reviewer), approved_cb, csv_bytes([row(approved_cb)]), check_only="on"
    )

    assert "检查通过：1 行均可导入" in page(response)
    assert not Certificate.objects.exists()
    assert not CertificationBodyFeed.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="certification.").exists()


def test_rows_of_another_body_are_refused_on_this_bodys_desk(
    approved_cb: Organisation, other_cb: Organisation, cb_reviewer: User
) -> None:
    # Even a member of both bodies writes only the desk's body from its desk.
    MembershipFactory(user=cb_reviewer, organisation=other_cb)
    content = csv_bytes([row(approved_cb, "OWN-1"), row(other_cb, "THEIRS-1")])

    response = upload(client_for(cb_reviewer), approved_cb, content)

    assert response.status_code == 400
    text = response.content.decode()
    assert "row 3, column cb_uscc: 只能报送本机构颁发的证书，不能写入其他机构的证书" in text
    assert not Certificate.objects.exists()


def test_a_change_the_history_forbids_shows_the_services_message(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    certificate = certificate_of(approved_cb, "00124Q31001R0M", status="withdrawn")
    content = csv_bytes([row(approved_cb, "00124Q31001R0M", status="active")])

    response = upload(client_for(cb_reviewer), approved_cb, content)

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "没有写入任何数据：证书 00124Q31001R0M：证书已撤销，不能再变更为“有效”" in text
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    assert certificate.status_changes.count() == 1


def test_an_xlsx_file_is_read(approved_cb: Organisation, cb_reviewer: User) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(row(approved_cb, "XLSX-1"))
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client_for(cb_reviewer), approved_cb, buffer.getvalue(), name="c.xlsx")

    assert "新增 1 张证书" in page(response)
    assert Certificate.objects.filter(number="XLSX-1").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificates.txt", b"number\n1\n", "只接受 .csv 或 .xlsx 文件"),
        ("certificates.csv", b"number,holder\n1,x\n", "文件无法读取"),
    ],
)
def test_unreadable_files_are_refused(
    approved_cb: Organisation, cb_reviewer: User, name: str, content: bytes, message: str
) -> None:
    response = upload(client_for(cb_reviewer), approved_cb, content, name=name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Certificate.objects.exists()


def test_oversized_file_is_refused(
    approved_cb: Organisation, cb_reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qihub.web.forms.uploads.MAX_UPLOAD_BYTES", 10)

    response = upload(client_for(cb_reviewer), approved_cb, csv_bytes([row(approved_cb)]))

    assert response.status_code == 400
    assert "文件超过 20 MB" in response.content.decode()
    assert not Certificate.objects.exists()


def test_uploads_are_throttled(approved_cb: Organisation, cb_reviewer: User, settings: Any) -> None:
    settings.QIHUB_THROTTLE_UPLOAD = "1/m"
    client = client_for(cb_reviewer)

    first = upload(client, approved_cb, csv_bytes([row(approved_cb)]), check_only="on")
    second = upload(client, approved_cb, csv_bytes([row(approved_cb)]))

    assert first.status_code == 200
    assert second.status_code == 429 and second["Retry-After"]
    assert not Certificate.objects.exists()


def test_posts_need_a_csrf_token(approved_cb: Organisation, cb_reviewer: User) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cb_reviewer)

    uploaded = upload(client, approved_cb, csv_bytes([row(approved_cb, "NEW-1")]))
    changed = client.post(
        f"/certificates/{certificate.public_id}/status/", {"status": "suspended", "reason": "x"}
    )

    assert uploaded.status_code == 403 and changed.status_code == 403
    assert not Certificate.objects.filter(number="NEW-1").exists()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


# --- the template ---------------------------------------------------------------------------------


def test_template_parses_back_with_only_the_example_refused(
    approved_cb: Organisation, cb_reviewer: User, tmp_path: Path
) -> None:
    client = client_for(cb_reviewer)

    response = client.get(f"{TEMPLATE}?cb={approved_cb.uscc}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))
    assert header == list(COLUMNS)
    assert dict(zip(header, example, strict=True))["cb_uscc"] == approved_cb.uscc
    # The command-line importer reads it without a single error …
    path = tmp_path / "template.csv"
    path.write_bytes(response.content)
    result = run_importer(importer_for("certificates"), path, dry_run=True)
    assert result.ok and result.rows == 1, result.errors
    # … and the desk refuses only the example row, for being the example.
    checked = upload(client, approved_cb, response.content, check_only="on")
    assert checked.status_code == 400
    body = checked.content.decode()
    assert "发现 1 处错误" in body
    assert "row 2, column holder_uscc: 这是模板中的示例行" in body
    assert not Certificate.objects.exists()


# --- the list -------------------------------------------------------------------------------------


@pytest.fixture
def listed(approved_cb: Organisation) -> dict[str, Certificate]:
    today = timezone.localdate()
    holder = OrganisationFactory(
        uscc=uscc_for(7101, "210200"), name="大连海通阀门有限公司", kind="enterprise"
    )
    return {
        "active": certificate_of(
            approved_cb, "LN-QMS-0001", holder=holder, holder_name="大连海通阀门有限公司"
        ),
        "suspended": certificate_of(approved_cb, "LN-QMS-0002", status="suspended"),
        "ems": certificate_of(approved_cb, "LN-EMS-0003", cert_type="MS-EMS"),
        "soon": certificate_of(
            approved_cb,
            "LN-QMS-0004",
            issued_on=today - timedelta(days=300),
            expires_on=today + timedelta(days=10),
        ),
        "later": certificate_of(
            approved_cb,
            "LN-QMS-0005",
            issued_on=today - timedelta(days=300),
            expires_on=today + timedelta(days=60),
        ),
        "lapsed": certificate_of(
            approved_cb,
            "LN-QMS-0006",
            issued_on=today - timedelta(days=400),
            expires_on=today - timedelta(days=5),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "suspended"}, ["LN-QMS-0002"]),
        ({"status": "expired"}, ["LN-QMS-0006"]),
        ({"type": "MS-EMS"}, ["LN-EMS-0003"]),
        ({"q": "ln-qms-0001"}, ["LN-QMS-0001"]),
        ({"q": "海通"}, ["LN-QMS-0001"]),
        ({"q": uscc_for(7101, "210200")[:10]}, ["LN-QMS-0001"]),
        ({"expiring": "on"}, ["LN-QMS-0004"]),
        ({"q": "EMS", "status": "active"}, ["LN-EMS-0003"]),
    ],
)
def test_filters_narrow_the_list(
    listed: dict[str, Certificate],
    approved_cb: Organisation,
    cb_reviewer: User,
    params: dict[str, str],
    expected: list[str],
) -> None:
    text = page(client_for(cb_reviewer).get(DESK, {"cb": approved_cb.uscc, **params}))

    assert numbers_listed(text) == expected


def test_unfiltered_list_shows_everything_and_links_to_public_pages(
    listed: dict[str, Certificate], cb_reviewer: User
) -> None:
    text = page(client_for(cb_reviewer).get(DESK))

    assert len(numbers_listed(text)) == len(listed)
    for certificate in listed.values():
        assert f'href="/certificates/{certificate.public_id}/"' in text
    assert "暂停 1" in text


def test_list_is_paged_and_htmx_gets_the_list_alone(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    for number in range(30):
        certificate_of(approved_cb, f"P-{number:03d}")
    client = client_for(cb_reviewer)

    first = page(client.get(DESK))
    second = page(client.get(DESK, {"page": "2"}, headers={"HX-Request": "true"}))

    assert len(numbers_listed(first)) == 25 and "第 1 / 2 页" in first
    assert len(numbers_listed(second)) == 5
    assert "<html" not in second and 'id="desk-certificates"' in second


# --- status change on the certificate's page ------------------------------------------------------


def test_members_see_only_the_changes_the_history_allows(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    active = certificate_of(approved_cb, "OWN-1")
    withdrawn = certificate_of(approved_cb, "OWN-2", status="withdrawn")
    client = client_for(cb_reviewer)

    active_page = page(client.get(f"/certificates/{active.public_id}/"))
    withdrawn_page = page(client.get(f"/certificates/{withdrawn.public_id}/"))
    anonymous_page = page(Client().get(f"/certificates/{active.public_id}/"))

    form = active_page.split('class="stacked-form status-form"', 1)[1].split("</form>", 1)[0]
    for value in ("suspended", "withdrawn", "expired", "cancelled"):
        assert f'<option value="{value}"' in form
    assert '<option value="active"' not in form
    assert "csrfmiddlewaretoken" in form
    assert 'class="stacked-form status-form"' not in withdrawn_page
    assert "状态不能再变更" in withdrawn_page
    assert "变更证书状态" not in anonymous_page


def test_a_member_suspends_a_certificate(approved_cb: Organisation, cb_reviewer: User) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")
    client = client_for(cb_reviewer)

    response = client.post(
        f"/certificates/{certificate.public_id}/status/",
        {"status": "suspended", "reason": "监督审核发现严重不符合"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/certificates/{certificate.public_id}/"
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    assert certificate.status_reason == "监督审核发现严重不符合"
    change = certificate.status_changes.order_by("-id").first()
    assert change is not None
    assert (change.from_status, change.to_status, change.source, change.by) == (
        "active",
        "suspended",
        CertificateStatusChange.Source.WEB,
        cb_reviewer,
    )
    entry = AuditEntry.objects.get(action="certification.certificate_status_changed")
    assert entry.actor == cb_reviewer
    shown = page(client.get(response["Location"]))
    assert "证书 OWN-1 的状态已登记为“暂停”" in shown and "监督审核发现严重不符合" in shown


def test_suspension_without_a_reason_is_refused_by_the_service(
    approved_cb: Organisation, cb_reviewer: User
) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")

    response = client_for(cb_reviewer).post(
        f"/certificates/{certificate.public_id}/status/", {"status": "suspended", "reason": " "}
    )

    assert response.status_code == 400
    assert "暂停、撤销或注销证书必须说明原因" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_withdrawn_cannot_become_active_again(approved_cb: Organisation, cb_reviewer: User) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")
    change_certificate_status(
        certificate=certificate, status="withdrawn", reason="伪造审核记录", by=cb_reviewer
    )
    changes = AuditEntry.objects.filter(action="certification.certificate_status_changed")
    assert changes.count() == 1

    response = client_for(cb_reviewer).post(
        f"/certificates/{certificate.public_id}/status/", {"status": "active", "reason": ""}
    )

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "证书已撤销，不能再变更为“有效”；重新获证应使用新的证书编号" in text
    assert inline_code(text) == []
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    assert certificate.status_changes.count() == 2
    assert changes.count() == 1


def test_platform_admin_may_change_any_bodys_certificate(
    approved_cb: Organisation, platform_admin: User
) -> None:
    certificate = certificate_of(approved_cb, "OWN-1")

    response = client_for(platform_admin).post(
        f"/certificates/{certificate.public_id}/status/",
        {"status": "cancelled", "reason": "获证组织申请注销"},
    )

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.CANCELLED


# --- language -------------------------------------------------------------------------------------


def test_desk_reads_in_english(approved_cb: Organisation, cb_reviewer: User) -> None:
    certificate_of(approved_cb, "OWN-1")

    client = client_for(cb_reviewer)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    text = page(client.get(DESK))

    assert "Upload certificates" in text and "证书管理" not in text.split("<main", 1)[1]
