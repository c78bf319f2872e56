"""QA: which settings are due a visit, coverage, drafts to finish, and recording visits."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
)

from ...errors import ValidationError
from ...services.actions import mark_overdue
from ...services.formatting import date_short
from ...services.qa_coverage import coverage
from ...services.qa_schedule import (
    ScheduleRow,
    due_within,
    overdue,
    recompute_schedule,
    schedule_rows,
)
from ...services.qa_visits import open_drafts, start_visit
from ..context import AppContext
from ..dialogs.visit_dialog import VisitDialog
from ..table_models.rows import ID_ROLE, Column, RowTableModel
from . import register_page
from .base import Page

COLUMNS: list[Column[ScheduleRow]] = [
    Column("Setting", lambda r: r.name),
    Column("URN", lambda r: r.urn or ""),
    Column("Type", lambda r: r.setting_type.label),
    Column("Risk", lambda r: r.risk_level.label if r.risk_level else ""),
    Column("Last visit", lambda r: date_short(r.last_visit), sort=lambda r: r.last_visit),
    Column("Next due", lambda r: date_short(r.next_due), sort=lambda r: r.next_due),
    Column("Officer", lambda r: r.officer_name or "Unassigned"),
    Column("Monitoring", lambda r: "Enhanced" if r.enhanced_monitoring else ""),
]
VIEWS = (("overdue", "Overdue"), ("30", "Due in the next 30 days"),
         ("90", "Due in the next 90 days"), ("all", "All settings in use"))


class QaPage(Page):
    title = "QA"
    summary = ("Quality-assurance visits planned by risk: what is overdue or due soon, how "
               "many settings in use were visited in the last 12 months, and drafts to finish.")
    entities = frozenset({"qa_visit", "setting", "action", "rating_alert", "placement_episode"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.coverage = QLabel()
        self.coverage.setWordWrap(True)
        self.view = QComboBox()
        for key, label in VIEWS:
            self.view.addItem(label, key)
        self.view.setCurrentIndex(max(0, self.view.findData(
            ctx.settings.value("qa/view", "overdue"))))
        self.view.currentIndexChanged.connect(self.refresh)
        self.count = QLabel()
        self.record_button = QPushButton(self.tr("Record a visit…"))
        self.record_button.setToolTip("Ctrl+N")
        self.record_button.clicked.connect(self.record_visit)
        bar = QHBoxLayout()
        bar.addWidget(self.view)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.record_button)
        self.model: RowTableModel[ScheduleRow] = RowTableModel(COLUMNS, lambda r: r.setting_id)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((220, 90, 200, 70, 95, 95, 130)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.record_visit())
        self.drafts_label = QLabel(self.tr("Visits in progress (drafts)"))
        self.drafts = QListWidget()
        self.drafts.setAccessibleName(self.tr("Visits in progress"))
        self.drafts.itemActivated.connect(self._resume_item)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.coverage)
        self.body.addLayout(bar)
        self.body.addWidget(self.table, 3)
        self.body.addWidget(self.drafts_label)
        self.body.addWidget(self.drafts, 1)
        self.body.addWidget(self.message)
        shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.record_visit)
        self.today = dt.date.today()

    def refresh(self) -> None:
        today = self.today
        key = str(self.view.currentData())
        self.ctx.settings.setValue("qa/view", key)
        with self.ctx.sessions.begin() as session:
            recompute_schedule(session, today)
            mark_overdue(session, today)
        with self.ctx.sessions() as session:
            report = coverage(session, today)
            if key == "overdue":
                rows = overdue(session, today)
            elif key in ("30", "90"):
                rows = due_within(session, today, int(key))
            else:
                rows = schedule_rows(session, today)
        self.coverage.setText(self.tr(
            "Settings in use visited in the last 12 months: {overall}").format(
                overall=report.overall.text))
        self.model.set_rows(rows)
        self.count.setText(self.tr("{n} settings").format(n=f"{len(rows):,}"))
        self.drafts.clear()
        for draft in open_drafts(self.ctx.sessions):
            item = QListWidgetItem(self.tr("{name} ({urn}), started {day}").format(
                name=draft.setting_name, urn=draft.urn or "no URN",
                day=date_short(draft.visit_date)))
            item.setData(Qt.ItemDataRole.UserRole, draft.visit_id)
            self.drafts.addItem(item)
        self.drafts_label.setVisible(self.drafts.count() > 0)
        self.drafts.setVisible(self.drafts.count() > 0)
        if not rows:
            self.message.setText(self.tr(
                "Nothing in this list. Choose another view, or record a visit to a setting "
                "from the Providers page."))
        else:
            self.message.clear()

    def selected_setting(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def record_visit(self) -> VisitDialog | None:
        setting_id = self.selected_setting()
        if setting_id is None:
            self.message.setText(self.tr("Choose a setting in the list first."))
            return None
        try:
            visit_id = start_visit(self.ctx.sessions, setting_id, self.today)
        except ValidationError as exc:
            self.message.setText(exc.message)
            return None
        return self.open_visit(visit_id)

    def _resume_item(self, item: QListWidgetItem) -> None:
        self.open_visit(item.data(Qt.ItemDataRole.UserRole))

    def open_visit(self, visit_id: uuid.UUID) -> VisitDialog:
        dialog = VisitDialog(self.ctx.sessions, visit_id, self.today, self)
        dialog.finished.connect(lambda _r: self.ctx.hub.announce("qa_visit", "setting"))
        dialog.show()
        return dialog


@register_page("qa", "QA", "mdi6.clipboard-check-outline", 4)
def make_qa(ctx: AppContext) -> Page:
    return QaPage(ctx)
