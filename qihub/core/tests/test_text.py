import pytest

from qihub.core.text import (
    looks_like_pinyin,
    normalise_text,
    pinyin_full,
    pinyin_initials,
    to_halfwidth,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＧＢ／Ｔ　２２８．１", "GB/T 228.1"),
        ("（括号）", "(括号)"),
        ("《标准》", "《标准》"),
        ("abc", "abc"),
    ],
)
def test_to_halfwidth(raw, expected):
    assert to_halfwidth(raw) == expected


def test_normalise_text_collapses_spaces():
    assert normalise_text("  沈阳 \t 检测\u3000 公司 ") == "沈阳 检测 公司"


def test_pinyin():
    assert pinyin_full("沈阳市计量测试院") == "shenyangshijiliangceshiyuan"
    assert pinyin_initials("沈阳市计量测试院") == "sysjlcsy"
    assert pinyin_initials("辽宁ABC检测") == "lnabcjc"


@pytest.mark.parametrize(
    ("text", "expected"), [("sysjl", True), ("沈阳", False), ("a", False), ("GB228", False)]
)
def test_looks_like_pinyin(text, expected):
    assert looks_like_pinyin(text) is expected
