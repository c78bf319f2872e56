"""The shape of a table of the sufficiency appendix, shared by every table and by the
PDF and workbook that print them.

A table is plain data: cells are numbers or text, and each column says how its numbers
read, so the PDF and the workbook print the same figures. :func:`share` and
:func:`plural` word the figures and notes the tables share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["AppendixTable", "Column", "Kind", "plural", "share"]

Kind = Literal["text", "count", "weeks", "money", "percent"]


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    kind: Kind = "count"
    """How the column's values read: text; a count; weeks (one decimal); money (pence,
    printed as pounds); a percentage (one decimal)."""


@dataclass(frozen=True, slots=True)
class AppendixTable:
    key: str
    """A short name: the workbook's sheet."""
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total_rows: int = 0
    """The last rows that are totals."""
    definitions: tuple[str, ...] = ()
    unclassified: tuple[str, ...] = ()
    """The records the table could not classify, in words (empty: none)."""
    chart: str = ""
    """"trend" for the looked-after forecast, "bars" for bars of the second column by the
    first (totals left out), "" for none."""


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"
