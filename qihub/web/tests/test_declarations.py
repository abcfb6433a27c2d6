"""Self-declaration pages (public) and the notifications page (signed in)."""

import pytest
from django.urls import reverse

from conftest import client_for
from qihub.accounts.services import notify_organisation
from qihub.standards.declarations import DeclaredStandardInput, Indicator, publish_declaration
from qihub.standards.models import Standard
from qihub.standards.tests.test_declarations import CATALOGUE, import_standards
from qihub.web.tests.html import inline_code


@pytest.fixture
def declaration(db, tmp_path, enterprise, platform_admin):
    import_standards(tmp_path, CATALOGUE)
    return publish_declaration(
        enterprise=enterprise,
        product="阀门用优质碳素钢棒",
        model="Φ20",
        standards=[
            DeclaredStandardInput(
                code="GB/T 699-2015",
                indicators=(Indicator("抗拉强度", "≥580", "MPa", "≥600"),),
                disclosure_text="用于非承压部件",
            ),
            DeclaredStandardInput(code="Q/DLYH 001-2024", is_own_standard=True),
        ],
        by=platform_admin,
        is_forerunner=True,
    )


def test_list_finds_declarations_by_standard(declaration, anonymous):
    response = anonymous.get(reverse("web:declaration-list"), {"standard": "gbt 699"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "阀门用优质碳素钢棒" in html
    assert "领跑者" in html
    assert inline_code(html) == []
    empty = anonymous.get(reverse("web:declaration-list"), {"standard": "GB/T 3077"})
    assert "阀门用优质碳素钢棒" not in empty.content.decode()


def test_detail_shows_standards_status_and_disclosure(declaration, anonymous):
    url = reverse("web:declaration-detail", kwargs={"public_id": declaration.public_id})
    assert url == declaration.page_path  # notices link to the page path the model builds
    html = anonymous.get(url).content.decode()
    assert "GB/T 699-2015" in html and "Q/DLYH 001-2024" in html
    assert "企业标准领跑者" in html
    assert "用于非承压部件" in html
    assert "现行" in html
    assert inline_code(html) == []


def test_detail_warns_when_a_cited_standard_was_superseded(declaration, anonymous, tmp_path):
    import_standards(
        tmp_path,
        [
            "GB/T 699-2025,优质碳素结构钢,,recommended,current,2025-03-01,2025-10-01,"
            "GB/T 699-2015,,77.140.45,H40,"
        ],
        "newer.csv",
    )
    assert Standard.objects.get(code="GB/T 699-2015").status == "superseded"
    html = anonymous.get(declaration.page_path).content.decode()
    assert "现行版本为 GB/T 699-2025" in html


def test_unknown_declaration_is_404(db, anonymous):
    url = reverse(
        "web:declaration-detail", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert anonymous.get(url).status_code == 404


def test_notifications_need_sign_in(db, anonymous):
    response = anonymous.get(reverse("web:notifications"))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_notifications_list_and_mark_read(enterprise, enterprise_user, lab_admin):
    notice = notify_organisation(
        organisation=enterprise,
        kind="standard_superseded",
        title="执行标准 GB/T 699-2015 被代替",
        message="现行版本为 GB/T 699-2025。",
        link="/declarations/",
        by=None,
    )
    client = client_for(enterprise_user)
    html = client.get(reverse("web:notifications")).content.decode()
    assert "执行标准 GB/T 699-2015 被代替" in html
    assert inline_code(html) == []
    assert (
        "执行标准" not in client_for(lab_admin).get(reverse("web:notifications")).content.decode()
    )

    read_url = reverse("web:notification-read", kwargs={"notification_id": notice.pk})
    assert client_for(lab_admin).post(read_url).status_code == 404
    response = client.post(read_url)
    assert response.status_code == 302
    assert notice.receipts.count() == 1


def test_the_header_counts_my_unread_notifications(enterprise, enterprise_user):
    notify_organisation(
        organisation=enterprise, kind="x", title="t", message="m", link="/", by=None
    )
    client = client_for(enterprise_user)
    assert 'class="count-badge"' in client.get("/").content.decode()
    notice = enterprise.notifications.get()
    client.post(reverse("web:notification-read", kwargs={"notification_id": notice.pk}))
    assert 'class="count-badge"' not in client.get("/").content.decode()
