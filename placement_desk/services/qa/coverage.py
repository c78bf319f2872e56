"""QA coverage: how many settings in use were visited in the last year, and visits per quarter.

Coverage counts the settings with a live placement on a date and, of those, the
ones with a completed QA visit in the twelve months up to and including that
date (from the same day a year before), overall and by setting type. Planned
versus done counts, per financial quarter (April to March), the visits planned
for the quarter (whatever became of them) and the visits completed in it
(planned or not).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import QaVisit, Setting
from ...models.enums import QaVisitStatus, SettingType
from ..common.formatting import percent_of, percentage
from ..register.alerts import settings_in_use
from .schedule import add_months


@dataclass(frozen=True, slots=True)
class Coverage:
    """``visited`` of ``total`` settings, read as "75% (3 of 4)"."""

    visited: int
    total: int

    @property
    def percent(self) -> int | None:
        return percentage(self.visited, self.total)

    @property
    def text(self) -> str:
        return percent_of(self.visited, self.total)


@dataclass(frozen=True, slots=True)
class TypeCoverage:
    setting_type: SettingType
    coverage: Coverage


@dataclass(frozen=True, slots=True)
class CoverageReport:
    on: dt.date
    since: dt.date
    """The first day that counts: the same day a year before ``on``."""
    overall: Coverage
    by_type: tuple[TypeCoverage, ...]
    """Only the types with a setting in use, in the order of :class:`SettingType`."""


def _coverage(session: Session, on: dt.date) -> CoverageReport:
    """The share of settings in use on ``on`` visited in the twelve months to ``on``."""
    since = add_months(on, -12)
    in_use = settings_in_use(session, on)
    types: dict[SettingType, list[bool]] = {}
    if in_use:
        visited = set(session.scalars(
            select(QaVisit.setting_id).distinct()
            .where(QaVisit.setting_id.in_(in_use), QaVisit.status == QaVisitStatus.COMPLETED,
                   QaVisit.deleted_at.is_(None), QaVisit.visit_date >= since,
                   QaVisit.visit_date <= on)))
        for sid, kind in session.execute(
                select(Setting.id, Setting.setting_type)
                .where(Setting.id.in_(in_use), Setting.deleted_at.is_(None))):
            types.setdefault(kind, []).append(sid in visited)
    by_type = tuple(TypeCoverage(kind, Coverage(sum(types[kind]), len(types[kind])))
                    for kind in SettingType if kind in types)
    overall = Coverage(sum(t.coverage.visited for t in by_type),
                       sum(t.coverage.total for t in by_type))
    return CoverageReport(on, since, overall, by_type)


def coverage(db: Database, on: dt.date) -> CoverageReport:
    """The share of settings in use on ``on`` visited in the twelve months to ``on``."""
    with db.read() as session:
        return _coverage(session, on)


# --- Planned versus done ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Quarter:
    number: int
    start: dt.date
    end: dt.date
    label: str
    """For example "Q1 2025-26 (Apr–Jun)"."""


def financial_quarters(year: int) -> tuple[Quarter, ...]:
    """The four quarters of the financial year starting 1 April ``year``."""
    names = ("Apr–Jun", "Jul–Sep", "Oct–Dec", "Jan–Mar")
    span = f"{year}-{(year + 1) % 100:02d}"
    quarters = []
    for n in range(4):
        start = add_months(dt.date(year, 4, 1), 3 * n)
        end = add_months(start, 3) - dt.timedelta(days=1)
        quarters.append(Quarter(n + 1, start, end, f"Q{n + 1} {span} ({names[n]})"))
    return tuple(quarters)


def financial_year_of(day: dt.date) -> int:
    """The year the financial year containing ``day`` starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True, slots=True)
class QuarterVisits:
    quarter: Quarter
    planned: int
    """Visits whose planned date falls in the quarter, whatever their status now."""
    done: int
    """Visits completed with a visit date in the quarter, planned or not."""

    @property
    def text(self) -> str:
        """Done against planned, for example "80% (4 of 5)", or "2 done, none planned"."""
        if self.planned == 0:
            return f"{self.done} done, none planned"
        return percent_of(self.done, self.planned)


def _planned_vs_done(session: Session, year: int) -> tuple[QuarterVisits, ...]:
    """Visits planned and done in each quarter of the financial year starting in ``year``."""
    quarters = financial_quarters(year)
    first, last = quarters[0].start, quarters[-1].end
    planned_days = session.execute(
        select(QaVisit.planned_date, func.count())
        .where(QaVisit.deleted_at.is_(None), QaVisit.planned_date >= first,
               QaVisit.planned_date <= last)
        .group_by(QaVisit.planned_date))
    done_days = session.execute(
        select(QaVisit.visit_date, func.count())
        .where(QaVisit.deleted_at.is_(None), QaVisit.status == QaVisitStatus.COMPLETED,
               QaVisit.visit_date >= first, QaVisit.visit_date <= last)
        .group_by(QaVisit.visit_date))
    planned = [0, 0, 0, 0]
    done = [0, 0, 0, 0]
    for counts, rows in ((planned, planned_days), (done, done_days)):
        for day, n in rows:
            if day is not None:
                counts[_quarter_index(quarters, day)] += int(n)
    return tuple(QuarterVisits(q, planned[i], done[i]) for i, q in enumerate(quarters))


def planned_vs_done(db: Database, year: int) -> tuple[QuarterVisits, ...]:
    """Visits planned and done in each quarter of the financial year starting in ``year``."""
    with db.read() as session:
        return _planned_vs_done(session, year)


def _quarter_index(quarters: tuple[Quarter, ...], day: dt.date) -> int:
    return next(i for i, q in enumerate(quarters) if q.start <= day <= q.end)
