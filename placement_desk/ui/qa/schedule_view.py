"""The QA schedule tab: settings in use by when their next visit is due, and by officer.

The filter bar (search, when due: overdue, in 30 or 90 days or any time, and the
officer; remembered across restarts) narrows the list by the schedule's filter
rule (``services/qa/schedule.py``); several settings can be chosen at once to
assign an officer. A visit is planned for one setting with a date, or recorded
(Ctrl+N); drafts left open are listed underneath to resume.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError, ValidationError
from ...progress import TaskState
from ...services.common.formatting import date_short
from ...services.qa.schedule import (
    UNASSIGNED,
    Officer,
    ScheduleFilter,
    ScheduleRow,
    filter_schedule,
    is_due,
    last_completed_visit,
    next_planned_visit,
    qa_officers,
    schedule_rows,
)
from ...services.qa.visits import (
    DraftRow,
    discard_draft,
    draft_for_setting,
    open_drafts,
    start_visit,
)
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ID_ROLE, ROW_ROLE, Column, RowTableModel, column_table
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from .plan_visit_dialog import AssignOfficerDialog, PlanVisitDialog
from .visit_dialog import VisitDialog, ask_letter_path, letter_file_name, write_letter


def _next_due_text(row: ScheduleRow, today: dt.date) -> str:
    if row.next_due is None:
        return ""
    text = date_short(row.next_due)
    return f"{text} (overdue)" if is_due(row, "overdue", today) else text


def columns(today: Callable[[], dt.date]) -> list[Column[ScheduleRow]]:
    """The schedule's columns; ``today`` is asked each time so "overdue" stays right."""
    return [
        Column("Setting", lambda r: r.name),
        Column("URN", lambda r: r.urn or "", tooltip="Unique Reference Number given by Ofsted"),
        Column("Type", lambda r: r.setting_type.label),
        Column("Risk", lambda r: r.risk_level.label if r.risk_level else "",
               sort=lambda r: {"high": 3, "medium": 2, "low": 1}.get(
                   r.risk_level.value if r.risk_level else "", 0)),
        Column("Last visit", lambda r: date_short(r.last_visit), sort=lambda r: r.last_visit),
        Column("Next due", lambda r: _next_due_text(r, today()), sort=lambda r: r.next_due,
               tooltip="When the next visit is due, from the risk level and rating alerts"),
        Column("Planned visit", lambda r: date_short(r.planned_date),
               sort=lambda r: r.planned_date,
               tooltip="The earliest visit planned or in progress"),
        Column("Officer", lambda r: r.officer_name or "Unassigned"),
        Column("Monitoring", lambda r: "Enhanced" if r.enhanced_monitoring else "",
               tooltip="Enhanced monitoring after a rating alert"),
    ]


VIEWS = (("overdue", "Overdue"), ("30", "Due in the next 30 days"),
         ("90", "Due in the next 90 days"))
"""The "due" choices after "All settings in use"; the list opens on Overdue."""


