"""Data: which database is open, its health and backups; checks and backups on demand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
)

from ...db import backup_sqlite
from ...lifecycle import CheckReport, check_database
from ...progress import TaskState
from ..common.page import Page
from ..context import AppContext
from ..pages import register_page
from ..tasks import ProgressDialog


def _size(path: Path | None) -> str:
    if path is None or not path.exists():
        return "–"
    n = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return "–"


def latest_backup(path: Path | None) -> Path | None:
    if path is None:
        return None
    folder = path.parent / "backups"
    found = sorted(folder.glob(f"{path.stem}-*"), key=lambda p: p.stat().st_mtime) \
        if folder.exists() else []
    return found[-1] if found else None


class DataPage(Page):
    title = "Data"
    summary = "The database this copy of Placement Desk is using, its health and its backups."

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        form = QFormLayout()
        self.location = QLabel()
        self.location.setWordWrap(True)
        self.kind = QLabel()
        self.revision = QLabel()
        self.file_size = QLabel()
        self.backup = QLabel()
        self.backup.setWordWrap(True)
        form.addRow(self.tr("Database:"), self.location)
        form.addRow(self.tr("Where:"), self.kind)
        form.addRow(self.tr("Schema revision:"), self.revision)
        form.addRow(self.tr("File size:"), self.file_size)
        form.addRow(self.tr("Latest backup:"), self.backup)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check database"))
        self.check_button.setToolTip(self.tr("Run SQLite's integrity check and look for "
                                             "broken links between records"))
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.setEnabled(ctx.db.path is not None)
        if ctx.db.path is None:
            self.check_button.setToolTip(self.tr("Look for missing tables and check the "
                                                 "schema is up to date"))
            self.backup_button.setToolTip(self.tr("A server database is backed up by the "
                                                  "server (ask IT); this copy keeps no "
                                                  "backups of its own"))
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        self.check_button.clicked.connect(self.run_check)
        self.backup_button.clicked.connect(self.run_backup)

    def refresh(self) -> None:
        db = self.ctx.db
        self.location.setText(db.display_name)
        self.kind.setText(self.tr("A file on this computer") if db.is_local
                          else self.tr("A database server"))
        self.revision.setText(db.revision or "–")
        self.file_size.setText(_size(db.path) if db.is_local
                               else self.tr("None on this computer: the data is on the server"))
        found = latest_backup(db.path)
        self.backup.setText(
            f"{found.name} ({dt.datetime.fromtimestamp(found.stat().st_mtime):%d/%m/%Y %H:%M})"
            if found else self.tr("None yet") if db.is_local
            else self.tr("Kept by the server's own backups"))

    def run_check(self) -> None:
        def work(state: TaskState) -> CheckReport:
            state.progress("Checking the database")
            return check_database(self.ctx.db)

        self.check_button.setEnabled(False)
        task = self.ctx.tasks.start(self.tr("Checking the database"), work,
                                    on_success=self._checked, on_failure=self._failed)
        task.finished.connect(lambda: self.check_button.setEnabled(True))
        ProgressDialog(task, self).show()

    def _checked(self, report: CheckReport) -> None:
        if report.ok:
            self.result.setText(self.tr("The database is healthy: integrity check passed, no "
                                        "broken links, schema up to date."))
        else:
            self.result.setText(self.tr(
                "Problems found: integrity {integrity}; {fk} broken links. Make a backup and "
                "contact support.").format(integrity="; ".join(report.integrity[:3]),
                                           fk=report.foreign_key_problems))

    def run_backup(self) -> None:
        path = self.ctx.db.path
        if path is None:
            return

        def work(state: TaskState) -> Path:
            state.progress("Copying the database")
            return backup_sqlite(path, reason="manual")

        self.backup_button.setEnabled(False)
        task = self.ctx.tasks.start(self.tr("Backing up"), work,
                                    on_success=self._backed_up, on_failure=self._failed)
        task.finished.connect(lambda: self.backup_button.setEnabled(True))
        ProgressDialog(task, self).show()

    def _backed_up(self, target: Path) -> None:
        self.result.setText(self.tr("Backed up to {path}").format(path=target))
        self.force_refresh()

    def _failed(self, exc: BaseException, _detail: str) -> None:
        self.result.setText(self.tr("That did not work: {error}").format(error=exc))
        QMessageBox.warning(self, self.tr("Placement Desk"), str(exc))


@register_page("data", "Data", "database", 7)
def make_data(ctx: AppContext) -> Page:
    return DataPage(ctx)
