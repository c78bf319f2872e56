"""``placement-desk demo``: create a realistic, seeded demo database."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from ..errors import UserError
from ..paths import data_dir
from .registry import command
from .terminal import terminal_progress


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", choices=["small", "council", "large"], default="council",
                        help="small: a quick sample; council: about 150 providers and "
                             "6,000 episodes; large: ten times council")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE",
                        help="the demo's 'today' as YYYY-MM-DD (default: today)")
    parser.add_argument("--replace", action="store_true",
                        help="delete the database file first if it exists")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


DEMO_ROOM = {"small": 8, "council": 40, "large": 300}
"""Megabytes a demo database of each size needs while it is built (with its log)."""


@command("demo", "create a demo database with realistic, made-up data", _configure)
def run(args: argparse.Namespace) -> int:
    from ..db import sqlite_path
    from ..lifecycle import open_or_build, resolve_target
    from ..services.demo.generator import generate_demo

    target = getattr(args, "db", None) or str(data_dir() / "demo.db")
    path = sqlite_path(resolve_target(target))
    if path is not None and path.exists() and not args.replace:
        raise UserError(f"{path} already exists. Choose another --db, or add --replace "
                        "to make a new demo database in its place.")

    started = time.perf_counter()
    # Built under a temporary name and renamed into place when complete: a demo that is
    # stopped part-way leaves nothing at the target (and the old one, with --replace).
    with open_or_build(target, replace=args.replace, doing="make the demo database",
                       room=DEMO_ROOM[args.size] * 1024 * 1024) as db, \
            terminal_progress(quiet=args.quiet) as state:
        shown = str(path) if path is not None else db.display_name
        summary = generate_demo(db.engine, size=args.size, seed=args.seed,
                                as_of=args.as_of, state=state)
    if not args.quiet:
        counts = ", ".join(f"{n:,} {name}" for name, n in summary.counts.items())
        print(f"Demo database ({args.size}, seed {args.seed}) written to {shown} "
              f"in {time.perf_counter() - started:.1f} s: {counts}.")
    return 0
