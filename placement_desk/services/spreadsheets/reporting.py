"""A copy of an imported sheet with a column saying what is wrong with each row, to fix
and import again; and the problems as a table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ...io.spreadsheets.writing import Column, Table, write_table
from ...progress import NULL_STATE, TaskState
from .importing import ImportResult, Prepared

PROBLEMS_HEADING = "Problems found on import"
PROBLEM_HEADINGS = ("Level", "Sheet", "Row", "Column", "Problem")


def save_error_copy(prepared: Prepared, result: ImportResult, path: str | Path,
                    state: TaskState = NULL_STATE) -> Path:
    """The sheet's headings and rows as read, each with its problems in a last column
    (blank when it has none), written to ``path``."""
    headings = list(prepared.headings)
    width = len(headings)
    problems = result.error_rows

    def rows() -> Iterator[Sequence[Any]]:
        for number, row in enumerate(prepared.sheet.iter_rows(), 1):
            if number <= prepared.header.row_number:
                continue
            cells = list(row[:width]) + [None] * (width - len(row))
            if all(c is None or c == "" for c in cells) and number not in problems:
                continue
            yield [*cells, "; ".join(problems.get(number, []))]

    columns = [Column(h or f"Column {i + 1}") for i, h in enumerate(headings)]
    columns.append(Column(PROBLEMS_HEADING))
    table = Table(prepared.sheet.name, columns, rows(),
                  title=f"{result.file} with the problems found on import "
                        f"({result.errors:,} errors)")
    return write_table(path, table, state)


def problem_rows(result: ImportResult) -> list[list[object]]:
    return [[p.level.capitalize(), p.sheet, p.row, p.column, p.message]
            for p in result.problems]
