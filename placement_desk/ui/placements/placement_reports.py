"""Two views of the placements: weeks and spend for a period, and the care leavers' tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...services.agreements.costs import CostRow, total, weeks_and_spend
from ...services.common.formatting import date_long, money
from ...services.common.settings_store import COUNCIL_AREA, read_setting
from ...services.placements.care_leavers import CareLeaverTables, Table, care_leaver_tables
from ..common.file_dialogs import save_file_name
from ..common.form_base import Combo, DateField
from ..tasks import LatestRequest

GROUPS = (("provider", "Provider"), ("setting", "Setting"), ("placement_type", "Placement type"),
          ("route", "Commissioning route"), ("child", "Child"))


def financial_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _fill(table: QTableWidget, headings: list[str], rows: list[list[object]],
          right_from: int = 1) -> None:
    table.clear()
    table.setColumnCount(len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if c >= right_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                item.setToolTip(str(value))  # a long name may be cut short in the column
            table.setItem(r, c, item)


def _table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(False)
    return table


class SpendView(QWidget):
    """Weeks of placement and spend in a period, grouped; the period end is exclusive."""

    def __init__(self, db: Database, settings: QSettings, today: dt.date,
                 start_task: Callable[..., Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.settings = db, settings
        self.reader = LatestRequest(self, start_task)
        """Runs the reading in a worker; with no task runner, at once."""
        start = financial_year_start(today)
        self.start = DateField()
        self.start.set_value(start)
        self.end = DateField()
        self.end.set_value(dt.date(start.year + 1, 4, 1))
        self.end.setToolTip(self.tr("The period stops the day before this date: 01/04 to "
                                    "01/04 is one financial year"))
        for field, name in ((self.start, self.tr("Period from")),
                            (self.end, self.tr("Period up to"))):
            field.set_compact()
            field.setAccessibleName(name)
        self.group = Combo()
        self.group.setAccessibleName(self.tr("Group the weeks and spend by"))
        for value, label in GROUPS:
            self.group.addItem(label, value)
        self.group.setCurrentIndex(max(0, self.group.findData(
            settings.value("placements/spend/group", "provider"))))
        self.run_button = QPushButton(self.tr("Show"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        for label, widget in ((self.tr("From"), self.start),
                              (self.tr("up to"), self.end),
                              (self.tr("by"), self.group)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        self.table = _table()
        self.table.setAccessibleName(self.tr("Weeks and spend"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.rows: list[CostRow] = []
        self.run_button.clicked.connect(self.refresh)
        self.group.currentIndexChanged.connect(self.refresh)
        self.export_button.clicked.connect(self.export)

    def refresh(self) -> None:
        """Read the figures for the chosen period and grouping (in a worker when it can)."""
        start, end = self.start.value(), self.end.value()
        group = str(self.group.currentData())
        self.settings.setValue("placements/spend/group", group)
        for field in (self.start, self.end):
            field.show_problem()
        if start is None or end is None:
            self.message.setText(self.tr("Enter both dates of the period as dd/mm/yyyy."))
            return
        if end <= start:
            self.message.setText(self.tr("The period must end after it starts."))
            return
        heading = self.group.currentText()

        def read() -> list[CostRow]:
            return weeks_and_spend(self.db, start, end, group)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(bool(self.rows))
            self.message.setText(exc.message if isinstance(exc, ValidationError) else
                                 self.tr("The figures could not be read: {error}").format(
                                     error=exc))

        if self.reader.run(self.tr("Weeks and spend"), read,
                           lambda rows: self._show(rows, start, end, heading), failed,
                           expected=(ValidationError,)):
            self.message.setText(self.tr("Working out weeks and spend…"))
            self.export_button.setEnabled(False)

    def _show(self, rows: list[CostRow], start: dt.date, end: dt.date, heading: str) -> None:
        self.rows = rows
        shown = [*rows, total(rows)]
        _fill(self.table, [heading, "Weeks placed", "Weeks paid", "Spend"],
              [[r.label, f"{r.weeks:,.1f}", f"{r.paid_weeks:,.1f}", money(r.spend_pence)]
               for r in shown])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.export_button.setEnabled(True)
        self.message.setText(self.tr(
            "From {start} up to {end}. Weeks placed count every episode; weeks paid and spend "
            "come from the agreements' fee history, so in-house placements have weeks but no "
            "spend.").format(start=date_long(start), end=date_long(end)))

    def export(self) -> None:
        name = save_file_name(self, self.tr("Export weeks and spend"), "weeks-and-spend.xlsx",
                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        from ...io.table_export import write_table
        from ...services.common.history import note_export

        rows = [*self.rows, total(self.rows)]
        out = write_table(path, [self.group.currentText(), "Weeks placed", "Weeks paid",
                                 "Spend (£)"],
                          [[r.label, round(r.weeks, 2), round(r.paid_weeks, 2),
                            r.spend_pence / 100] for r in rows], sheet="Weeks and spend")
        note_export(self.db, "placement_episode", "weeks and spend", len(rows), out)


class CareLeaversView(QWidget):
    """The three care leavers' tables on a chosen day."""

    def __init__(self, db: Database, today: dt.date,
                 start_task: Callable[..., Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.reader = LatestRequest(self, start_task)
        """Runs the reading in a worker; with no task runner, at once."""
        self.on = DateField()
        self.on.set_value(today)
        self.on.set_compact()
        self.on.setAccessibleName(self.tr("Young people aged 16 to 25 on"))
        self.on.on_change(self.refresh)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Young people aged 16 to 25 on")))
        bar.addWidget(self.on)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        # The three tables are shown whole, one under the other, and scroll together.
        sheet = QWidget()
        column = QVBoxLayout(sheet)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.summary)
        self.titles: list[QLabel] = []
        self.tables: list[QTableWidget] = []
        for _n in range(3):
            title = QLabel()
            title.setStyleSheet("font-weight: bold;")
            table = _table()
            table.setAccessibleName(self.tr("Care leavers' accommodation, table {n}").format(
                n=_n + 1))
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.titles.append(title)
            self.tables.append(table)
            column.addWidget(title)
            column.addWidget(table)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it scrolls to the table in focus
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(sheet)
        layout.addWidget(scroll, 1)

    def refresh(self) -> None:
        """Read the tables for the chosen day (in a worker when it can)."""
        on = self.on.value()
        if on is None:  # still being typed, or not a date: the field says which
            return

        def read() -> tuple[CareLeaverTables, bool]:
            return (care_leaver_tables(self.db, on), bool(read_setting(self.db, COUNCIL_AREA)))

        def failed(exc: BaseException) -> None:
            self.summary.setText(self.tr("The tables could not be read: {error}").format(
                error=exc))

        if self.reader.run(self.tr("Care leavers' tables"), read,
                           lambda found: self._show(on, *found), failed,
                           expected=(ValidationError,)):
            self.summary.setText(self.tr("Counting young people aged 16 to 25…"))

    def _show(self, on: dt.date, found: CareLeaverTables, area_known: bool) -> None:
        people = self.tr("1 young person") if found.people == 1 else self.tr(
            "{n} young people").format(n=f"{found.people:,}")
        text = self.tr("{people} aged 16 to 25 had a live placement on {day}; {uasc} of them "
                       "unaccompanied asylum-seeking (UASC).").format(
            people=people, day=date_long(on), uasc=f"{found.uasc:,}")
        if not area_known:
            text += self.tr(" The council's ONS area code is not set (File, Council settings), "
                            "so no placement is counted as in the council's area.")
        self.summary.setText(text)
        tables: list[tuple[Table, str]] = [(found.by_where, "Accommodation"),
                                           (found.by_needs, "Accommodation"),
                                           (found.by_age, "Age")]
        for (table, first), title, widget in zip(tables, self.titles, self.tables, strict=True):
            title.setText(table.title)
            headings, grid = table.as_grid()
            headings[0] = first
            _fill(widget, headings, grid)
            widget.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            widget.setFixedHeight(widget.horizontalHeader().sizeHint().height()
                                  + widget.verticalHeader().length()
                                  + 2 * widget.frameWidth()
                                  + widget.horizontalScrollBar().sizeHint().height())
