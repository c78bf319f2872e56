"""The engine's API: years, registry, progress and cancel, input forms, error messages."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.placements.ssda903 import (
    NOT_IMPLEMENTED,
    RULES,
    RuleResult,
    UnknownYear,
    collection_year_for,
    parse_year,
    validate,
    validate_frame,
    year_label,
)
from tests.services.placements.ssda903.kit import episodes, header


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2025, 4, 1), "2025_26"),
        (dt.date(2026, 3, 31), "2025_26"),
        (dt.date(2025, 3, 31), "2024_25"),
        (dt.datetime(2023, 12, 25, 14, 0), "2023_24"),
        (dt.date(1999, 6, 1), "1999_00"),
    ],
)
def test_collection_year_for(day: dt.date, year: str) -> None:
    assert collection_year_for(day) == year


@pytest.mark.parametrize("text", ["2025-26", "2025_26", " 2025/26 ", "2025-2026"])
def test_parse_year_accepts_the_usual_spellings(text: str) -> None:
    assert parse_year(text) == "2025_26"
    assert year_label(parse_year(text)) == "2025-26"


@pytest.mark.parametrize("text", ["2019-20", "2025-27", "next year", "2025"])
def test_parse_year_refuses_unknown_years_naming_the_known_ones(text: str) -> None:
    with pytest.raises(UnknownYear) as caught:
        parse_year(text)
    assert "2023-24, 2024-25, 2025-26" in str(caught.value)


def test_registry_per_year() -> None:
    common = {
        "101", "103", "143", "144", "145", "146", "148", "149", "178", "213", "218", "222",
        "352", "358", "371", "372", "373", "374", "385", "387", "388", "389", "433", "434",
        "435", "436", "437", "501", "527", "528", "529", "530", "531", "550", "1009",
    }
    assert {r.code for r in RULES["2023_24"]} == common | {"217t", "230", "370"}
    assert {r.code for r in RULES["2024_25"]} == common
    assert {r.code for r in RULES["2025_26"]} == common
    for rules in RULES.values():
        assert len({r.code for r in rules}) == len(rules)
        assert all(r.message.endswith(".") and r.fields for r in rules)
    assert "502" in NOT_IMPLEMENTED
    msg = {y: {r.code: r.message for r in rules} for y, rules in RULES.items()}
    assert "(1 or 2)" in msg["2023_24"]["101"]
    assert "(M, F or U)" in msg["2024_25"]["101"] == msg["2025_26"]["101"]
    assert "(H5)" in msg["2023_24"]["371"]
    assert "(K3)" in msg["2025_26"]["371"]


def test_unknown_year() -> None:
    with pytest.raises(UnknownYear, match="2019-20"):
        validate(header(), episodes(), "2019_20")


def test_missing_column_names_the_column_not_the_data() -> None:
    e = episodes({"CHILD": "SECRET-ID", "DECOM": "01/01/2024"}).drop(columns=["URN"])
    with pytest.raises(ValueError, match="URN") as info:
        validate(header(), e, "2025_26")
    assert "SECRET" not in str(info.value)


def test_progress_is_reported_after_each_rule() -> None:
    seen: list[tuple[str, int, int]] = []
    state = TaskState(lambda *a: seen.append(a), min_interval=0)
    validate(header({"SEX": "1"}), episodes({"DECOM": "01/01/2024"}), "2024_25", state)
    total = len(RULES["2024_25"]) + 1
    assert [done for _, done, _ in seen] == [*range(total), total]
    assert all(t == total for _, _, t in seen)


def test_cancel_stops_the_run_between_rules() -> None:
    calls = 0

    def cancel_after_three(_step: str, _done: int, _total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            state.cancel()

    state = TaskState(cancel_after_three, min_interval=0)
    with pytest.raises(Cancelled):
        validate(header(), episodes(), "2025_26", state)
    assert calls == 3


def test_results_are_ordered_and_frame_form_agrees() -> None:
    h = header({"SEX": "X"}, {"SEX": "M"})
    e = episodes({"PLACE": "Z1", "DEC": "01/01/2030"}, {"PLACE": "P1", "PLACE_PROVIDER": "PR4"})
    results = validate(h, e, "2025_26")
    assert results[0] == RuleResult("101", RULES["2025_26"][0].message, "header", 0, ("SEX",))
    frame = validate_frame(h, e, "2025_26")
    assert list(frame.itertuples(index=False, name=None)) == [
        (r.code, r.table, r.row) for r in results
    ]
    assert ("146", "episodes", 0) in set(frame.itertuples(index=False, name=None))
    assert ("530", "episodes", 1) in set(frame.itertuples(index=False, name=None))
    empty = validate_frame(header({"SEX": "M", "ETHNIC": "WBRI"}), episodes(), "2025_26")
    assert empty.empty
    assert list(empty.columns) == ["code", "table", "row"]


def test_blank_cells_as_nan_or_empty_text_give_the_same_answer(
    example_files: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    h, e = example_files
    h_nan = h.replace("", np.nan)
    e_nan = e.replace("", np.nan)
    for year in RULES:
        assert validate(h, e, year) == validate(h_nan, e_nan, year)


def test_numbers_read_as_numbers_still_match_codes() -> None:
    h = pd.DataFrame({"CHILD": [1, 2], "SEX": [1, 3], "DOB": ["", ""], "ETHNIC": ["WBRI", "WBRI"]})
    assert [r.row for r in validate(h, episodes(), "2023_24") if r.code == "101"] == [1]


def test_empty_tables() -> None:
    assert validate(header(), episodes(), "2025_26") == []


def test_the_app_starts_without_loading_pandas() -> None:
    """The pages import the register checks; the rules (and pandas) load when they run."""
    code = ("import sys, placement_desk.app, placement_desk.services.placements.episodes, "
            "placement_desk.services.placements.listing; print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("seed", [0, 1])
def test_the_rules_read_a_files_columns_as_they_read_its_text(tmp_path: Path, seed: int) -> None:
    """An import hands the rules each column as codes and distinct texts (a categorical
    column) rather than a text per row: every rule of every year, and the overlaps, must
    flag the same rows. The published example return, with a seeded share of its cells
    changed to blanks, odd spellings and bad values."""
    import csv
    import random

    from placement_desk.io.ssda903_files import read_episodes_file, read_header_file
    from placement_desk.services.placements.ssda903 import label_overlaps, run_rules
    from placement_desk.services.placements.ssda903_file_checks import rules_frame
    from tests.reference import SSDA903, need

    rng = random.Random(seed)
    odd = ["", " ", "x", "31/02/2020", "1/4/2020", "01/04/2020 ", "k2", "E8", "0", "S",
           "sc123456", "XXXXXXX", "01/04/1899"]
    paths = []
    for name in ("header.csv", "episodes.csv"):
        with open(need(SSDA903 / name), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        out = tmp_path / name
        with out.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([rows[0]] + [
                [rng.choice(odd) if rng.random() < 0.05 else c for c in r] for r in rows[1:]])
        paths.append(out)
    header, spells = read_header_file(paths[0]), read_episodes_file(paths[1])
    as_text = (pd.DataFrame(dict(header.raw), dtype=object),
               pd.DataFrame(dict(spells.raw), dtype=object))
    as_codes = (rules_frame(header.columns), rules_frame(spells.columns))
    for year in RULES:
        found = [(c, t, r.tolist()) for c, t, r in run_rules(*as_text, year)]
        assert [(c, t, r.tolist()) for c, t, r in run_rules(*as_codes, year)] == found
        assert sum(len(r) for _c, _t, r in found) > 1000
    assert label_overlaps(as_codes[1]) == label_overlaps(as_text[1])
