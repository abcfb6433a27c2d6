"""The matching search page (/match/) and the comparison page (/match/compare/)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.core.search import segment
from qihub.core.units import parse_range
from qihub.institutions.accuracy import parse_accuracy
from qihub.institutions.models import CapabilityLine, Qualification
from qihub.institutions.tests.factories import (
    CapabilityLineFactory,
    CapabilityStandardFactory,
    QualificationFactory,
)
from qihub.matching.understanding import clear_caches
from qihub.reference.models import Region
from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.services import StandardData, upsert_standards
from qihub.web.tests.html import inline_code

pytestmark = pytest.mark.django_db

MATCH_URL = "/match/"
COMPARE_URL = "/match/compare/"


@pytest.fixture(autouse=True)
def _fresh(reference: None) -> None:
    cache.clear()  # throttle counters
    clear_caches()  # the region table is read once per process


@pytest.fixture
def catalogue() -> None:
    """The method standards the lines cite: GB/T 228.1's title says what it tests."""

    def data(code: str, title: str, status: str = Standard.Status.CURRENT, **kw: Any) -> Any:
        return StandardData(
            code=parse_standard_code(code),
            title_zh=title,
            type=Standard.Type.RECOMMENDED,
            status=status,
            **kw,
        )

    title = "金属材料 拉伸试验 第1部分：室温试验方法"
    upsert_standards(
        [
            data("GB/T 228.1-2010", title, status=Standard.Status.SUPERSEDED),
            data(
                "GB/T 228.1-2021",
                title,
                replaces=(parse_standard_code("GB/T 228.1-2010"),),
            ),
            data("JJG 52-2013", "弹性元件式一般压力表、压力真空表和真空表检定规程"),
            data("JJF 1064-2010", "坐标测量机校准规范"),
        ],
        by=None,
    )


def institution(n: int, name: str, city: str, **kwargs: Any) -> Organisation:
    return OrganisationFactory(
        uscc=uscc_for(9500 + n, city),
        name=name,
        kind=kwargs.pop("kind", Organisation.Kind.TESTING_LAB),
        city=Region.objects.get(code=city),
        **kwargs,
    )


def qualification(organisation: Organisation, **kwargs: Any) -> Qualification:
    return QualificationFactory(organisation=organisation, **kwargs)


def capability(
    held: Qualification,
    *,
    kind: str,
    object: str,
    parameter: str = "",
    codes: tuple[str, ...] = (),
    range_text: str = "",
    uncertainty: str = "",
    price: str | None = None,
    days: int | None = None,
) -> CapabilityLine:
    """A line as the scope importer writes it: range in base units, parsed accuracy, indexed
    words of object, parameter and cited codes."""
    measured = parse_range(range_text) if range_text else None
    accuracy = parse_accuracy(uncertainty) if uncertainty else None
    parsed = [parse_standard_code(code) for code in codes]
    words = [segment(object), segment(parameter)]
    words += [segment(f"{p.canonical} {p.base}") for p in parsed]
    line = CapabilityLineFactory(
        qualification=held,
        organisation=held.organisation,
        kind=kind,
        object=object,
        parameter=parameter,
        standards_text=";".join(p.canonical for p in parsed),
        range_text=range_text,
        range_min=measured.low if measured else None,
        range_max=measured.high if measured else None,
        unit=measured.unit.symbol if measured and measured.unit else "",
        dimension=(measured.dimension or "") if measured else "",
        range_min_base=measured.base_low() if measured else None,
        range_max_base=measured.base_high() if measured else None,
        uncertainty_text=uncertainty,
        accuracy=json.loads(json.dumps(accuracy.as_dict(), default=str)) if accuracy else None,
        accuracy_kind=accuracy.kind.value if accuracy else "",
        accuracy_value=accuracy.value if accuracy else None,
        price_cny=Decimal(price) if price else None,
        turnaround_days=days,
        search_text=" ".join(w for w in words if w),
    )
    for p in parsed:
        edition = Standard.objects.filter(code=p.canonical).first()
        CapabilityStandardFactory(
            line=line,
            code=p.canonical,
            base_code=p.base,
            year=p.year,
            standard=edition,
            is_known=edition is not None,
        )
    return line


def rebar(held: Qualification, code: str = "GB/T 228.1-2021", **kwargs: Any) -> CapabilityLine:
    return capability(
        held,
        kind=CapabilityLine.Kind.TEST,
        object="钢筋",
        parameter="抗拉强度",
        codes=(code,),
        range_text="0-1000MPa",
        **kwargs,
    )


