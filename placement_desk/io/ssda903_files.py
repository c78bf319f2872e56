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

A file is read a row at a time into :class:`Columns`: each distinct cell of a column is
held once, with what it reads as, and a row is a code per column, so a return of a
million episodes takes tens of megabytes. The records are made from the columns as they
are used (:attr:`EpisodesFile.records`, :meth:`EpisodesFile.record_at`), the same as
:func:`parse_episode_row` makes them from a row.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from ..errors import FileFormatError
from ..models.enums import Sex
from ..progress import NULL_STATE, TaskState
from .safety import TOO_LONG
from .tabular import (
    Cell,
    Row,
    SheetSource,
    cell_text,
    find_header,
    heading_key,
    long_cell,
    open_sheets,
    parse_date,
)

Level = Literal["error", "warning"]

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
HEADER_REQUIRED = ("CHILD", "SEX", "DOB", "ETHNIC")
EPISODE_COLUMNS = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                   "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
EPISODE_REQUIRED = EPISODE_COLUMNS

NOT_IMPORTED = " The row was not imported."
YEARS_BACK = 40
"""No child in a return was born, and no episode began, more than this many years ago
(care leavers are supported to 25)."""
_PROGRESS_EVERY = 500
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


SEX_CODES: dict[str, Sex] = {"1": Sex.MALE, "M": Sex.MALE, "2": Sex.FEMALE, "F": Sex.FEMALE,
                              "U": Sex.NOT_KNOWN}
"""SEX as either code set writes it (1 and 2 before 2024-25, M, F and U from then)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one cell (or row) of a file, as the user sees the file."""

    file: str
    row: int
    column: str
    value: str
    level: Level
    reason: str


@dataclass(frozen=True, slots=True)
class HeaderRecord:
    """One child from the header file."""

    row: int
    child: str
    sex: Sex | None
    date_of_birth: dt.date | None
    ethnicity: str | None


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """One episode from the episodes file: codes upper case as written (valid or not),
    blanks None, other text as given."""

    row: int
    child: str
    start_date: dt.date
    end_date: dt.date | None
    reason_new_episode: str | None
    legal_status: str | None
    category_of_need: str | None
    placement_type: str
    place_provider: str | None
    reason_ceased: str | None
    reason_place_change: str | None
    home_postcode: str | None
    placement_postcode: str | None
    urn: str | None


class _Column:
    """One column of a file: each distinct cell held once (with what it reads as, and the
    problem with it if any), and a code per row saying which."""

    __slots__ = ("cells", "codes", "index", "problems", "read", "values")

    def __init__(self, read: _Reader) -> None:
        self.cells: list[Cell] = []
        self.values: list[Any] = []
        """What each distinct cell reads as."""
        self.problems: dict[int, tuple[Level, str]] = {}
        """Code → the problem with the cell (level, reason), for the cells that have one."""
        self.codes = array("i")
        self.index: dict[object, int] = {}
        self.read = read

    def add(self, cell: Cell) -> int:
        """Note the row's cell; its code."""
        # A text cell is its own key; another kind keeps its type, so that 1, 1.0 and True
        # stay apart.
        key: object = cell if type(cell) is str else (type(cell), cell)
        code = self.index.get(key)
        if code is None:
            code = self.index[key] = len(self.cells)
            self.cells.append(cell)
            value, problem = self.read(cell)
            self.values.append(cell if value == cell and type(value) is str else value)
            if problem is not None:
                self.problems[code] = problem
        self.codes.append(code)
        return code


