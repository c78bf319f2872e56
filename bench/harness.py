"""A tiny registry of metrics and the machine facts recorded beside them.

Each metric is a function returning a number; ``@metric`` records its name,
unit, baseline (what users wait for today, or the parsing floor) and target.
Features add their metrics in their own ``bench/metrics_*.py`` module.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    fn: Callable[[], float]
    baseline: float | str | None = None
    """A number, or the name of another metric whose value is the baseline."""
    target: float | None = None
    note: str = ""


METRICS: dict[str, Metric] = {}


def metric(name: str, unit: str, baseline: float | str | None = None, target: float | None = None,
           note: str = "") -> Callable[[Callable[[], float]], Callable[[], float]]:
    def register(fn: Callable[[], float]) -> Callable[[], float]:
        METRICS[name] = Metric(name, unit, fn, baseline, target, note)
        return fn

    return register


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "platform": platform.platform(), "date": dt.date.today().isoformat()}


def run_app(*args: str, env: dict[str, str] | None = None,
            module: str = "placement_desk") -> tuple[float, int]:
    """Run ``python -m MODULE ARGS`` (the app by default); return wall seconds and peak
    RSS in KB."""
    code = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            f"r = subprocess.run([sys.executable, '-m', {module!r}, *sys.argv[1:]],"
            " capture_output=True)\n"
            "dt = time.perf_counter() - t\n"
            "if r.returncode: sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)\n"
            "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    # An installed app runs from compiled bytecode: measure that, not compiling from source
    # on every start (which PYTHONDONTWRITEBYTECODE in a shell would force).
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    full_env.update({"QT_QPA_PLATFORM": "offscreen", **(env or {})})
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=full_env, cwd=ROOT, check=True)
    seconds, rss = out.stdout.split()
    return float(seconds), int(rss)


def median_of(n: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(n))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
