"""The SSDA903 return's checks, rule by rule, as the DfE-approved validator runs them.

The specification is the DfE-approved validator, data-to-insight/csc-validator-be-903,
version 0.1.14 (commit 10ad07c513aa07bd8fffc928d57ae9918a70ae07), rule packs
``lac2023_24``, ``lac2024_25`` and ``lac2025_26``. Each rule was read there and written
again here, in our own code and words, as a few vectorised passes over the columns of the
return (no rule loops over rows in Python): 100,000 episodes take about a second.

- :mod:`.years`: the collection years, their dates and code lists;
- :mod:`.registry`: which rules run in each year, with their codes and messages;
- ``rules_codes``, ``rules_placement``, ``rules_age``, ``rules_sequence``: the rules by
  family; :mod:`.prepared` parses the tables once for all of them;
- :mod:`.engine`: :func:`validate` runs a year's rules over a header and an episodes table;
- :mod:`.overlaps`: every overlapping pair of a child's episodes, marking rule 501's;
- :mod:`.register`: the checks the validator cannot make, against the Ofsted register;
- :mod:`.stored`: all of it over the episodes held in the database.

Tables hold the return's columns as text, as the file has them; a row is a 0-based
position. Messages name columns and codes, never a record's values.

Where we differ from the validator on purpose (its own slips): K3 is accepted in 2024-25
(the validator's list has it in lower case and so refuses it); a blank placement local
authority does not count as outside England for rules 218 and 230; rule 433 takes
1/2/2024 and 01/02/2024 as the same day; and no rule changes the data the next one sees.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Rule, RuleResult, Table
    from .engine import Flagged, run_rules, validate, validate_frame
    from .overlaps import Overlap, all_overlaps, label_overlaps
    from .registry import NOT_IMPLEMENTED, RULES
    from .years import (
        YEARS,
        UnknownYear,
        YearConfig,
        collection_year_for,
        parse_year,
        year_label,
    )

_WHERE = {
    "Rule": "base", "RuleResult": "base", "Table": "base",
    "Flagged": "engine", "run_rules": "engine", "validate": "engine",
    "validate_frame": "engine",
    "Overlap": "overlaps", "all_overlaps": "overlaps", "label_overlaps": "overlaps",
    "NOT_IMPLEMENTED": "registry", "RULES": "registry",
    "YEARS": "years", "UnknownYear": "years", "YearConfig": "years",
    "collection_year_for": "years", "parse_year": "years", "year_label": "years",
}
"""Each public name and its module, loaded on first use: the rules need pandas, which the
app should not load at start-up just because a page imports the register checks."""

__all__ = [
    "NOT_IMPLEMENTED",
    "RULES",
    "YEARS",
    "Flagged",
    "Overlap",
    "Rule",
    "RuleResult",
    "Table",
    "UnknownYear",
    "YearConfig",
    "all_overlaps",
    "collection_year_for",
    "label_overlaps",
    "parse_year",
    "run_rules",
    "validate",
    "validate_frame",
    "year_label",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
