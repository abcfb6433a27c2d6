import pytest

from qihub.accounts.identifiers import InvalidUSCC, make_uscc, normalise_uscc, uscc_check_character

# Codes published by the organisations themselves (business licences, annual reports).
REAL_CODES = ["91350100M000100Y43", "91110000802100433B", "9144030071526726XG"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_accepts_real_codes(code):
    assert normalise_uscc(code) == code


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),  # lower case
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full-width
        (" 9135 0100 M000 100Y43 ", "91350100M000100Y43"),  # spaces
        ("91350100-M000100Y43", "91350100M000100Y43"),  # dash
        ("91350100\u3000M000100Y43", "91350100M000100Y43"),  # ideographic space
    ],
)
def test_normalises_what_people_type(typed, canonical):
    assert normalise_uscc(typed) == canonical


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "不能为空"),
        ("91350100M000100Y4", "应为18位，实际为17位"),
        ("91350100M000100Y433", "实际为19位"),
        ("91350100M0001O0Y43", "第14位字符“O”不允许"),
        ("91350100M000100I43", "第16位字符“I”不允许"),
        ("9135A100M000100Y43", "第3–8位应为6位行政区划代码"),
        ("91350100M000100Y44", "第18位应为“3”，实际为“4”"),
        ("91350100M000100Y4。", "不允许"),
    ],
)
def test_says_exactly_what_is_wrong(raw, fragment):
    with pytest.raises(InvalidUSCC) as error:
        normalise_uscc(raw)
    assert fragment in error.value.detail
    assert error.value.code == "invalid_uscc"


def test_check_character_can_be_zero_and_letters():
    # Sweep serials until both a '0' and a letter check character appear: the mod-31 mapping
    # must produce them (31 - 0 -> 0, values >= 10 -> letters).
    seen = {uscc_check_character(f"91210100{n:09d}") for n in range(200)}
    assert "0" in seen
    assert any(c.isalpha() for c in seen)


def test_every_single_character_change_is_detected():
    code = make_uscc("91210102MA0XYW123")
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        for char in alphabet:
            if char == code[position]:
                continue
            mutated = code[:position] + char + code[position + 1 :]
            if not mutated[2:8].isdigit():
                continue
            with pytest.raises(InvalidUSCC):
                normalise_uscc(mutated)
