"""Moving a database to another place (a laptop's file to the team's server, or back),
whole, in one transaction: the same ids, version counters and audit rows.

The source is opened read-only and must be at this version's schema; the target is
created (or opened) and migrated with the same migrations, and must hold no records.
Every table is copied in the order of its foreign keys, its rows in key order; the audit
trail in the order it was written, each row's values as they were (so a hash chain over
them stays valid). The counts are checked before the commit; a failure or Ctrl+C keeps
nothing at the target. Afterwards the server's counter of audit rows continues from the
last one copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.exc import DataError

from .errors import DatabaseError
from .lifecycle import open_database, open_or_build, resolve_target
from .models import Base

BATCH = 5_000
Progress = Callable[[str, int], None]
"""Told each table's name and how many of its rows are copied so far."""


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _order(table: Table) -> list[object]:
    return list(table.primary_key.columns)


def copy_database(source: str | Path, target: str | Path, *,
                  progress: Progress | None = None, user: str | None = None) -> CopyReport:
    """Copy every record of ``source`` into ``target`` in one transaction."""
    if str(resolve_target(source)) == str(resolve_target(target)):
        raise DatabaseError("The database to copy from and the one to copy to are the same. "
                            "Nothing was changed.")
    src = open_database(source, read_only=True, require_current=True)
    try:
        with open_or_build(target, user=user, doing="copy the database") as dst:
            report = CopyReport(src.display_name, dst.display_name)
            tables = [t for t in Base.metadata.sorted_tables]
            with src.engine.connect() as reading, dst.engine.begin() as writing:
                for table in tables:
                    if table.name != "app_setting" and _count(writing, table):
                        raise DatabaseError(
                            f"The database {dst.display_name} already holds records (in "
                            f"{table.name}). Copy into a new, empty database. Nothing was "
                            "changed.")
                # Opening the target records how its fee ledger was built: the copy
                # brings the source's own record.
                writing.execute(delete(Base.metadata.tables["app_setting"]))
                for table in tables:
                    report.rows[table.name] = _copy_table(reading, writing, table, progress)
                for table in tables:
                    if _count(writing, table) != report.rows[table.name]:
                        raise DatabaseError(
                            f"The copy of {table.name} did not come out whole. Nothing was "
                            "changed.")
                if writing.dialect.name == "postgresql":
                    _continue_counters(writing, tables)
            return report
    finally:
        src.close()


def _copy_table(reading: Connection, writing: Connection, table: Table,
                progress: Progress | None) -> int:
    copied = 0
    result = reading.execution_options(yield_per=BATCH).execute(
        select(table).order_by(*_order(table)))  # type: ignore[arg-type]
    for rows in result.partitions(BATCH):
        try:
            writing.execute(insert(table), [dict(row._mapping) for row in rows])
        except DataError:
            # A server holds text to its column's length; an SQLite file kept longer text
            # saved before the forms limited it.
            raise DatabaseError(
                f"A value in {table.name} (among its rows {copied + 1:,} to "
                f"{copied + len(rows):,} in key order) does not fit the new database: most "
                "likely text longer than the forms now allow, saved before they limited it. "
                "Shorten it in the database being copied (open the record and save it "
                "again), then copy again. Nothing was changed.") from None
        copied += len(rows)
        if progress is not None:
            progress(table.name, copied)
    return copied


def _continue_counters(conn: Connection, tables: list[Table]) -> None:
    """Integer keys the server numbers (the audit trail's): go on after the last copied."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)")
