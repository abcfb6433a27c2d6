"""Certificate pages: search and verify boxes, results, detail with history and QR code, the QR
landing page (valid and altered signatures), the public key page; no inline code anywhere."""

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.certification.models import Certificate
from qihub.certification.services import change_certificate_status, push_certificates
from qihub.certification.signing import signing_key
from qihub.certification.tests.conftest import item
from qihub.certification.verification import qr_path, qr_signature
from qihub.web.tests.html import inline_code

NUMBER = "00124Q31001R0M"


@pytest.fixture
def certificate(approved_cb, cb_reviewer):
    sites = [{"address": "大连市甘井子区华北路1号", "scope": "铸造"}]
    push_certificates(items=[item(approved_cb, sites=sites)], by=cb_reviewer)
    found = Certificate.objects.get()
    change_certificate_status(
        certificate=found, status="suspended", reason="监督审核发现不符合", by=cb_reviewer
    )
    return found


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert inline_code(html) == []
    return html


def test_search_page_shows_boxes_and_coverage(approved_cb):
    html = _page(Client().get("/certificates/"))
    assert "按证书编号查验" in html and "按获证组织查找" in html
    assert "持有效认证机构批准书的机构共 1 家" in html


def test_search_by_holder_lists_certificates(certificate):
    html = _page(Client().get("/certificates/", {"holder": "海通阀门"}))
    assert NUMBER in html and "暂停" in html


def test_verify_page_answers_messy_input(certificate):
    html = _page(Client().get("/certificates/verify/", {"number": "no. 00124q31001r0m"}))
    assert NUMBER in html and "暂停" in html and "大连海通阀门有限公司" in html
    assert "数据更新于" in html


def test_verify_page_not_found_explains(approved_cb):
    html = _page(Client().get("/certificates/verify/", {"number": "NONE-1"}))
    assert "未找到该证书" in html and "不等于证书无效" in html


def test_verify_page_is_throttled(settings, approved_cb):
    settings.QIHUB_THROTTLE_ANON = "2/m"
    cache.clear()
    client = Client()
    codes = [client.get("/certificates/verify/", {"number": "A1"}).status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_detail_page_has_history_sites_and_qr(certificate):
    html = _page(Client().get(f"/certificates/{certificate.public_id}/"))
    assert "监督审核发现不符合" in html and "大连市甘井子区华北路1号" in html
    assert f"/certificates/{certificate.public_id}/qr.svg" in html
    svg = Client().get(f"/certificates/{certificate.public_id}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_unknown_certificate_is_404(approved_cb):
    response = Client().get("/certificates/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_qr_landing_with_valid_signature_shows_the_certificate(certificate, approved_cb):
    html = _page(Client().get(qr_path(NUMBER, approved_cb.uscc)))
    assert "二维码签名有效" in html and "暂停" in html


@pytest.mark.parametrize("alteration", ["number", "cb", "signature", "absent"])
def test_altered_qr_is_refused(certificate, approved_cb, reference, alteration):
    other = OrganisationFactory(uscc=uscc_for(4242), kind=Organisation.Kind.CERTIFICATION_BODY)
    number, cb, sig = NUMBER, approved_cb.uscc, qr_signature(NUMBER, approved_cb.uscc)
    if alteration == "number":
        number = "00124Q31001R0N"
    elif alteration == "cb":
        cb = other.uscc
    elif alteration == "signature":
        sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    else:
        sig = ""
    response = Client().get(
        f"/certificates/v/{quote(number, safe='')}?{urlencode({'cb': cb, 'sig': sig})}"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "此二维码不是本平台签发或已被篡改" in html and inline_code(html) == []


def test_key_page_publishes_the_public_key(approved_cb):
    html = _page(Client().get("/certificates/key/"))
    key = signing_key()
    assert key.key_id in html and "BEGIN PUBLIC KEY" in html
