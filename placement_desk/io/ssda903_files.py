"""Reading the SSDA903 header and episodes files (CSV or XLSX) into typed records.

Pure file reading, no database and no Qt. Columns are found by their names
(``PLACE_PROVIDER``, ``Place provider`` and ``place provider`` are the same column),
in whichever sheet of a workbook holds them; a file without a required column is
refused with a :class:`~placement_desk.errors.FileFormatError` naming the file and
the column. Each data row becomes a record, or a list of problems (the row number a
spreadsheet shows, the column and the reason) when it cannot be stored at all: no
child, no start date, a date that is not a date. Codes are kept as written (upper
case): whether they are valid depends on the collection year, which is for the
SSDA903 rules (:mod:`placement_desk.services.placements.ssda903`) to say. The text of
every cell is kept too, in :attr:`HeaderFile.raw` and :attr:`EpisodesFile.raw`, for
those rules to read as the DfE's validator reads the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

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


@dataclass(slots=True)
class HeaderFile:
    path: Path
    sheet: str
    rows_read: int = 0
    records: list[HeaderRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0
    rejected_children: dict[str, int] = field(default_factory=dict)
    """Child reference → row, for the rows left out that name a child."""
    raw: dict[str, list[str]] = field(default_factory=dict)
    """Column → the text of its cell in every data row, in file order ("" when blank)."""
    row_numbers: list[int] = field(default_factory=list)
    """The row number a spreadsheet shows for each data row, in file order."""

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(slots=True)
class EpisodesFile:
    path: Path
    sheet: str
    rows_read: int = 0
    records: list[EpisodeRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0
    raw: dict[str, list[str]] = field(default_factory=dict)
    """Column → the text of its cell in every data row, in file order ("" when blank)."""
    row_numbers: list[int] = field(default_factory=list)
    """The row number a spreadsheet shows for each data row, in file order."""

    @property
    def name(self) -> str:
        return self.path.name


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

def _with_progress(path: Path, rows: list[tuple[int, Row]], state: TaskState
                   ) -> Iterator[tuple[int, Row]]:
    """The rows, reporting progress and honouring cancel every so often and at the end."""
    step = f"Reading {path.name}"
    state.progress(step, 0, len(rows))
    for done, item in enumerate(rows, 1):
        yield item
        if done % _PROGRESS_EVERY == 0:
            state.check_cancelled()
            state.progress(step, done, len(rows))
    state.check_cancelled()
    state.progress(step, len(rows), len(rows))


def _keep_raw(columns: dict[str, int], names: Sequence[str],
              rows: list[tuple[int, Row]]) -> tuple[dict[str, list[str]], list[int]]:
    """Each named column's cell text in every row (a missing column reads as blank)."""
    raw: dict[str, list[str]] = {}
    for name in names:
        index = columns.get(name)
        if index is None:
            raw[name] = [""] * len(rows)
            continue
        cells: list[Cell] = [row[index] if index < len(row) else "" for _n, row in rows]
        # A CSV file's cells are all text already; a workbook's may be dates or numbers.
        if all(type(c) is str for c in cells):
            raw[name] = cast(list[str], cells)
        else:
            raw[name] = [raw_text(c) for c in cells]
    return raw, [number for number, _row in rows]


def read_header_file(path: str | Path, state: TaskState = NULL_STATE) -> HeaderFile:
    """Every child in an SSDA903 header file, and the problems of the rows left out."""
    path = Path(path)
    table = _find_table(path, HEADER_COLUMNS, HEADER_REQUIRED, "header")
    result = HeaderFile(path, table.source.name)
    rows = list(_data_rows(table))  # the year's rules read every row's raw cells
    result.raw, result.row_numbers = _keep_raw(table.columns, HEADER_COLUMNS, rows)
    for number, row in _with_progress(path, rows, state):
        record, problems = parse_header_row(path.name, number, row, table.columns)
        result.rows_read += 1
        result.problems.extend(problems)
        if record is None:
            result.rejected += 1
            ref = cell_text(_cell(row, table.columns.get("CHILD")))
            if ref is not None:
                result.rejected_children.setdefault(ref, number)
        else:
            result.records.append(record)
    return result


def read_episodes_file(path: str | Path, state: TaskState = NULL_STATE) -> EpisodesFile:
    """Every episode in an SSDA903 episodes file, and the problems of its rows."""
    path = Path(path)
    table = _find_table(path, EPISODE_COLUMNS, EPISODE_REQUIRED, "episodes")
    result = EpisodesFile(path, table.source.name)
    rows = list(_data_rows(table))  # the year's rules read every row's raw cells
    result.raw, result.row_numbers = _keep_raw(table.columns, EPISODE_COLUMNS, rows)
    for number, row in _with_progress(path, rows, state):
        record, problems = parse_episode_row(path.name, number, row, table.columns)
        result.rows_read += 1
        result.problems.extend(problems)
        if record is None:
            result.rejected += 1
        else:
            result.records.append(record)
    return result
