"""Working days: weekends and England and Wales bank holidays, as published."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.services.common.dates import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
)


def _days(*dates: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in dates)


# The published lists for England and Wales.
PUBLISHED = {
    2020: _days("2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25",
                "2020-08-31", "2020-12-25", "2020-12-28"),
    2021: _days("2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31",
                "2021-08-30", "2021-12-27", "2021-12-28"),
    2022: _days("2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02",
                "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"),
    2023: _days("2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08",
                "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"),
    2024: _days("2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27",
                "2024-08-26", "2024-12-25", "2024-12-26"),
    2025: _days("2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
                "2025-08-25", "2025-12-25", "2025-12-26"),
    2026: _days("2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
                "2026-08-31", "2026-12-25", "2026-12-28"),
    2027: _days("2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
                "2027-08-30", "2027-12-27", "2027-12-28"),
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_lists(year: int) -> None:
    assert bank_holidays(year) == PUBLISHED[year]


def test_easter_dates() -> None:
    assert [easter_sunday(y) for y in (2000, 2008, 2011, 2019, 2038)] == [
        dt.date(2000, 4, 23), dt.date(2008, 3, 23), dt.date(2011, 4, 24),
        dt.date(2019, 4, 21), dt.date(2038, 4, 25)]


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    maundy_thursday = dt.date(2026, 4, 2)
    assert add_working_days(maundy_thursday, 1) == dt.date(2026, 4, 7), \
        "Good Friday and Easter Monday are not working days"
    assert add_working_days(dt.date(2026, 5, 22), 1) == dt.date(2026, 5, 26)
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    assert add_working_days(dt.date(2026, 11, 23), 10) == dt.date(2026, 12, 7)
    assert add_working_days(dt.date(2026, 11, 21), 0) == dt.date(2026, 11, 21)
    assert not is_working_day(dt.date(2026, 8, 31))
    assert is_working_day(dt.date(2026, 9, 1))
