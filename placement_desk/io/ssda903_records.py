"""What reading an SSDA903 file gives: its records, the problems of its rows, and its cells.

The header file's children (:class:`HeaderRecord`) and the episodes file's episodes
(:class:`EpisodeRecord`) keep their codes as written (upper case): whether they are valid
depends on the collection year, which is for the SSDA903 rules
(:mod:`placement_desk.services.placements.ssda903`) to say. A row that cannot be stored
has its :class:`Problem` list instead: the row number a spreadsheet shows, the column and
the reason.

A file is held as its :class:`Columns`: each distinct cell of a column once, with what it
reads as, and a row as a code per column, so a return of a million episodes takes tens of
megabytes. The records are made from the columns as they are used
(:attr:`EpisodesFile.records`, :meth:`EpisodesFile.record_at`). The cells are kept too,
for the rules to read as the DfE's validator reads the file (:func:`raw_text`).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from ..models.enums import Sex
from .tabular import Cell, Row, cell_text

Level = Literal["error", "warning"]

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
HEADER_REQUIRED = ("CHILD", "SEX", "DOB", "ETHNIC")
EPISODE_COLUMNS = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                   "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
EPISODE_REQUIRED = EPISODE_COLUMNS

NOT_IMPORTED = " The row was not imported."


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


CellRead = tuple[Any, "tuple[Level, str] | None"]
"""What a cell reads as, and the problem with it (level, reason) if any."""
CellReader = Callable[[Cell], CellRead]


class Column:
    """One column of a file: each distinct cell held once (with what it reads as, and the
    problem with it if any), and a code per row saying which."""

    __slots__ = ("cells", "codes", "index", "problems", "read", "values")

    def __init__(self, read: CellReader) -> None:
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

    def __init__(self, names: Sequence[str], readers: dict[str, CellReader],
                 present: Collection[str]) -> None:
        self.names = tuple(names)
        self.numbers = array("i")
        """The row number a spreadsheet shows for each data row, in file order."""
        self._columns = {name: Column(readers.get(name, _no_reading)) for name in names
                         if name in present}

    def __len__(self) -> int:
        return len(self.numbers)

    def has(self, name: str) -> bool:
        return name in self._columns

    def column(self, name: str) -> Column:
        """The column (which must be in the file), for the reader filling it."""
        return self._columns[name]

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

    def ordered(self, names: Sequence[str]) -> list[Column]:
        return [self._columns[name] for name in names]

    def add_row(self, number: int, row: Row, where: Sequence[tuple[Column, int]]
                ) -> list[int]:
        """Note a data row's cells (each column's index in ``row``); their codes."""
        self.numbers.append(number)
        size = len(row)
        return [column.add(row[index] if index < size else None) for column, index in where]

    def done(self) -> None:
        """Reading is over: let go of what finding each cell's code needed."""
        for column in self._columns.values():
            column.index = {}


def _no_reading(cell: Cell) -> CellRead:
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
        each of its cells reads as (:func:`~.ssda903_rows.parse_episode_row` gives the
        same)."""
        values: list[Any] = [column.values[column.codes[position]]
                             for column in self.columns.ordered(EPISODE_COLUMNS)]
        (child, start, rne, ls, cin, place, provider, end, rec, change, home, placed,
         urn) = values
        return EpisodeRecord(self.columns.numbers[position], child, start, end, rne, ls, cin,
                             place, provider, rec, change, home, placed, urn)


def shown_text(value: Cell) -> str:
    """A cell as a problem shows it: a date as dd/mm/yyyy, blank as ""."""
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
    return shown_text(value)
