"""Reading the SSDA903 header and episodes files (CSV or XLSX) into typed records.

Pure file reading, no database and no Qt. Columns are found by their names
(``PLACE_PROVIDER``, ``Place provider`` and ``place provider`` are the same column),
in whichever sheet of a workbook holds them; a file without a required column is
refused with a :class:`~placement_desk.errors.FileFormatError` naming the file and
the column. Each data row becomes a record, or a list of problems (the row number a
spreadsheet shows, the column and the reason) when it cannot be stored at all: no
child, no start date, a date that is not a date. Codes are kept as written (upper
case): whether they are valid depends on the collection year, which is for the
SSDA903 rules (:mod:`placement_desk.services.placements.ssda903`) to say. The cells
are kept too, for those rules to read as the DfE's validator reads the file.

A file is read a row at a time into its columns
(:class:`~placement_desk.io.ssda903_records.Columns`): each distinct cell of a column is
held once, with what it reads as (:mod:`placement_desk.io.ssda903_rows`, which also parses
a row whole), and a row is a code per column, so a return of a million episodes takes tens
of megabytes. The records are made from the columns as they are used
(:attr:`~placement_desk.io.ssda903_records.EpisodesFile.records`), the same as
:func:`~placement_desk.io.ssda903_rows.parse_episode_row` makes them from a row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileFormatError
from ..progress import NULL_STATE, TaskState
from .safety import TOO_LONG
from .ssda903_records import (
    EPISODE_COLUMNS,
    EPISODE_REQUIRED,
    HEADER_COLUMNS,
    HEADER_REQUIRED,
    NOT_IMPORTED,
    Column,
    Columns,
    EpisodesFile,
    HeaderFile,
    Problem,
    shown_text,
)
from .ssda903_rows import episode_readers, header_readers
from .tabular import (
    Cell,
    Row,
    SheetSource,
    cell_text,
    find_header,
    heading_key,
    long_cell,
    open_sheets,
)

_PROGRESS_EVERY = 500
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


# -- finding the table -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Table:
    source: SheetSource
    header: int
    columns: dict[str, int]  # column name as in the 903 spec → index


def _columns(row: Sequence[Cell], wanted: Sequence[str]) -> dict[str, int]:
    keys = {heading_key(name): name for name in wanted}
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = keys.get(heading_key(cell))
        if name is not None and name not in found:
            found[name] = index
    return found


def _find_table(path: Path, wanted: Sequence[str], required: Sequence[str],
                what: str) -> _Table:
    sheets = open_sheets(path)
    best: _Table | None = None
    for source in sheets:
        header = find_header(source.head, lambda keys: len(_columns(keys, wanted)))
        if header is None:
            continue
        columns = _columns(source.head[header], wanted)
        if best is None or len(columns) > len(best.columns):
            best = _Table(source, header, columns)
    workbook = _is_workbook(path)
    sheet = best.source.name if best is not None and workbook else ""
    missing = [c for c in required if best is None or c not in best.columns]
    if missing:
        if not sheets or all(not s.head for s in sheets):
            message = f"The file is empty. Choose the SSDA903 {what} file."
        else:
            listed = ", ".join(missing)
            message = (f"The file has no {missing[0]} column"
                       + (f" (missing: {listed})" if len(missing) > 1 else "")
                       + f". Choose the SSDA903 {what} file, with the columns "
                       + ", ".join(required) + " in its first row.")
        if path.suffix.lower() in _WORKBOOK_SUFFIXES and not workbook:
            message += (f" This file is named {path.suffix} but holds text, not a workbook: "
                        "open it in Excel and save it again.")
        raise FileFormatError(message, file=path.name, sheet=sheet, column=missing[0])
    assert best is not None
    return best


def _is_workbook(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _data_rows(table: _Table) -> Iterator[tuple[int, Row]]:
    """(row number as a spreadsheet shows it, cells) for each non-blank row below the header,
    read a row at a time."""
    rows = itertools.islice(table.source.iter_rows(), table.header + 1, None)
    for index, row in enumerate(rows, table.header + 2):
        if any(c is not None and (not isinstance(c, str) or c.strip()) for c in row):
            yield index, row


# -- whole files -------------------------------------------------------------------------------

def _long_text(file: str, number: int, row: Row, columns: dict[str, int]) -> Problem | None:
    """A cell holding more text than a spreadsheet cell can (the row is refused)."""
    index = long_cell(row)
    if index is None:
        return None
    column = next((c for c, i in columns.items() if i == index), f"{index + 1}")
    return Problem(file, number, column, "", "error",
                   f"The text in {column} {TOO_LONG}." + NOT_IMPORTED)


def _problems(file: str, number: int, found: Sequence[tuple[str, Column, int]]
              ) -> tuple[bool, list[Problem]]:
    """The problems of a row's cells (column name, column, the cell's code), errors saying
    the row was left out; and whether there was an error."""
    problems: list[Problem] = []
    failed = False
    for name, column, code in found:
        problem = column.problems.get(code)
        if problem is not None:
            level, reason = problem
            if level == "error":
                failed = True
                reason += NOT_IMPORTED
            problems.append(Problem(file, number, name, shown_text(column.cells[code]), level,
                                    reason))
    return failed, problems


def _progress(state: TaskState, step: str, done: int, total: int) -> None:
    if done % _PROGRESS_EVERY == 0:
        state.check_cancelled()
        state.progress(step, done, max(total, done))


def _where(table: _Table, columns: Columns, names: Sequence[str]) -> list[tuple[Column, int]]:
    return [(columns.column(name), table.columns[name]) for name in names
            if name in table.columns]


def read_header_file(path: str | Path, state: TaskState = NULL_STATE) -> HeaderFile:
    """Every child in an SSDA903 header file, and the problems of the rows left out.

    The file is read a row at a time into :class:`Columns` (the year's rules read every
    row's cells); the records are made from them as they are used (:attr:`HeaderFile.records`).
    """
    path = Path(path)
    table = _find_table(path, HEADER_COLUMNS, HEADER_REQUIRED, "header")
    columns = Columns(HEADER_COLUMNS, header_readers(), table.columns)
    result = HeaderFile(path, table.source.name, columns)
    where = _where(table, columns, HEADER_COLUMNS)
    at = {name: i for i, (column, _index) in enumerate(where)
          for name in HEADER_REQUIRED if column is columns.column(name)}
    child, dob = columns.column("CHILD"), columns.column("DOB")
    step = f"Reading {path.name}"
    total = max(table.source.total_rows - table.header - 1, 0)
    state.check_cancelled()
    state.progress(step, 0, total)
    for position, (number, row) in enumerate(_data_rows(table)):
        codes = columns.add_row(number, row, where)
        result.rows_read += 1
        _progress(state, step, result.rows_read, total)
        long = _long_text(path.name, number, row, table.columns)
        if long is not None:
            result.problems.append(long)
            failed = True
        else:
            failed, problems = _problems(path.name, number, (
                ("CHILD", child, codes[at["CHILD"]]), ("DOB", dob, codes[at["DOB"]])))
            result.problems.extend(problems)
        if failed:
            result.rejected += 1
            ref = cell_text(child.cells[codes[at["CHILD"]]])
            if ref is not None:
                result.rejected_children.setdefault(ref, number)
        else:
            result.stored.append(position)
    state.check_cancelled()
    columns.done()
    state.progress(step, result.rows_read, result.rows_read)
    return result


def read_episodes_file(path: str | Path, state: TaskState = NULL_STATE) -> EpisodesFile:
    """Every episode in an SSDA903 episodes file, and the problems of its rows.

    The file is read a row at a time into :class:`Columns` (the year's rules read every
    row's cells); the records are made from them as they are used
    (:attr:`EpisodesFile.records`, :meth:`EpisodesFile.record_at`).
    """
    path = Path(path)
    table = _find_table(path, EPISODE_COLUMNS, EPISODE_REQUIRED, "episodes")
    columns = Columns(EPISODE_COLUMNS, episode_readers(), table.columns)
    result = EpisodesFile(path, table.source.name, columns)
    where = _where(table, columns, EPISODE_COLUMNS)  # every column: all are required
    checked = [(name, EPISODE_COLUMNS.index(name), columns.column(name))
               for name in ("CHILD", "DECOM", "DEC", "PLACE")]
    urn, start = columns.column("URN"), columns.column("DECOM")
    at_urn, at_start = EPISODE_COLUMNS.index("URN"), EPISODE_COLUMNS.index("DECOM")
    step = f"Reading {path.name}"
    total = max(table.source.total_rows - table.header - 1, 0)
    latest: dt.date | None = None
    state.check_cancelled()
    state.progress(step, 0, total)
    for position, (number, row) in enumerate(_data_rows(table)):
        codes = columns.add_row(number, row, where)
        result.rows_read += 1
        _progress(state, step, result.rows_read, total)
        long = _long_text(path.name, number, row, table.columns)
        if long is not None:
            result.problems.append(long)
            result.rejected += 1
            continue
        failed, problems = _problems(path.name, number, [
            (name, column, codes[i]) for name, i, column in checked])
        if failed:
            result.problems.extend(problems)
            result.rejected += 1
            continue
        if codes[at_urn] in urn.problems:
            problems += _problems(path.name, number, [("URN", urn, codes[at_urn])])[1]
        result.problems.extend(problems)
        result.stored.append(position)
        day: dt.date = start.values[codes[at_start]]
        if latest is None or day > latest:
            latest = day
    result.latest_start = latest
    columns.done()
    state.check_cancelled()
    state.progress(step, result.rows_read, result.rows_read)
    return result