class Columns:
    """The cells of a file's data rows, column by column: each distinct cell is held once and
    a row is a four-byte code per column, so that a return of a million rows takes tens of
    megabytes rather than gigabytes."""

    def __init__(self, names: Sequence[str], readers: dict[str, _Reader],
                 present: Collection[str]) -> None:
        self.names = tuple(names)
        self.numbers = array("i")
        """The row number a spreadsheet shows for each data row, in file order."""
        self._columns = {name: _Column(readers.get(name, _no_reading)) for name in names
                         if name in present}

    def __len__(self) -> int:
        return len(self.numbers)

    def has(self, name: str) -> bool:
        return name in self._columns

    def codes(self, name: str) -> array[int]:
        """Each row's code in the column (which must be in the file)."""
        return self._columns[name].codes

    def values(self, name: str) -> list[Any]:
        """What each of the column's distinct cells reads as, by code."""
        return self._columns[name].values

    def distinct(self, name: str) -> list[Cell]:
        """The column's distinct cells, by code."""
        return self._columns[name].cells if name in self._columns else []

    def texts(self, name: str) -> list[str]:
        """The column's cell in every row as the DfE's validator reads it (:func:`raw_text`;
        "" throughout for a column the file lacks). A list as long as the file: for small
        files and checks; the rules take :meth:`distinct` and :meth:`codes`."""
        column = self._columns.get(name)
        if column is None:
            return [""] * len(self.numbers)
        texts = [raw_text(c) for c in column.cells]
        return [texts[code] for code in column.codes]

    def ordered(self, names: Sequence[str]) -> list[_Column]:
        return [self._columns[name] for name in names]

    def _add(self, number: int, row: Row, where: Sequence[tuple[_Column, int]]) -> list[int]:
        self.numbers.append(number)
        size = len(row)
        return [column.add(row[index] if index < size else None) for column, index in where]

    def done(self) -> None:
        """Reading is over: let go of what finding each cell's code needed."""
        for column in self._columns.values():
            column.index = {}


def _no_reading(cell: Cell) -> _Read:
    return None, None


class _Raw(Mapping[str, list[str]]):
    """Column → the text of its cell in every data row, in file order ("" when blank)."""

    def __init__(self, columns: Columns) -> None:
        self._columns = columns

    def __getitem__(self, name: str) -> list[str]:
        if name not in self._columns.names:
            raise KeyError(name)
        return self._columns.texts(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.names)

    def __len__(self) -> int:
        return len(self._columns.names)


_R = TypeVar("_R")


class Records(Sequence[_R]):
    """The records of the rows that can be stored, made from the file's columns as they are
    used (a million are never held at once)."""

    def __init__(self, rows: array[int], make: Callable[[int], _R]) -> None:
        self._rows = rows
        self._make = make

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> _R: ...

    @overload
    def __getitem__(self, index: slice) -> list[_R]: ...

    def __getitem__(self, index: int | slice) -> _R | list[_R]:
        if isinstance(index, slice):
            return [self._make(i) for i in self._rows[index]]
        return self._make(self._rows[index])

    def __iter__(self) -> Iterator[_R]:
        make = self._make
        for i in self._rows:
            yield make(i)

    def positions(self) -> array[int]:
        """Each record's row, as a 0-based position among the file's data rows."""
        return self._rows


class _ColumnsFile:
    """What a file read as its columns says of itself: its name, its cells' text and the
    row numbers a spreadsheet shows (the header and the episodes file alike)."""

    __slots__ = ()
    path: Path
    columns: Columns

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def raw(self) -> Mapping[str, list[str]]:
        """Column → the text of its cell in every data row, in file order ("" when blank)."""
        return _Raw(self.columns)

    @property
    def row_numbers(self) -> list[int]:
        """The row number a spreadsheet shows for each data row, in file order."""
        return self.columns.numbers.tolist()


@dataclass(slots=True)
class HeaderFile(_ColumnsFile):
    path: Path
    sheet: str
    columns: Columns
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0
    rejected_children: dict[str, int] = field(default_factory=dict)
    """Child reference → row, for the rows left out that name a child."""
    stored: array[int] = field(default_factory=lambda: array("i"))
    """The positions (0-based, among the data rows) of the rows that can be stored."""

    @property
    def records(self) -> Records[HeaderRecord]:
        """One record per row that can be stored, in file order."""
        return Records(self.stored, self._record)

    def _record(self, position: int) -> HeaderRecord:
        values: list[Any] = [column.values[column.codes[position]]
                             for column in self.columns.ordered(HEADER_REQUIRED)]
        child, sex, born, ethnic = values
        return HeaderRecord(self.columns.numbers[position], child, sex, born, ethnic)


