"""Working days for the rules' deadlines: Monday to Friday, less England and Wales bank holidays."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6

# Bank holidays moved or added by proclamation, as published for England and Wales.
_MOVED: dict[dt.date, dt.date] = {
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),     # early May, VE Day 50th anniversary
    dt.date(2002, 5, 27): dt.date(2002, 6, 4),    # spring, Golden Jubilee
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),    # spring, Diamond Jubilee
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),     # early May, VE Day 75th anniversary
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),    # spring, Platinum Jubilee
}
_ADDED = frozenset({
    dt.date(1999, 12, 31),  # millennium
    dt.date(2002, 6, 3),    # Golden Jubilee
    dt.date(2011, 4, 29),   # royal wedding
    dt.date(2012, 6, 5),    # Diamond Jubilee
    dt.date(2022, 6, 3),    # Platinum Jubilee
    dt.date(2022, 9, 19),   # state funeral of Queen Elizabeth II
    dt.date(2023, 5, 8),    # coronation of King Charles III
})


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - MONDAY) % 7)


def _christmas(year: int) -> tuple[dt.date, dt.date]:
    """Christmas Day and Boxing Day, moved to the next weekdays when they fall at a weekend."""
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == FRIDAY:      # Boxing Day on Saturday: Monday instead
        return christmas, dt.date(year, 12, 28)
    if christmas.weekday() == SATURDAY:    # Monday and Tuesday instead
        return dt.date(year, 12, 27), dt.date(year, 12, 28)
    if christmas.weekday() == SUNDAY:      # Boxing Day stays Monday; Christmas on Tuesday
        return dt.date(year, 12, 27), boxing
    return christmas, boxing


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in a year, with substitute days and the one-off
    changes published up to 2025. Later proclamations are not known here."""
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= SATURDAY:
        new_year = _first_monday(year, 1)
    easter = easter_sunday(year)
    days = {new_year, easter - dt.timedelta(days=2), easter + dt.timedelta(days=1),
            _first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8),
            *_christmas(year)}
    return frozenset({_MOVED.get(d, d) for d in days} | {d for d in _ADDED if d.year == year})


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday, not bank holidays) after ``start``.

    Zero days is ``start`` itself, whatever day it is.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
