"""Placements: the list filter, weeks and spend, and the SSDA903 import (issue targets)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from . import ssda903_return
from .harness import DATA, ROOT, metric, run_app, timed

SSDA903 = ROOT.parent / "shared" / "reference-data" / "ssda903"
AS_OF = dt.date(2026, 11, 1)
"""The demo databases' "today" (bench.generate)."""

KEYSTROKES = ("c", "c-", "c-1", "c-12", "c-1", "c-", "c", "", "o", "oa", "oak", "oa", "o", "",
              "s", "sc", "sc1", "sc", "s", "")


def _copy_of_large(tmp: str) -> Path:
    """Work on a copy: opening takes the lock and may write the settings table."""
    target = Path(tmp) / "large.db"
    shutil.copyfile(DATA / "large.db", target)
    return target


@metric("placements_filter_keystroke_ms", "ms", target=100.0,
        note="Placements list on the large demo (60,000+ episodes): typing one character in "
             "the search box to the updated view (filter, count, table), median over 20 "
             "keystrokes")
def placements_filter() -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from placement_desk.lifecycle import open_database
    from placement_desk.ui.placements.episodes_view import EpisodesView

    app = QApplication.instance() or QApplication([])

    def no_background(*_args: Any, **_kwargs: Any) -> None:
        """The 903 checks run in a worker in the app; they are not part of a keystroke."""

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy_of_large(tmp), backup=False)
        try:
            view = EpisodesView(db, QSettings(str(Path(tmp) / "s.ini"),
                                                       QSettings.Format.IniFormat),
                                no_background, AS_OF)
            view.resize(1300, 800)
            view.show()
            view.reload()
            app.processEvents()
            rows = len(view.model.all_rows)
            if rows < 60_000:
                raise RuntimeError(f"large demo has {rows} episodes; rebuild it")
            times = []
            for text in KEYSTROKES:
                start = time.perf_counter()
                view.search.setText(text)
                view.apply_filters()
                app.processEvents()
                times.append((time.perf_counter() - start) * 1000)
            view.close()
        finally:
            db.close()
    return statistics.median(times)


@metric("weeks_and_spend_provider_year_ms", "ms", target=300.0,
        note="weeks and spend by provider for the year to the demo's date, on the large demo, "
             "median of 5")
def weeks_and_spend_year() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.agreements.costs import weeks_and_spend

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy_of_large(tmp), backup=False)
        try:
            start = AS_OF.replace(year=AS_OF.year - 1)

            def once() -> float:
                return timed(lambda: weeks_and_spend(db, start, AS_OF, "provider"))

            once()  # warm the file cache, as a user's second look would be
            return statistics.median(once() for _ in range(5)) * 1000
        finally:
            db.close()


@metric("ssda903_import_example_s", "s",
        note="import of the published example header and episodes files (5,050 episodes) "
             "into an empty database, with the problem report")
def ssda903_import() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.placements.ssda903_import import import_ssda903

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "i.db", backup=False)
        try:
            return timed(lambda: import_ssda903(db, SSDA903 / "header.csv",
                                                SSDA903 / "episodes.csv", today=AS_OF))
        finally:
            db.close()


_RUNS: list[tuple[float, int]] = []
"""(seconds, peak RSS in KB) of each 100,000-episode import, shared by its two metrics."""


def _import_100k() -> list[tuple[float, int]]:
    """Three runs of ``placement-desk import ssda903`` on the generated return, each into an
    empty database: the whole command (start-up, reading, the 2025-26 rules, writing)."""
    if not _RUNS:
        if not ssda903_return.current():
            ssda903_return.write_return()
        folder = ssda903_return.FOLDER
        for _ in range(3):
            with tempfile.TemporaryDirectory() as tmp:
                _RUNS.append(run_app("--db", str(Path(tmp) / "i.db"), "import", "ssda903",
                                     "--header", str(folder / "header.csv"),
                                     "--episodes", str(folder / "episodes.csv")))
    return _RUNS


@metric("ssda903_import_100k_s", "s", target=12.0,
        note="placement-desk import ssda903 of a generated 2025-26 return (40,000 children, "
             "100,000 episodes, bench/ssda903_return.py) into an empty database with all the "
             "year's rules and our own checks, whole command, median of 3")
def ssda903_import_100k() -> float:
    return statistics.median(seconds for seconds, _rss in _import_100k())


@metric("ssda903_import_100k_peak_mb", "MB", target=600.0,
        note="peak resident memory of that import (the largest of the 3 runs)")
def ssda903_import_100k_memory() -> float:
    return max(rss for _seconds, rss in _import_100k()) / 1024
