"""An SSDA903 import's problems, its summary and the problem report.

Each problem is a rule (the DfE's code, or ``PD-...`` for our own checks), its level,
the file and row, the columns and a message that says where, not what. They are held
as a row and a kind each (:class:`Problems`), so a return of a million episodes keeps
its problems in little memory, and the report writes its rows as it reads them.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from ...progress import NULL_STATE, TaskState
from .ssda903 import RULES, year_label
from .ssda903.register import (
    OUR_CHECKS,
    Level,
)

REPORT_HEADINGS = ("Rule", "Level", "Table", "File", "Row", "Columns", "Message")
SUMMARY_HEADINGS = ("Rule", "Level", "Problems", "What it checks")

FileTable = Literal["header", "episodes"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in the files: a rule (the DfE's code, or ``PD-...`` for our own
    checks), its level, where (table, file, row as a spreadsheet shows it, columns) and
    what is wrong, in plain English and without the record's values."""

    code: str
    level: Level
    table: FileTable
    file: str
    row: int
    columns: str
    message: str


@dataclass(frozen=True, slots=True)
class RuleCount:
    """How many problems one rule found."""

    code: str
    level: Level
    count: int
    message: str


_Kind = tuple[str, Level, FileTable, str, str, str]
"""A problem but its row: (code, level, table, file, columns, message)."""


class Problems(Sequence[Problem]):
    """Problems held as a row number and a kind each (the rest of a problem, held once for
    every problem alike): a return of a million episodes may have millions of problems,
    which as objects would take hundreds of megabytes. Each :class:`Problem` is made as
    it is read."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self._rows = array("i")
        self._of = array("i")
        self._kinds: list[_Kind] = []
        self._index: dict[_Kind, int] = {}
        for problem in problems:
            self.append(problem)

    def _kind(self, kind: _Kind) -> int:
        found = self._index.get(kind)
        if found is None:
            found = self._index[kind] = len(self._kinds)
            self._kinds.append(kind)
        return found

    def append(self, problem: Problem) -> None:
        self.add(problem.code, problem.level, problem.table, problem.file, problem.row,
                 problem.columns, problem.message)

    def add(self, code: str, level: Level, table: FileTable, file: str, row: int,
            columns: str, message: str) -> None:
        self._of.append(self._kind((code, level, table, file, columns, message)))
        self._rows.append(row)

    def add_rows(self, code: str, level: Level, table: FileTable, file: str, columns: str,
                 message: str, rows: Sequence[int]) -> None:
        """One problem, alike but for its row, in each of ``rows``."""
        kind = self._kind((code, level, table, file, columns, message))
        self._rows.extend(rows)
        self._of.extend(array("i", [kind]) * len(rows))

    def __len__(self) -> int:
        return len(self._rows)

    def _make(self, i: int) -> Problem:
        code, level, table, file, columns, message = self._kinds[self._of[i]]
        return Problem(code, level, table, file, self._rows[i], columns, message)

    @overload
    def __getitem__(self, index: int) -> Problem: ...

    @overload
    def __getitem__(self, index: slice) -> list[Problem]: ...

    def __getitem__(self, index: int | slice) -> Problem | list[Problem]:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(len(self)))]
        return self._make(range(len(self))[index])

    def __iter__(self) -> Iterator[Problem]:
        kinds, rows = self._kinds, self._rows
        for i, of in enumerate(self._of):
            code, level, table, file, columns, message = kinds[of]
            yield Problem(code, level, table, file, rows[i], columns, message)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                       strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Problems({list(self)!r})"

    def counts(self) -> Counter[tuple[str, Level]]:
        """How many problems of each rule and level."""
        found: Counter[tuple[str, Level]] = Counter()
        for of, n in enumerate(np.bincount(np.frombuffer(self._of, dtype=np.intc),
                                           minlength=len(self._kinds)).tolist()):
            if n:
                code, level = self._kinds[of][:2]
                found[(code, level)] += n
        return found

    def sorted(self) -> Problems:
        """Header problems first, then by row, then by rule (the DfE's, then ours); in the
        order found where those are the same."""
        rank = {code: i for i, code in enumerate(sorted({k[0] for k in self._kinds},
                                                        key=_code_order))}
        per_kind = np.array([(kind[2] != "header") << 62 | rank[kind[0]]
                             for kind in self._kinds] or [0], dtype=np.int64)
        kinds = np.frombuffer(self._of, dtype=np.intc)
        rows = np.frombuffer(self._rows, dtype=np.intc).astype(np.int64)
        order = np.argsort(per_kind[kinds] | rows << 16, kind="stable")
        out = Problems()
        out._kinds, out._index = self._kinds, self._index
        out._rows = array("i", rows[order].astype(np.intc).tobytes())
        out._of = array("i", kinds[order].tobytes())
        return out


def _code_order(code: str) -> tuple[int, int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (1, 0, code) if code.startswith("PD-") else (0, int(digits or 0), code)


@dataclass
class Ssda903Summary:
    """What an import did, for the GUI, the command line and ``--json``."""

    header_file: str = ""
    episodes_file: str = ""
    year: str = ""
    """The collection year whose rules were applied, e.g. ``2025_26``."""
    year_reason: str = ""
    """Why that year: chosen, the year of the latest episode, or the nearest with rules."""
    header_rows: int = 0
    episode_rows: int = 0
    children_new: int = 0
    children_updated: int = 0
    children_unchanged: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_unchanged: int = 0
    header_rows_rejected: int = 0
    episode_rows_rejected: int = 0
    problems: Problems = field(default_factory=Problems)
    """Every problem, in the order of the files' rows (a sequence: read, not changed)."""

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year else ""

    @property
    def rows_rejected(self) -> int:
        """Rows of either file left out."""
        return self.header_rows_rejected + self.episode_rows_rejected

    @property
    def rows_imported(self) -> int:
        return self.header_rows + self.episode_rows - self.rows_rejected

    @property
    def errors(self) -> int:
        return sum(n for (_code, level), n in self.problems.counts().items()
                   if level == "error")

    @property
    def warnings(self) -> int:
        return sum(n for (_code, level), n in self.problems.counts().items()
                   if level == "warning")

    def by_rule(self) -> list[RuleCount]:
        """Problems counted by rule (and level), in rule order: the DfE's, then ours."""
        counts = self.problems.counts()
        messages = {rule.code: rule.message for rule in RULES.get(self.year, [])}
        messages.update(OUR_CHECKS)
        return [RuleCount(code, level, n, messages.get(code, ""))
                for (code, level), n in sorted(counts.items(),
                                               key=lambda item: (_code_order(item[0][0]),
                                                                 item[0][1]))]

    def rows_text(self) -> str:
        """What happened to the rows, in one sentence for the command line."""
        if not self.rows_rejected:
            return (f"every row was imported ({self.rows_imported:,}), with its problems "
                    "listed")
        return (f"{self.rows_imported:,} rows imported, {self.rows_rejected:,} not imported "
                f"({self.header_rows_rejected:,} in the header file, "
                f"{self.episode_rows_rejected:,} in the episodes file)")

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name != "problems"}
        data.update(rows_rejected=self.rows_rejected, rows_imported=self.rows_imported,
                    errors=self.errors, warnings=self.warnings,
                    by_rule=[dataclasses.asdict(c) for c in self.by_rule()],
                    problems=[dataclasses.asdict(p) for p in self.problems])
        return data


