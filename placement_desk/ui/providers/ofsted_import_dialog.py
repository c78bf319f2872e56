"""Import Ofsted's files: choose them, run off the GUI thread, read the summary.

The import runs in one transaction, so Cancel (or a file that is not an Ofsted
file) leaves the database exactly as it was; the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)

from ...db import Database
from ...progress import TaskState
from ..common.file_dialogs import open_file_names
from ..common.import_task_dialog import ImportTaskDialog

FILE_FILTER = "Ofsted files (*.csv *.xlsx *.ods);;All files (*)"


def summary_text(summary: Any) -> str:
    lines = [
        f"Files: {', '.join(summary.files)}",
        f"New settings: {summary.new:,}",
        f"Updated: {summary.updated:,}",
        f"Unchanged: {summary.unchanged:,}",
        f"Closed or no longer registered: {summary.closed:,}",
        f"Inspections added: {summary.inspections_added:,}",
        f"Inspections corrected by a later file: {summary.inspections_corrected:,}",
        f"Upgrades: {summary.upgrades:,}",
        f"Downgrades: {summary.downgrades:,}",
        f"Rating alerts raised: {summary.alerts:,}",
    ]
    if summary.warnings:
        lines.append(f"Warnings: {len(summary.warnings):,} (first: {summary.warnings[0]})")
    return "\n".join(lines)


class OfstedImportDialog(ImportTaskDialog):
    """A list of files to import; the running, progress and cancel are the base class's."""

    def __init__(self, db: Database, start_task: Callable[..., Any],
                 parent: QWidget | None = None, on_done: Callable[[Any], None] | None = None
                 ) -> None:
        super().__init__(db, start_task, parent, on_done)
        self.setWindowTitle(self.tr("Import Ofsted files"))
        self.setMinimumWidth(560)
        intro = QLabel(self.tr(
            "Choose Ofsted's provider-level file (CSV, XLSX or ODS) and, if you have them, "
            "the in-year inspections and closed homes files, or the provider lists Ofsted "
            "sends the council. Import yearly files oldest first to build each setting's "
            "history. Names and addresses you hold are never replaced by REDACTED."))
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setAccessibleName(self.tr("Files to import"))
        choose = QPushButton(self.tr("Add files…"))
        choose.clicked.connect(self.choose_files)
        clear = QPushButton(self.tr("Remove all"))
        clear.clicked.connect(self.files.clear)
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addWidget(clear)
        row.addStretch(1)
        self._lay_out([intro, self.files, row])
        self._update_buttons()
        self.files.model().rowsInserted.connect(self._update_buttons)
        self.files.model().rowsRemoved.connect(self._update_buttons)

    def can_import(self) -> bool:
        return self.files.count() > 0

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            self.files.addItem(path)

    def choose_files(self) -> None:
        paths = open_file_names(self, self.tr("Choose Ofsted files"), FILE_FILTER)
        self.add_files(paths)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def run(self) -> None:
        from ...services.register.ofsted_import import import_ofsted

        paths = self.paths()
        db = self.db

        def work(state: TaskState) -> Any:
            return import_ofsted(db, paths, state)

        self.start_import(self.tr("Importing Ofsted files"), work)

    def summary_text(self, summary: Any) -> str:
        return summary_text(summary)
