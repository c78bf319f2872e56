"""How long a text may be: each column's length as the entity declares it (``String(n)``).

The services refuse longer text with the field's name and the limit (a database
would otherwise take it, or cut it short, without a word), and the screens give
each field the same limit, so one number decides both.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import InstrumentedAttribute

from ...errors import ValidationError


@functools.cache
def max_length(column: InstrumentedAttribute[Any]) -> int | None:
    """The column's declared length, or None for unlimited text."""
    kind = column.property.columns[0].type
    return kind.length if isinstance(kind, String) and kind.length else None


def check_length(field: str, label: str, value: str | None,
                 column: InstrumentedAttribute[Any]) -> None:
    """Refuse ``value`` if it is longer than ``column`` takes, naming the field."""
    limit = max_length(column)
    if value is None or limit is None:
        return
    size = len(value.strip())
    if size > limit:
        raise ValidationError(field, f"{label} is too long: {size:,} characters, and "
                                     f"{limit:,} at most are kept.")


def check_lengths(values: Mapping[str, str | None],
                  columns: Mapping[str, tuple[str, InstrumentedAttribute[Any]]]) -> None:
    """Check several fields at once: ``columns`` maps each field to (label, column)."""
    for field, (label, column) in columns.items():
        check_length(field, label, values.get(field), column)
