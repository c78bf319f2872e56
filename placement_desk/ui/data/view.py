"""Data: which database is open, its health and backups; checks and backups on demand;
importing a team's spreadsheets, undoing the last import, and exporting any kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
)

from ...errors import UserError
from ...lifecycle import CheckReport, check_database
from ...progress import TaskState
from ...services.common.backups import BackupFile, back_up
from ...services.users.roles import Permission
from ..common.file_dialogs import open_file_name
from ..common.list_table import list_table
from ..common.page import Page
from ..common.permissions import guard
from ..common.rows import Column, RowTableModel
from ..context import AppContext
from ..tasks import ProgressDialog

if TYPE_CHECKING:
    from ..spreadsheets.import_wizard import ImportWizard


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
    from ...services.common.backups import list_backups

    if path is None:
        return None
    found = list_backups(path)
    return found[0].path if found else None


_WHY = {"daily": "Daily, on the first start of the day", "before-import": "Before an import",
        "before-restore": "Before a restore (the database it replaced)",
        "before-upgrade": "Before an upgrade", "before-encrypt": "Before encryption",
        "manual": "Backed up by hand"}


def _why(kind: str) -> str:
    return _WHY.get(kind, kind.replace("-", " ").capitalize())


BACKUP_COLUMNS: list[Column[BackupFile]] = [
    Column("Made", lambda b: f"{b.taken:%d/%m/%Y %H:%M:%S}", sort=lambda b: b.taken),
    Column("Why", lambda b: _why(b.kind)),
    Column("Size", lambda b: _size(b.path), sort=lambda b: b.size, align_right=True),
    Column("File", lambda b: b.path.name),
]


class DataPage(Page):
    title = "Data"
    summary = ("The database this copy of Placement Desk is using, its health and its backups; "
               "your own spreadsheets in, and any list out.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._build_database(ctx)
        self._build_backups()
        self.body.addSpacing(12)
        self._build_sheets()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.body.addWidget(self.result)
        self.check_button.clicked.connect(self.run_check)
        self.backup_button.clicked.connect(self.run_backup)
        self.restore_button.clicked.connect(self.choose_restore)
        self.restore_chosen_button.clicked.connect(self.restore_chosen)
        self.backups_table.doubleClicked.connect(lambda _index: self.restore_chosen())
        self.backups_table.installEventFilter(self)  # Enter restores the chosen backup
        self.backups_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._enable_restore())
        self.import_button.clicked.connect(self.open_import)
        self.undo_button.clicked.connect(self.undo_import)
        self.export_button.clicked.connect(self.open_export)

    def _build_database(self, ctx: AppContext) -> None:
        """What the database is, and the buttons that check, back up and restore it."""
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
        self.restore_button = QPushButton(self.tr("Restore a backup…"))
        self.restore_button.setToolTip(self.tr(
            "Put a backup in place of this database: the file is checked first, and the "
            "database it replaces is kept in the backups folder"))
        self.restore_button.setEnabled(ctx.db.path is not None)
        guard(self.restore_button, ctx.db, Permission.ADMINISTER_DATABASE)
        if ctx.db.path is None:
            self.check_button.setToolTip(self.tr("Look for missing tables and check the "
                                                 "schema is up to date"))
            self.backup_button.setToolTip(self.tr("A server database is backed up by the "
                                                  "server (ask IT); this copy keeps no "
                                                  "backups of its own"))
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)

    def _build_backups(self) -> None:
        """The backups kept beside the database, newest first; one may be restored."""
        self.backups_label = QLabel(self.tr("&Backups kept beside the database:"))
        self.backups_model: RowTableModel[BackupFile] = RowTableModel(
            BACKUP_COLUMNS, lambda b: str(b.path))
        self.backups_table = list_table(self.backups_model, self.tr("Backups"),
                                        (150, 260, 90, 300), stretch=3)
        self.backups_label.setBuddy(self.backups_table)
        self.restore_chosen_button = QPushButton(self.tr("Restore the chosen backup…"))
        self.restore_chosen_button.setToolTip(self.tr(
            "Put the backup chosen in the list in place of this database (Enter or a "
            "double-click does the same)"))
        self.restore_chosen_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.backups_label, 1)
        row.addWidget(self.restore_chosen_button)
        self.body.addSpacing(8)
        self.body.addLayout(row)
        self.body.addWidget(self.backups_table, 1)

    def _build_sheets(self) -> None:
        """The team's spreadsheets in (and the last import undone), any list out."""
        sheets = QFormLayout()
        self.last_import = QLabel()
        self.last_import.setWordWrap(True)
        sheets.addRow(self.tr("Last import:"), self.last_import)
        self.body.addLayout(sheets)
        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import a spreadsheet…"))
        self.import_button.setToolTip(self.tr("Bring in a team's own workbook or CSV: "
                                              "providers, placements, QA visits, contracts…"))
        self.undo_button = QPushButton(self.tr("Undo last import"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save any kind of record, or a blank template, "
                                              "to Excel or CSV"))
        for button in (self.import_button, self.undo_button, self.export_button):
            row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.backups_table and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.restore_chosen()
            return True
        return super().eventFilter(watched, event)

    def _enable_restore(self) -> None:
        chosen = self.backups_table.selectionModel().selectedRows()
        self.restore_chosen_button.setEnabled(
            bool(chosen) and self.restore_button.isEnabled())

    def chosen_backup(self) -> BackupFile | None:
        rows = self.backups_table.selectionModel().selectedRows()
        return self.backups_model.row_for(rows[0].row()) if rows else None

    def restore_chosen(self) -> None:
        chosen = self.chosen_backup()
        if chosen is not None and self.restore_button.isEnabled():
            self.confirm_restore(chosen.path)

    def refresh(self) -> None:
        db = self.ctx.db
        self.location.setText(db.display_name)
        self.kind.setText(self.tr("A file on this computer") if db.is_local
                          else self.tr("A database server"))
        self.revision.setText(db.revision or "–")
        self.file_size.setText(_size(db.path) if db.is_local
                               else self.tr("None on this computer: the data is on the server"))
        from ...services.common.backups import list_backups

        kept = list_backups(db.path) if db.path is not None else []
        self.backups_model.set_rows(kept)
        self.backups_label.setText(self.tr("&Backups kept beside the database ({n}):").format(
            n=len(kept)) if db.is_local else self.tr(
            "&Backups: a server database is backed up by the server (ask IT)"))
        self._enable_restore()
        found = latest_backup(db.path)
        self.backup.setText(
            f"{found.name} ({dt.datetime.fromtimestamp(found.stat().st_mtime):%d/%m/%Y %H:%M})"
            if found else self.tr("None yet") if db.is_local
            else self.tr("Kept by the server's own backups"))
        from ...services.spreadsheets.importing import last_batch
        from ...services.spreadsheets.kinds import kind_named

        batch = last_batch(db)
        if batch is None:
            self.last_import.setText(self.tr("None yet"))
        else:
            self.last_import.setText(self.tr(
                "{file} ({kind}), {rows} rows, by {user} on {at}{undone}").format(
                file=batch.file_name, kind=kind_named(batch.kind).label.lower(),
                rows=f"{batch.rows:,}",
                user=batch.user, at=f"{batch.at:%d/%m/%Y %H:%M}",
                undone=self.tr(": undone") if batch.undone else ""))
        self.undo_button.setEnabled(batch is not None and not batch.undone)

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
        elif report.tampered:
            self.result.setText(self.tr(
                "The audit trail was changed outside Placement Desk{where}. Restore a backup "
                "from before then, and tell your information governance lead.").format(
                where=self.tr(" (the chain breaks at event {n})").format(n=report.audit_broken)
                if report.audit_broken is not None else ""))
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
            return back_up(self.ctx.db)

        self.backup_button.setEnabled(False)
        task = self.ctx.tasks.start(self.tr("Backing up"), work,
                                    on_success=self._backed_up, on_failure=self._failed)
        task.finished.connect(lambda: self.backup_button.setEnabled(True))
        ProgressDialog(task, self).show()

    def _backed_up(self, target: Path) -> None:
        self.result.setText(self.tr("Backed up to {path}").format(path=target))
        self.force_refresh()

    def choose_restore(self) -> None:
        from ...services.common.backups import backup_folder

        path = self.ctx.db.path
        if path is None:
            return
        chosen = open_file_name(self, self.tr("Restore a backup"),
                                self.tr("Placement Desk databases (*.db);;All files (*)"),
                                str(backup_folder(path)))
        if chosen:
            self.confirm_restore(Path(chosen))

    def confirm_restore(self, chosen: Path) -> None:
        """Check the backup, ask, then restore it."""
        from ...services.common.backups import check_backup

        try:
            checked = check_backup(Path(chosen))
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Placement Desk"), str(exc))
            return
        answer = QMessageBox.question(self, self.tr("Restore a backup"), self.tr(
            "Replace the database with {file} (schema {revision})? Everything changed since "
            "that copy was made is set aside: the database as it is now is kept in the "
            "backups folder.").format(file=Path(chosen).name, revision=checked.revision))
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(Path(chosen))

    def restore(self, file: Path) -> None:
        """Restore ``file`` over the open database and carry on (work in the open forms of
        other pages is not saved into the restored copy)."""
        from ...lifecycle import restore_open_database
        from ...models import Base

        self.ctx.tasks.wait()  # nothing may be reading while the file is replaced
        try:
            kept = restore_open_database(self.ctx.db, file)
        except UserError as exc:
            self._failed(exc, "")
            return
        self.result.setText(self.tr("Restored {file}. The database it replaced is kept at "
                                    "{kept}.").format(file=file.name, kept=kept or "–"))
        self.ctx.hub.tables_written(frozenset(Base.metadata.tables))
    def open_import(self) -> ImportWizard:
        from ..spreadsheets.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.finished.connect(lambda _r: self.force_refresh())
        wizard.show()
        return wizard

    def undo_import(self) -> None:
        from ...errors import UserError
        from ...services.spreadsheets.importing import undo_last_batch

        answer = QMessageBox.question(
            self, self.tr("Undo the last import"),
            self.tr("Mark the records the last import added as deleted, and give the records "
                    "it changed their values back?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            undone = undo_last_batch(self.ctx.db)
        except UserError as exc:
            self.result.setText(str(exc))
            return
        self.result.setText(self.tr("Undid the import of {file}: {deleted} records marked "
                                    "deleted, {restored} given their values back.").format(
            file=undone.batch.file_name, deleted=f"{undone.deleted:,}",
            restored=f"{undone.restored:,}"))
        self.force_refresh()

    def open_export(self) -> None:
        from ..spreadsheets.exporting import ExportDialog

        ExportDialog(self.ctx, self).show()

    def _failed(self, exc: BaseException, _detail: str) -> None:
        self.result.setText(self.tr("That did not work: {error}").format(error=exc))
        QMessageBox.warning(self, self.tr("Placement Desk"), str(exc))
