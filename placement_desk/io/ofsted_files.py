"""Reading Ofsted's children's social care files exactly as published, into plain records.

Pure file reading, no database and no Qt: :func:`read_ofsted_file` turns one file
into an :class:`OfstedFile` that the importer maps into the register. It reads

- the yearly provider-level files ("Children's social care data in England –
  provider level", CSV or the published ODS workbook, 2015 onwards) and the
  31 August 2024 one: one row per setting with its latest full inspection (and,
  in 2024, the previous one);
- the in-year inspections file: one row per inspection event, monitoring
  inspections and assurance visits included (the ODS workbook's in-year sheet
  is read with its provider table);
- the closed children's homes file: URN, registration status, date closed;
- the provider lists Ofsted sends councils (children's homes list, social care
  providers list, the 2025 combined list), which keep each URN's allowed
  SSDA903 placement codes (PLACE) and placement provider code (PLACE_PROVIDER).

Headings are matched by meaning across the years' spellings (:mod:`.ofsted_tables`).
A problem in one row is a warning naming the row and column, never a crash
(:mod:`.ofsted_rows`); a file without the columns that matter is refused with a
:class:`FileFormatError` saying what is missing. The records are those of
:mod:`.ofsted_records`.

:func:`open_ofsted_file` looks at a file's top rows only; its records are then read a
chunk of rows at a time (:meth:`OfstedReading.chunks`), which is how an import takes a
file of a million rows without holding it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from pathlib import Path

from ..progress import NULL_STATE, TaskState
from .ofsted_records import FileKind, OfstedChunk, OfstedFile
from .ofsted_rows import RowReader, RowSink, RowWarnings, read_checked
from .ofsted_tables import OfstedTable, as_at_date, choose_tables, find_table, refusal
from .tabular import open_sheets

_PROGRESS_EVERY = 250
CHUNK_ROWS = 20_000
"""Rows read before the records found in them are handed on: an importer writes each
chunk before the next is read, so a file of a million rows is never held whole."""


class OfstedReading:
    """One of Ofsted's files, opened: its kind, its date and its sheets are known at once
    (a file that is not Ofsted's is refused by :func:`open_ofsted_file`), and its records
    are read a chunk of rows at a time by :meth:`chunks`."""

    def __init__(self, path: Path, used: list[OfstedTable], many: bool) -> None:
        self.path = path
        self._used = used
        self._many = many
        self.kind: FileKind = used[0].role or "provider_level"
        self.as_at = as_at_date(path, used[0], self.kind)
        """The date the file describes, from its title or name (None when it says none)."""
        self.sheets_used = [t.source.name for t in used]
        self.total_rows = sum(max(t.source.total_rows - t.header - 1, 0) for t in used)
        """About how many rows there are below the headers (for progress)."""
        self._warnings = RowWarnings()
        self._seen: dict[str, int] = {}

    @property
    def warnings(self) -> list[str]:
        """The problems of the rows read so far: all of them once :meth:`chunks` is done."""
        return self._warnings.result()

    @property
    def urns(self) -> Collection[str]:
        """The URNs of the settings read so far."""
        return self._seen.keys()

    def chunks(self, state: TaskState = NULL_STATE, step: str = "",
               rows: int | None = None) -> Iterator[OfstedChunk]:
        """The file's records, ``rows`` rows (:data:`CHUNK_ROWS`) at a time, in file order;
        progress is reported under ``step`` (when given) and cancel honoured every few
        hundred rows."""
        rows = rows or CHUNK_ROWS
        self._warnings = warnings = RowWarnings()
        merged = self._council_codes(state) if self.kind == "council_list" else {}
        sink = RowSink(OfstedChunk(), merged=merged)
        self._seen = sink.seen
        done = 0
        for table in self._used:
            r = RowReader(table, f"sheet {table.source.name}, " if self._many else "", warnings)
            for index, row in enumerate(
                    itertools.islice(table.source.iter_rows(), table.header + 1, None)):
                done += 1
                if done % _PROGRESS_EVERY == 0:
                    state.check_cancelled()
                    if step:
                        state.progress(step, done, max(self.total_rows, done))
                r.row, r.number = row, table.header + index + 2
                read_checked(r, table.role, self.kind, sink)
                if done % rows == 0:
                    yield sink.chunk
                    sink.chunk = OfstedChunk()
        if step:
            state.progress(step, done, done)
        yield sink.chunk

    def _council_codes(self, state: TaskState) -> dict[str, tuple[str, ...]]:
        """A first pass over a council list: the placement codes of each URN listed on more
        than one row (premises, or the closed sheet), all of them on its first record."""
        sink = RowSink(OfstedChunk(), codes={})
        done = 0
        for table in self._used:
            r = RowReader(table, "", RowWarnings())
            for index, row in enumerate(
                    itertools.islice(table.source.iter_rows(), table.header + 1, None)):
                done += 1
                if done % _PROGRESS_EVERY == 0:
                    state.check_cancelled()
                    sink.chunk = OfstedChunk()  # only the codes are wanted
                r.row, r.number = row, table.header + index + 2
                read_checked(r, table.role, self.kind, sink)
        assert sink.codes is not None
        return {urn: sink.codes[urn] for urn in sink.grown}


def open_ofsted_file(path: str | Path) -> OfstedReading:
    """Open one of Ofsted's files (CSV, XLSX or ODS) as published, reading only its top rows.

    Raises FileFormatError when the file is not one of them, naming what is missing.
    """
    path = Path(path)
    sheets = open_sheets(path)
    tables = [t for t in map(find_table, sheets) if t is not None]
    used = choose_tables(tables)
    if not used:
        raise refusal(path, sheets, tables)
    return OfstedReading(path, used, len(sheets) > 1)


def read_ofsted_file(path: str | Path, state: TaskState = NULL_STATE) -> OfstedFile:
    """Read one of Ofsted's files (CSV, XLSX or ODS) as published, every record at once
    (an import reads it a chunk at a time: :func:`open_ofsted_file`).

    Raises FileFormatError when the file is not one of them, naming what is missing,
    and Cancelled when ``state`` is cancelled.
    """
    path = Path(path)
    step = f"Reading {path.name}"
    state.check_cancelled()
    state.progress(step, 0, 0)
    reading = open_ofsted_file(path)
    whole = OfstedChunk()
    for chunk in reading.chunks(state, step):
        whole.settings += chunk.settings
        whole.inspections += chunk.inspections
        whole.closures += chunk.closures
    return OfstedFile(
        path=path, kind=reading.kind, as_at=reading.as_at, settings=whole.settings,
        inspections=whole.inspections, closures=whole.closures,
        sheets_used=reading.sheets_used, warnings=reading.warnings)
