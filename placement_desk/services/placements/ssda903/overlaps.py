"""Every pair of overlapping episodes of a child, not only the neighbouring pairs of rule 501."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .prepared import IntArray, normalise_text, parse_dates

__all__ = ["Overlap", "all_overlaps", "label_overlaps"]


@dataclass(frozen=True)
class Overlap:
    """Two episodes of one child (0-based rows, ``first`` starting no later) that overlap."""

    first: int
    second: int
    is_501: bool
    """True when rule 501 reports this pair (``second`` flagged as starting early)."""


def _pairs(episodes: pd.DataFrame, open_ended: bool) -> tuple[IntArray, IntArray, IntArray]:
    """Overlapping pairs (a, b) as row arrays, plus the 501 order used to label them."""
    for col in ("CHILD", "DECOM", "DEC"):
        if col not in episodes.columns:
            raise ValueError(f"episodes table lacks column: {col}")
    n = len(episodes)
    child, _ = pd.factorize(normalise_text(episodes["CHILD"]), use_na_sentinel=True)
    child = child.astype(np.int64)
    start = parse_dates(normalise_text(episodes["DECOM"])).to_numpy(dtype="datetime64[D]")
    dec_text = normalise_text(episodes["DEC"])
    end = parse_dates(dec_text).to_numpy(dtype="datetime64[D]")
    still_open = dec_text.isna().to_numpy() & open_ended  # a garbled DEC is not "open"
    start_i = start.astype(np.int64)
    end_i = end.astype(np.int64)
    big = np.iinfo(np.int64).max
    start_key = np.where(np.isnat(start), big, start_i)
    child_key = np.where(child < 0, big, child)
    # Same order as rule 501: child, start date (blank last), file order.
    order = np.lexsort((np.arange(n), start_key, child_key)).astype(np.int64)

    ok = (child >= 0) & ~np.isnat(start)
    idx = order[ok[order]]  # sorted rows that can take part
    c = child[idx]
    s = start_i[idx]
    never = np.iinfo(np.int64).min
    e = np.where(still_open[idx], big, np.where(np.isnat(end[idx]), never, end_i[idx]))
    m = len(idx)
    if m == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, order
    # For each row, the later rows of the same child that start before it ends form a run
    # straight after it. One sorted key, child then start day, lets a binary search find where
    # each run stops; end dates are clipped into the start-day range so the key cannot spill
    # into the next child's block.
    s_min, s_max = int(s.min()), int(s.max())
    span = s_max - s_min + 2
    key = c * span + (s - s_min)
    target = c * span + (np.clip(e, s_min - 1, s_max + 1) - s_min)
    block_end = np.searchsorted(c, c, side="right")
    first_later = np.arange(1, m + 1, dtype=np.int64)
    stop = np.clip(np.searchsorted(key, target, side="left"), first_later, block_end)
    counts = stop - first_later
    a = np.repeat(np.arange(m, dtype=np.int64), counts)
    run_start = np.repeat(np.cumsum(counts) - counts, counts)
    b = a + 1 + (np.arange(int(counts.sum()), dtype=np.int64) - run_start)
    return idx[a].astype(np.int64), idx[b].astype(np.int64), order


def all_overlaps(episodes: pd.DataFrame, *, open_ended: bool = True) -> list[tuple[int, int]]:
    """Every pair of a child's episodes that overlap, as (first, second) 0-based rows.

    Episodes of a child are ordered as rule 501 orders them (by DECOM, then file order); a pair
    overlaps when the later-ordered one starts before the earlier one ends. An episode with no
    end date is still open and overlaps every later episode of the child, unless
    ``open_ended`` is False (then it overlaps nothing, as in rule 501); a DEC that is filled in
    but not a valid date makes no claim either way. Episodes with a blank CHILD or without a
    valid DECOM are left out.
    """
    a, b, _ = _pairs(episodes, open_ended)
    return sorted(zip(a.tolist(), b.tolist(), strict=True))


def label_overlaps(episodes: pd.DataFrame, *, open_ended: bool = True) -> list[Overlap]:
    """all_overlaps(), each pair marked with whether rule 501 reports it."""
    a, b, order = _pairs(episodes, open_ended)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    end_given = parse_dates(normalise_text(episodes["DEC"])).notna().to_numpy()
    # 501 compares neighbours in its order only, and a blank previous end never counts.
    neighbour = position[b] == position[a] + 1
    is_501 = neighbour & end_given[a]
    pairs = sorted(zip(a.tolist(), b.tolist(), is_501.tolist(), strict=True))
    return [Overlap(x, y, z) for x, y, z in pairs]
