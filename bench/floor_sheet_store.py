"""What storing the import's own rows costs SQLite alone: the least any import of the
tracker could take while keeping what Placement Desk keeps.

``python -m bench.floor_sheet_store FILE DB`` reads every row of the workbook with
python-calamine, as the floor does (bench/floor_sheets.py); then, into a new database
with Placement Desk's schema (copied from DB, a database the import of FILE made), it
writes the rows that import stored (its children, placement episodes and their chained
audit events) with one raw ``executemany`` per table, builds the indexes after the rows
(the quicker order), and commits, with the app's journal, sync and foreign-key
settings. No row is checked and nothing is worked out: the rows are taken as stored.

It prints the seconds of the read and of the store, timed in-process, so that the
time spent loading the stored rows from DB is not counted; with no start-up counted
either, the figure is below what any import of the file could take."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("child", "placement_episode", "audit_event")
"""The tables an import of placements writes to, in the order it writes them."""


def main() -> None:
    from python_calamine import CalamineWorkbook

    workbook, made = Path(sys.argv[1]), Path(sys.argv[2])
    source = sqlite3.connect(f"file:{made}?mode=ro", uri=True)
    schema = source.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    stored = {t: source.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
              for t in TABLES}
    source.close()

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(workbook))
    rows = list(book.get_sheet_by_index(0).iter_rows())
    read = time.perf_counter() - start
    assert rows and not isinstance(rows[0][0], dt.date)  # the sheet was read

    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(Path(tmp) / "store.db", isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        for kind, sql in schema:
            if kind != "index":
                con.execute(sql)
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            width = len(stored[table][0])
            con.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * width)})',
                            stored[table])
        for kind, sql in schema:
            if kind == "index":
                con.execute(sql)
        con.execute("COMMIT")
        store = time.perf_counter() - start
        con.close()
    print(read, store)


if __name__ == "__main__":
    main()
