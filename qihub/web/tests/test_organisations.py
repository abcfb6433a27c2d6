from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region
from qihub.web.views.organisations import PAGE_SIZE

pytestmark = pytest.mark.django_db

LIST_URL = "/organisations/"
LAB_USCC = make_uscc("91210100MA0Y8K3L7")  # letters, so lower case differs


def names_in(html: str) -> list[str]:
    return re.findall(r'<h3 class="organisation-name">\s*<a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def directory(reference: None) -> dict[str, Organisation]:
    dalian = Region.objects.get(code="210200")
    anshan = Region.objects.get(code="210300")
    return {
        "lab": OrganisationFactory(
            uscc=LAB_USCC, name="辽宁盛京检验检测有限公司", kind=Organisation.Kind.TESTING_LAB
        ),
        "metrology": OrganisationFactory(
            uscc=uscc_for(102), name="沈阳市计量测试院", kind=Organisation.Kind.METROLOGY_INSTITUTE
        ),
        "cb": OrganisationFactory(
            uscc=uscc_for(103, "210200"),
            name="大连海事认证有限公司",
            kind=Organisation.Kind.CERTIFICATION_BODY,
            city=dalian,
        ),
        "enterprise": OrganisationFactory(
            uscc=uscc_for(104, "210300"),
            name="鞍山钢铁配件制造有限公司",
            kind=Organisation.Kind.ENTERPRISE,
            city=anshan,
        ),
        "inactive": OrganisationFactory(
            uscc=uscc_for(105),
            name="沈阳已注销检测站",
            kind=Organisation.Kind.TESTING_LAB,
            is_active=False,
        ),
    }


def test_url_names() -> None:
    assert reverse("web:organisation-list") == LIST_URL
    assert reverse("web:organisation-detail", kwargs={"uscc": "X"}) == "/organisations/X/"


def test_directory_lists_active_organisations(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    response = anonymous.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(names_in(html)) == sorted(
        [
            "辽宁盛京检验检测有限公司",
            "沈阳市计量测试院",
            "大连海事认证有限公司",
            "鞍山钢铁配件制造有限公司",
        ]
    )
    assert "共找到 4 家机构" in html
    assert "检验检测机构" in html  # the kind label
    assert f'href="/organisations/{uscc_for(103, "210200")}/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("盛京", ["辽宁盛京检验检测有限公司"]),
        ("sysjl", ["沈阳市计量测试院"]),  # pinyin initials
        ("shenyangshi", ["沈阳市计量测试院"]),  # full pinyin
        ("dlhs", ["大连海事认证有限公司"]),
        (uscc_for(104, "210300"), ["鞍山钢铁配件制造有限公司"]),  # full USCC
        (uscc_for(104, "210300")[:10].lower(), ["鞍山钢铁配件制造有限公司"]),  # prefix, lower
        ("注销", []),  # inactive organisations stay hidden
    ],
)
def test_directory_search(
    directory: dict[str, Organisation], anonymous: Client, query: str, expected: list[str]
) -> None:
    html = anonymous.get(LIST_URL, {"q": query}).content.decode()
    assert names_in(html) == expected


def test_directory_filters_by_kind(directory: dict[str, Organisation], anonymous: Client) -> None:
    html = anonymous.get(LIST_URL, {"kind": "certification_body"}).content.decode()
    assert names_in(html) == ["大连海事认证有限公司"]


def test_directory_filters_by_city(directory: dict[str, Organisation], anonymous: Client) -> None:
    html = anonymous.get(LIST_URL, {"city": "210300"}).content.decode()
    assert names_in(html) == ["鞍山钢铁配件制造有限公司"]
    assert '<option value="210300" selected>鞍山市</option>' in html


def test_directory_combines_filters(directory: dict[str, Organisation], anonymous: Client) -> None:
    html = anonymous.get(LIST_URL, {"q": "沈阳", "kind": "testing_lab"}).content.decode()
    assert names_in(html) == []
    html = anonymous.get(
        LIST_URL, {"q": "沈阳", "kind": "metrology_institute", "city": "210100"}
    ).content.decode()
    assert names_in(html) == ["沈阳市计量测试院"]


def test_directory_city_select_lists_the_14_cities(reference: None, anonymous: Client) -> None:
    html = anonymous.get(LIST_URL).content.decode()
    select = re.search(r'<select name="city"[^>]*>(.*?)</select>', html, re.S)
    assert select
    assert len(re.findall(r'<option value="\d{6}"', select.group(1))) == 14