@dataclass(slots=True)
class EpisodesFile(_ColumnsFile):
    path: Path
    sheet: str
    columns: Columns
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0
    stored: array[int] = field(default_factory=lambda: array("i"))
    """The positions (0-based, among the data rows) of the rows that can be stored."""
    latest_start: dt.date | None = None
    """The latest start date (DECOM) of the episodes that can be stored."""

    @property
    def records(self) -> Records[EpisodeRecord]:
        """One record per row that can be stored, in file order."""
        return Records(self.stored, self.record_at)

    def record_at(self, position: int) -> EpisodeRecord:
        """The record of the data row at ``position`` (a row that can be stored), from what
        each of its cells reads as (:func:`parse_episode_row` gives the same)."""
        values: list[Any] = [column.values[column.codes[position]]
                             for column in self.columns.ordered(EPISODE_COLUMNS)]
        (child, start, rne, ls, cin, place, provider, end, rec, change, home, placed,
         urn) = values
        return EpisodeRecord(self.columns.numbers[position], child, start, end, rne, ls, cin,
                             place, provider, rec, change, home, placed, urn)


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


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The dates a return may hold: from :data:`YEARS_BACK` years ago to a year ahead."""
    today = today or dt.date.today()
    return (dt.date(today.year - YEARS_BACK, 1, 1), today + dt.timedelta(days=366))


def _cell(row: Row, index: int | None) -> Cell:
    if index is None or index >= len(row):
        return None
    return row[index]


def _shown(value: Cell) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return cell_text(value) or ""


def raw_text(value: Cell) -> str:
    """A cell as the DfE's validator reads the file: text exactly as written, a date cell
    as dd/mm/yyyy, a whole number without ``.0``, blank as ""."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return _shown(value)


# -- parsing rows ------------------------------------------------------------------------------

def _code_of(value: Cell) -> str | None:
    text = cell_text(value)
    return None if text is None else "".join(text.split()).upper()


@functools.lru_cache(maxsize=4096)
def _code_text(value: str) -> str | None:
    """A code cell's text as :func:`_code_of` gives it: a return has few distinct codes, so
    each is worked out once."""
    return _code_of(value)


