"""The fields a kind of record has, and turning a spreadsheet's cell into a field's value.

Each field says what it holds (text, a date, a whole number, money, a percentage, yes or
no, or a code from a list), the headings that usually name it, and for codes the
abbreviations teams use ("G" for Good, "IFA", "Spot"). A cell that cannot be read raises
:class:`CellError` saying why in words, never repeating the value.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ...io.spreadsheets.writing import ColumnKind
from ...io.tabular import BLANK_WORDS, Cell, heading_key, parse_date
from ...models.enums import LabelledEnum

FieldType = Literal["text", "date", "datetime", "int", "money", "percent", "number", "bool",
                    "code"]


class CellError(ValueError):
    """A cell that cannot be read as its field's value; the message says why."""


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a kind of record, as a column of a spreadsheet."""

    name: str
    label: str
    type: FieldType = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    """Other headings that name this field (compared as heading keys)."""
    codes: builtins.type[LabelledEnum] | None = None
    synonyms: Mapping[str, str] = field(default_factory=dict)
    """Common ways of writing a code (heading key of the text → stored value)."""
    looks_like: Callable[[str], bool] | None = None
    """Whether a cell's text looks like this field's (for matching columns by content)."""
    importable: bool = True
    """False for a column an export gives for reading only (a status worked out here)."""
    code_text: Literal["label", "value"] = "label"
    """How an export writes a code: its label (most), or its value (SSDA903 codes)."""
    help: str = ""

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(heading_key(h) for h in (self.label, self.name, *self.aliases))

    @property
    def column_kind(self) -> ColumnKind:
        kinds: dict[str, ColumnKind] = {"date": "date", "datetime": "datetime",
                                        "money": "money", "percent": "percent",
                                        "number": "number", "int": "int", "bool": "bool"}
        return kinds.get(self.type, "text")

    def choices(self) -> tuple[str, ...]:
        """The texts a template's drop-down offers."""
        if self.codes is None:
            return ("Yes", "No") if self.type == "bool" else ()
        if self.code_text == "value":
            return tuple(f"{m.value}" for m in self.codes)
        return tuple(m.label for m in self.codes)

    def export_value(self, value: Any) -> Any:
        """A stored value as an export writes it."""
        if value is None:
            return None
        if self.type == "code" and isinstance(value, LabelledEnum):
            return value.label if self.code_text == "label" else value.value
        if self.type == "code" and self.codes is not None and self.code_text == "label":
            try:
                return self.codes(value).label
            except ValueError:
                return value
        return value


def _blank(value: Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text.casefold() in BLANK_WORDS
    return False


def read_text(value: Cell) -> str | None:
    """Text as written (spaces at either end trimmed); a number without a ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() \
            else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_MONEY_JUNK = re.compile(r"[£,\s]|GBP|p/?w|per\s*week", re.IGNORECASE)
_YES = frozenset({"yes", "y", "true", "1", "x", "ticked"})
_NO = frozenset({"no", "n", "false", "0"})


def _decimal(value: Cell, what: str) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"is not {what}")
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _MONEY_JUNK.sub("", str(value)).rstrip("%")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"is not {what}") from None
    if not number.is_finite():
        raise CellError(f"is not {what}")
    return number


def convert(spec: Field, value: Cell, value_map: Mapping[str, str] | None = None) -> Any:
    """The cell as the field's value (None when blank); CellError when it cannot be."""
    if spec.type == "text":
        return read_text(value)
    if _blank(value):
        return None
    kind = spec.type
    if kind == "date":
        if isinstance(value, dt.time | dt.timedelta):
            raise CellError("is a time, not a date (dd/mm/yyyy)")
        try:
            day = parse_date(value)
        except (ValueError, OverflowError):
            raise CellError("is not a date (dd/mm/yyyy)") from None
        if day is not None and not 1900 <= day.year <= 2100:
            raise CellError("is not a date between 1900 and 2100")
        return day
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value
        day = convert(Field(spec.name, spec.label, "date"), value)
        return dt.datetime.combine(day, dt.time()) if day else None
    if kind == "int":
        number = _decimal(value, "a whole number")
        if number != number.to_integral_value():
            raise CellError("is not a whole number")
        if abs(number) > 10**9:
            raise CellError("is too large")
        return int(number)
    if kind == "number":
        number = _decimal(value, "a number")
        if abs(number) > 10**9:
            raise CellError("is too large")
        return float(number)
    if kind == "money":
        number = _decimal(value, "an amount of money (such as 1,234.50)")
        if abs(number) > 10**10:
            raise CellError("is too large an amount")
        pence = number * 100
        if pence != pence.to_integral_value():
            raise CellError("has more than two decimal places of pounds")
        return int(pence)
    if kind == "percent":
        is_fraction = isinstance(value, float) and abs(value) <= 1 \
            and not (isinstance(value, str))
        number = _decimal(value, "a percentage (such as 2.5%)")
        if is_fraction:
            number *= 100
        return int((number * 100).to_integral_value())
    if kind == "bool":
        key = heading_key(value)
        if key in _YES:
            return True
        if key in _NO:
            return False
        raise CellError("is not Yes or No")
    return _code(spec, value, value_map)


@functools.cache
def _code_keys(spec: Field) -> dict[str, str]:
    """Every heading key that names one of the field's codes → the code (its values and
    labels, then the usual abbreviations)."""
    assert spec.codes is not None
    keys: dict[str, str] = {}
    for member in spec.codes:
        for text in (member.value, member.label):
            keys.setdefault(heading_key(text), str(member.value))
    for key, value in spec.synonyms.items():
        keys.setdefault(key, value)
    return keys


def _code(spec: Field, value: Cell, value_map: Mapping[str, str] | None) -> str:
    text = read_text(value) or ""
    key = heading_key(text)
    if value_map and key in value_map:
        mapped = value_map[key]
        if mapped:
            return mapped
    found = _code_keys(spec).get(key)
    if found is not None:
        return found
    raise CellError(f"is not one of the {spec.label.lower()} values; map it to one in the "
                    "value mapping")


def converter(spec: Field, value_map: Mapping[str, str] | None = None
              ) -> Callable[[Cell], Any]:
    """:func:`convert` for one column, quicker over many rows: a text seen before in a
    coded column is not worked out again, and plain cells take a short path."""
    if spec.type == "text":
        def text(value: Cell) -> Any:
            if type(value) is str:
                return value.strip() or None
            return read_text(value)

        return text
    if spec.type == "code":
        seen: dict[Any, Any] = {}

        def code(value: Cell) -> Any:
            try:
                found = seen[value]
            except KeyError:
                try:
                    found = seen[value] = convert(spec, value, value_map)
                except CellError as exc:
                    found = seen[value] = exc
            except TypeError:  # a value that cannot be a key
                return convert(spec, value, value_map)
            if isinstance(found, CellError):
                raise found
            return found

        return code
    if spec.type == "date":
        def date(value: Cell) -> Any:
            if type(value) is dt.date:
                return value if 1900 <= value.year <= 2100 else convert(spec, value)
            if type(value) is dt.datetime and value.time() == dt.time() \
                    and 1900 <= value.year <= 2100:
                return value.date()
            return convert(spec, value)

        return date
    return lambda value: convert(spec, value, value_map)


def code_known(spec: Field, text: str, value_map: Mapping[str, str] | None = None) -> bool:
    try:
        _code(spec, text, value_map)
    except CellError:
        return False
    return True
