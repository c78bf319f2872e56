"""kill -9 during the imports (and the demo): the database must be sound every time and
hold none or all of the import.

For each kill a fresh copy of a small database is imported into by the real command
(``python -m placement_desk import ofsted|ssda903``), killed with SIGKILL at a random
moment while it runs, and then checked: SQLite's integrity check; every table's row
count equal to the counts before the import or after a whole one (the ids and times of
a second import differ, its counts do not); Placement Desk opening it again (the
stale lock cleared); and the same import then run to the end. A killed ``demo``
leaves nothing at its target (it is built under a temporary name), or a whole demo.

``placement-desk restore`` is killed the same way (:func:`kill_restores`): the database
must then be the one it replaced or the backup, whole, never a mixture, and a second
restore must run to the end.

The spreadsheet import (``import sheet`` of a placements tracker) is killed the same way.

``make test`` runs a few kills (tests/test_kill_harness.py); ``make bench`` twenty and
records how many the database survived.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .files import ofsted_csv, ssda903_files

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class KillReport:
    kills: int = 0
    survived: int = 0
    held_none: int = 0
    held_all: int = 0
    finished_first: int = 0
    """Kills that came after the command had finished (they prove nothing either way)."""
    failures: list[str] = field(default_factory=list)


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLACEMENT_DESK_HOME": str(home)}


def _run(args: Sequence[object], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "placement_desk", *map(str, args)],
                          capture_output=True, text=True, env=_env(home), cwd=ROOT,
                          check=False, timeout=600)


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _without_batches(held: dict[str, int]) -> dict[str, int]:
    """The counts but the spreadsheet import's batches: running a whole import again
    records one more batch, of no changes."""
    return {t: n for t, n in held.items() if t != "import_batch"}


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return "; ".join(str(r[0]) for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def _copy(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def prepare(work: Path, *, ofsted_rows: int, episodes: int) -> dict[str, list[object]]:
    """A small base database and the files to import; the import commands by kind."""
    from placement_desk.lifecycle import open_database
    from placement_desk.services.demo.generator import generate_demo

    work.mkdir(parents=True, exist_ok=True)
    base = work / "base.db"
    if not base.exists():
        db = open_database(base, backup=False)
        try:
            generate_demo(db.engine, size="small", seed=5, as_of=dt.date(2026, 3, 31))
        finally:
            db.close()
    ofsted = ofsted_csv(work / "ofsted.csv", ofsted_rows, seed=2)
    header, spells = ssda903_files(work, episodes, seed=3)
    tracker = _tracker(work / "tracker.xlsx", episodes)
    return {"ofsted": ["import", "ofsted", ofsted],
            "ssda903": ["import", "ssda903", "--header", header, "--episodes", spells],
            "sheet": ["import", "sheet", tracker, "--kind", "placements"]}


def _tracker(path: Path, rows: int) -> Path:
    """A team's placements tracker of ``rows`` rows (the benchmark's layout, without the
    URNs, which a small demo's register does not hold)."""
    import itertools

    from placement_desk.io.spreadsheets.writing import Column, Table, write_table

    from .sheets_workbook import HEADINGS
    from .sheets_workbook import rows as tracker_rows

    keep = [i for i, h in enumerate(HEADINGS) if h not in ("URN", "Placement provider")]
    kinds = {"DOB": "date", "Placement start": "date", "Placement end": "date"}
    columns = [Column(HEADINGS[i], kinds.get(HEADINGS[i], "text")) for i in keep]  # type: ignore[arg-type]
    table = Table("Tracker", columns,
                  ([row[i] for i in keep] for row in itertools.islice(tracker_rows(9), rows)),
                  title="Placements tracker", marking="", total=rows)
    return write_table(path, table)


def kill_imports(work: Path, kills: int, *, ofsted_rows: int = 6000, episodes: int = 6000,
                 seed: int = 1, demo_kills: int = 1) -> KillReport:
    """``kills`` kills shared between the Ofsted, SSDA903 and spreadsheet imports, and
    ``demo_kills`` during the demo; the report of what the database survived."""
    rng = random.Random(seed)
    commands = prepare(work, ofsted_rows=ofsted_rows, episodes=episodes)
    home = work / "home"
    base = work / "base.db"
    before = counts(base)
    report = KillReport()
    for kind, args in commands.items():
        whole = _copy(base, work / f"whole-{kind}.db")
        started = time.monotonic()
        done = _run(["--db", whole, *args], home)
        took = time.monotonic() - started
        if done.returncode:
            raise RuntimeError(f"the {kind} import failed without a kill: {done.stderr}")
        after = counts(whole)
        share = kills // len(commands) + (1 if list(commands).index(kind) < kills % len(commands)
                                          else 0)
        for n in range(share):
            victim = _copy(base, work / f"victim-{kind}.db")
            moment = rng.uniform(0.15, 0.95) * took
            _kill_once(report, kind, n, victim, ["--db", victim, *args], moment, home,
                       before, after)
    for n in range(demo_kills):
        _kill_demo(report, work, n, rng, home)
    return report


