"""Reading typed dates, money and numbers: refused with a reason, never altered."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.services.common.entry import (
    EntryError,
    read_date,
    read_money,
    read_number,
)

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(("typed", "day"), [
    ("05/03/2010", dt.date(2010, 3, 5)),
    ("5/3/2010", dt.date(2010, 3, 5)),
    ("5/3/10", dt.date(2010, 3, 5)),        # two digits: within 80 years back, 20 ahead
    ("5/3/99", dt.date(1999, 3, 5)),
    ("2010-03-05", dt.date(2010, 3, 5)),    # as pasted from a spreadsheet
    (" 29/02/2024 ", dt.date(2024, 2, 29)),  # a leap day
])
def test_dates_are_read_as_typed(typed: str, day: dt.date) -> None:
    assert read_date(typed, today=TODAY) == day


def test_a_blank_date_is_none() -> None:
    assert read_date("   ") is None


@pytest.mark.parametrize(("typed", "reason"), [
    ("31/02/2010", "February 2010 has 28 days, so there is no day 31."),
    ("29/02/2023", "February 2023 has 28 days, so there is no day 29."),
    ("31/04/2026", "April 2026 has 30 days, so there is no day 31."),
    ("00/03/2010", "There is no day 0: days start at 1."),
    ("05/13/2010", "There is no month 13: months run from 1 to 12."),
    ("5 March", "Type the date as dd/mm/yyyy, for example 05/03/2010."),
    ("05/03/201", "Type the date as dd/mm/yyyy, for example 05/03/2010."),
])
def test_an_impossible_date_is_refused_with_the_reason_not_moved(typed: str,
                                                                  reason: str) -> None:
    with pytest.raises(EntryError) as refused:
        read_date(typed, today=TODAY)
    assert str(refused.value) == reason


def test_a_date_out_of_range_is_refused() -> None:
    with pytest.raises(EntryError, match="before 01/01/1900"):
        read_date("31/12/1899")
    with pytest.raises(EntryError, match="after 01/06/2026, the latest"):
        read_date("02/06/2026", latest=TODAY)


@pytest.mark.parametrize(("typed", "pence"), [
    ("3500", 350_000), ("3,500.50", 350_050), ("£3,500.5", 350_050), ("0", 0),
    ("0.01", 1), ("", None),
])
def test_money_is_read_in_pence(typed: str, pence: int | None) -> None:
    assert read_money(typed) == pence


@pytest.mark.parametrize(("typed", "reason"), [
    ("-500", "The amount cannot be negative."),
    ("-£500", "The amount cannot be negative."),
    ("five hundred", "Type the amount in figures, for example 1,234.50."),
    ("12,34", "Type the amount in figures, for example 1,234.50."),
    ("3500.505", "Give the amount in pounds and pence: at most two figures after the point."),
    ("200000", "The amount is more than £100,000.00, the most this field takes."),
])
def test_money_that_is_not_an_amount_is_refused_never_clamped(typed: str, reason: str) -> None:
    with pytest.raises(EntryError) as refused:
        read_money(typed)
    assert str(refused.value) == reason


def test_numbers_are_refused_rather_than_changed() -> None:
    assert read_number("5", 0, 999) == 5
    assert read_number("12.5", 0, 1000, decimals=1) == 12.5
    assert read_number("", 0, 5) is None
    for typed, reason in (("-5", "The number cannot be negative."),
                          ("5.5", "Type the number as a whole number."),
                          ("five", "Type the number in figures, for example 12."),
                          ("1000", "The number is above 999, the most this field takes."),
                          ("12.25", "Type the number with at most 1 figure after the point.")):
        with pytest.raises(EntryError) as refused:
            read_number(typed, 0, 999 if typed != "12.25" else 1000,
                        decimals=1 if typed == "12.25" else 0)
        assert str(refused.value) == reason
    with pytest.raises(EntryError, match="below 1, the least"):
        read_number("0", 1, 5)
