"""Exporting from the window: what a list shows (its Export… button), or every record of a
kind (File › Export… and the Data page), to .xlsx or .csv, with the filter in the title row
and the protective marking; and blank templates."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...progress import TaskState
from ...services.spreadsheets.exporting import export_kind, write_template
from ...services.spreadsheets.kinds import EXPORTABLE, kind_named
from ..common.fields import Combo
from ..common.file_dialogs import save_file_name
from ..context import AppContext
from ..tasks import ProgressDialog

FILTERS = "Excel workbook (*.xlsx);;CSV (*.csv)"


def export_shown(db: Database, kind: str, ids: Iterable[uuid.UUID], filter_text: str,
                 path: str | Path, today: object = None) -> int:
    """Write the records a list shows (by id) with the filter named in the title row."""
    import datetime as dt

    day = today if isinstance(today, dt.date) else None
    return export_kind(db, kind, path, ids=list(ids), filter_text=filter_text, today=day)


def ask_and_export_shown(parent: QWidget, db: Database, kind: str, ids: Iterable[uuid.UUID],
                         filter_text: str) -> str:
    """Ask where, then export what the list shows; the file's name, or "" if not saved."""
    spec = kind_named(kind)
    name = save_file_name(parent, parent.tr("Export the {what} shown").format(
        what=spec.label.lower()), f"{spec.sheet}.xlsx", FILTERS)
    if not name:
        return ""
    try:
        export_shown(db, kind, ids, filter_text, name)
    except UserError as exc:
        QMessageBox.warning(parent, parent.tr("Placement Desk"), str(exc))
        return ""
    return name


class ExportDialog(QDialog):
    """File › Export…: choose what to export (every record of a kind), or a blank
    template to fill in for import."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 kind: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Export"))
        self.kind_combo = Combo()
        for spec in EXPORTABLE:
            self.kind_combo.addItem(spec.label, spec.name)
        if kind:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.kind_combo.setAccessibleName(self.tr("What to export"))
        self.what = Combo()
        self.what.setAccessibleName(self.tr("Export as"))
        self.what.addItem(self.tr("Every record"), "records")
        self.what.addItem(self.tr("A blank template to fill in for import"), "template")
        self.help = QLabel()
        self.help.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Export:"), self.kind_combo)
        form.addRow("", self.help)
        form.addRow(self.tr("&As:"), self.what)
        note = QLabel(self.tr("Files are marked OFFICIAL-SENSITIVE: they hold details of "
                              "children. Keep them where your council's policy says."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export…"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._chosen)
        self._chosen()
        self.task: object = None

    def _chosen(self) -> None:
        spec = kind_named(str(self.kind_combo.currentData()))
        self.help.setText(spec.description)
        template = self.what.findData("template")
        item = self.what.model().item(template)  # type: ignore[attr-defined]
        item.setEnabled(spec.importable)
        if not spec.importable:
            self.what.setCurrentIndex(0)

    def choose_file(self) -> None:
        spec = kind_named(str(self.kind_combo.currentData()))
        template = self.what.currentData() == "template"
        suggested = f"{spec.sheet} template.xlsx" if template else f"{spec.sheet}.xlsx"
        name = save_file_name(self, self.tr("Export {what}").format(what=spec.label.lower()),
                              suggested, "Excel workbook (*.xlsx)" if template else FILTERS)
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """Write the chosen export to ``path`` off the GUI thread, with progress."""
        kind = str(self.kind_combo.currentData())
        template = self.what.currentData() == "template"
        today = self.ctx.today()

        def work(state: TaskState) -> int:
            if template:
                write_template(kind, path)
                return 0
            return export_kind(self.ctx.db, kind, path, today=today, state=state)

        self.export_button.setEnabled(False)
        task = self.ctx.tasks.start(self.tr("Exporting"), work, on_success=self._done,
                                    on_failure=self._failed)
        task.finished.connect(lambda: self.export_button.setEnabled(True))
        self.task = task
        self.path = path
        ProgressDialog(task, self).show()

    def _done(self, count: int) -> None:
        self.message.setText(self.tr("Wrote {n} records to {path}.").format(
            n=f"{count:,}", path=self.path) if count or self.what.currentData() != "template"
            else self.tr("Wrote the template to {path}.").format(path=self.path))
        self.ctx.hub.status_message.emit(self.message.text())

    def _failed(self, exc: BaseException, _detail: str) -> None:
        self.message.setText(str(exc) if isinstance(exc, UserError)
                             else self.tr("The export failed; nothing was written."))
