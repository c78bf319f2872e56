"""Running one collection year's SSDA903 rules over a header and an episodes table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....progress import NULL_STATE, TaskState
from .base import RuleResult, Table
from .prepared import IntArray, Prepared
from .registry import RULES
from .years import YEARS, UnknownYear

__all__ = ["Flagged", "run_rules", "validate", "validate_frame"]

_TABLES: tuple[Table, ...] = ("header", "episodes")

Flagged = tuple[str, Table, IntArray]
"""One rule's answer for one table: (rule code, table, 0-based rows flagged)."""


def run_rules(header: pd.DataFrame, episodes: pd.DataFrame, year: str,
              state: TaskState = NULL_STATE) -> list[Flagged]:
    """Each rule of ``year`` in turn (registry order): the rows it flags, table by table.

    Cancel is honoured before the parsing and before each rule; progress is reported
    after each. Raises :class:`~.years.UnknownYear` for a year with no rules.
    """
    if year not in YEARS:
        raise UnknownYear(year)
    rules = RULES[year]
    total = len(rules) + 1
    step = "Checking the return against the SSDA903 rules"
    state.check_cancelled()
    state.progress(step, 0, total)
    prepared = Prepared(header, episodes, YEARS[year])
    out: list[Flagged] = []
    for done, rule in enumerate(rules, start=1):
        state.check_cancelled()
        hits = rule.function(prepared)
        for table in _TABLES:
            mask = hits.get(table)
            if mask is not None and mask.any():
                out.append((rule.code, table, np.flatnonzero(mask).astype(np.int64)))
        state.progress(step, done, total)
    state.progress(step, total, total)
    return out


def validate(header: pd.DataFrame, episodes: pd.DataFrame, year: str,
             state: TaskState = NULL_STATE) -> list[RuleResult]:
    """Every row a rule of ``year`` flags, rule by rule (registry order), then table and row.

    ``header`` and ``episodes`` hold the return's columns as text (dates dd/mm/yyyy, blank
    cells as empty strings or NaN); rows are 0-based positions in the frames given.
    """
    rules = {rule.code: rule for rule in RULES.get(year, [])}
    return [RuleResult(code, rules[code].message, table, row, rules[code].fields)
            for code, table, rows in run_rules(header, episodes, year, state)
            for row in rows.tolist()]


def validate_frame(header: pd.DataFrame, episodes: pd.DataFrame, year: str,
                   state: TaskState = NULL_STATE) -> pd.DataFrame:
    """The answer of :func:`validate` as a DataFrame (code, table, row): cheaper in bulk.

    Messages and fields are in ``RULES[year]``.
    """
    parts = [pd.DataFrame({"code": code, "table": table, "row": rows})
             for code, table, rows in run_rules(header, episodes, year, state)]
    if not parts:
        return pd.DataFrame({"code": [], "table": [], "row": np.array([], dtype=np.int64)})
    return pd.concat(parts, ignore_index=True)
