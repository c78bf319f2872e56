"""Run the benchmarks, print a table and write bench/results.json.

``python -m bench.run [--only NAME ...]``; build the databases first with
``python -m bench.generate`` (``make bench`` does both).
"""

from __future__ import annotations

import argparse
import importlib
import json
import traceback

from .harness import HERE, METRICS, machine

MODULES = ("metrics_startup", "metrics_ofsted", "metrics_placements", "metrics_contracts",
           "metrics_faults", "metrics_reports", "metrics_installer", "metrics_kpis",
           "metrics_sheets", "metrics_server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME")
    args = parser.parse_args()
    for name in MODULES:
        importlib.import_module(f"bench.{name}")
    results_path = HERE / "results.json"
    previous = {}
    if results_path.exists():
        previous = {m["name"]: m for m in json.loads(results_path.read_text())["metrics"]}
    rows = []
    for m in METRICS.values():
        if args.only and m.name not in args.only:
            if m.name in previous:
                rows.append(previous[m.name])
            continue
        error = None
        try:
            value: float | None = round(m.fn(), 4)
        except Exception as exc:
            value, error = None, f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        baseline = m.baseline
        if isinstance(baseline, str):  # another metric's value, measured in this run
            baseline = next((r["value"] for r in rows if r["name"] == baseline), None)
        rows.append({
            "name": m.name, "value": value, "unit": m.unit, "baseline": baseline,
            "ratio": round(value / baseline, 3) if value is not None and baseline else None,
            "target": m.target,
            "met": (value <= m.target) if value is not None and m.target is not None else None,
            "note": m.note, **({"error": error} if error else {}),
        })
    results_path.write_text(json.dumps({"machine": machine(), "metrics": rows}, indent=2)
                            + "\n")
    width = max(len(r["name"]) for r in rows)
    print(f"{'metric':<{width}}  {'value':>10} unit  {'target':>7}  {'baseline':>8}  met")
    for r in rows:
        value = "error" if r["value"] is None else f"{r['value']:.3f}"
        target = "" if r["target"] is None else f"{r['target']:g}"
        baseline = "" if r["baseline"] is None else f"{r['baseline']:g}"
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        unit = r["unit"]
        print(f"{r['name']:<{width}}  {value:>10} {unit:<4}  {target:>7}  {baseline:>8}  {met}")


if __name__ == "__main__":
    main()
