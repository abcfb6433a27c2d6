"""Ranked search over the catalogue; runs on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest

from qihub.standards.codes import parse_standard_code
from qihub.standards.models import Standard
from qihub.standards.search import search_standards
from qihub.standards.services import StandardData, upsert_standards

pytestmark = pytest.mark.django_db

RECOMMENDED = Standard.Type.RECOMMENDED
CURRENT = Standard.Status.CURRENT


def data(code: str, title: str, **fields: object) -> StandardData:
    values: dict[str, object] = {"type": RECOMMENDED, "status": CURRENT, **fields}
    return StandardData(code=parse_standard_code(code), title_zh=title, **values)  # type: ignore[arg-type]


@pytest.fixture
def catalogue() -> None:
    upsert_standards(
        [
            data("GB/T 228.1-2010", "金属材料 拉伸试验 第1部分：室温试验方法", ics="77.040.10"),
            data(
                "GB/T 228.1-2021",
                "金属材料 拉伸试验 第1部分：室温试验方法",
                replaces=(parse_standard_code("GB/T 228.1-2010"),),
                ics="77.040.10",
            ),
            data(
                "JJG 52-2013",
                "弹性元件式一般压力表、压力真空表和真空表检定规程",
                type=Standard.Type.VERIFICATION_REGULATION,
                ics="17.100",
            ),
            data(
                "JJG 596-2012",
                "电子式交流电能表检定规程",
                type=Standard.Type.VERIFICATION_REGULATION,
            ),
            data(
                "TSG 21-2016",
                "固定式压力容器安全技术监察规程",
                type=Standard.Type.SAFETY_TECHNICAL_SPECIFICATION,
            ),
            data("GB/T 2611-2022", "试验机 通用技术要求"),
        ],
        by=None,
    )


def codes(query: str, **filters: str) -> list[str]:
    return [s.code for s in search_standards(query, **filters)]


def test_empty_query_lists_everything_by_code(catalogue: None) -> None:
    assert codes("") == sorted(Standard.objects.values_list("code", flat=True))
    assert codes("  ，。 ") == codes("")


def test_finds_a_title_word(catalogue: None) -> None:
    assert codes("电能表") == ["JJG 596-2012"]
    assert codes("压力容器") == ["TSG 21-2016"]


def test_finds_a_two_character_word_inside_a_longer_one(catalogue: None) -> None:
    assert set(codes("拉伸")) == {"GB/T 228.1-2010", "GB/T 228.1-2021"}


def test_every_word_must_match(catalogue: None) -> None:
    assert set(codes("检定规程 压力表")) == {"JJG 52-2013"}
    assert codes("电能表 压力表") == []


def test_ranks_the_better_match_first(catalogue: None) -> None:
    # "试验" is in both 228.1 titles twice (拉伸试验, 室温试验方法) and once in 试验机.
    found = codes("试验")
    assert set(found) == {"GB/T 228.1-2010", "GB/T 228.1-2021", "GB/T 2611-2022"}
    assert found[-1] == "GB/T 2611-2022"


def test_a_messy_code_finds_its_edition_first_then_the_others(catalogue: None) -> None:
    assert codes("ＧＢ／Ｔ228.1—2021")[:2] == ["GB/T 228.1-2021", "GB/T 228.1-2010"]
    assert codes("gbt 228.1")[:2] == ["GB/T 228.1-2021", "GB/T 228.1-2010"]
    assert codes("JJG52-2013") == ["JJG 52-2013"]


def test_filters(catalogue: None) -> None:
    assert set(codes("规程", type=Standard.Type.VERIFICATION_REGULATION)) == {
        "JJG 52-2013",
        "JJG 596-2012",
    }
    assert codes("拉伸", status=Standard.Status.SUPERSEDED) == ["GB/T 228.1-2010"]
    assert codes("", family="special_equipment") == ["TSG 21-2016"]
    assert codes("", ics="77.040") == ["GB/T 228.1-2010", "GB/T 228.1-2021"]


def test_an_updated_title_is_found_by_its_new_words_only(catalogue: None) -> None:
    # when
    upsert_standards([data("GB/T 2611-2022", "试验机 通用技术条件 与 校准规范")], by=None)
    # then
    assert codes("校准规范") == ["GB/T 2611-2022"]
    assert codes("技术要求") == []


def test_a_deleted_standard_is_no_longer_found(catalogue: None) -> None:
    Standard.objects.filter(code="JJG 596-2012").delete()
    assert codes("电能表") == []


def test_uncatalogued_editions_are_indexed_too() -> None:
    upsert_standards(
        [
            data(
                "JJF 1033-2023",
                "计量标准考核规范",
                replaces=(parse_standard_code("JJF 1033-2016"),),
            )
        ],
        by=None,
    )
    assert set(codes("计量标准")) == {"JJF 1033-2016", "JJF 1033-2023"}