def test_directory_ignores_an_invalid_filter_and_keeps_the_others(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    response = anonymous.get(LIST_URL, {"q": "盛京", "kind": "no-such-kind", "city": "999999"})

    assert response.status_code == 200
    assert names_in(response.content.decode()) == ["辽宁盛京检验检测有限公司"]


def test_directory_says_so_when_nothing_matches(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    html = anonymous.get(LIST_URL, {"q": "不存在的机构名称", "city": "210100"}).content.decode()

    assert "没有找到符合条件的机构。" in html
    assert "清除全部条件" in html


def test_htmx_request_gets_only_the_results_fragment(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    response = anonymous.get(LIST_URL, {"q": "盛京"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="organisation-results"')
    assert "<html" not in html
    assert names_in(html) == ["辽宁盛京检验检测有限公司"]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    response = anonymous.get(
        LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_filter_form_works_with_and_without_htmx(reference: None, anonymous: Client) -> None:
    html = anonymous.get(LIST_URL).content.decode()
    form = re.search(r'<form class="filters"[^>]*>', html)
    assert form
    tag = form.group(0)
    assert 'action="/organisations/"' in tag
    assert 'method="get"' in tag
    assert 'hx-get="/organisations/"' in tag
    assert 'hx-push-url="true"' in tag


def test_directory_paginates(reference: None, anonymous: Client) -> None:
    # given
    for serial in range(PAGE_SIZE + 5):
        OrganisationFactory(uscc=uscc_for(1000 + serial), name=f"测试检测中心{serial:03d}")

    # when
    first = anonymous.get(LIST_URL).content.decode()
    second = anonymous.get(LIST_URL, {"page": 2}).content.decode()
    beyond = anonymous.get(LIST_URL, {"page": 99}).content.decode()
    garbage = anonymous.get(LIST_URL, {"page": "abc"})

    # then
    assert len(names_in(first)) == PAGE_SIZE
    assert names_in(second) == [f"测试检测中心{n:03d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert names_in(beyond) == names_in(second)  # past the end: the last page
    assert garbage.status_code == 200
    assert "第 1 / 2 页" in first
    assert 'href="/organisations/?page=2"' in first
    assert 'hx-get="/organisations/?page=2"' in first


def test_pagination_links_keep_the_filters(reference: None, anonymous: Client) -> None:
    for serial in range(PAGE_SIZE + 1):
        OrganisationFactory(uscc=uscc_for(2000 + serial), name=f"盛京检测{serial:03d}")

    html = anonymous.get(LIST_URL, {"q": "盛京", "kind": "testing_lab"}).content.decode()

    assert 'href="/organisations/?q=%E7%9B%9B%E4%BA%AC&amp;kind=testing_lab&amp;page=2"' in html


def test_organisation_page(directory: dict[str, Organisation], anonymous: Client) -> None:
    lab = directory["lab"]
    lab.phone = "024-12345678"
    lab.description = "提供金属材料力学性能检测。"
    lab.save()

    response = anonymous.get(reverse("web:organisation-detail", kwargs={"uscc": lab.uscc}))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="organisation-title">辽宁盛京检验检测有限公司</h1>' in html
    assert lab.uscc in html
    assert "检验检测机构" in html
    assert "沈阳市" in html
    assert "沈阳市和平区南京北街1号" in html
    assert "024-12345678" in html
    assert "提供金属材料力学性能检测。" in html


def test_organisation_page_pins_the_city_without_coordinates(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    html = anonymous.get(f"/organisations/{directory['lab'].uscc}/").content.decode()

    assert 'id="pin-map-data"' in html
    assert '"approximate": true' in html
    assert '"longitude": 123.43' in html  # Shenyang's reference point


def test_organisation_page_pins_its_own_coordinates(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    lab = directory["lab"]
    lab.longitude, lab.latitude = "123.45678", "41.78901"
    lab.save()

    html = anonymous.get(f"/organisations/{lab.uscc}/").content.decode()

    assert '"approximate": false' in html
    assert '"longitude": 123.45678' in html


@pytest.mark.parametrize(
    "messy",
    [
        lambda uscc: uscc.lower(),
        lambda uscc: f"{uscc[:6]} {uscc[6:12]}-{uscc[12:]}",
        lambda uscc: "".join(chr(ord(c) + 0xFEE0) for c in uscc),  # full-width
    ],
)
def test_messy_uscc_redirects_to_the_canonical_page(
    directory: dict[str, Organisation], anonymous: Client, messy
) -> None:
    uscc = directory["lab"].uscc

    response = anonymous.get(f"/organisations/{messy(uscc)}/")

    assert response.status_code == 301
    assert response["Location"] == f"/organisations/{uscc}/"


@pytest.mark.parametrize("uscc", ["123", "not-a-code", uscc_for(999)])
def test_invalid_or_unknown_uscc_is_404(reference: None, anonymous: Client, uscc: str) -> None:
    response = anonymous.get(f"/organisations/{uscc}/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_inactive_organisation_is_404_for_the_public(
    directory: dict[str, Organisation], anonymous: Client
) -> None:
    response = anonymous.get(f"/organisations/{directory['inactive'].uscc}/")
    assert response.status_code == 404


def test_platform_admin_sees_an_inactive_organisation(
    directory: dict[str, Organisation], platform_admin
) -> None:
    response = client_for(platform_admin).get(f"/organisations/{directory['inactive'].uscc}/")

    assert response.status_code == 200
    assert "该机构已注销或停用" in response.content.decode()


@pytest.mark.parametrize("query", ["\x00", "盛京\x00", "x" * 101])
def test_directory_refuses_bad_search_text_without_failing(
    directory: dict[str, Organisation], anonymous: Client, query: str
) -> None:
    response = anonymous.get(LIST_URL, {"q": query})

    assert response.status_code == 200
    assert 'class="field-errors"' in response.content.decode()
