"""Helpers for the SSDA903 rule tests: small hand-made tables and the rows a rule flags."""

from __future__ import annotations

import pandas as pd
import pytest

from placement_desk.services.placements.ssda903 import Table, validate
from tests.reference import SSDA903, need

HEADER_COLS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]


def header(*rows: dict[str, str]) -> pd.DataFrame:
    """A header table as text; CHILD defaults to H0, H1, ... and other cells to blank."""
    records = [{c: r.get(c, f"H{i}" if c == "CHILD" else "") for c in HEADER_COLS}
               for i, r in enumerate(rows)]
    return pd.DataFrame(records, columns=HEADER_COLS, dtype=str)


def episodes(*rows: dict[str, str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """An episodes table as text; CHILD defaults to E0, E1, ... and other cells to blank."""
    cols = EPISODE_COLS + list(extra)
    records = [{c: r.get(c, f"E{i}" if c == "CHILD" else "") for c in cols}
               for i, r in enumerate(rows)]
    return pd.DataFrame(records, columns=cols, dtype=str)


def flagged(h: pd.DataFrame, e: pd.DataFrame, year: str, code: str,
            table: Table = "episodes") -> list[int]:
    """Sorted rows of ``table`` that rule ``code`` of ``year`` flags."""
    return sorted(r.row for r in validate(h, e, year) if r.code == code and r.table == table)


@pytest.fixture(scope="session")
def example_files() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published example header and episodes files, read as text with blanks as ''."""
    h = pd.read_csv(need(SSDA903 / "header.csv"), dtype=str, keep_default_na=False)
    e = pd.read_csv(need(SSDA903 / "episodes.csv"), dtype=str, keep_default_na=False)
    return h, e