@pytest.fixture
def labs(catalogue: None) -> dict[str, Organisation]:
    """Rebar testing in Shenyang (exact edition), Anshan (the superseded edition) and two labs
    whose qualification does not count (expired, suspended); pressure gauges; a CMM lab."""
    metrology = Organisation.Kind.METROLOGY_INSTITUTE
    found = {
        "shenyang": institution(1, "沈阳建科检测有限公司", "210100"),
        "anshan": institution(2, "鞍山钢材检测中心", "210300"),
        "expired": institution(3, "沈阳过期检测有限公司", "210100"),
        "suspended": institution(4, "沈阳暂停检测有限公司", "210100"),
        "gauges": institution(5, "沈阳压力计量检定站", "210100", kind=metrology),
        "cmm": institution(6, "大连精密计量校准有限公司", "210200", kind=metrology),
    }
    rebar(qualification(found["shenyang"]), price="300", days=3)
    rebar(qualification(found["anshan"]), code="GB/T 228.1-2010", price="200", days=7)
    rebar(qualification(found["expired"], valid_to=date(2024, 5, 31)))
    rebar(qualification(found["suspended"], status=Qualification.Status.SUSPENDED))
    capability(
        qualification(found["gauges"]),
        kind=CapabilityLine.Kind.VERIFICATION,
        object="压力表",
        parameter="示值误差",
        codes=("JJG 52-2013",),
        range_text="0-100MPa",
        uncertainty="0.4级",
    )
    capability(
        qualification(found["cmm"]),
        kind=CapabilityLine.Kind.CALIBRATION,
        object="三坐标测量机",
        parameter="示值误差",
        codes=("JJF 1064-2010",),
        range_text="0-2000mm",
        uncertainty="U=1.5μm",
    )
    return found


def names_in(html: str) -> list[str]:
    return re.findall(r'<h3 class="organisation-name"><a href="[^"]+">([^<]+)</a>', html)


def chips_in(html: str) -> list[str]:
    return [unescape(v) for v in re.findall(r'<span class="chip-value">([^<]+)</span>', html)]


def remove_link(html: str, value: str) -> str:
    """The href of the × of the chip showing ``value``."""
    for chip in re.findall(r'<li class="chip">(.*?)</li>', html, flags=re.S):
        if f'<span class="chip-value">{value}</span>' in chip:
            href = re.search(r'class="chip-remove" href="([^"]+)"', chip)
            assert href is not None
            return unescape(href.group(1))
    raise AssertionError(f"no chip {value!r}")


