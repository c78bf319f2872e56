"""A record's history from the audit trail: who changed what and when, field by field in
the words the forms use; exportable to Excel (the export is itself logged)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...services.common.history import HistoryLine, history_table, note_export, record_history
from .file_dialogs import save_file_name
from .list_table import list_table
from .rows import Column, RowTableModel

Records = Sequence[tuple[str, uuid.UUID]]


def history_model(parent: QWidget | None = None) -> RowTableModel[HistoryLine]:
    columns: list[Column[HistoryLine]] = [
        Column("When (UTC)", lambda h: h.at.strftime("%d/%m/%Y %H:%M"), sort=lambda h: h.event_id),
        Column("Who", lambda h: h.user),
        Column("What", lambda h: h.action.label),
        Column("Changes", lambda h: h.summary),
    ]
    return RowTableModel(columns, lambda h: h.event_id, parent)


class HistoryPanel(QWidget):
    """Shows the history of the records given to :meth:`show_records` (table, id)."""

    def __init__(self, db: Database, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.what = what
        self.records: list[tuple[str, uuid.UUID]] = []
        self.model = history_model(self)
        self.table = list_table(self.model, self.tr("History"), [120, 110, 80])
        self.table.setSortingEnabled(False)
        self.count = QLabel()
        self.export_button = QPushButton(self.tr("Export history…"))
        self.export_button.setToolTip(self.tr("Save this history to Excel, a row per change"))
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.show_records([])

    def show_records(self, records: Records) -> None:
        self.records = list(records)
        lines = record_history(self.db, self.records) if self.records else []
        self.model.set_rows(list(reversed(lines)))  # newest first
        self.count.setText(self.tr("{n} changes, newest first").format(n=len(lines))
                           if lines else self.tr("No history recorded."))
        self.export_button.setEnabled(bool(lines))

    def export(self) -> None:
        from ...io.table_export import write_table

        path = save_file_name(self, self.tr("Export history"), "history.xlsx",
                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if not path or not self.records:
            return
        headings, rows = history_table(list(reversed(self.model.rows)))
        try:
            out = write_table(Path(path), headings, rows, sheet="History")
            entity, entity_id = self.records[0]
            note_export(self.db, entity, f"history of a {self.what}", len(rows), out,
                        entity_id=entity_id)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Placement Desk"), str(exc))


class HistoryDialog(QDialog):
    """The history panel in a window of its own (from a record's dialog)."""

    def __init__(self, db: Database, what: str, records: Records,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of the {what}").format(what=what))
        self.panel = HistoryPanel(db, what, self)
        self.panel.show_records(records)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(860, 420)
