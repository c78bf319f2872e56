"""Build the benchmark databases (bench/data/<size>.db) for the three demo sizes, the
generated SSDA903 return (bench/data/ssda903_100k/) and a million-row file for each
importer (bench/data/million/)."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from placement_desk import migrations
from placement_desk.db import make_engine, to_url
from placement_desk.lifecycle import open_database
from placement_desk.services.demo.generator import SIZES, generate_demo

from . import sheets_workbook, ssda903_return
from .files import ofsted_csv, postcode_csv, ssda903_files
from .harness import DATA

MILLION_ROWS = 1_000_000

AS_OF = dt.date(2026, 11, 1)


def _current(path: Path) -> bool:
    """Built by this version's schema: else timings would include its migration."""
    engine = make_engine(to_url(path))
    try:
        return migrations.stored_revision(engine) == migrations.numbered_head()
    finally:
        engine.dispose()


def build(size: str, force: bool = False) -> float | None:
    """Build one database, unless it is there at the newest schema; the seconds taken."""
    path = DATA / f"{size}.db"
    if path.exists() and not force and _current(path):
        return None
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db = open_database(path, backup=False)
    try:
        generate_demo(db.engine, size=size, seed=1, as_of=AS_OF)
    finally:
        db.close()
    return time.perf_counter() - started


def million_files(force: bool = False) -> float | None:
    """A million-row file for each importer, unless they are there; the seconds taken."""
    folder = DATA / "million"
    done = folder / ".complete"
    if done.exists() and not force:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    done.unlink(missing_ok=True)
    started = time.perf_counter()
    ofsted_csv(folder / "ofsted.csv", MILLION_ROWS)
    ssda903_files(folder, MILLION_ROWS)
    postcode_csv(folder / "postcodes.csv", MILLION_ROWS)
    done.touch()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args()
    for size in SIZES:
        took = build(size, args.force)
        print(f"{size}: " + ("already built" if took is None else f"built in {took:.1f} s"))
    if args.force or not ssda903_return.current():
        header, _episodes = ssda903_return.write_return()
        print(f"SSDA903 return: {header.parent}")
    else:
        print("SSDA903 return: already written")
    if args.force or not sheets_workbook.current():
        print(f"placements tracker: {sheets_workbook.write()}")
    else:
        print("placements tracker: already written")
    took = million_files(args.force)
    print("million-row files: " + ("already made" if took is None else f"made in {took:.1f} s"))


if __name__ == "__main__":
    main()
