"""Ofsted import and the Providers filter: the issue's speed targets."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from .harness import ROOT, metric, timed

OFSTED = ROOT.parent / "shared" / "reference-data" / "ofsted"
FILE_2025 = OFSTED / "provider_level_at_31_march_2025.csv"
TODAY = dt.date(2025, 6, 2)


def _pandas_floor() -> float:
    import pandas as pd

    return timed(lambda: pd.read_csv(FILE_2025, skiprows=3, dtype=str))


def _import(paths: list[Path]) -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.register.ofsted_import import import_ofsted

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "b.db", backup=False)
        try:
            return timed(lambda: import_ofsted(db, paths, today=TODAY))
        finally:
            db.close()


@metric("pandas_read_csv_2025_s", "s", note="the parsing floor for the metric above")
def pandas_floor() -> float:
    return statistics.median(_pandas_floor() for _ in range(3))


@metric("ofsted_read_2025_csv_s", "s", baseline="pandas_read_csv_2025_s", target=1.0,
        note="reading the 2025 provider-level CSV into records (no database), best of 2; "
             "it was a timed unit test before")
def read_2025() -> float:
    from placement_desk.io.ofsted_files import read_ofsted_file

    return min(timed(lambda: read_ofsted_file(FILE_2025)) for _ in range(2))


@metric("ofsted_import_2025_csv_s", "s", baseline="pandas_read_csv_2025_s", target=3.0,
        note="import of the 2025 provider-level CSV into an empty database; baseline is "
             "pandas.read_csv of the same file (the parsing floor)")
def import_2025() -> float:
    return statistics.median(_import([FILE_2025]) for _ in range(3))


@metric("ofsted_import_all_years_s", "s", target=20.0,
        note="import of the eleven yearly files (2015-2025) in order, into an empty database")
def import_all_years() -> float:
    return _import(sorted(OFSTED.glob("provider_level_at_31_march_*.csv")))


@metric("providers_filter_keystroke_ms", "ms", target=50.0,
        note="Providers page with every 2025 setting: typing one character in the search "
             "box to the updated view (filter, count), median over 20 keystrokes")
def providers_filter() -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from placement_desk.lifecycle import open_database
    from placement_desk.services.register.ofsted_import import import_ofsted
    from placement_desk.ui.providers.providers_view import ProvidersView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "f.db", backup=False)
        try:
            import_ofsted(db, [FILE_2025], today=TODAY)
            view = ProvidersView(db, QSettings(str(Path(tmp) / "s.ini"),
                                                        QSettings.Format.IniFormat))
            view.resize(1200, 800)
            view.show()
            view.reload()
            app.processEvents()
            times = []
            for text in ("s", "sc", "sc1", "sc", "s", "", "o", "oa", "oak", "oa", "o", "",
                         "l", "lo", "lon", "lond", "lon", "lo", "l", ""):
                start = time.perf_counter()
                view.search.setText(text)
                view.apply_filters()
                app.processEvents()
                times.append((time.perf_counter() - start) * 1000)
            view.close()
        finally:
            db.close()
    return statistics.median(times)
