"""Exporting any kind of record, or the rows a list shows, to .xlsx or .csv; and blank
templates to fill in for import.

An export has the kind's fields as its columns (so that it imports again with no change),
real dates and money, and a title row naming the kind, the filter the list had and the
date; :mod:`~placement_desk.io.spreadsheets.writing` adds the protective marking, the
frozen header, the autofilter and the widths, and keeps formula-like text inert.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ...db import Database
from ...io.spreadsheets.writing import Column, Table, write_table
from ...progress import NULL_STATE, TaskState
from ..common.formatting import date_short
from ..common.history import note_export
from .kinds import Kind, kind_named

_IN_LIMIT = 900
TEMPLATE_NOTE = ("Fill in one row per record below the headings; keep the headings. Coded "
                 "columns offer their values in a list; dates are dd/mm/yyyy.")


def columns_of(kind: Kind, *, template: bool = False) -> list[Column]:
    fields = kind.import_fields if template else kind.fields
    return [Column(f.label + (" *" if template and f.required else ""), f.column_kind,
                   f.choices() if template else (), f.required) for f in fields]


def export_title(kind: Kind, filter_text: str, today: dt.date) -> str:
    what = filter_text.strip() or "all records"
    return f"{kind.label} – {what} – exported {date_short(today)}"


def _rows(kind: Kind, records: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    fields = kind.fields
    for record in records:
        yield [f.export_value(record.get(f.name)) for f in fields]


def export_kind(db: Database, kind_name: str, path: str | Path, *,
                ids: Iterable[uuid.UUID] | None = None, filter_text: str = "",
                today: dt.date | None = None, state: TaskState = NULL_STATE) -> int:
    """Write the kind's records (only ``ids`` when given: the rows a list shows) to
    ``path`` (.xlsx or .csv); returns how many."""
    kind = kind_named(kind_name)
    read = kind.read
    assert read is not None
    today = today or dt.date.today()
    wanted = frozenset(ids) if ids is not None else None
    state.progress("Reading records", 0, 1)
    count = 0
    with db.read() as session:
        def records() -> Iterator[dict[str, Any]]:
            """Read as they are written (a long list of ids asked for in parts: databases
            limit a query's values), never all held at once."""
            nonlocal count
            if wanted is None or len(wanted) <= _IN_LIMIT:
                parts: Iterable[frozenset[uuid.UUID] | None] = [wanted]
            else:
                ordered = sorted(wanted)
                parts = (frozenset(ordered[i:i + _IN_LIMIT])
                         for i in range(0, len(ordered), _IN_LIMIT))
            for part in parts:
                for record in read(session, part):
                    count += 1
                    yield record

        total = len(wanted) if wanted is not None else 0
        table = Table(kind.sheet, columns_of(kind), _rows(kind, records()),
                      title=export_title(kind, filter_text, today), total=total)
        write_table(path, table, state)
    note_export(db, kind.entity or kind.name, kind.plural, count, path)
    return count


def write_template(kind_name: str, path: str | Path) -> Path:
    """A blank sheet for the kind with its headings (required ones starred), drop-downs
    for coded columns and date checks."""
    kind = kind_named(kind_name)
    table = Table(kind.sheet, columns_of(kind, template=True), (),
                  title=f"{kind.label} – template for import", template=True,
                  extra=[TEMPLATE_NOTE])
    return write_table(path, table)
