import pytest

from qihub.core.search import query_terms, segment


def test_segment_keeps_long_words_and_their_parts() -> None:
    words = segment("金属材料 拉伸试验 第1部分：室温试验方法").split()
    assert {"金属材料", "金属", "材料", "拉伸试验", "拉伸", "试验", "室温", "方法"} <= set(words)
    assert "：" not in words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB/T 228.1-2021", "gb t 228 1 2021"),
        ("ＧＢ／Ｔ　２２８．１", "gb t 228 1"),  # full-width forms, ideographic space
        ("ISO 9001:2015", "iso 9001 2015"),
        ("《计量器具》、（压力表）", "计量 量器 器具 计量器 计量器具 压力 力表 压力表"),
        ("", ""),
    ],
)
def test_segment(text: str, expected: str) -> None:
    assert segment(text) == expected


def test_domain_words_stay_whole() -> None:
    for word in ("检定规程", "校准规范", "特种设备", "无损检测", "能力验证", "电能表"):
        assert query_terms(word) == [word]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("电能表检定规程", ["电能表", "检定规程"]),
        ("拉伸", ["拉伸"]),
        ("  拉伸，拉伸  ", ["拉伸"]),
        ("Tensile TESTING", ["tensile", "testing"]),
        ("，。！？", []),
    ],
)
def test_query_terms(query: str, expected: list[str]) -> None:
    assert query_terms(query) == expected


def test_every_query_term_is_in_the_segmented_text() -> None:
    title = "弹性元件式一般压力表、压力真空表和真空表检定规程"
    indexed = set(segment(title).split())
    for query in ("压力表", "检定规程", "真空表", "压力真空表"):
        assert set(query_terms(query)) <= indexed, query
