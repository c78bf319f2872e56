"""Reading what officers type into date, money and number fields, without changing it.

Each reader returns the value or raises :class:`EntryError` with the reason in
words; nothing is ever corrected, clamped or rounded into something else. The
screens show the reason beside the field; the services check the same ranges.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .formatting import date_short, money

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2099, 12, 31)
"""The dates a field takes unless it says otherwise."""

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


class EntryError(ValueError):
    """What was typed cannot be read as asked; ``str(error)`` says why, for the user."""


def _century(two_digits: int, today: dt.date) -> int:
    """A two-digit year: the one within 80 years before and 20 after ``today``."""
    year = today.year - today.year % 100 + two_digits
    if year > today.year + 20:
        year -= 100
    return year


def read_date(text: str, earliest: dt.date = EARLIEST, latest: dt.date = LATEST,
              today: dt.date | None = None) -> dt.date | None:
    """Read dd/mm/yyyy (also d/m/yy, and 2010-03-05 as pasted); None when blank.

    An impossible date (31/02/2010) or one outside ``earliest``..``latest`` is
    refused with the reason; it is never moved to a date that exists.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    iso = _ISO.match(cleaned)
    match = _DMY.match(cleaned)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif match:
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3))
        if len(match.group(3)) == 2:
            year = _century(year, today or dt.date.today())
    else:
        raise EntryError("Type the date as dd/mm/yyyy, for example 05/03/2010.")
    if not 1 <= month <= 12:
        raise EntryError(f"There is no month {month}: months run from 1 to 12.")
    try:
        day_value = dt.date(year, month, day)
    except ValueError:
        if day < 1:
            raise EntryError("There is no day 0: days start at 1.") from None
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        raise EntryError(f"{MONTHS[month - 1]} {year} has {last} days, so there is no "
                         f"day {day}.") from None
    if day_value < earliest:
        raise EntryError(f"The date is before {date_short(earliest)}, the earliest this "
                         "field takes.")
    if day_value > latest:
        raise EntryError(f"The date is after {date_short(latest)}, the latest this field "
                         "takes.")
    return day_value


def _decimal(text: str, what: str, example: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned) or cleaned in ("-", ".", "-."):
        raise EntryError(f"Type {what} in figures, for example {example}.")
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        raise EntryError(f"Type {what} in figures, for example {example}.") from None


def read_money(text: str, maximum_pence: int = 10_000_000) -> int | None:
    """Pounds and pence ("£1,234.50", "1234.5", "1234") as integer pence; None when blank.

    Refused: anything that is not an amount, a negative amount, more than two decimal
    places (never rounded away) and more than ``maximum_pence``.
    """
    cleaned = text.strip()
    if cleaned.startswith("-£"):
        cleaned = "-" + cleaned[2:]
    cleaned = cleaned.removeprefix("£")
    amount = _decimal(cleaned, "the amount", "1,234.50")
    if amount is None:
        return None
    if amount < 0:
        raise EntryError("The amount cannot be negative.")
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise EntryError("Give the amount in pounds and pence: at most two figures after "
                         "the point.")
    if pence > maximum_pence:
        raise EntryError(f"The amount is more than {money(maximum_pence)}, the most this field "
                         "takes.")
    return int(pence)


def _figure(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def read_number(text: str, minimum: float = 0, maximum: float = 1_000_000, *,
                decimals: int = 0, what: str = "the number") -> float | int | None:
    """A number typed in figures, within ``minimum``..``maximum``; None when blank.

    With ``decimals`` 0 only whole numbers are taken (an int comes back); otherwise
    at most that many figures after the point. Nothing is clamped or rounded.
    """
    example = "12" if decimals == 0 else "12." + "5" * decimals
    value = _decimal(text, what, example)
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals == 0 and value != value.to_integral_value():
        raise EntryError(f"Type {what} as a whole number.")
    if places > decimals:
        raise EntryError(f"Type {what} with at most {decimals} figure"
                         f"{'s' if decimals != 1 else ''} after the point.")
    if value < Decimal(str(minimum)):
        raise EntryError("The number cannot be negative." if minimum == 0 and value < 0 else
                         f"The number is below {_figure(minimum)}, the least this field "
                         "takes.")
    if value > Decimal(str(maximum)):
        raise EntryError(f"The number is above {_figure(maximum)}, the most this field takes.")
    return int(value) if decimals == 0 else float(value)
