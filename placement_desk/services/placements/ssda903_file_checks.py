"""Checking an SSDA903 return's files, as written, with the DfE's rules of a collection year.

The year is the one chosen, or by default the year of the latest episode
(:func:`rules_year_for`). The files' columns are handed to the rules as categorical columns
(:func:`rules_frame`), and what the rules find, with every overlap of a child's episodes
that rule 501 does not report, becomes the import's problems (:func:`check_rules`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ...io.ssda903_records import Columns, EpisodesFile, HeaderFile, raw_text
from ...progress import TaskState
from .ssda903 import RULES, label_overlaps, parse_year, run_rules
from .ssda903.stored import rules_year_of
from .ssda903_problems import Problems


def rules_frame(columns: Columns) -> pd.DataFrame:
    """A file's columns as the SSDA903 rules read them (text as the DfE's validator reads
    it), each column categorical: a code per row and each distinct text once."""
    data: dict[str, pd.Categorical] = {}
    size = len(columns)
    for name in columns.names:
        texts = [raw_text(cell) for cell in columns.distinct(name)]
        if not columns.has(name):
            data[name] = pd.Categorical.from_codes(np.zeros(size, dtype=np.int8), [""])
            continue
        distinct = list(dict.fromkeys(texts))
        index = {text: i for i, text in enumerate(distinct)}
        recode = np.array([index[text] for text in texts], dtype=np.int32)
        codes = recode[np.frombuffer(columns.codes(name), dtype=np.intc)]
        data[name] = pd.Categorical.from_codes(codes, distinct)
    return pd.DataFrame(data)


def rules_year_for(episodes: EpisodesFile, year: str | None, today: dt.date) -> tuple[str, str]:
    """The collection year whose rules apply, and why that one."""
    if year is not None:
        return parse_year(year), "chosen"
    latest = episodes.latest_start or today
    chosen = rules_year_of(latest)
    natural = f"{latest.year if latest.month >= 4 else latest.year - 1}"
    if not chosen.startswith(natural):
        return chosen, "the nearest year with rules to that of the latest episode"
    return chosen, "the year of the latest episode"


def check_rules(problems: Problems, header_file: HeaderFile, episodes_file: EpisodesFile,
                year: str, state: TaskState) -> None:
    """The DfE's rules of the year over the files as written, and every overlap."""
    header = rules_frame(header_file.columns)
    episodes = rules_frame(episodes_file.columns)
    rules = {rule.code: rule for rule in RULES[year]}
    found = run_rules(header, episodes, year, state)
    del header
    files = {"header": (header_file.name, header_file.columns.numbers),
             "episodes": (episodes_file.name, episodes_file.columns.numbers)}
    for code, table, positions in found:
        rule = rules[code]
        name, numbers = files[table]
        problems.add_rows(code, "error", table, name, ", ".join(rule.fields), rule.message,
                          np.frombuffer(numbers, dtype=np.intc)[positions].tolist())
    del found
    state.check_cancelled()
    numbers = episodes_file.columns.numbers
    for pair in label_overlaps(episodes):
        if not pair.is_501:
            problems.add(
                "PD-OVERLAP", "error", "episodes", episodes_file.name,
                numbers[pair.second], "DECOM, DEC",
                f"The episode starts before the child's episode on row "
                f"{numbers[pair.first]:,} ends; rule 501 compares each episode with the "
                "one before it only (and skips one still open), so it does not report "
                "this.")
