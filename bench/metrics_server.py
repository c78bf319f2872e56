"""A team's database on a PostgreSQL server, against the same figures on an SQLite file in
the same run; and twenty officers saving at once.

``make bench`` runs everything inside a throwaway server on a loopback port
(``tools/throwaway_postgres.py`` sets ``PLACEMENT_DESK_TEST_DB``); without one these
metrics record that they had no server. The large demo is copied to the server once with
``db copy``. Each server figure has its SQLite twin measured in turn with it (SQLite,
server, SQLite, server, ...) so that both see the same machine; the ratio is the metric
with a target (1.5×).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .harness import DATA, metric, run_app, timed

AS_OF = dt.date(2026, 11, 1)
PAIRS = 5
OFFICERS = 20
OFFICERS_SECONDS = 60.0
RECORDS = 20
"""Agreements and visits each, shared by the officers (so that they collide)."""


def server() -> str:
    url = os.environ.get("PLACEMENT_DESK_TEST_DB")
    if not url:
        raise RuntimeError("no PostgreSQL server: run through make bench")
    return url


def _database(name: str, template: str | None = None) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(server())
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"'
                             + (f' TEMPLATE "{template}"' if template else ""))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@cache
def large_on_server() -> str:
    """The large demo, copied to the server (and analysed, as a server's autovacuum would
    have by the time officers use it)."""
    from placement_desk.dbcopy import copy_database
    from placement_desk.lifecycle import open_database

    url = _database("bench_large")
    copy_database(DATA / "large.db", url)
    db = open_database(url)
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        db.close()
    return url


@cache
def large_copy() -> str:
    """A copy of the large demo file (opening takes the lock and may write settings)."""
    import atexit
    import shutil

    folder = tempfile.mkdtemp(prefix="pd-bench-")
    atexit.register(shutil.rmtree, folder, True)
    target = Path(folder) / "large.db"
    shutil.copyfile(DATA / "large.db", target)
    return str(target)


def _paired(measure: Callable[[str], float], n: int = PAIRS) -> tuple[float, float]:
    """Medians of ``measure`` on the SQLite file and on the server, taken in turn."""
    sqlite, pg = large_copy(), large_on_server()
    measure(sqlite)
    measure(pg)  # warm-ups
    files, servers = [], []
    for _ in range(n):
        files.append(measure(sqlite))
        servers.append(measure(pg))
    return statistics.median(files), statistics.median(servers)


def _with_db(target: str, work: Callable[[Any], float]) -> float:
    from placement_desk.lifecycle import open_database

    db = open_database(target, backup=False)
    try:
        return work(db)
    finally:
        db.close()


# --- Start-up --------------------------------------------------------------------------

@cache
def _starts() -> tuple[float, float]:
    return _paired(lambda target: run_app("--db", target, "--smoke-test")[0], n=3)


@metric("server_cold_start_large_s", "s",
        note="--smoke-test on the large demo held on the loopback PostgreSQL server, median "
             "of 3 taken in turn with the same on the SQLite file")
def server_cold_start() -> float:
    return _starts()[1]


@metric("server_cold_start_large_vs_sqlite", "x", target=1.5,
        note="that over the same start on the SQLite file in this run")
def server_cold_start_ratio() -> float:
    sqlite, pg = _starts()
    return pg / sqlite


# --- Placements filter ------------------------------------------------------------------

def _filter_ms(target: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from placement_desk.ui.placements.episodes_view import EpisodesView

    from .metrics_placements import KEYSTROKES

    app = QApplication.instance() or QApplication([])

    def work(db: Any) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            view = EpisodesView(db, QSettings(str(Path(tmp) / "s.ini"),
                                              QSettings.Format.IniFormat),
                                lambda *_a, **_k: None, AS_OF)
            view.resize(1300, 800)
            view.show()
            start = time.perf_counter()
            view.reload()  # reading the list is where the server shows
            app.processEvents()
            loaded = time.perf_counter() - start
            times = []
            for text in KEYSTROKES:
                start = time.perf_counter()
                view.search.setText(text)
                view.apply_filters()
                app.processEvents()
                times.append(time.perf_counter() - start)
            view.close()
        return (loaded + statistics.median(times)) * 1000

    return _with_db(target, work)


@cache
def _filters() -> tuple[float, float]:
    return _paired(_filter_ms, n=3)


@metric("server_placements_load_and_keystroke_ms", "ms",
        note="Placements list on the large demo on the server: reading the list, plus one "
             "keystroke's filter (median of 20), median of 3")
def server_placements() -> float:
    return _filters()[1]


@metric("server_placements_vs_sqlite", "x", target=1.5,
        note="that over the same on the SQLite file in this run")
def server_placements_ratio() -> float:
    sqlite, pg = _filters()
    return pg / sqlite


# --- Weeks and spend, the dashboard ----------------------------------------------------------

def _spend_ms(target: str) -> float:
    from placement_desk.services.agreements.costs import weeks_and_spend

    start = AS_OF.replace(year=AS_OF.year - 1)
    return _with_db(target, lambda db: statistics.median(
        timed(lambda: weeks_and_spend(db, start, AS_OF, "provider")) for _ in range(3)) * 1000)


@cache
def _spends() -> tuple[float, float]:
    return _paired(_spend_ms)


@metric("server_weeks_and_spend_provider_year_ms", "ms",
        note="weeks and spend by provider for the year, large demo on the server, median")
def server_spend() -> float:
    return _spends()[1]


@metric("server_weeks_and_spend_vs_sqlite", "x", target=1.5,
        note="that over the same on the SQLite file in this run")
def server_spend_ratio() -> float:
    sqlite, pg = _spends()
    return pg / sqlite


def _dashboard_ms(target: str) -> float:
    from placement_desk.services.kpis import KpiRequest, kpi_report

    request = KpiRequest.year_to(AS_OF)
    return _with_db(target, lambda db: statistics.median(
        timed(lambda: kpi_report(db, request)) for _ in range(3)) * 1000)


@cache
def _dashboards() -> tuple[float, float]:
    return _paired(_dashboard_ms)


@metric("server_dashboard_ms", "ms",
        note="the dashboard's figures (every figure of placement-desk kpis for the year) on "
             "the large demo on the server, median of 3")
def server_dashboard() -> float:
    return _dashboards()[1]


@metric("server_dashboard_vs_sqlite", "x", target=1.5,
        note="that over the same on the SQLite file in this run")
def server_dashboard_ratio() -> float:
    sqlite, pg = _dashboards()
    return pg / sqlite


# --- Twenty officers at once --------------------------------------------------------------

@dataclass
class Tally:
    saves: Counter[tuple[str, uuid.UUID]] = field(default_factory=Counter)
    refused: int = 0
    """Saves refused because another officer saved the record first (then retried)."""
    deadlocks: int = 0
    """Saves the server stopped to break a deadlock (then retried)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


