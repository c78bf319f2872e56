"""How dates, money, counts and percentages read in the app and its reports (en_GB).

Pure functions with no Qt, so the screens, the PDF reports and the exports all
say "07/03/2026", "7 March 2026", "£1,234.50" and "93% (51 of 55)" the same way.
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

NOT_RECORDED = "Not recorded"
"""What a blank date or amount reads as."""


def date_short(value: dt.date | None, blank: str = "") -> str:
    """dd/mm/yyyy, as in fields and tables: ``07/03/2026``."""
    if value is None:
        return blank
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def date_long(value: dt.date | None, blank: str = NOT_RECORDED) -> str:
    """The date in prose and PDFs: ``7 March 2026``."""
    if value is None:
        return blank
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime_short(value: dt.datetime | None, blank: str = "") -> str:
    """dd/mm/yyyy hh:mm (24-hour clock): ``07/03/2026 14:05``."""
    if value is None:
        return blank
    return f"{date_short(value.date())} {value.hour:02d}:{value.minute:02d}"


def parse_date_short(text: str) -> dt.date:
    """Read dd/mm/yyyy (also d/m/yyyy); raise ValueError for anything else."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(f"{text!r} is not a date in the form dd/mm/yyyy")
    day, month, year = (int(p) for p in parts)
    return dt.date(year, month, day)


def count(value: int) -> str:
    """A whole number with thousands separators: ``5,604``."""
    return f"{value:,}"


def money(pence: int | None, blank: str = "") -> str:
    """Integer pence as pounds: ``£1,234.50``; negative amounts as ``-£12.00``."""
    if pence is None:
        return blank
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def weekly_money(pence: int | None, blank: str = "") -> str:
    """A weekly fee: ``£3,830.00 per week``."""
    if pence is None:
        return blank
    return f"{money(pence)} per week"


def percentage(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, or None when ``whole`` is 0.

    Rounded half up, except that a share that is not all of the whole never reads
    100% and one that is not none never reads 0%: "100%" must mean every one.
    """
    if whole <= 0:
        return None
    value = (200 * part + whole) // (2 * whole)  # round half up in integers
    if 0 < part < whole:
        value = min(max(value, 1), 99)
    return value


def percent_of(part: int, whole: int) -> str:
    """A percentage with its counts: ``93% (51 of 55)``; ``0 of 0`` for nothing."""
    share = percentage(part, whole)
    if share is None:
        return f"{count(part)} of {count(whole)}"
    return f"{share}% ({count(part)} of {count(whole)})"


def file_size(size: int) -> str:
    """Bytes for people: ``812 bytes``, ``14.2 KB``, ``3.4 MB``, ``1.2 GB``."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size:,} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:,.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
