"""Duplicate rows within one import file, found from compact key digests."""

from __future__ import annotations

from qihub.core.imports import _KeyLog, importer_for, run_import


def test_repeats_map_every_later_row_to_the_first_of_its_key():
    log = _KeyLog()
    for row, key in [(2, "a"), (3, "b"), (4, "a"), (5, "c"), (6, "a"), (7, "b")]:
        log.add(key, row)
    assert log.repeats() == {4: 2, 6: 2, 7: 3}


def test_no_repeats_in_distinct_keys():
    log = _KeyLog()
    for row in range(2, 10_002):
        log.add(f"key-{row}", row)
    assert log.repeats() == {}


def test_a_file_with_repeated_organisations_names_each_repeat_in_row_order(reference, tmp_path):
    # Two valid codes (GB 32100 check digits); core's tests do not import the apps above it.
    first, second = "91210100000000001D", "91210100000000002G"
    lines = [
        "uscc,name,kind,city_code,address",
        f"{first},甲检测公司,testing_lab,210100,",
        f"{second},乙检测公司,testing_lab,210200,",
        f"{first.lower()},甲检测公司（重复）,testing_lab,210100,",
        f"{second},乙检测公司,testing_lab,210200,",
    ]
    path = tmp_path / "orgs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(importer_for("orgs"), path)
    assert not result.ok
    assert [(e.row, e.message) for e in result.errors] == [
        (4, f"'{first}' already appears in row 2"),
        (5, f"'{second}' already appears in row 3"),
    ]
