"""The floor for the spreadsheet import: python-calamine reading every row of the workbook
and one raw ``executemany`` of those rows into a plain SQLite table (same journal and
sync settings as Placement Desk's), nothing else. ``python -m bench.floor_sheets FILE``."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
from pathlib import Path


def main() -> None:
    from python_calamine import CalamineWorkbook

    path = Path(sys.argv[1])
    book = CalamineWorkbook.from_path(str(path))
    rows = list(book.get_sheet_by_index(0).iter_rows())
    width = max(len(r) for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(Path(tmp) / "floor.db")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(width))})")
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * width)})",
                        ([v.isoformat() if isinstance(v, dt.date) else v for v in r]
                         + [None] * (width - len(r)) for r in rows))
        con.commit()
        con.close()


if __name__ == "__main__":
    main()
