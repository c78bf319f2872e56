"""A team's spreadsheet in and any list out: the 100,000-row placements tracker imported
end to end, against its floor, and 100,000 placements exported to .xlsx."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import sheets_workbook
from .harness import ROOT, metric, run_app

_RUNS: dict[str, list[tuple[float, int]]] = {}
"""(seconds, peak RSS in KB) of each run, shared by the metrics of one measurement."""
_EXPORT: list[tuple[float, int]] = []
_STORE: list[float] = []
"""Seconds of each run of the store floor (bench/floor_sheet_store.py): reading the sheet
and storing the rows the import stored, raw."""


def _runs() -> dict[str, list[tuple[float, int]]]:
    """Three imports of the tracker, each into an empty database (the whole command:
    start-up, the safety checks, reading, every row checked by the forms' rules, the
    commit with its audit trail), each after a run of the floor, so that both see the same
    machine; then three exports of the 100,000 placements imported."""
    if _RUNS:
        return _RUNS
    if not sheets_workbook.current():
        sheets_workbook.write()
    workbook = str(sheets_workbook.PATH)
    _RUNS["floor"], _RUNS["import"] = [], []
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "kept.db"
        for n in range(3):
            _RUNS["floor"].append(run_app(workbook, module="bench.floor_sheets"))
            target = kept if n == 0 else Path(tmp) / f"i{n}.db"
            _RUNS["import"].append(run_app("--db", str(target), "import", "sheet", workbook,
                                           "--kind", "placements"))
            _STORE.append(_store_floor(workbook, target))
        for n in range(3):
            _EXPORT.append(run_app("--db", str(kept), "export", "placements", "--out",
                                   str(Path(tmp) / f"out{n}.xlsx")))
    return _RUNS


def _store_floor(workbook: str, made: Path) -> float:
    out = subprocess.run([sys.executable, "-m", "bench.floor_sheet_store", workbook, str(made)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    read, store = map(float, out.split())
    return read + store


@metric("sheet_import_floor_s", "s",
        note="the floor: python-calamine reading the tracker's 100,000 rows and one raw "
             "executemany of them into SQLite (bench/floor_sheets.py), median of 3")
def floor() -> float:
    return statistics.median(s for s, _rss in _runs()["floor"])


@metric("sheet_import_placements_100k_s", "s", baseline="sheet_import_floor_s", target=10.0,
        note="placement-desk import sheet of a generated placements tracker (100,000 rows, "
             "40,000 children; bench/sheets_workbook.py) into an empty database: safety "
             "checks, reading, every row through the forms' rules, one commit with the audit "
             "trail; whole command, median of 3")
def import_100k() -> float:
    return statistics.median(s for s, _rss in _runs()["import"])


@metric("sheet_import_vs_floor", "x", target=2.5,
        note="the import over the floor, medians of runs taken in turn")
def import_ratio() -> float:
    runs = _runs()
    return statistics.median(s for s, _ in runs["import"]) / statistics.median(
        s for s, _ in runs["floor"])


@metric("sheet_store_floor_s", "s",
        note="what storing the import's own rows costs SQLite alone: the sheet read as the "
             "floor reads it, then the children, episodes and audit events that import "
             "stored written raw (one executemany a table, indexes built after, one "
             "commit) into a new database of Placement Desk's schema; timed in-process, "
             "no start-up, nothing checked or worked out (bench/floor_sheet_store.py), "
             "median of 3")
def store_floor() -> float:
    _runs()
    return statistics.median(_STORE)


@metric("sheet_store_floor_vs_floor", "x",
        note="that store floor over the import's floor: the least ratio any import that "
             "keeps the records, their indexes and the audit trail could have")
def store_floor_ratio() -> float:
    return statistics.median(_STORE) / statistics.median(s for s, _ in _runs()["floor"])


@metric("sheet_import_placements_100k_peak_mb", "MB", target=600.0,
        note="peak resident memory of that import (the largest of the 3 runs)")
def import_memory() -> float:
    return max(rss for _s, rss in _runs()["import"]) / 1024


@metric("sheet_export_placements_100k_s", "s", target=15.0,
        note="placement-desk export placements --out FILE.xlsx of the 100,000 placements "
             "imported (marked, titled, formatted, frozen, filtered), median of 3")
def export_100k() -> float:
    _runs()
    return statistics.median(s for s, _rss in _EXPORT)


@metric("sheet_export_placements_100k_peak_mb", "MB", target=300.0,
        note="peak resident memory of that export (the largest of the 3 runs)")
def export_memory() -> float:
    _runs()
    return max(rss for _s, rss in _EXPORT) / 1024