class _ProblemRows(Sequence[list[object]]):
    """The problems as table rows, each made as it is written."""

    def __init__(self, problems: Problems) -> None:
        self._problems = problems

    def __len__(self) -> int:
        return len(self._problems)

    @staticmethod
    def _row(p: Problem) -> list[object]:
        return [p.code, p.level.capitalize(), p.table.capitalize(), p.file, p.row, p.columns,
                p.message]

    @overload
    def __getitem__(self, index: int) -> list[object]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[object]]: ...

    def __getitem__(self, index: int | slice) -> list[object] | list[list[object]]:
        if isinstance(index, slice):
            return [self._row(p) for p in self._problems[index]]
        return self._row(self._problems[index])

    def __iter__(self) -> Iterator[list[object]]:
        return map(self._row, self._problems)


def problem_rows(summary: Ssda903Summary) -> Sequence[list[object]]:
    """The problems as table rows under :data:`REPORT_HEADINGS` (made as they are read)."""
    return _ProblemRows(summary.problems)


def rule_count_rows(summary: Ssda903Summary) -> list[list[object]]:
    """The problems counted by rule, as table rows under :data:`SUMMARY_HEADINGS`."""
    return [[c.code, c.level.capitalize(), c.count, c.message] for c in summary.by_rule()]


def save_problem_report(summary: Ssda903Summary, path: str | Path,
                        state: TaskState = NULL_STATE) -> Path:
    """Write the problems to an .xlsx file (a sheet of problems and one counting them by
    rule) or a .csv file (the problems), for the user to filter and share."""
    from ...io.table_export import write_table, write_tables

    target = Path(path)
    if target.suffix.lower() == ".csv":
        return write_table(target, REPORT_HEADINGS, problem_rows(summary), state=state)
    return write_tables(target, [
        ("Problems", REPORT_HEADINGS, problem_rows(summary)),
        ("By rule", SUMMARY_HEADINGS, rule_count_rows(summary)),
    ], state=state)