def _kill_once(report: KillReport, kind: str, n: int, victim: Path, args: list[object],
               moment: float, home: Path, before: dict[str, int],
               after: dict[str, int]) -> None:
    process = subprocess.Popen([sys.executable, "-m", "placement_desk", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_env(home), cwd=ROOT)
    time.sleep(moment)
    finished = process.poll() is not None
    if not finished:
        process.send_signal(signal.SIGKILL)
    process.wait()
    report.kills += 1
    report.finished_first += finished
    name = f"{kind} kill {n + 1} at {moment:.2f} s"
    checked = integrity(victim)
    held = counts(victim)
    if checked != "ok":
        report.failures.append(f"{name}: integrity check says {checked}")
        return
    if held == before:
        report.held_none += 1
    elif held == after:
        report.held_all += 1
    else:
        changed = sorted(t for t in after if held.get(t) not in (before.get(t), after[t]))
        report.failures.append(f"{name}: part of the import was kept ({', '.join(changed)})")
        return
    again = _run(["--db", victim, *args[2:]], home)
    if again.returncode or _without_batches(counts(victim)) != _without_batches(after):
        report.failures.append(f"{name}: the import did not run again to the end "
                               f"({again.stderr.strip()[-300:]})")
        return
    report.survived += 1


def _kill_demo(report: KillReport, work: Path, n: int, rng: random.Random,
               home: Path) -> None:
    target = work / f"demo-{n}.db"
    for leftover in work.glob(f".{target.name}*"):
        leftover.unlink()
    target.unlink(missing_ok=True)
    args = ["demo", "--db", target, "--size", "small", "--as-of", "2026-03-31", "--quiet"]
    process = subprocess.Popen([sys.executable, "-m", "placement_desk", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_env(home), cwd=ROOT)
    time.sleep(rng.uniform(0.6, 1.6))
    finished = process.poll() is not None
    if not finished:
        process.send_signal(signal.SIGKILL)
    process.wait()
    report.kills += 1
    report.finished_first += finished
    name = f"demo kill {n + 1}"
    if target.exists():
        if integrity(target) != "ok" or counts(target).get("provider", 0) == 0:
            report.failures.append(f"{name}: a half-made demo was left at the target")
            return
        report.held_all += 1
    else:
        report.held_none += 1
    again = _run(args, home)
    if (again.returncode and "already exists" not in again.stderr) or not target.exists():
        report.failures.append(f"{name}: the demo could not be made again "
                               f"({again.stderr.strip()[-300:]})")
        return
    leftovers = [p.name for p in work.glob(f".{target.name}*")]
    if leftovers:
        report.failures.append(f"{name}: leftovers of the killed demo remain: {leftovers}")
        return
    report.survived += 1


def kill_restores(work: Path, kills: int, *, seed: int = 1) -> KillReport:
    """Kill ``placement-desk restore`` at random moments: afterwards the database is
    sound and is either the one being replaced or the backup, whole; a second restore
    then finishes."""
    rng = random.Random(seed)
    commands = prepare(work, ofsted_rows=1500, episodes=1500)
    home = work / "home"
    base = work / "base.db"
    backup = _copy(base, work / "restore-from.db")  # the backup: the small demo
    current = _copy(base, work / "restore-current.db")
    made = _run(["--db", current, *commands["ssda903"]], home)  # the database: more
    if made.returncode:
        raise RuntimeError(f"the import before the restore failed: {made.stderr}")
    replaced, restored = counts(current), counts(backup)
    report = KillReport()
    whole = _copy(current, work / "restore-whole.db")
    started = time.monotonic()
    done = _run(["restore", backup, "--db", whole], home)
    took = time.monotonic() - started
    if done.returncode or counts(whole) != restored:
        raise RuntimeError(f"a restore failed without a kill: {done.stderr}")
    for n in range(kills):
        victim = _copy(current, work / "restore-victim.db")
        moment = rng.uniform(0.3, 1.0) * took
        process = subprocess.Popen(
            [sys.executable, "-m", "placement_desk", "restore", str(backup), "--db",
             str(victim)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=_env(home), cwd=ROOT)
        time.sleep(moment)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait()
        report.kills += 1
        report.finished_first += finished
        name = f"restore kill {n + 1} at {moment:.2f} s"
        checked = integrity(victim)
        if checked != "ok":
            report.failures.append(f"{name}: integrity check says {checked}")
            continue
        held = counts(victim)
        if held == replaced:
            report.held_none += 1
        elif held == restored:
            report.held_all += 1
        else:
            report.failures.append(f"{name}: the database is neither the old one nor the "
                                   "backup")
            continue
        again = _run(["restore", backup, "--db", victim], home)
        if again.returncode or counts(victim) != restored:
            report.failures.append(f"{name}: the restore did not run again to the end "
                                   f"({again.stderr.strip()[-300:]})")
            continue
        report.survived += 1
    return report