class QaScheduleView(QWidget):
    """Reads through the schedule service; :meth:`reload` after the page recomputes dates."""

    changed = Signal()
    """Emitted after this tab saved something (officer, plan, visit)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self._build_filters(ctx)
        self.rows: list[ScheduleRow] = []
        """Every setting in use, as last read; the list shows those the filter passes."""
        actions = self._build_actions()
        self.draft_rows: list[DraftRow] = []
        self._build_table()
        self._build_drafts()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._build_layout(actions)
        self._connect_signals()
        self._set_tab_order()
        self._enable()

    # -- building the tab ----------------------------------------------------------

    def _build_filters(self, ctx: AppContext) -> None:
        """Search, when due and the officer, remembered across restarts."""
        self.bar = FilterBar(ctx.settings, "qa_schedule",
                             self.tr("Search setting, URN or officer"),
                             self.tr("{shown} of {total} settings"))
        self.view = self.bar.add_combo("due", self.tr("All settings in use"),
                                       [(key, self.tr(label)) for key, label in VIEWS],
                                       default="overdue", width=16,
                                       tooltip=self.tr("Which settings to list"))
        self.officer = self.bar.add_combo(
            "officer", self.tr("Any officer"), [(UNASSIGNED, self.tr("Unassigned"))],
            tooltip=self.tr("Show one officer's settings, or the unassigned ones"))
        self.bar.finish()
        self.search, self.count = self.bar.search, self.bar.count

    def _build_actions(self) -> QHBoxLayout:
        """The count and the buttons acting on the chosen settings."""
        # The buttons take a second row, so that the page fits a small laptop screen.
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        self.record_button = QPushButton(self.tr("Record a visit…"))
        self.record_button.setToolTip(self.tr("Start recording a visit to the chosen setting "
                                              "(Ctrl+N)"))
        self.plan_button = QPushButton(self.tr("Plan visit…"))
        self.plan_button.setToolTip(self.tr("Put a visit to the chosen setting in the diary"))
        self.assign_button = QPushButton(self.tr("Assign officer…"))
        self.assign_button.setToolTip(self.tr("Make one QA officer responsible for the chosen "
                                              "settings"))
        self.letter_button = QPushButton(self.tr("Last visit letter…"))
        self.letter_button.setToolTip(self.tr(
            "Save the letter to the provider for the chosen setting's last completed visit "
            "as a PDF"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the settings listed (as filtered) to an "
                                              "Excel or CSV file"))
        for button in (self.record_button, self.plan_button, self.assign_button,
                       self.letter_button, self.export_button):
            actions.addWidget(button)
        return actions

    def _build_table(self) -> None:
        self.model: RowTableModel[ScheduleRow] = RowTableModel(columns(lambda: self.today),
                                                               lambda r: r.setting_id)
        self.table = list_table(self.model, self.tr("Settings on the QA schedule"),
                                (150, 75, 230, 58, 80, 140, 95, 100), many=True,
                                stretch=0)
        self.table.doubleClicked.connect(lambda _i: self.record_visit())

    def _build_drafts(self) -> None:
        """The visits in progress, with Resume and Discard beside them."""
        self.drafts_label = QLabel(self.tr("Visits in progress (drafts), last saved first: "
                                           "press Enter to resume"))
        self.drafts = QListWidget()
        self.drafts.setAccessibleName(self.tr("Visits in progress"))
        self.drafts.setMaximumHeight(110)
        self.drafts.setWordWrap(True)  # what each draft holds, read in full
        self.drafts.itemActivated.connect(self._resume_item)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Carry on recording the chosen visit (Enter)"))
        self.discard_button = QPushButton(self.tr("Discard draft…"))
        self.discard_button.setToolTip(self.tr(
            "Throw away the chosen visit in progress; it is kept in the audit trail"))
        self.resume_button.clicked.connect(self._resume_current)
        self.discard_button.clicked.connect(self.discard_current)
        self.drafts.currentRowChanged.connect(lambda _r: self._enable_drafts())

    def _build_layout(self, actions: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.drafts_label)
        drafts_row = QHBoxLayout()
        drafts_row.addWidget(self.drafts, 1)
        draft_buttons = QVBoxLayout()
        draft_buttons.addWidget(self.resume_button)
        draft_buttons.addWidget(self.discard_button)
        draft_buttons.addStretch(1)
        drafts_row.addLayout(draft_buttons)
        layout.addLayout(drafts_row)

    def _connect_signals(self) -> None:
        self.bar.changed.connect(self.apply_filters)
        self.record_button.clicked.connect(self.record_visit)
        self.plan_button.clicked.connect(self.plan_selected)
        self.assign_button.clicked.connect(self.assign_selected)
        self.letter_button.clicked.connect(self.print_last_letter)
        self.export_button.clicked.connect(self.export_view)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        local_shortcuts(self, [(QKeySequence.StandardKey.New, self.record_visit),
                               (QKeySequence.StandardKey.Find, self.bar.focus_search)])

    def _set_tab_order(self) -> None:
        """Filters, buttons, the list, then the drafts and their buttons."""
        self.setTabOrder(self.search, self.view)
        self.setTabOrder(self.view, self.officer)
        self.setTabOrder(self.officer, self.bar.clear_button)
        self.setTabOrder(self.bar.clear_button, self.record_button)
        self.setTabOrder(self.record_button, self.plan_button)
        self.setTabOrder(self.plan_button, self.assign_button)
        self.setTabOrder(self.assign_button, self.letter_button)
        self.setTabOrder(self.letter_button, self.export_button)
        self.setTabOrder(self.export_button, self.table)
        self.setTabOrder(self.table, self.drafts)
        self.setTabOrder(self.drafts, self.resume_button)
        self.setTabOrder(self.resume_button, self.discard_button)

    # -- data ----------------------------------------------------------------------

    def filters(self) -> ScheduleFilter:
        return ScheduleFilter(**self.bar.values())

    def reload(self) -> None:
        keep = set(self.selected_ids())
        self.rows = schedule_rows(self.ctx.db, self.today)
        self._fill_officers(qa_officers(self.ctx.db), self.rows)
        self._show(keep)
        self._reload_drafts()

    def apply_filters(self) -> None:
        self.bar.settle()
        self._show(set(self.selected_ids()))

    def _show(self, keep: set[uuid.UUID]) -> None:
        rows = filter_schedule(self.rows, self.filters(), self.today)
        self.model.set_rows(rows)
        self.bar.show_count(len(rows), len(self.rows))
        selection = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(ID_ROLE) in keep:
                selection.select(self.model.index(row, 0),
                                 selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        empty = self.tr("No settings in this list. Choose another view or officer, or record "
                        "a visit to a setting from the Providers page.")
        if not rows:
            self.message.setText(empty)
        elif self.message.text() == empty:
            self.message.clear()
        self._enable()

    def export_view(self) -> None:
        from ..common.file_dialogs import save_file_name
        from ..spreadsheets.exporting import FILTERS

        name = save_file_name(self, self.tr("Export the QA schedule shown"),
                              "QA schedule.xlsx", FILTERS)
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """The settings listed, as filtered, with the columns shown (dates as dates)."""
        from ...io.table_export import write_table

        headings, values = column_table(self.model.columns, self.model.rows)

        def work(state: TaskState) -> Path:
            return write_table(path, headings, values, sheet="QA schedule", state=state)

        def failed(exc: BaseException, _detail: str = "") -> None:
            self.message.setText(str(exc) if isinstance(exc, UserError) else self.tr(
                "The export did not finish: {error}").format(error=exc))

        self.ctx.tasks.start(self.tr("Exporting the QA schedule"), work,
                             on_success=lambda out: self.message.setText((self.tr(
                                 "1 setting saved to {path}.") if len(values) == 1 else
                                 self.tr("{n} settings saved to {path}.")).format(
                                 n=f"{len(values):,}", path=out)),
                             on_failure=failed)

    def _fill_officers(self, officers: list[Officer], rows: list[ScheduleRow]) -> None:
        names = {str(o.id): o.name for o in officers}
        for row in rows:
            if row.officer_id is not None and row.officer_name:
                names.setdefault(str(row.officer_id), row.officer_name)
        self.bar.set_choices(
            "officer", [(UNASSIGNED, self.tr("Unassigned")),
                        *sorted(names.items(), key=lambda kv: kv[1].casefold())],
            missing=self.tr("Officer no longer listed"))

    def _reload_drafts(self) -> None:
        current = self.drafts.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.drafts.clear()
        self.draft_rows = open_drafts(self.ctx.db)
        for draft in self.draft_rows:
            item = QListWidgetItem(self.tr("{name} ({urn}), {saved}: {holds}").format(
                name=draft.setting_name, urn=draft.urn or self.tr("no URN"),
                saved=draft.saved_text, holds=draft.holds))
            item.setData(Qt.ItemDataRole.UserRole, draft.visit_id)
            item.setToolTip(item.text())
            self.drafts.addItem(item)
            if draft.visit_id == keep:
                self.drafts.setCurrentItem(item)
        shown = self.drafts.count() > 0
        for widget in (self.drafts_label, self.drafts, self.resume_button,
                       self.discard_button):
            widget.setVisible(shown)
        self._enable_drafts()

    def _enable_drafts(self) -> None:
        chosen = self.drafts.currentItem() is not None
        self.resume_button.setEnabled(chosen)
        self.discard_button.setEnabled(chosen)

    def _enable(self) -> None:
        n = len(self.selected_ids())
        self.record_button.setEnabled(n == 1)
        self.plan_button.setEnabled(n == 1)
        self.assign_button.setEnabled(n >= 1)
        rows = self.selected_rows()
        self.letter_button.setEnabled(n == 1 and rows[0].last_visit is not None)

    # -- selection -----------------------------------------------------------------

    def selected_rows(self) -> list[ScheduleRow]:
        indexes = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in indexes]

    def selected_ids(self) -> list[uuid.UUID]:
        return [r.setting_id for r in self.selected_rows()]

    def selected_setting(self) -> uuid.UUID | None:
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_ids(self, ids: list[uuid.UUID]) -> None:
        """Select the rows of these settings (tests and keyboard users)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(ID_ROLE) in ids:
                selection.select(index, selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)

    # -- actions -------------------------------------------------------------------

    def assign_dialog(self) -> AssignOfficerDialog | None:
        rows = self.selected_rows()
        if not rows:
            self.message.setText(self.tr("Choose one or more settings in the list first."))
            return None
        officers = {r.officer_id for r in rows}
        current = next(iter(officers)) if len(officers) == 1 else None
        dialog = AssignOfficerDialog(self.ctx.db, [r.setting_id for r in rows],
                                     [r.name for r in rows], current, self)
        dialog.accepted.connect(lambda: self._assigned(dialog))
        return dialog

    def assign_selected(self) -> None:
        dialog = self.assign_dialog()
        if dialog is not None:
            dialog.open()

    def _assigned(self, dialog: AssignOfficerDialog) -> None:
        name = dialog.officer.currentText()
        n = len(dialog.changed)
        if dialog.officer_id() is None:
            text = self.tr("{n} of {total} settings are now unassigned.")
        else:
            text = self.tr("{name} is now the QA officer of {n} of {total} settings.")
        self.message.setText(text.format(n=n, total=len(dialog.setting_ids), name=name)
                             + ("" if n == len(dialog.setting_ids) else " " + self.tr(
                                 "The others already had that officer.")))
        self.changed.emit()

    def plan_dialog(self) -> PlanVisitDialog | None:
        rows = self.selected_rows()
        if len(rows) != 1:
            self.message.setText(self.tr("Choose one setting in the list to plan a visit."))
            return None
        row = rows[0]
        dialog = PlanVisitDialog(self.ctx.db, row.setting_id, row.name, self.today,
                                 row.officer_id, row.next_due, self)
        dialog.accepted.connect(lambda: self._planned(dialog, row))
        return dialog

    def plan_selected(self) -> None:
        dialog = self.plan_dialog()
        if dialog is not None:
            dialog.open()

    def _planned(self, dialog: PlanVisitDialog, row: ScheduleRow) -> None:
        self.message.setText(self.tr("Visit to {name} planned for {day}.").format(
            name=row.name, day=date_short(dialog.date())))
        self.changed.emit()

    def record_visit(self) -> VisitDialog | None:
        """Record a visit to the chosen setting: its visit in progress if it has one (never
        a second, blank one), else the visit planned, else a new visit."""
        ids = self.selected_ids()
        if len(ids) != 1:
            self.message.setText(self.tr("Choose one setting in the list first."))
            return None
        draft = draft_for_setting(self.ctx.db, ids[0])
        planned = None if draft is not None else next_planned_visit(self.ctx.db, ids[0])
        if draft is not None:
            row = next((d for d in self.draft_rows if d.visit_id == draft), None)
            self.message.setText(self.tr("Resumed the visit in progress ({saved}).").format(
                saved=row.saved_text if row else self.tr("saved earlier")))
            return self.open_visit(draft)
        try:  # a visit already planned is the one recorded, rather than a second one
            visit_id = start_visit(self.ctx.db, ids[0], self.today, visit_id=planned)
        except ValidationError as exc:
            self.message.setText(exc.message)
            return None
        return self.open_visit(visit_id)

    def confirm_discard(self, text: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Discard the visit in progress"), text,
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def discard_current(self) -> bool:
        """Discard the chosen draft, after asking; it stays in the audit trail."""
        item = self.drafts.currentItem()
        if item is None:
            return False
        visit_id = item.data(Qt.ItemDataRole.UserRole)
        row = next((d for d in self.draft_rows if d.visit_id == visit_id), None)
        what = row.holds if row else ""
        if not self.confirm_discard(self.tr(
                "Discard this visit in progress ({what})? Actions raised at it are discarded "
                "with it. Both stay in the audit trail.").format(what=what)):
            return False
        try:
            discard_draft(self.ctx.db, visit_id)
        except ValidationError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(self.tr("The visit in progress to {name} was discarded.").format(
            name=row.setting_name if row else self.tr("the setting")))
        self.changed.emit()
        self._reload_drafts()
        return True

    def _resume_current(self) -> None:
        item = self.drafts.currentItem()
        if item is not None:
            self._resume_item(item)

    def print_last_letter(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1 and rows[0].last_visit is not None:
            path = ask_letter_path(self, letter_file_name(rows[0].name, rows[0].last_visit))
            if path:
                self.save_last_letter(path)

    def save_last_letter(self, path: str) -> bool:
        """Write the letter for the chosen setting's last completed visit to ``path``."""
        setting = self.selected_setting()
        visit = last_completed_visit(self.ctx.db, setting) if setting else None
        if visit is None:
            self.message.setText(self.tr("The chosen setting has no completed visit."))
            return False
        problem = write_letter(self.ctx.db, visit, path, self.today)
        self.message.setText(problem or self.tr("Letter saved to {path}").format(path=path))
        return problem is None

    def _resume_item(self, item: QListWidgetItem) -> None:
        self.open_visit(item.data(Qt.ItemDataRole.UserRole))

    def open_visit(self, visit_id: uuid.UUID) -> VisitDialog:
        dialog = VisitDialog(self.ctx.db, visit_id, self.today, self)
        dialog.show()
        return dialog
