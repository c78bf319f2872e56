"""Which rows of an SSDA903 episodes file can be imported, worked out over its columns at once.

A row whose child has no usable header row cannot, nor a second row of a child starting
on the same day; and each child's latest episode (which gives the child's legal status
and home postcode) is found here too, with numpy over the columns rather than a row at a
time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...io.ssda903_records import EpisodesFile, HeaderRecord


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    """Which stored rows of the episodes file can be imported (by their order among them)."""

    has_child: np.ndarray[Any, np.dtype[np.bool_]]
    """Whether the row's child has a usable header row."""
    repeat_of: dict[int, int]
    """A row repeating an earlier one's child and start date → that row's number."""
    latest: dict[str, int]
    """Child reference → the position (among the data rows) of its latest episode."""


def plan_episodes(episodes: EpisodesFile, children: dict[str, HeaderRecord]) -> EpisodePlan:
    """Which stored rows of the episodes file can be imported, worked out over the file's
    columns at once: a row whose child has no usable header row, or a second row of a
    child starting on the same day, cannot; and each child's latest episode."""
    columns = episodes.columns
    stored = np.frombuffer(episodes.stored, dtype=np.intc).astype(np.int64)
    index = {ref: i for i, ref in enumerate(children)}
    child_of = np.array([index.get(value, -1) for value in columns.values("CHILD")]
                        + [-1], dtype=np.int64)
    day_of = np.array([value.toordinal() if value is not None else 0
                       for value in columns.values("DECOM")] + [0], dtype=np.int64)
    child = child_of[np.frombuffer(columns.codes("CHILD"), dtype=np.intc)[stored]]
    day = day_of[np.frombuffer(columns.codes("DECOM"), dtype=np.intc)[stored]]
    usable = np.flatnonzero(child >= 0)
    # A second row of a child and start day (in file order) repeats the first.
    key = child[usable] * (1 << 23) + day[usable]
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    group = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
    repeats = usable[order[~first]]
    originals = usable[order[group[~first]]]
    numbers = columns.numbers
    repeat_of = {int(r): numbers[int(stored[o])]
                 for r, o in zip(repeats.tolist(), originals.tolist(), strict=True)}
    ok = usable[order[first]]
    ok.sort()
    # Each child's latest episode: the first in file order of its latest start.
    latest_rows = ok[np.lexsort((ok, -day[ok], child[ok]))]
    heads = np.ones(len(latest_rows), dtype=bool)
    heads[1:] = child[latest_rows][1:] != child[latest_rows][:-1]
    refs = list(children)
    latest = {refs[int(child[i])]: int(stored[i]) for i in latest_rows[heads].tolist()}
    return EpisodePlan(child >= 0, repeat_of, latest)
