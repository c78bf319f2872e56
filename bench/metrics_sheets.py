"""A team's spreadsheet in and any list out: the 100,000-row placements tracker imported
end to end, against its floor, and 100,000 placements exported to .xlsx."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from . import sheets_workbook
from .harness import metric, run_app

_RUNS: dict[str, list[tuple[float, int]]] = {}
"""(seconds, peak RSS in KB) of each run, shared by the metrics of one measurement."""
_EXPORT: list[tuple[float, int]] = []


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
        for n in range(3):
            _EXPORT.append(run_app("--db", str(kept), "export", "placements", "--out",
                                   str(Path(tmp) / f"out{n}.xlsx")))
    return _RUNS


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
