"""Faults and size: kill -9 during the imports, and a million-row file for each importer.

Each million-row import runs as the command a user runs, into an empty database, in a
child process whose address space is capped (so that a reader or importer that holds
too much stops there instead of taking the machine); its wall time and peak resident
memory are recorded. The target is under 1 GB each.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .harness import DATA, ROOT, metric

MILLION = DATA / "million"
MEMORY_CAP = 2 * 1024 * 1024 * 1024
"""Twice the target: an import that needs more is stopped and reported as such."""
TIME_CAP = 1800
KILLS = 20


def million_files() -> dict[str, list[str]]:
    """The import command for each importer's million-row file (see bench.generate)."""
    return {
        "ofsted": ["import", "ofsted", str(MILLION / "ofsted.csv")],
        "ssda903": ["import", "ssda903", "--header", str(MILLION / "header.csv"),
                    "--episodes", str(MILLION / "episodes.csv")],
        "postcodes": ["import", "postcodes", str(MILLION / "postcodes.csv")],
    }


_WRAPPER = """\
import resource, subprocess, sys, time
cap, limit = int(sys.argv[1]), int(sys.argv[2])
def bound():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
t = time.perf_counter()
try:
    r = subprocess.run([sys.executable, '-m', 'placement_desk', *sys.argv[3:]],
                       capture_output=True, preexec_fn=bound, timeout=limit)
    code, err = r.returncode, r.stderr.decode(errors='replace')[-400:]
except subprocess.TimeoutExpired:
    code, err = -1, 'timed out'
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
sys.stderr.write(err)
"""


_OUTCOMES: dict[str, tuple[float, float] | Exception] = {}


def _million(kind: str) -> tuple[float, float]:
    """Seconds and peak MB of one million-row import into an empty database (run once for
    both of its metrics, a failure too)."""
    if kind not in _OUTCOMES:
        try:
            _OUTCOMES[kind] = _measure(kind)
        except Exception as exc:  # recorded for both metrics, not run twice
            _OUTCOMES[kind] = exc
    outcome = _OUTCOMES[kind]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _measure(kind: str) -> tuple[float, float]:
    args = million_files()[kind]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        env.update(QT_QPA_PLATFORM="offscreen", PLACEMENT_DESK_HOME=tmp)
        out = subprocess.run([sys.executable, "-c", _WRAPPER, str(MEMORY_CAP), str(TIME_CAP),
                              "--db", str(Path(tmp) / "m.db"), *args],
                             capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    seconds, peak_kb, code = out.stdout.split()
    if int(code):
        lines = [line.strip() for line in out.stderr.splitlines() if line.strip()]
        why = next((line for line in reversed(lines) if line.endswith("Error")
                    or line.startswith(("MemoryError", "timed out"))), "")
        why = why or ("killed by a signal" if int(code) < 0 else lines[-1] if lines else "")
        raise RuntimeError(f"the {kind} import stopped after {float(seconds):.0f} s with exit "
                           f"{code} ({why}), over the cap of {MEMORY_CAP // 2**20:,} MB of "
                           f"address space or {TIME_CAP} s: the target is not met")
    return float(seconds), int(peak_kb) / 1024


def _register(kind: str, what: str) -> None:
    metric(f"million_{kind}_import_s", "s",
           note=f"placement-desk import {kind}: {what}, into an empty database")(
        lambda: _million(kind)[0])
    metric(f"million_{kind}_import_peak_mb", "MB", target=1024.0,
           note=f"peak resident memory of that import (capped at {MEMORY_CAP // 2**20:,} MB "
                "of address space)")(lambda: _million(kind)[1])


_register("ofsted", "a provider-level CSV of 1,000,000 settings (about 180 MB)")
_register("ssda903", "a return of 1,000,000 episodes of 250,000 children")
_register("postcodes", "an ONS Postcode Directory CSV of 1,000,000 postcodes")


@functools.cache
def _kills() -> tuple[int, int, str]:
    from .kill_harness import kill_imports

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = kill_imports(Path(tmp), kills=KILLS, ofsted_rows=8000, episodes=12000,
                              seed=int(time.time()), demo_kills=0)
        took = time.perf_counter() - started
    detail = (f"{report.held_none} held none of the import, {report.held_all} all of it, "
              f"{report.finished_first} came after it had finished; {took:.0f} s")
    if report.failures:
        detail += "; FAILURES: " + " | ".join(report.failures)
    return report.survived, report.kills - report.survived, detail


@metric("kill9_imports_survived", "kills",
        note=f"of {KILLS} kill -9 at random moments during the Ofsted, SSDA903 and "
             "spreadsheet imports, "
             "those after which the database was sound, held none or all of the import, "
             "opened again and took the import again")
def kills_survived() -> float:
    return _kills()[0]


@metric("kill9_imports_lost", "kills", target=0.0,
        note="kills after which the database was damaged or held part of an import")
def kills_lost() -> float:
    lost, detail = _kills()[1], _kills()[2]
    if lost:
        raise RuntimeError(detail)
    print(f"kill -9: {detail}", file=sys.stderr)
    return lost



RESTORE_KILLS = 10
FUZZ_EXAMPLES = 1500
"""Inputs per reader or validator (the imports into a database get a tenth)."""


@functools.cache
def _restore_kills() -> tuple[int, int, str]:
    from .kill_harness import kill_restores

    with tempfile.TemporaryDirectory() as tmp:
        report = kill_restores(Path(tmp), kills=RESTORE_KILLS, seed=int(time.time()))
    detail = (f"{report.held_none} left the old database, {report.held_all} the backup, "
              f"{report.finished_first} came after it had finished")
    if report.failures:
        detail += "; FAILURES: " + " | ".join(report.failures)
    return report.survived, report.kills - report.survived, detail


@metric("kill9_restore_survived", "kills",
        note=f"of {RESTORE_KILLS} kill -9 at random moments during 'placement-desk restore', "
             "those after which the database was sound, either the old one or the backup "
             "whole, and a second restore finished")
def restore_kills_survived() -> float:
    survived, lost, detail = _restore_kills()
    print(f"kill -9 restore: {detail}", file=sys.stderr)
    if lost:
        raise RuntimeError(detail)
    return survived


@metric("random_inputs_tried", "inputs", target=None,
        note=f"random and malformed cells, rows, files and forms fed to every reader and "
             f"validator ({FUZZ_EXAMPLES} per target, bench/fuzz_inputs.py): each answered "
             "or refused with a UserError, and a refused import changed nothing")
def random_inputs_tried() -> float:
    from placement_desk.lifecycle import open_database

    from .fuzz_inputs import fuzz_all

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PLACEMENT_DESK_HOME", tmp)
        db = open_database(Path(tmp) / "fuzz.db")
        try:
            tried = fuzz_all(FUZZ_EXAMPLES, db)
        finally:
            db.close()
    print("random inputs: " + ", ".join(f"{k} {v:,}" for k, v in sorted(tried.items())),
          file=sys.stderr)
    return float(sum(tried.values()))
