"""Parsing of raw SSDA903 header and episode tables into the arrays that the rules share."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from .years import YearConfig

__all__ = [
    "EPISODE_COLUMNS",
    "HEADER_COLUMNS",
    "BoolArray",
    "IntArray",
    "Prepared",
    "normalise_text",
    "parse_dates",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC")
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "PL_POST",
    "URN",
)
# Columns the rules read if present, and treat as blank if absent.
_OPTIONAL_EPISODE_COLUMNS = ("HOME_POST", "PL_LA")

_NAT_LAST = np.iinfo(np.int64).max
_DAY_1901 = np.datetime64("1901-01-01", "D").astype(np.int64)


def normalise_text(col: pd.Series) -> pd.Series:
    """Text as the return's codes are compared: upper case, with blank cells as None.

    The result is an object Series on a 0-based RangeIndex. Numbers (a column that was not
    read as text) are turned into their text form first. Each distinct value is converted
    once, so code columns with a few dozen values cost little.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    upper = pd.Series(uniques).astype("string").str.upper().fillna("")
    table = np.append(upper.to_numpy(dtype=object), "")  # code -1 (missing) -> ""
    table[table == ""] = None
    return pd.Series(table[codes], dtype=object)


def parse_dates(col: pd.Series) -> pd.Series:
    """Dates written dd/mm/yyyy as datetimes; anything else (blank or malformed) is NaT."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(uniques), format="%d/%m/%Y", errors="coerce")
    table = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(table[codes])


def _days(dates: pd.Series) -> IntArray:
    """Days since 1970 as int64, NaT as the smallest int64."""
    out: IntArray = dates.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return out


def _check_columns(df: pd.DataFrame, needed: tuple[str, ...], table: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"{table} table lacks column(s): {', '.join(missing)}")


class Prepared:
    """The two tables parsed once, with the sort orders and joins several rules need.

    Row numbers everywhere are 0-based positions in the DataFrames given, whatever their index.
    """

    def __init__(self, header: pd.DataFrame, episodes: pd.DataFrame, config: YearConfig) -> None:
        _check_columns(header, HEADER_COLUMNS, "header")
        _check_columns(episodes, EPISODE_COLUMNS, "episodes")
        self.config = config
        self.n_header = len(header)
        self.n_episodes = len(episodes)
        self.h: dict[str, pd.Series] = {c: normalise_text(header[c]) for c in HEADER_COLUMNS}
        self.e: dict[str, pd.Series] = {c: normalise_text(episodes[c]) for c in EPISODE_COLUMNS}
        for c in _OPTIONAL_EPISODE_COLUMNS:
            self.e[c] = (
                normalise_text(episodes[c])
                if c in episodes.columns
                else pd.Series(np.full(self.n_episodes, None, dtype=object), dtype=object)
            )
        self.dob = parse_dates(self.h["DOB"])
        self.decom = parse_dates(self.e["DECOM"])
        self.dec = parse_dates(self.e["DEC"])
        self.collection_start = pd.Timestamp(config.start)
        self.collection_end = pd.Timestamp(config.end)

    # --- column helpers -------------------------------------------------------------------
    def present(self, col: str) -> BoolArray:
        """Episode cells that are not blank."""
        out: BoolArray = self.e[col].notna().to_numpy()
        return out

    def isin(self, col: str, codes: frozenset[str]) -> BoolArray:
        """Episode cells holding one of the codes."""
        out: BoolArray = self.e[col].isin(codes).to_numpy()
        return out

    def eq(self, col: str, code: str) -> BoolArray:
        """Episode cells equal to one code (blank never is)."""
        out: BoolArray = (self.e[col] == code).to_numpy(dtype=bool)
        return out

    def values(self, col: str) -> ObjArray:
        """Episode cells as an object array, None for blank."""
        out: ObjArray = self.e[col].to_numpy(dtype=object)
        return out

    # --- children and sort orders ---------------------------------------------------------
    @cached_property
    def _child_codes(self) -> tuple[IntArray, IntArray]:
        both = pd.concat([self.e["CHILD"], self.h["CHILD"]], ignore_index=True)
        codes, _ = pd.factorize(both, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        return codes[: self.n_episodes], codes[self.n_episodes :]

    @property
    def episode_child(self) -> IntArray:
        """An integer per child shared with the header; -1 where CHILD is blank."""
        return self._child_codes[0]

    @property
    def header_child(self) -> IntArray:
        return self._child_codes[1]

    def _child_sort_key(self) -> IntArray:
        child = self.episode_child
        out: IntArray = np.where(child < 0, np.iinfo(np.int64).max, child)
        return out

    @cached_property
    def decom_days_nat_last(self) -> IntArray:
        d = _days(self.decom)
        out: IntArray = np.where(self.decom.isna().to_numpy(), _NAT_LAST, d)
        return out

    @cached_property
    def dec_days_nat_last(self) -> IntArray:
        d = _days(self.dec)
        out: IntArray = np.where(self.dec.isna().to_numpy(), _NAT_LAST, d)
        return out

    @cached_property
    def order_by_start(self) -> IntArray:
        """Episodes by child, then start date (blank or bad dates last), then file order."""
        out: IntArray = np.lexsort(
            (np.arange(self.n_episodes), self.decom_days_nat_last, self._child_sort_key())
        ).astype(np.int64)
        return out

    @cached_property
    def order_by_start_end(self) -> IntArray:
        """As order_by_start, with the end date (blank last) breaking ties of start date."""
        out: IntArray = np.lexsort(
            (
                np.arange(self.n_episodes),
                self.dec_days_nat_last,
                self.decom_days_nat_last,
                self._child_sort_key(),
            )
        ).astype(np.int64)
        return out

    @cached_property
    def order_by_start_blank_first(self) -> IntArray:
        """As order_by_start, but an episode without a start date sorts first (as 1 Jan 1901)."""
        d = _days(self.decom)
        key = np.where(self.decom.isna().to_numpy(), _DAY_1901, d)
        out: IntArray = np.lexsort(
            (np.arange(self.n_episodes), key, self._child_sort_key())
        ).astype(np.int64)
        return out

    def same_child_as_previous(self, order: IntArray) -> BoolArray:
        """In sorted order: does each row belong to the same (non-blank) child as the one before."""
        child = self.episode_child[order]
        out = np.zeros(len(order), dtype=bool)
        out[1:] = (child[1:] == child[:-1]) & (child[1:] >= 0)
        return out

    # --- header join ---------------------------------------------------------------------
    @cached_property
    def episode_dob(self) -> pd.DataFrame:
        """Every episode with each header row of its child: columns ep, hd (-1: none), dob.

        A child listed twice in the header gives its episodes two rows here; an episode whose
        child is blank or absent from the header has one row with hd -1 and no date of birth.
        """
        hchild = np.where(self.header_child < 0, -2, self.header_child)
        left = pd.DataFrame({"key": self.episode_child, "ep": np.arange(self.n_episodes)})
        right = pd.DataFrame(
            {"key": hchild, "hd": np.arange(self.n_header), "dob": self.dob.to_numpy()}
        )
        merged = left.merge(right, on="key", how="left", sort=False)
        merged["hd"] = merged["hd"].fillna(-1).astype(np.int64)
        return merged[["ep", "hd", "dob"]].reset_index(drop=True)

    def dob_plus_years(self, years: int) -> pd.Series:
        """For each row of episode_dob, the date the child turns ``years`` (29 Feb -> 28 Feb)."""
        dob = self.episode_dob["dob"]
        return dob + pd.DateOffset(years=years)

    def episodes_mask(self, ep_rows: npt.NDArray[np.int64] | pd.Series) -> BoolArray:
        """A boolean mask over episodes from a list of episode positions (repeats allowed)."""
        out = np.zeros(self.n_episodes, dtype=bool)
        out[np.asarray(ep_rows, dtype=np.int64)] = True
        return out

    def header_mask(self, hd_rows: npt.NDArray[np.int64] | pd.Series) -> BoolArray:
        """A boolean mask over header rows from a list of header positions (-1 ignored)."""
        rows = np.asarray(hd_rows, dtype=np.int64)
        out = np.zeros(self.n_header, dtype=bool)
        out[rows[rows >= 0]] = True
        return out
