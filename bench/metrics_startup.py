"""Start-up and demo generation: cold start to a drawn window, against its floor; peak
memory; demo time."""

from __future__ import annotations

import statistics
import tempfile
from functools import cache
from pathlib import Path

from .harness import DATA, median_of, metric, run_app

WINDOW_ONLY = "--smoke-test=window"
"""Start to a drawn window, without the smoke test's PDF."""
LIBREOFFICE_100K_ROWS_S = 5.5  # what a user waits today for the tracker spreadsheet to open


def _start(size: str) -> float:
    run_app("--db", str(DATA / f"{size}.db"), WINDOW_ONLY)  # writes the bytecode cache
    return median_of(3, lambda: run_app("--db", str(DATA / f"{size}.db"), WINDOW_ONLY)[0])


@metric("cold_start_council_s", "s", baseline=LIBREOFFICE_100K_ROWS_S, target=1.5,
        note="--smoke-test on the council demo database, median of 3")
def cold_start_council() -> float:
    return _start("council")


PAIRS = 5


@cache
def _paired_council() -> tuple[float, float]:
    """Median seconds of the floor and of the app on the council demo, started in turn
    (floor, app, floor, app, ...) so that both see the same machine."""
    council = str(DATA / "council.db")
    run_app(council, module="bench.floor_app")  # warm-up, writes the bytecode caches
    run_app("--db", council, WINDOW_ONLY)
    floors, apps = [], []
    for _ in range(PAIRS):
        floors.append(run_app(council, module="bench.floor_app")[0])
        apps.append(run_app("--db", council, WINDOW_ONLY)[0])
    return statistics.median(floors), statistics.median(apps)


@metric("startup_floor_council_s", "s",
        note="a bare PySide6 + SQLAlchemy window opening the council demo database (one "
             "count read, drawn offscreen, exit): bench/floor_app.py, median of 5 paired "
             "with the next metric")
def startup_floor_council() -> float:
    return _paired_council()[0]


@metric("cold_start_council_vs_floor", "x", target=1.5,
        note="--smoke-test on the council demo over the floor above, medians of 5 starts "
             "each, taken in turn")
def cold_start_council_vs_floor() -> float:
    floor, app = _paired_council()
    return app / floor


@metric("cold_start_large_s", "s", baseline=LIBREOFFICE_100K_ROWS_S, target=2.0,
        note="--smoke-test on the large demo database, median of 3")
def cold_start_large() -> float:
    return _start("large")


@metric("peak_memory_large_mb", "MB", note="peak RSS of --smoke-test on the large database")
def peak_memory_large() -> float:
    return run_app("--db", str(DATA / "large.db"), WINDOW_ONLY)[1] / 1024


def _demo(size: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return run_app("demo", "--db", str(Path(tmp) / "d.db"), "--size", size,
                       "--as-of", "2026-11-01", "--quiet")[0]


@metric("demo_council_s", "s", note="placement-desk demo --size council, whole command")
def demo_council() -> float:
    return _demo("council")


@metric("demo_large_s", "s", note="placement-desk demo --size large, whole command")
def demo_large() -> float:
    return _demo("large")