class _RowParser:
    """Collects a row's problems while its cells are read."""

    def __init__(self, file: str, number: int, row: Row, columns: dict[str, int]) -> None:
        self.file, self.number, self.row, self.columns = file, number, row, columns
        self.problems: list[Problem] = []

    def raw(self, column: str) -> Cell:
        return _cell(self.row, self.columns.get(column))

    def problem(self, column: str, level: Level, reason: str) -> None:
        self.problems.append(Problem(self.file, self.number, column,
                                     _shown(self.raw(column)), level, reason))

    @property
    def failed(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    def text(self, column: str) -> str | None:
        return cell_text(self.raw(column))

    def child(self) -> str:
        text = self.text("CHILD")
        if text is None:
            self.problem("CHILD", "error", "The child's reference (CHILD) is blank.")
            return ""
        return text

    def date(self, column: str, required: bool, what: str,
             latest: dt.date | None = None) -> dt.date | None:
        value = self.raw(column)
        try:
            day = parse_date(value)
        except ValueError:
            self.problem(column, "error", f"The {what} ({column}) is not a date: write it as "
                                          "dd/mm/yyyy.")
            return None
        if day is None and required:
            self.problem(column, "error", f"The {what} ({column}) is blank.")
        return self.in_window(column, what, day, latest)

    def in_window(self, column: str, what: str, day: dt.date | None,
                  latest: dt.date | None = None) -> dt.date | None:
        """``day``, or None with the row refused when it is outside :func:`date_window`."""
        earliest, last = date_window()
        last = latest or last
        if day is not None and not earliest <= day <= last:
            self.problem(column, "error", f"The {what} ({column}) is not between "
                                          f"{earliest:%d/%m/%Y} and {last:%d/%m/%Y}.")
            return None
        return day

    def long_text(self) -> bool:
        """A cell holding more text than a spreadsheet cell can: the row is refused."""
        index = long_cell(self.row)
        if index is None:
            return False
        column = next((c for c, i in self.columns.items() if i == index), f"{index + 1}")
        self.problems.append(Problem(self.file, self.number, column, "", "error",
                                     f"The text in {column} {TOO_LONG}."))
        return True

    def code(self, column: str, what: str = "", required: bool = False) -> str | None:
        """The cell upper case without spaces, valid or not (the rules of the year judge)."""
        value = self.raw(column)
        code = _code_text(value) if isinstance(value, str) else _code_of(value)
        if code is None and required:
            self.problem(column, "error", f"The {what} ({column}) is blank.")
        return code


    def finish(self) -> list[Problem]:
        """The problems, errors saying that the row was left out."""
        return [Problem(p.file, p.row, p.column, p.value, p.level, p.reason + NOT_IMPORTED)
                if p.level == "error" else p for p in self.problems]


def parse_header_row(file: str, number: int, row: Row, columns: dict[str, int]
                     ) -> tuple[HeaderRecord | None, list[Problem]]:
    """One header row: the child, or None with the reasons it cannot be stored.

    Only a blank CHILD stops a child being stored. A sex code of neither code set is
    stored as not recorded (the SSDA903 rules report the code); a date of birth that is
    not a date is left out with a warning.
    """
    p = _RowParser(file, number, row, columns)
    if p.long_text():
        return None, p.finish()
    child = p.child()
    sex_code = p.code("SEX")
    try:
        born = p.in_window("DOB", "date of birth", parse_date(p.raw("DOB")), dt.date.today())
    except ValueError:
        born = None
        p.problem("DOB", "warning", "The date of birth (DOB) is not a date: the child was "
                                    "imported without one.")
    ethnicity = p.code("ETHNIC")
    if p.failed:
        return None, p.finish()
    sex = SEX_CODES.get(sex_code) if sex_code is not None else None
    return HeaderRecord(number, child, sex, born, ethnicity), p.finish()


def parse_episode_row(file: str, number: int, row: Row, columns: dict[str, int]
                      ) -> tuple[EpisodeRecord | None, list[Problem]]:
    """One episodes row: the episode, or None with the reasons it cannot be stored.

    An episode needs a child, a start date and a placement type, and its end date, when
    given, must be a date; everything else is stored as written, valid or not, for the
    SSDA903 rules to judge. A reason ceased on an episode with no end date is kept too
    (rule 148 reports it).
    """
    p = _RowParser(file, number, row, columns)
    if p.long_text():
        return None, p.finish()
    child = p.child()
    start = p.date("DECOM", True, "start date")
    end = p.date("DEC", False, "end date")
    place = p.code("PLACE", "placement type", required=True)
    if p.failed or start is None or place is None:
        return None, p.finish()
    urn = p.text("URN")
    if urn is not None and urn.isdigit() and not urn.strip("0"):
        p.problem("URN", "warning", "The URN is all zeros, which is not a URN, so it was "
                                    "left out.")
        urn = None
    record = EpisodeRecord(
        number, child, start, end, p.code("RNE"), p.code("LS"), p.code("CIN"), place,
        p.code("PLACE_PROVIDER"), p.code("REC"), p.code("REASON_PLACE_CHANGE"),
        p.text("HOME_POST"), p.text("PL_POST"), "".join(urn.split()).upper() if urn else None)
    return record, p.finish()


# -- whole files -------------------------------------------------------------------------------
#
# A file is read a row at a time into :class:`Columns`. What a cell reads as (a date, a code,
# a problem) depends on the cell alone, so it is worked out once per distinct cell, by the
# same steps :func:`parse_header_row` and :func:`parse_episode_row` take for a row.

_Read = tuple[Any, "tuple[Level, str] | None"]
"""What a cell reads as, and the problem with it (level, reason) if any."""
_Reader = Callable[[Cell], _Read]


def _text_of(cell: Cell) -> _Read:
    return cell_text(cell), None


def _code_cell(cell: Cell) -> _Read:
    return (_code_text(cell) if isinstance(cell, str) else _code_of(cell)), None


def _child_cell(cell: Cell) -> _Read:
    text = cell_text(cell)
    if text is None:
        return "", ("error", "The child's reference (CHILD) is blank.")
    return text, None


def _date_cell(column: str, required: bool, what: str, earliest: dt.date,
               last: dt.date) -> _Reader:
    def read(cell: Cell) -> _Read:
        try:
            day = parse_date(cell)
        except ValueError:
            return None, ("error", f"The {what} ({column}) is not a date: write it as "
                                   "dd/mm/yyyy.")
        if day is None:
            return None, (("error", f"The {what} ({column}) is blank.") if required else None)
        if not earliest <= day <= last:
            return None, ("error", f"The {what} ({column}) is not between "
                                   f"{earliest:%d/%m/%Y} and {last:%d/%m/%Y}.")
        return day, None

    return read


def _place_cell(cell: Cell) -> _Read:
    code = _code_cell(cell)[0]
    if code is None:
        return None, ("error", "The placement type (PLACE) is blank.")
    return code, None


def _urn_cell(cell: Cell) -> _Read:
    urn = cell_text(cell)
    if urn is not None and urn.isdigit() and not urn.strip("0"):
        return None, ("warning", "The URN is all zeros, which is not a URN, so it was left out.")
    return ("".join(urn.split()).upper() if urn else None), None


def _sex_cell(cell: Cell) -> _Read:
    code = _code_cell(cell)[0]
    return (SEX_CODES.get(code) if code is not None else None), None


def _dob_cell(earliest: dt.date, last: dt.date) -> _Reader:
    def read(cell: Cell) -> _Read:
        try:
            day = parse_date(cell)
        except ValueError:
            return None, ("warning", "The date of birth (DOB) is not a date: the child was "
                                     "imported without one.")
        if day is not None and not earliest <= day <= last:
            return None, ("error", f"The date of birth (DOB) is not between "
                                   f"{earliest:%d/%m/%Y} and {last:%d/%m/%Y}.")
        return day, None

    return read


def _episode_readers() -> dict[str, _Reader]:
    earliest, last = date_window()
    readers: dict[str, _Reader] = {
        name: _code_cell for name in ("RNE", "LS", "CIN", "PLACE_PROVIDER", "REC",
                                      "REASON_PLACE_CHANGE")}
    readers.update(CHILD=_child_cell, DECOM=_date_cell("DECOM", True, "start date", earliest,
                                                       last),
                   DEC=_date_cell("DEC", False, "end date", earliest, last), PLACE=_place_cell,
                   HOME_POST=_text_of, PL_POST=_text_of, URN=_urn_cell)
    return readers


def _header_readers() -> dict[str, _Reader]:
    earliest, _last = date_window()
    return {"CHILD": _child_cell, "SEX": _sex_cell, "DOB": _dob_cell(earliest, dt.date.today()),
            "ETHNIC": _code_cell}


def _long_text(file: str, number: int, row: Row, columns: dict[str, int]) -> Problem | None:
    """A cell holding more text than a spreadsheet cell can (the row is refused)."""
    index = long_cell(row)
    if index is None:
        return None
    column = next((c for c, i in columns.items() if i == index), f"{index + 1}")
    return Problem(file, number, column, "", "error",
                   f"The text in {column} {TOO_LONG}." + NOT_IMPORTED)


def _problems(file: str, number: int, found: Sequence[tuple[str, _Column, int]]
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
            problems.append(Problem(file, number, name, _shown(column.cells[code]), level,
                                    reason))
    return failed, problems


def _progress(state: TaskState, step: str, done: int, total: int) -> None:
    if done % _PROGRESS_EVERY == 0:
        state.check_cancelled()
        state.progress(step, done, max(total, done))


def _where(table: _Table, columns: Columns, names: Sequence[str]) -> list[tuple[_Column, int]]:
    return [(columns._columns[name], table.columns[name]) for name in names
            if name in table.columns]


def read_header_file(path: str | Path, state: TaskState = NULL_STATE) -> HeaderFile:
    """Every child in an SSDA903 header file, and the problems of the rows left out.

    The file is read a row at a time into :class:`Columns` (the year's rules read every
    row's cells); the records are made from them as they are used (:attr:`HeaderFile.records`).
    """
    path = Path(path)
    table = _find_table(path, HEADER_COLUMNS, HEADER_REQUIRED, "header")
    columns = Columns(HEADER_COLUMNS, _header_readers(), table.columns)
    result = HeaderFile(path, table.source.name, columns)
    where = _where(table, columns, HEADER_COLUMNS)
    at = {name: i for i, (column, _index) in enumerate(where)
          for name in HEADER_REQUIRED if column is columns._columns[name]}
    child, dob = columns._columns["CHILD"], columns._columns["DOB"]
    step = f"Reading {path.name}"
    total = max(table.source.total_rows - table.header - 1, 0)
    state.check_cancelled()
    state.progress(step, 0, total)
    for position, (number, row) in enumerate(_data_rows(table)):
        codes = columns._add(number, row, where)
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
    columns = Columns(EPISODE_COLUMNS, _episode_readers(), table.columns)
    result = EpisodesFile(path, table.source.name, columns)
    where = _where(table, columns, EPISODE_COLUMNS)  # every column: all are required
    checked = [(name, EPISODE_COLUMNS.index(name), columns._columns[name])
               for name in ("CHILD", "DECOM", "DEC", "PLACE")]
    urn, start = columns._columns["URN"], columns._columns["DECOM"]
    at_urn, at_start = EPISODE_COLUMNS.index("URN"), EPISODE_COLUMNS.index("DECOM")
    step = f"Reading {path.name}"
    total = max(table.source.total_rows - table.header - 1, 0)
    latest: dt.date | None = None
    state.check_cancelled()
    state.progress(step, 0, total)
    for position, (number, row) in enumerate(_data_rows(table)):
        codes = columns._add(number, row, where)
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
