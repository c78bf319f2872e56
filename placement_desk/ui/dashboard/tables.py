"""The Dashboard's tables: any KPI table, every figure with its definition, the children in
unregistered provision, and the form that records why and what is being done.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from ...services.common.formatting import date_short
from ...services.kpis.common import Cell, Change, Figure, Row, Table
from ...services.kpis.unregistered import (
    TEXT_LIMIT,
    UnregisteredRow,
    check_note,
    record_unregistered_note,
)
from ..common.form_base import FormDialog
from ..common.rows import Column, RowTableModel


def cell_text(heading: str, value: Cell) -> str:
    """A table's value as it reads: money with £, shares with %, counts with commas."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if "(£)" in heading:
        return f"£{value:,.2f}"
    if "%" in heading:
        return f"{value:.1f}%"
    if isinstance(value, int) or (float(value).is_integer() and "eeks" not in heading):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def table_model(table: Table, parent: QObject | None = None) -> RowTableModel[Row]:
    """Rows of a KPI table under its headings; values right-aligned, sorted as numbers.
    Give it a ``parent`` (the view showing it) to keep it alive as long as that is."""
    columns: list[Column[Row]] = [Column(table.row_heading, lambda r: r.label)]

    def value(row: Row, n: int) -> Cell:
        return row.values[n] if n < len(row.values) else None

    def text(n: int, heading: str) -> Callable[[Row], str]:
        return lambda r: cell_text(heading, value(r, n))

    def sort(n: int) -> Callable[[Row], Any]:
        return lambda r: found if (found := value(r, n)) is not None else -1

    for n, heading in enumerate(table.columns):
        columns.append(Column(heading, text(n, heading), sort=sort(n), align_right=True))
    model: RowTableModel[Row] = RowTableModel(columns, lambda r: r.label, parent)
    model.set_rows(table.rows)
    return model


# --- Every figure ---------------------------------------------------------------------------

FigureLine = tuple[Figure, Figure | None, Change | None]
"""A figure, the same figure for the period before, and the change."""


def _compared(line: FigureLine, area: str) -> str:
    return dict(line[0].comparisons).get(area, "") or next(
        (text for name, text in line[0].comparisons if name.startswith(area)), "")


FIGURE_COLUMNS: list[Column[FigureLine]] = [
    Column("Figure", lambda f: f[0].title),
    Column("Value", lambda f: f[0].text(), sort=lambda f: f[0].value or 0, align_right=True),
    Column("Period before", lambda f: f[1].text() if f[1] else "–",
           sort=lambda f: (f[1].value or 0) if f[1] else 0, align_right=True),
    Column("Change", lambda f: f[2].text() if f[2] else "–"),
    Column("Not classified", lambda f: (f"{f[0].unclassified:,} {f[0].unclassified_label}"
                                        if f[0].unclassified else "")),
    Column("England", lambda f: _compared(f, "England")),
    Column("Region", lambda f: _compared(f, "Region")),
    Column("What it counts", lambda f: f[0].definition,
           tooltip="The definition, as in the user guide"),
]


def figures_model() -> RowTableModel[FigureLine]:
    return RowTableModel(FIGURE_COLUMNS, lambda f: f[0].key)


# --- Unregistered provision -------------------------------------------------------------------

UNREGISTERED_COLUMNS: list[Column[UnregisteredRow]] = [
    Column("Child", lambda r: r.child_ref, tooltip="The council's case reference"),
    Column("Age", lambda r: "" if r.age is None else str(r.age), sort=lambda r: r.age or 0,
           align_right=True),
    Column("Type", lambda r: r.placement_type, tooltip="SSDA903 placement type (PLACE)"),
    Column("Setting", lambda r: r.setting_name),
    Column("URN", lambda r: r.urn or "", tooltip="Ofsted Unique Reference Number"),
    Column("Since", lambda r: date_short(r.since), sort=lambda r: r.since),
    Column("How long", lambda r: r.how_long, sort=lambda r: r.days, align_right=True),
    Column("Why it is unregistered", lambda r: r.problem),
    Column("Reason", lambda r: r.reason or "Not recorded",
           tooltip="Why the child is there, as the council recorded it"),
    Column("Action", lambda r: r.action or "Not recorded",
           tooltip="What the council is doing about it"),
]


def unregistered_model() -> RowTableModel[UnregisteredRow]:
    return RowTableModel(UNREGISTERED_COLUMNS, lambda r: r.episode_id)


class NoteDialog(FormDialog):
    """Why a child is in unregistered provision, and what the council is doing about it."""

    def __init__(self, db: Any, row: UnregisteredRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Unregistered provision: {child}").format(child=row.child_ref),
                         parent)
        self.db, self.row = db, row
        intro = QLabel(self.tr("{child} ({type}) at {setting}, since {since} ({long}): "
                               "{problem}.").format(
            child=row.child_ref, type=row.placement_type, setting=row.setting_name or "–",
            since=date_short(row.since), long=row.how_long, problem=row.problem))
        intro.setWordWrap(True)
        self.form_layout.addRow(intro)
        self.reason = QPlainTextEdit(row.reason or "")
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setTabChangesFocus(True)
        self.action = QPlainTextEdit(row.action or "")
        self.action.setAccessibleName(self.tr("Action taken"))
        self.action.setTabChangesFocus(True)
        for widget in (self.reason, self.action):
            widget.setMinimumHeight(80)
        self.add_row("reason", self.tr("Reason"), self.reason, self.tr(
            "Why the child is placed there: what was sought and could not be found"))
        self.add_row("action", self.tr("Action taken"), self.action, self.tr(
            "What the council is doing: registration applied for, a move planned, reviews"))
        self.required_note.setText(self.tr("Up to {n:,} characters each; blank clears.")
                                   .format(n=TEXT_LIMIT))
        self.ready()
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def check(self) -> None:
        check_note(self.reason.toPlainText(), self.action.toPlainText())

    def store(self) -> uuid.UUID | None:
        episode = uuid.UUID(self.row.episode_id)
        record_unregistered_note(self.db, episode, self.reason.toPlainText(),
                                 self.action.toPlainText())
        return episode
