"""Every figure for a period and its children, with the previous period's beside it.

:func:`kpi_report` reads and works everything out; the Dashboard reads a snapshot
once (:func:`~.snapshot_reading.load_snapshot`) and calls :func:`compute` for each change of
filter. ``placement-desk kpis`` prints :meth:`KpiReport.as_text` or
:meth:`KpiReport.as_dict`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...db import Database
from .attention import AttentionFigures, attention_figures
from .children import (
    ChildrenFigures,
    DistanceFigures,
    StabilityFigures,
    children_figures,
    distance_figures,
    stability_figures,
)
from .common import Change, Figure, KpiRequest, Table
from .definitions import definition
from .forecast import Forecast, forecast
from .money import MoneyFigures, money_figures, spend_over_time
from .quality import QaFigures, QualityFigures, good_over_time, qa_figures, quality_figures
from .selection import Selection
from .snapshot import Snapshot
from .snapshot_reading import load_snapshot
from .unregistered import UnregisteredFigures, unregistered_figures

HEADLINES: tuple[str, ...] = (
    "children_looked_after", "good_settings", "qa_settings", "within_20", "three_placements",
    "long_term_stability", "spend", "unregistered", "overdue_actions", "reviews_due",
    "contracts_ending", "documents_expired")
"""The figures the Dashboard's tiles show, in order."""


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of one period."""

    children: ChildrenFigures
    quality: QualityFigures
    qa: QaFigures
    distance: DistanceFigures
    stability: StabilityFigures
    money: MoneyFigures
    unregistered: UnregisteredFigures
    attention: AttentionFigures

    def figures(self) -> dict[str, Figure]:
        found: list[Figure] = [
            self.children.looked_after, self.children.weeks_total,
            self.quality.good_settings, self.quality.good_children, self.quality.sa_strong,
            self.qa.settings, self.qa.providers, self.qa.overdue,
            self.distance.within_20, self.distance.in_area,
            self.stability.three_placements, self.stability.long_term,
            self.money.spend, self.unregistered.figure,
            self.attention.overdue_actions, self.attention.reviews_due,
            self.attention.contracts_ending, self.attention.documents_expired]
        return {f.key: f for f in found}

    def tables(self) -> dict[str, Table]:
        found = [self.children.children, self.children.placements, self.children.weeks,
                 self.quality.judgements, self.quality.in_use, self.qa.by_type,
                 self.distance.bands, self.money.by_route, self.money.by_type,
                 self.money.top_providers]
        return {t.key: t for t in found}


def period_figures(snap: Snapshot, request: KpiRequest) -> PeriodFigures:
    s = Selection(snap, request)
    return PeriodFigures(children_figures(s), quality_figures(s), qa_figures(s),
                         distance_figures(s), stability_figures(s), money_figures(s),
                         unregistered_figures(s), attention_figures(s))


@dataclass(frozen=True)
class KpiReport:
    request: KpiRequest
    current: PeriodFigures
    previous: PeriodFigures
    history: dict[str, Table]
    """Year by year: Good or Outstanding, spend by route."""
    forecast: Forecast
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.figures.update(self.current.figures())
        self.tables.update(self.current.tables())
        self.tables.update(self.history)
        self.tables["forecast"] = self.forecast.table()

    def change(self, key: str) -> Change | None:
        before = self.previous.figures().get(key)
        return self.figures[key].change_from(before)

    # -- for the command line ---------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        previous = self.previous.figures()
        return {
            "period": {"from": self.request.start.isoformat(),
                       "to": self.request.end.isoformat(),
                       "previous_from": self.request.previous().start.isoformat(),
                       "previous_to": self.request.previous().end.isoformat(),
                       "children": self.request.cohort.describe()},
            "figures": [{**f.as_dict(), "previous": previous[k].as_dict()["numerator"],
                         "previous_denominator": previous[k].denominator,
                         "change": (c.text() if (c := self.change(k)) else None)}
                        for k, f in self.figures.items()],
            "tables": [{"key": t.key, "title": t.title, "columns": [t.row_heading, *t.columns],
                        "rows": [[r.label, *r.values] for r in t.rows]}
                       for t in self.tables.values()],
            "unregistered": [{"child": r.child_ref, "age": r.age,
                              "placement_type": r.placement_type, "setting": r.setting_name,
                              "urn": r.urn, "since": r.since.isoformat(), "days": r.days,
                              "problem": r.problem, "reason": r.reason, "action": r.action}
                             for r in self.current.unregistered.rows],
            "forecast_method": definition("forecast"),
        }

    def as_text(self) -> str:
        lines = [f"Figures for {self.request.describe()} ({self.request.cohort.describe()}); "
                 f"changes against {self.request.previous().describe()}.", ""]
        for key, f in self.figures.items():
            change = self.change(key)
            extra = []
            if f.unclassified:
                extra.append(f"{f.unclassified:,} {f.unclassified_label}")
            extra += [f"{area} {text}" for area, text in f.comparisons]
            if change is not None:
                extra.append(change.text().lower())
            lines.append(f"{f.title}: {f.text()}" + (f" ({'; '.join(extra)})" if extra else ""))
        for table in self.tables.values():
            lines += ["", table.title, *_table_lines(table)]
        rows = self.current.unregistered.rows
        lines += ["", f"Children under 18 in unregistered provision on "
                      f"{self.request.at:%d/%m/%Y}: {len(rows)}"]
        for r in rows:
            lines.append(f"  {r.child_ref}  {r.placement_type}  {r.setting_name} "
                         f"({r.urn or 'no URN'})  since {r.since:%d/%m/%Y}, {r.how_long}: "
                         f"{r.problem}. Reason: {r.reason or 'not recorded'}. "
                         f"Action: {r.action or 'not recorded'}.")
        return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    def text(value: object) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    grid = [[table.row_heading, *table.columns],
            *([r.label, *(text(v) for v in r.values)] for r in table.rows)]
    widths = [max(len(row[c]) for row in grid) for c in range(len(grid[0]))]
    return ["  " + "  ".join(cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c])
                             for c, cell in enumerate(row)) for row in grid]


def snapshot_dates(request: KpiRequest) -> tuple[dt.date, dt.date]:
    """The days a snapshot for ``request`` is read for: its last day and the previous
    period's."""
    return request.at, request.previous().at


def compute(snap: Snapshot, request: KpiRequest) -> KpiReport:
    """Every figure for ``request`` from a snapshot read for :func:`snapshot_dates`."""
    selection = Selection(snap, request)
    return KpiReport(
        request, period_figures(snap, request), period_figures(snap, request.previous()),
        {"good_over_time": good_over_time(selection),
         "spend_over_time": spend_over_time(selection)},
        forecast(selection))


def kpi_report(db: Database, request: KpiRequest) -> KpiReport:
    """Every figure for a period and its children, with the previous period's."""
    return compute(load_snapshot(db, snapshot_dates(request)), request)
