"""The money rules every layer shares: a version's weekly cost, and rounding to the penny.

Amounts are whole pence. A service is charged by the hour (hours a week × hourly
rate), by the week, or once (a one-off). Rounding is half up, to the penny.
:mod:`placement_desk.services.agreements` re-exports these for the pages;
:mod:`placement_desk.fee_ledger` and :mod:`placement_desk.services.costs` price
agreements with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from ...models.enums import ServiceCharge


def round_half_up(numerator: int, denominator: int = 1) -> int:
    """``numerator / denominator`` to the nearest whole number, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


class ServiceLike(Protocol):
    @property
    def charge(self) -> str: ...
    @property
    def hours_per_week(self) -> float | None: ...
    @property
    def rate_pence(self) -> int | None: ...
    @property
    def amount_pence(self) -> int | None: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def end_date(self) -> dt.date | None: ...


class VersionLike(Protocol):
    @property
    def weekly_fee_pence(self) -> int: ...
    @property
    def services(self) -> Sequence[ServiceLike]: ...


def service_weekly_pence(service: ServiceLike) -> int:
    """A recurring service's cost per week (hours × rate, to the penny); 0 if one-off."""
    return charge_weekly_pence(service.charge, service.hours_per_week, service.rate_pence,
                               service.amount_pence)


def charge_weekly_pence(charge: str, hours_per_week: float | None, rate_pence: int | None,
                        amount_pence: int | None) -> int:
    """:func:`service_weekly_pence` of a service given by its columns."""
    if charge == ServiceCharge.HOURLY:
        hours = Decimal(str(hours_per_week or 0))
        value = hours * (rate_pence or 0)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if charge == ServiceCharge.WEEKLY:
        return amount_pence or 0
    return 0


def _service_on(service: ServiceLike, on: dt.date | None) -> bool:
    if on is None:
        return True
    return ((service.start_date is None or service.start_date <= on)
            and (service.end_date is None or on < service.end_date))


def weekly_cost_pence(version: VersionLike, on: dt.date | None = None) -> int:
    """Weekly fee plus weekly services plus hours × rate; one-off services are not included.

    With ``on``, only services running that day count (a service's end date is the
    first day it no longer runs).
    """
    return version.weekly_fee_pence + sum(
        service_weekly_pence(s) for s in version.services if _service_on(s, on))


def one_off_pence(version: VersionLike) -> int:
    """The total of the version's one-off services."""
    return sum(s.amount_pence or 0 for s in version.services
               if s.charge == ServiceCharge.ONE_OFF)