@cache
def officers() -> dict[str, float]:
    """Twenty threads, each an officer with their own connection and login name, saving
    agreements (the weekly fee, one penny more) and visits (one more child spoken to) for
    a minute; a save another officer beat is read again and retried. Afterwards each
    record must have moved by exactly the saves that succeeded on it."""
    from placement_desk.db import Database, make_engine, make_session_factory
    from placement_desk.errors import ConcurrentEdit, DatabaseBusyError
    from placement_desk.lifecycle import open_database
    from placement_desk.models import Child, Setting
    from placement_desk.services.agreements.ipa import AgreementForm, create_agreement, update_draft
    from placement_desk.services.agreements.ipa_detail import agreement_detail, load_version_form
    from placement_desk.services.qa.visits import load_visit, save_draft, start_visit

    url = _database("bench_officers", template=None)
    from placement_desk.dbcopy import copy_database

    copy_database(DATA / "council.db", url)
    db = open_database(url, user="setup")
    with db.read() as s:
        from sqlalchemy import select

        children = list(s.scalars(select(Child.id).limit(RECORDS)))
        settings = list(s.scalars(select(Setting.id).order_by(Setting.urn).limit(RECORDS)))
    agreements = []
    for i, (child, setting) in enumerate(zip(children, settings, strict=True)):
        aid = create_agreement(db, AgreementForm(
            reference=f"IPA-2026-{900_000 + i}", child_id=child, setting_id=setting,
            start_date=dt.date(2026, 1, 5), placement_type="K2", weekly_fee_pence=300_000))
        agreements.append(agreement_detail(db, aid).versions[0].id)
    visits = [start_visit(db, setting, AS_OF) for setting in settings]
    start_fee = {v: 300_000 for v in agreements}
    start_spoke = {v: load_visit(db, v).form.spoke_children for v in visits}
    db.close()

    tally = Tally()
    stop_at = time.monotonic() + OFFICERS_SECONDS

    def officer(n: int) -> None:
        engine = make_engine(url)
        handle = Database(url=engine.url, engine=engine,
                          sessions=make_session_factory(engine, f"officer{n:02d}"))
        rng = random.Random(n)
        try:
            while time.monotonic() < stop_at:
                kind = rng.choice(("agreement", "visit"))
                record = rng.choice(agreements if kind == "agreement" else visits)
                while True:
                    try:
                        if kind == "agreement":
                            form = load_version_form(handle, record)
                            form.weekly_fee_pence += 1
                            update_draft(handle, record, form)
                        else:
                            visit = load_visit(handle, record).form
                            visit.spoke_children += 1
                            save_draft(handle, record, visit)
                    except ConcurrentEdit:
                        with tally.lock:
                            tally.refused += 1
                        continue  # read it again, as an officer taking theirs would
                    except DatabaseBusyError:
                        with tally.lock:
                            tally.deadlocks += 1
                        continue
                    with tally.lock:
                        tally.saves[(kind, record)] += 1
                    break
        finally:
            engine.dispose()

    threads = [threading.Thread(target=officer, args=(n,), daemon=True)
               for n in range(OFFICERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=OFFICERS_SECONDS + 60)
    elapsed = time.monotonic() - started
    stuck = sum(thread.is_alive() for thread in threads)

    db = open_database(url, user="check")
    lost = 0
    try:
        for v in agreements:
            fee = agreement_detail(db, _agreement_of(db, v)).versions[0].terms[
                "weekly_fee_pence"]
            lost += abs(fee - start_fee[v] - tally.saves[("agreement", v)])
        for v in visits:
            spoke = load_visit(db, v).form.spoke_children
            lost += abs(spoke - start_spoke[v] - tally.saves[("visit", v)])
    finally:
        db.close()
    total = sum(tally.saves.values())
    return {"saves_per_s": total / elapsed, "saves": float(total), "lost": float(lost),
            "refused": float(tally.refused), "deadlocks": float(tally.deadlocks),
            "stuck": float(stuck)}


def _agreement_of(db: Any, version_id: uuid.UUID) -> uuid.UUID:
    from sqlalchemy import select

    from placement_desk.models import AgreementVersion

    with db.read() as s:
        return s.scalar(select(AgreementVersion.agreement_id)  # type: ignore[no-any-return]
                        .where(AgreementVersion.id == version_id))


@metric("server_officers_saves_per_s", "/s",
        note=f"{OFFICERS} officers (threads, each with their own connection) saving "
             f"agreements and visits on the server for {OFFICERS_SECONDS:.0f} s: saves "
             "that succeeded per second")
def officers_throughput() -> float:
    return officers()["saves_per_s"]


@metric("server_officers_lost_updates", "", target=0.0,
        note="of those saves, how many are missing from the records afterwards (each save "
             "adds one to a counter on its record)")
def officers_lost() -> float:
    return officers()["lost"]


@metric("server_officers_refused_then_retried", "",
        note="saves refused because another officer saved the record first (ConcurrentEdit), "
             "each then read again and retried")
def officers_refused() -> float:
    return officers()["refused"]


@metric("server_officers_deadlocks_broken", "",
        note="saves the server stopped to break a deadlock (then retried)")
def officers_deadlocks() -> float:
    return officers()["deadlocks"]


@metric("server_officers_stuck", "", target=0.0,
        note="officers still waiting a minute after the end: a deadlock left unresolved")
def officers_stuck() -> float:
    return officers()["stuck"]
