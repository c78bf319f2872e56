"""A generated SSDA903 return for the 2025-26 collection year: 40,000 children, 100,000 episodes.

Each child's episodes follow one another (most starting the day the last one ended, a few
with gaps or overlaps), mostly ended before 31 March 2026 and some still open; codes are
mostly 2025-26's, with a share of faults (old codes, blanks, providers that do not go with
the type) so that every family of rules has work to do. Seeded: the same files every time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from .harness import DATA

FOLDER = DATA / "ssda903_100k"
CHILDREN, EPISODES = 40_000, 100_000
YEAR_END = dt.date(2026, 3, 31)

_PLACES = ["U1", "U3", "U4", "U5", "U6", "K2", "K1", "K3", "P1", "P3", "R1", "R2", "R3", "R5",
           "S1", "T0", "T4", "A4", "A6", "Z11", "Z12", "Z13", "Z14", "H5", "Z1"]
_PLACE_WEIGHTS = [10, 6, 20, 8, 20, 10, 1, 4, 3, 0.5, 1, 1, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 0.5, 0.5,
                  0.5, 0.5, 0.5]
_PROVIDERS = ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5", ""]
_LS = ["C1", "C2", "C2", "C2", "E1", "V2", "V3", "J1", "J2", "L1", "L2"]
_REC = ["E11", "E12", "E2", "E3", "E4A", "E13", "E41", "E45", "E5", "E6", "E7", "E8", "E15"]
_ETHNIC = ["WBRI", "WBRI", "WBRI", "MWBA", "AIND", "BAFR", "BCRB", "WOTH", "NOBT", "XXXX"]
_URNS = ["SC123456", "SC654321", "1234567", "2590934", "XXXXXXX", ""]
_POSTCODES = ["SM1 1AA", "SM2 5AA", "CR0 1AB", "BN1 2GU", "KT1 1AA", "", "NOT A CODE"]


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970) as dd/mm/yyyy text."""
    as_dates = days.astype("datetime64[D]").astype(object)
    return np.array([f"{d.day:02d}/{d.month:02d}/{d.year}" for d in as_dates], dtype=object)


def write_return(folder: Path = FOLDER, children: int = CHILDREN, episodes: int = EPISODES,
                 seed: int = 1) -> tuple[Path, Path]:
    """Write header.csv and episodes.csv into ``folder``; their paths."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    epoch = dt.date(1970, 1, 1)
    end_day = (YEAR_END - epoch).days
    ids = np.array([f"B{i:07d}" for i in range(children)], dtype=object)
    sex = rng.choice(["M", "F", "U", "1", ""], children, p=[0.49, 0.49, 0.01, 0.005, 0.005])
    # Each child gets at least one episode; the rest are spread at random.
    child_of = np.sort(np.concatenate([np.arange(children),
                                       rng.integers(0, children, episodes - children)]))
    first = np.r_[True, child_of[1:] != child_of[:-1]]
    last = np.r_[child_of[1:] != child_of[:-1], True]
    group = np.cumsum(first) - 1
    length = rng.integers(7, 500, episodes)
    gap = np.where(rng.random(episodes) < 0.95, 0, rng.integers(-40, 40, episodes))
    step = np.where(first, 0, np.roll(length, 1) + np.roll(gap, 1))
    cum = np.cumsum(step)
    chain_start = cum - cum[np.flatnonzero(first)][group]
    # The child's last episode starts within two years before the end of the collection
    # year; the child was born up to 15 years before the first one.
    span = np.zeros(children, dtype=np.int64)
    np.add.at(span, group, np.where(last, 0, length + gap))
    first_day = end_day - rng.integers(0, 700, children) - span
    born = first_day - rng.integers(0, 365 * 15, children)
    header = {
        "CHILD": ids, "SEX": sex, "DOB": _dates(born),
        "ETHNIC": rng.choice(_ETHNIC, children), "UPN": [""] * children,
        "MOTHER": [""] * children, "MC_DOB": [""] * children,
    }
    start = np.minimum(first_day[group] + chain_start, end_day)  # a gap may run past it
    end = start + length
    still_open = last & ((end > end_day) | (rng.random(episodes) < 0.3))
    rec = np.where(last, rng.choice(_REC, episodes), "X1")
    rne = np.where(first, "S", rng.choice(["P", "L", "T", "U", "B"], episodes))
    place = rng.choice(_PLACES, episodes, p=np.array(_PLACE_WEIGHTS) / sum(_PLACE_WEIGHTS))
    rows = {
        "CHILD": ids[child_of], "DECOM": _dates(start),
        "RNE": rne, "LS": rng.choice(_LS, episodes),
        "CIN": rng.choice(["N1", "N1", "N2", "N4", "N5", "N8"], episodes),
        "PLACE": place, "PLACE_PROVIDER": rng.choice(_PROVIDERS, episodes),
        "DEC": np.where(still_open, "", _dates(end)), "REC": np.where(still_open, "", rec),
        "REASON_PLACE_CHANGE": np.where(first, "",
                                        rng.choice(["CARPL", "CHILD", "LAREQ", "OTHER", ""],
                                                   episodes)),
        "HOME_POST": rng.choice(_POSTCODES, children)[child_of],
        "PL_POST": rng.choice(_POSTCODES, episodes), "URN": rng.choice(_URNS, episodes),
    }
    header_path, episodes_path = folder / "header.csv", folder / "episodes.csv"
    _write_csv(header_path, header)
    _write_csv(episodes_path, rows)
    return header_path, episodes_path


def _write_csv(path: Path, columns: dict[str, object]) -> None:
    names = list(columns)
    values = [list(columns[n]) for n in names]  # type: ignore[call-overload]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(names) + "\n")
        for row in zip(*values, strict=True):
            fh.write(",".join(str(v) for v in row) + "\n")


def current(folder: Path = FOLDER) -> bool:
    """Whether the files are there (they never change: the generator is seeded)."""
    return (folder / "header.csv").is_file() and (folder / "episodes.csv").is_file()