def get(client: Client, params: dict[str, Any], **kwargs: Any) -> str:
    response = client.get(MATCH_URL, params, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


# --- the page --------------------------------------------------------------------------------


def test_url_names() -> None:
    assert reverse("web:match") == MATCH_URL
    assert reverse("web:match-compare") == COMPARE_URL


def test_entry_page_has_the_kind_tabs_and_examples(client: Client) -> None:
    html = get(client, {})

    for tab in ("我要检测", "我要校准", "我要认证"):
        assert tab in html
    assert 'value="verification"' in html  # 检定 is a choice of its own under 校准
    assert "钢筋拉伸试验 GB/T 228.1-2021 沈阳" in html
    assert "我们理解的需求" not in html
    assert inline_code(html) == []


def test_home_links_to_the_search_with_the_kind_preset(client: Client) -> None:
    home = client.get("/").content.decode()
    assert 'href="/match/?kind=calibration"' in home

    html = get(client, {"kind": "calibration"})

    assert re.search(r'value="calibration" checked', html)
    assert "三坐标测量机校准 大连" in html  # the examples of that tab
    assert "我们理解的需求" not in html  # a kind alone preselects, it does not search


def test_rebar_query_ranks_valid_labs_with_reasons(
    client: Client, labs: dict[str, Organisation]
) -> None:
    # when
    html = get(client, {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳"})

    # then: the exact edition in the same city first; the lab qualified only for the
    # superseded edition is shown flagged; expired and suspended qualifications never appear
    assert names_in(html) == ["沈阳建科检测有限公司", "鞍山钢材检测中心"]
    assert "沈阳过期检测有限公司" not in html
    assert "沈阳暂停检测有限公司" not in html
    assert "GB/T 228.1-2021 精确匹配" in html
    assert "精确版本" in html
    assert "仅具备已被代替的 GB/T 228.1-2010 资质" in html
    assert f'href="/institutions/{labs["shenyang"].uscc}/"' in html
    assert '<meter min="0" max="100"' in html
    assert "¥300" in html
    assert inline_code(html) == []


def test_chips_show_what_was_understood(client: Client, labs: dict[str, Organisation]) -> None:
    html = get(client, {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳"})

    chips = chips_in(html)
    assert "检测" in chips
    assert "GB/T 228.1-2021" in chips
    assert "钢筋" in chips
    assert "沈阳市" in chips
    assert "拉伸" in html  # a synonym shown with its term


def test_pressure_gauge_verification_with_range_and_class(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(client, {"q": "压力表检定 0-60MPa 1.6级"})

    assert names_in(html) == ["沈阳压力计量检定站"]
    chips = chips_in(html)
    assert "检定" in chips
    assert "1.6级" in chips
    assert any("60" in chip and "MPa" in chip for chip in chips)


def test_a_range_beyond_the_capability_finds_nothing(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(client, {"q": "压力表检定 0-160MPa"})

    assert names_in(html) == []
    assert "没有找到能够承接这一需求的机构" in html
    assert 'href="/requests/new/?q=' in html


def test_cmm_calibration_in_dalian(client: Client, labs: dict[str, Organisation]) -> None:
    html = get(client, {"q": "三坐标测量机校准 大连"})

    assert names_in(html) == ["大连精密计量校准有限公司"]
    assert "同城" in html


def test_removing_a_chip_link_drops_it(client: Client, labs: dict[str, Organisation]) -> None:
    html = get(client, {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳"})
    url = remove_link(html, "沈阳市")
    assert parse_qs(urlsplit(url).query)["drop"] == ["place"]

    # when
    after = client.get(url).content.decode()

    # then: the place is gone (and can be restored), the standard stays
    assert "沈阳市" not in chips_in(after)
    assert "GB/T 228.1-2021" in chips_in(after)
    assert "已移除" in after
    assert "恢复" in after


def test_removing_the_standard_chip_widens_the_match(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(client, {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳"})

    after = client.get(remove_link(html, "GB/T 228.1-2021")).content.decode()

    assert "GB/T 228.1-2021" not in chips_in(after)
    assert "仅具备已被代替的" not in after  # no standard asked for: nothing to flag
    assert set(names_in(after)) == {"沈阳建科检测有限公司", "鞍山钢材检测中心"}


def test_a_structured_correction_overrides_the_text(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(client, {"q": "钢筋拉伸试验 沈阳", "city": "210300"})

    assert "鞍山市" in chips_in(html)
    assert "沈阳市" not in chips_in(html)
    assert "沈阳市（邻近鞍山市）" in html
    assert '<span class="distance distance-same_city">同城</span>' in html


def test_a_new_text_drops_the_corrections_made_for_the_old_one(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(
        client,
        {"q": "三坐标测量机校准", "based_on": "钢筋拉伸试验", "standard": "GB/T 228.1-2021"},
    )

    assert "GB/T 228.1-2021" not in chips_in(html)
    assert names_in(html) == ["大连精密计量校准有限公司"]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"q": "压力表检定", "range_min": "60", "range_max": "0", "unit": "MPa"}, "大于上限"),
        ({"q": "钢筋拉伸试验", "city": "999999"}, "未知的城市代码"),
        ({"q": "钢筋拉伸试验", "range_min": "abc"}, "量程下限"),
        ({"q": "压力表检定", "max_uncertainty": "很准"}, "精度"),
        ({"q": "？？？"}, "没有识别出需求"),
    ],
)
def test_bad_input_is_explained_and_the_rest_still_searched(
    client: Client, labs: dict[str, Organisation], params: dict[str, str], problem: str
) -> None:
    html = get(client, params)

    problems = re.search(r'<div class="match-problems" role="alert">(.*?)</div>', html, re.S)
    assert problems is not None
    assert problem in unescape(problems.group(1))
    if params["q"].startswith("钢筋"):
        assert "沈阳建科检测有限公司" in names_in(html)


def test_htmx_gets_only_the_fragment(client: Client, labs: dict[str, Organisation]) -> None:
    response = client.get(MATCH_URL, {"q": "钢筋拉伸试验 沈阳"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="match-body"')
    assert "<html" not in html
    assert "沈阳建科检测有限公司" in names_in(html)
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_form_works_without_javascript(client: Client) -> None:
    html = get(client, {"q": "钢筋"})

    assert re.search(r'<form id="match-form"[^>]*action="/match/"[^>]*method="get"', html)
    assert 'hx-get="/match/"' in html


def test_map_pins_for_the_results(client: Client, labs: dict[str, Organisation]) -> None:
    html = get(client, {"q": "钢筋拉伸试验 沈阳"})

    data = re.search(r'<div id="match-map-data" hidden>(.*?)</div>', html)
    assert data is not None
    config = json.loads(unescape(data.group(1)))
    assert config["kind"] == "pins"
    assert config["cityFeature"] == "沈阳市"
    assert [pin["url"] for pin in config["pins"]] == [
        f"/institutions/{labs['shenyang'].uscc}/",
        f"/institutions/{labs['anshan'].uscc}/",
    ]
    assert 'data-map-config="match-map-data"' in html


def test_the_request_button_carries_the_query(client: Client) -> None:
    html = get(client, {"q": "钢筋 拉伸"})

    assert 'href="/requests/new/?q=%E9%92%A2%E7%AD%8B+%E6%8B%89%E4%BC%B8"' in html


@override_settings(QIHUB_THROTTLE_ANON="2/m")
def test_searching_too_fast_is_throttled(client: Client) -> None:
    assert client.get(MATCH_URL, {"q": "钢筋"}).status_code == 200
    assert client.get(MATCH_URL, {"q": "钢筋"}).status_code == 200

    response = client.get(MATCH_URL, {"q": "钢筋"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_limit_is_kept_and_shown(client: Client, labs: dict[str, Organisation]) -> None:
    html = get(client, {"q": "钢筋拉伸试验", "limit": "10"})
    assert '<option value="10" selected>' in html

    html = get(client, {"q": "钢筋拉伸试验"})
    assert '<option value="20" selected>' in html
    assert 'maxlength="12"' not in html  # no CharField attribute on the city select


# --- comparison ------------------------------------------------------------------------------


def test_compare_two_institutions_for_the_same_need(
    client: Client, labs: dict[str, Organisation]
) -> None:
    # given
    q = "钢筋拉伸试验 GB/T 228.1-2021 沈阳"
    picked = [labs["shenyang"].uscc, labs["anshan"].uscc]

    # when
    response = client.get(COMPARE_URL, {"q": q, "uscc": picked})
    html = response.content.decode()

    # then
    assert response.status_code == 200
    assert html.index("沈阳建科检测有限公司") < html.index("鞍山钢材检测中心")
    assert "GB/T 228.1-2021 精确匹配" in html
    assert "仅具备已被代替的 GB/T 228.1-2010 资质" in html
    assert "¥300" in html
    assert "¥200" in html
    assert "有效" in html
    assert "2027-05-31" in html
    assert inline_code(html) == []


def test_compare_shows_an_institution_that_does_not_meet_the_need(
    client: Client, labs: dict[str, Organisation]
) -> None:
    picked = [labs["shenyang"].uscc, labs["cmm"].uscc, labs["expired"].uscc]

    html = client.get(COMPARE_URL, {"q": "钢筋拉伸试验", "uscc": picked}).content.decode()

    assert html.count("没有满足本需求的能力") == 2  # the CMM lab, and the expired one
    assert "已过期" in html


def test_compare_refuses_more_than_three(client: Client, labs: dict[str, Organisation]) -> None:
    picked = [o.uscc for o in list(labs.values())[:4]]

    response = client.get(COMPARE_URL, {"q": "钢筋", "uscc": picked})
    html = response.content.decode()

    assert response.status_code == 400
    assert "最多同时对比 3 家机构" in html
    assert "<table" not in html
    assert 'href="/match/?q=' in html  # back to the search


def test_compare_without_a_choice_says_so(client: Client) -> None:
    response = client.get(COMPARE_URL, {"q": "钢筋"})

    assert response.status_code == 400
    assert "请在搜索结果中勾选" in response.content.decode()


def test_results_can_be_sent_to_the_comparison(
    client: Client, labs: dict[str, Organisation]
) -> None:
    html = get(client, {"q": "钢筋拉伸试验", "city": "210100"})

    form = re.search(r'<form class="compare-form" action="/match/compare/"(.*?)</form>', html, re.S)
    assert form is not None
    assert f'name="uscc" value="{labs["shenyang"].uscc}"' in form.group(1)
    assert 'type="hidden" name="q" value="钢筋拉伸试验"' in form.group(1)
    assert 'type="hidden" name="city" value="210100"' in form.group(1)
