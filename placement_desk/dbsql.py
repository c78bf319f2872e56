"""SQL that reads the same on SQLite and PostgreSQL, for the hot paths that read many rows.

Stored values (:class:`stored`, read as SQLite stores them: ids and dates as text, with
no conversion), whole Julian day numbers of dates (:class:`day_number`), the smaller and
larger of two values (:class:`least`, :class:`greatest`), a comparison no index is used
for (:class:`unindexed`), and :func:`fetch_stored` to run such a query. Each has a form
for each database; the rest of the code uses them instead of SQL of one database's own.
:func:`insert_rows_at_once` writes thousands of rows on SQLite in few statements.
"""

from __future__ import annotations

import itertools
import sqlite3
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Uuid
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, GenericFunction

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

class stored(FunctionElement[Any]):
    """A column read as SQLite stores it (text for ids and dates), with no conversion.

    On SQLite that is the column itself. On PostgreSQL, which stores ids and dates in
    their own types, the same text is made on the server: an id as 32 hex digits, a
    date as ``YYYY-MM-DD``, a time stamp as ``YYYY-MM-DD HH:MM:SS.ffffff``, a flag as
    0 or 1; so the hot paths that read stored values get the same values on both.
    """

    type = String()
    name = "stored"
    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)

    @property
    def column(self) -> Any:
        return self.clauses.clauses[0]


@compiles(stored)
def _stored_as_is(element: stored, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(stored, "postgresql")
def _stored_postgresql(element: stored, compiler: Any, **kw: Any) -> str:
    column = element.column
    sql = compiler.process(column, **kw)
    kind = column.type
    if isinstance(kind, Uuid):
        return f"replace(CAST({sql} AS TEXT), '-', '')"
    if isinstance(kind, DateTime):
        return f"to_char({sql}, 'YYYY-MM-DD HH24:MI:SS.US')"
    if isinstance(kind, Date):  # ISO: every connection is opened with DateStyle ISO
        return f"CAST({sql} AS TEXT)"
    if isinstance(kind, Boolean):
        return f"CAST({sql} AS INTEGER)"
    return str(sql)


def _unstored(element: Any) -> Any:
    """The column inside ``stored()``: PostgreSQL does date arithmetic on the date itself."""
    clauses = list(element.clauses.clauses)
    if len(clauses) == 1 and isinstance(clauses[0], stored):
        return clauses[0].column
    return element.clauses


class day_number(GenericFunction[int]):
    """A stored date, or the date part of a stored date and time, as a whole Julian day
    number (``date.toordinal() + 1721424``); NULL stays NULL.

    On SQLite ``julianday()`` of a plain date is its number and a half (days start at
    noon), which the cast truncates; the time of day is cut off first so that an
    afternoon does not round into the next day. Other databases count days from
    1 January of year 1.
    """

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number(element: day_number, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(_unstored(element), **kw)
    return f"(CAST({arg} AS DATE) - DATE '0001-01-01' + 1721425)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday(substr({compiler.process(element.clauses, **kw)}, 1, 10)) AS INTEGER)"


class unindexed(FunctionElement[Any]):
    """A column compared without its index: for a condition nearly every row meets, one
    pass over the table is quicker than visiting the rows through the index. SQLite
    would otherwise take the index (``+column`` tells it not to); PostgreSQL's planner
    chooses by its statistics and gets the column as it is."""

    type = Date()
    name = "unindexed"
    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


class least(GenericFunction[Any]):
    """The smallest of its arguments: ``least()``, which SQLite spells ``min()``."""

    inherit_cache = True


class greatest(GenericFunction[Any]):
    """The largest of its arguments: ``greatest()``, which SQLite spells ``max()``."""

    inherit_cache = True


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


def fetch_stored(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """All rows of a query with no per-row processing, for hot paths reading tens of
    thousands of rows.

    The query's columns should be :func:`stored` (or plain numbers and text). On SQLite
    the rows come straight from the driver, the query's values rendered into the SQL (so
    they must be literals in stored form: dates as ISO text). On PostgreSQL the server
    makes the stored text, and the query runs as any other with its values bound.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return [tuple(row) for row in connection.execute(query)]
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(sql).fetchall()  # type: ignore[no-any-return]
    finally:
        cursor.close()


def insert_rows_at_once(connection: Connection, statement: str, params: list[list[Any]],
                        count: int) -> None:
    """SQLite: the rows (``params``, a list per placeholder of ``statement``, an
    ``INSERT … VALUES (…)`` with positional placeholders) inserted by statements of as
    many rows each as the placeholders SQLite allows in one statement (``VALUES (…),
    (…), …``): SQLite binds and steps through a statement once for hundreds of rows, which
    is a sixth quicker than once per row."""
    head, values, row = statement.partition(" VALUES ")
    assert values and row.startswith("(") and row.endswith(")"), statement
    raw = connection.connection.driver_connection
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) \
        if raw is not None and hasattr(raw, "getlimit") else 999
    # within the placeholders allowed, and well within SQLite's million-byte statement
    per = max(1, min(min(limit, 32766) // max(1, len(params)), 250_000 // (len(row) + 1)))
    for start in range(0, count, per):
        end = min(start + per, count)
        flat = list(itertools.chain.from_iterable(zip(*[p[start:end] for p in params],
                                                      strict=True)))
        connection.exec_driver_sql(f"{head} VALUES {','.join([row] * (end - start))}",
                                   tuple(flat))
