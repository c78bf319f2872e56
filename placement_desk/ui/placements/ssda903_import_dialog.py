"""Import an SSDA903 return: choose the header and episodes files, run off the GUI thread,
read the summary and the problems, and save them as an Excel report.

The import runs in one transaction, so Cancel (or a file that is not a 903 file)
leaves the database exactly as it was; the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...progress import TaskState
from ...services.placements.ssda903.years import YEARS, year_label
from ..common.elide import ElidedTipDelegate, cap_columns
from ..common.fields import Combo
from ..common.file_dialogs import open_file_name, save_file_name
from ..common.import_task_dialog import ImportTaskDialog
from ..common.list_table import ROW_HEIGHT
from ..common.rows import SORT_ROLE, Column, RowTableModel

FILE_FILTER = "SSDA903 files (*.csv *.xlsx);;All files (*)"
REPORT_FILTER = "Excel workbook (*.xlsx)"

# Columns of the problems table
COL_RULE, COL_LEVEL, COL_TABLE, COL_ROW, COL_COLUMN, COL_MESSAGE = range(6)


class Ssda903ImportDialog(ImportTaskDialog):
    """The two files, and the problems found in them below the summary; the running,
    progress and cancel are the base class's."""

    def __init__(self, db: Database, start_task: Callable[..., Any],
                 parent: QWidget | None = None, on_done: Callable[[Any], None] | None = None
                 ) -> None:
        super().__init__(db, start_task, parent, on_done)
        self.setWindowTitle(self.tr("Import an SSDA903 return"))
        self.setMinimumWidth(720)
        self.report_path: Path | None = None

        intro = QLabel(self.tr(
            "Choose the header file (one row per child: CHILD, SEX, DOB, ETHNIC) and the "
            "episodes file (one row per episode: CHILD, DECOM, PLACE, URN...) of the SSDA903 "
            "return, as CSV or Excel files. They are checked with the DfE's rules for the "
            "collection year; every row that can be stored is imported, and each problem is "
            "listed below with its rule code, row and columns. You can save the list as an "
            "Excel report. Importing the same files again changes nothing."))
        intro.setWordWrap(True)
        intro.setToolTip(self.tr("SSDA903: the return of children looked after that every "
                                 "council sends the Department for Education each year."))
        self.header_edit = QLineEdit()
        self.header_edit.setAccessibleName(self.tr("Header file"))
        self.episodes_edit = QLineEdit()
        self.episodes_edit.setAccessibleName(self.tr("Episodes file"))
        form = QFormLayout()
        form.addRow(self.tr("&Header file:"),
                    self._file_row(self.header_edit, self.tr("Choose the header file")))
        form.addRow(self.tr("&Episodes file:"),
                    self._file_row(self.episodes_edit, self.tr("Choose the episodes file")))
        self.year_combo = Combo()
        self.year_combo.setAccessibleName(self.tr("Collection year"))
        self.year_combo.addItem(self.tr("The year of the latest episode"), "")
        for year in sorted(YEARS, reverse=True):
            self.year_combo.addItem(year_label(year), year)
        self.year_combo.setToolTip(self.tr("Whose SSDA903 rules check the files: codes and "
                                           "rules change from one collection year to the "
                                           "next"))
        form.addRow(self.tr("Collection &year:"), self.year_combo)

        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.model: RowTableModel[Any] = RowTableModel(self._columns(), lambda p: p.row, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Problems found in the files"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        self.table.setItemDelegate(ElidedTipDelegate(self.table))
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        # At least eight rows: never squeezed to one line under a long summary.
        self.table.setMinimumHeight(8 * self.table.verticalHeader().defaultSectionSize()
                                    + self.table.horizontalHeader().sizeHint().height() + 4)
        self.table.setVisible(False)
        self.save_button = QPushButton(self.tr("Save report as Excel…"))
        self.save_button.setToolTip(self.tr("Write every problem (rule, level, table, file, "
                                            "row, columns, message) and the count by rule to "
                                            "an .xlsx workbook"))
        self.save_button.setVisible(False)
        self.save_button.clicked.connect(self.save_report_as)

        report_row = QHBoxLayout()
        report_row.addWidget(self.problems_label, 1)
        report_row.addWidget(self.save_button)
        self._lay_out([intro, form], [(report_row, 0), (self.table, 1)])
        self.header_edit.textChanged.connect(self._update_buttons)
        self.episodes_edit.textChanged.connect(self._update_buttons)
        self._update_buttons()

    def _columns(self) -> list[Column[Any]]:
        """In the order of the COL_ constants."""
        return [
            Column(self.tr("Rule"), lambda p: p.code,
                   tooltip=self.tr("The DfE's rule code, as the validator reports it; PD- "
                                   "codes are Placement Desk's own checks (PD-ROW: the row "
                                   "was not imported)")),
            Column(self.tr("Level"),
                   lambda p: self.tr("Error") if p.level == "error" else self.tr("Warning"),
                   tooltip=self.tr("Error: breaks an SSDA903 rule (or the row was not "
                                   "imported). Warning: imported, but check it.")),
            Column(self.tr("Table"),
                   lambda p: self.tr("Header") if p.table == "header" else self.tr("Episodes")),
            Column(self.tr("Row"), lambda p: f"{p.row:,}", sort=lambda p: p.row,
                   align_right=True, tooltip=self.tr("The row number Excel shows")),
            Column(self.tr("Columns"), lambda p: p.columns),
            Column(self.tr("Message"), lambda p: p.message),
        ]

    def _file_row(self, edit: QLineEdit, title: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        choose = QPushButton(self.tr("Choose…"))
        choose.setAccessibleName(title)

        def pick() -> None:
            path = open_file_name(self, title, FILE_FILTER, edit.text().strip())
            if path:
                edit.setText(path)

        choose.clicked.connect(pick)
        row.addWidget(choose)
        return box

    def can_import(self) -> bool:
        return bool(self.header_edit.text().strip() and self.episodes_edit.text().strip())

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.header_edit.setEnabled(self.task is None)
        self.episodes_edit.setEnabled(self.task is None)
        self.save_button.setEnabled(self.task is None and bool(self.model.rows))

    def set_files(self, header: str | Path, episodes: str | Path) -> None:
        self.header_edit.setText(str(header))
        self.episodes_edit.setText(str(episodes))

    # -- importing -----------------------------------------------------------------------

    def run(self) -> None:
        from ...services.placements.ssda903_import import import_ssda903

        header = Path(self.header_edit.text().strip())
        episodes = Path(self.episodes_edit.text().strip())
        year = str(self.year_combo.currentData() or "") or None
        db = self.db

        def work(state: TaskState) -> Any:
            return import_ssda903(db, header, episodes, state, year=year)

        self.summary = None
        self._show_problems([])
        self.step.setText(self.tr("Starting…"))
        self.start_import(self.tr("Importing the SSDA903 return"), work)

    def show_summary(self, summary: Any) -> None:
        super().show_summary(summary)
        self._show_problems(summary.problems)

    def summary_text(self, summary: Any) -> str:
        errors = sum(1 for p in summary.problems if p.level == "error")
        warnings = len(summary.problems) - errors
        found = self.tr("{errors} errors and {warnings} warnings").format(
            errors=f"{errors:,}", warnings=f"{warnings:,}")
        if summary.rows_rejected == 0:
            rows = self.tr("Every row was imported ({rows}).").format(
                rows=f"{summary.rows_imported:,}")
            if summary.problems:
                rows += " " + self.tr(
                    "The SSDA903 checks found {found} in the rows imported; they are listed "
                    "below, to be put right in the records they came from.").format(
                    found=found)
        else:
            rows = self.tr(
                "{rejected} rows could not be used and were not imported ({header} in the "
                "header file, {episodes} in the episodes file); every other row was "
                "imported. All {found} are listed below with the reason.").format(
                rejected=f"{summary.rows_rejected:,}",
                header=f"{summary.header_rows_rejected:,}",
                episodes=f"{summary.episode_rows_rejected:,}", found=found)
        return "\n".join([
            self.tr("Files: {header} and {episodes}").format(
                header=Path(summary.header_file).name or summary.header_file,
                episodes=Path(summary.episodes_file).name or summary.episodes_file),
            self.tr("Children: {new} new, {updated} updated, {unchanged} unchanged").format(
                new=f"{summary.children_new:,}", updated=f"{summary.children_updated:,}",
                unchanged=f"{summary.children_unchanged:,}"),
            self.tr("Episodes: {new} new, {updated} updated, {unchanged} unchanged").format(
                new=f"{summary.episodes_new:,}", updated=f"{summary.episodes_updated:,}",
                unchanged=f"{summary.episodes_unchanged:,}"),
            rows,
            self.tr("Checked with the SSDA903 rules of {year} ({why}).").format(
                year=summary.year_label, why=summary.year_reason),
        ])

    def _show_problems(self, problems: list[Any]) -> None:
        self.model.set_rows(problems)
        self.proxy.sort(-1)
        shown = bool(problems) or self.summary is not None
        self.table.setVisible(bool(problems))
        self.save_button.setVisible(bool(problems))
        if not shown:
            self.problems_label.clear()
        elif not problems:
            self.problems_label.setText(self.tr("No problems found."))
        else:
            errors = sum(1 for p in problems if p.level == "error")
            text = self.tr("{count} problems: {errors} errors, {warnings} warnings").format(
                count=f"{len(problems):,}", errors=f"{errors:,}",
                warnings=f"{len(problems) - errors:,}")
            if self.summary is not None:
                counts = self.summary.by_rule()
                listed = ", ".join(f"{c.code} × {c.count:,}" for c in counts[:8])
                more = self.tr(" and {n} more rules").format(n=len(counts) - 8) \
                    if len(counts) > 8 else ""
                text += self.tr(". By rule: {rules}{more}.").format(rules=listed, more=more)
                self.problems_label.setToolTip("\n".join(
                    f"{c.code} ({c.level}): {c.count:,} – {c.message}" for c in counts))
            self.problems_label.setText(text)
        self.preferred_width = 1000 if problems else 0  # room for the reasons
        if problems:
            cap_columns(self.table)
        self._update_buttons()
        self.fit_to_content()

    # -- the report ----------------------------------------------------------------------

    def save_report_as(self) -> None:
        if self.summary is None:
            return
        path = save_file_name(self, self.tr("Save report as Excel"),
                              "SSDA903 import problems.xlsx", REPORT_FILTER)
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        """Write the problems to ``path`` in the background."""
        from ...services.placements.ssda903_import import save_problem_report

        summary = self.summary

        def work(state: TaskState) -> Any:
            return save_problem_report(summary, path, state)

        self.report_path = None
        self.step.setText(self.tr("Saving the report…"))
        self.task = self.start_task(self.tr("Saving the report"), work,
                                    on_success=self._saved, on_failure=self._save_failed,
                                    on_cancel=self._save_cancelled)
        self._update_buttons()

    def _saved(self, path: Any) -> None:
        self.task = None
        self.report_path = Path(path)
        self.step.setText(self.tr("Report saved to {path}.").format(path=path))
        self._update_buttons()

    def _save_failed(self, exc: BaseException, _detail: str) -> None:
        self.task = None
        if isinstance(exc, UserError):
            self.step.setText(self.tr("The report was not saved: {error}").format(error=exc))
        else:
            self.step.setText(self.tr("Sorry, the report could not be saved ({error}). Try "
                                      "another folder.").format(error=exc))
        self._update_buttons()

    def _save_cancelled(self) -> None:
        self.task = None
        self.step.setText(self.tr("Saving the report was cancelled."))
        self._update_buttons()
