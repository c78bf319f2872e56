"""What the cells of an SSDA903 row read as: a row parsed whole, or each distinct cell once.

:func:`parse_header_row` and :func:`parse_episode_row` read one row: the record, or the
reasons it cannot be stored at all (no child, no start date, a date that is not a date).
A whole file is read a row at a time into its columns
(:mod:`placement_desk.io.ssda903_files`), and what a cell reads as (a date, a code, a
problem) depends on the cell alone, so there it is worked out once per distinct cell by
the readers of :func:`header_readers` and :func:`episode_readers`, which take the same
steps as the row parsers. Both are kept here, side by side, so that they do not drift.
Dates outside :func:`date_window` are refused.
"""

from __future__ import annotations

import datetime as dt
import functools

from ..models.enums import Sex
from .safety import TOO_LONG
from .ssda903_records import (
    NOT_IMPORTED,
    CellRead,
    CellReader,
    EpisodeRecord,
    HeaderRecord,
    Level,
    Problem,
    shown_text,
)
from .tabular import Cell, Row, cell_text, long_cell, parse_date

YEARS_BACK = 40
"""No child in a return was born, and no episode began, more than this many years ago
(care leavers are supported to 25)."""


SEX_CODES: dict[str, Sex] = {"1": Sex.MALE, "M": Sex.MALE, "2": Sex.FEMALE, "F": Sex.FEMALE,
                              "U": Sex.NOT_KNOWN}
"""SEX as either code set writes it (1 and 2 before 2024-25, M, F and U from then)."""


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The dates a return may hold: from :data:`YEARS_BACK` years ago to a year ahead."""
    today = today or dt.date.today()
    return (dt.date(today.year - YEARS_BACK, 1, 1), today + dt.timedelta(days=366))


def _cell(row: Row, index: int | None) -> Cell:
    if index is None or index >= len(row):
        return None
    return row[index]


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
                                     shown_text(self.raw(column)), level, reason))

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


# -- each distinct cell ------------------------------------------------------------------------
#
# The steps :func:`parse_header_row` and :func:`parse_episode_row` take for a row, for one cell.

def _text_of(cell: Cell) -> CellRead:
    return cell_text(cell), None


def _code_cell(cell: Cell) -> CellRead:
    return (_code_text(cell) if isinstance(cell, str) else _code_of(cell)), None


def _child_cell(cell: Cell) -> CellRead:
    text = cell_text(cell)
    if text is None:
        return "", ("error", "The child's reference (CHILD) is blank.")
    return text, None


def _date_cell(column: str, required: bool, what: str, earliest: dt.date,
               last: dt.date) -> CellReader:
    def read(cell: Cell) -> CellRead:
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


def _place_cell(cell: Cell) -> CellRead:
    code = _code_cell(cell)[0]
    if code is None:
        return None, ("error", "The placement type (PLACE) is blank.")
    return code, None


def _urn_cell(cell: Cell) -> CellRead:
    urn = cell_text(cell)
    if urn is not None and urn.isdigit() and not urn.strip("0"):
        return None, ("warning", "The URN is all zeros, which is not a URN, so it was left out.")
    return ("".join(urn.split()).upper() if urn else None), None


def _sex_cell(cell: Cell) -> CellRead:
    code = _code_cell(cell)[0]
    return (SEX_CODES.get(code) if code is not None else None), None


def _dob_cell(earliest: dt.date, last: dt.date) -> CellReader:
    def read(cell: Cell) -> CellRead:
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


def episode_readers() -> dict[str, CellReader]:
    """What a cell of each column of an episodes file reads as."""
    earliest, last = date_window()
    readers: dict[str, CellReader] = {
        name: _code_cell for name in ("RNE", "LS", "CIN", "PLACE_PROVIDER", "REC",
                                      "REASON_PLACE_CHANGE")}
    readers.update(CHILD=_child_cell, DECOM=_date_cell("DECOM", True, "start date", earliest,
                                                       last),
                   DEC=_date_cell("DEC", False, "end date", earliest, last), PLACE=_place_cell,
                   HOME_POST=_text_of, PL_POST=_text_of, URN=_urn_cell)
    return readers


def header_readers() -> dict[str, CellReader]:
    """What a cell of each column of a header file reads as."""
    earliest, _last = date_window()
    return {"CHILD": _child_cell, "SEX": _sex_cell, "DOB": _dob_cell(earliest, dt.date.today()),
            "ETHNIC": _code_cell}
