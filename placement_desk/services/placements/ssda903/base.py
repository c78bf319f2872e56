"""What a rule is and what it reports: shared by the rule families and the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .prepared import BoolArray, Prepared

__all__ = ["Hits", "Rule", "RuleFunc", "RuleResult", "Table"]

Table = Literal["header", "episodes"]
Hits = dict[Table, BoolArray]
"""A rule's answer: per table, a boolean mask over its rows (True = flagged)."""
RuleFunc = Callable[[Prepared], Hits]


@dataclass(frozen=True)
class RuleResult:
    """One flagged row: the rule, its message, the table and 0-based row, the columns at fault."""

    code: str
    message: str
    table: Table
    row: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """A rule of one collection year: its DfE code, our message, the columns it reads."""

    code: str
    message: str
    fields: tuple[str, ...]
    function: RuleFunc
