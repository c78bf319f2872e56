"""The import wizard's first two steps: what the spreadsheet lists, the file, and the sheet.

Step 1 chooses what the spreadsheet lists (and a saved mapping, if there is one), offers
a blank template, and opens the file off the GUI thread. Step 2 chooses the sheet and
the row its headings are on, with the top of the sheet shown; each choice prepares the
import again, and the mapping step is filled from what was prepared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...progress import TaskState
from ...services.spreadsheets.importing import ImportPlan, best_sheet, open_file, prepare
from ...services.spreadsheets.kinds import IMPORTABLE, kind_named
from ...services.spreadsheets.mapping import profile_names
from ..common.fields import Combo
from ..common.file_dialogs import open_file_name, save_file_name
from .wizard_step import WizardStep, cell, table

FILTERS = "Spreadsheets (*.xlsx *.xlsm *.ods *.csv);;All files (*)"
SHOWN_ROWS = 12


class SourceSteps(WizardStep):
    """Steps 1 and 2 of the import wizard."""

    # -- page 1: the file --------------------------------------------------------------------

    def _file_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.kind_combo = Combo()
        for spec in IMPORTABLE:
            self.kind_combo.addItem(spec.label, spec.name)
        self.kind_combo.setAccessibleName(self.tr("What the spreadsheet lists"))
        self.kind_help = QLabel()
        self.kind_help.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setAccessibleName(self.tr("File"))
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("No file chosen"))
        choose = QPushButton(self.tr("Choose file…"))
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        self.profile_combo = Combo()
        self.profile_combo.setAccessibleName(self.tr("Saved mapping"))
        self.template_button = QPushButton(self.tr("Save a blank template…"))
        self.template_button.setToolTip(self.tr("A workbook with these columns, drop-down "
                                                "lists for coded ones and date checks"))
        self.template_button.clicked.connect(self.save_template)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_button)
        template_row.addStretch(1)
        self.fields_text = QLabel()
        self.fields_text.setWordWrap(True)
        form.addRow(self.tr("&What it lists:"), self.kind_combo)
        form.addRow("", self.kind_help)
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.file_edit)
        form.addRow(file_label, row)
        form.addRow(self.tr("Saved &mapping:"), self.profile_combo)
        form.addRow(self.tr("Its columns:"), self.fields_text)
        form.addRow("", template_row)
        note = QLabel(self.tr("Excel (.xlsx, .xlsm), LibreOffice (.ods) or CSV files. Nothing "
                              "is changed until you choose Import on the last step."))
        note.setWordWrap(True)
        form.addRow("", note)
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.stack.addWidget(page)

    def _kind_chosen(self) -> None:
        kind = kind_named(self.kind_name)
        self.kind_help.setText(kind.description)
        self.fields_text.setText(self.tr("{fields}. Starred columns are needed on every row; "
                                         "the headings may be worded your way and in any "
                                         "order, with title rows above them.").format(
            fields=", ".join(f.label + (" *" if f.required else "")
                             for f in kind.import_fields)))
        with QSignalBlocker(self.profile_combo):
            self.profile_combo.clear()
            self.profile_combo.addItem(self.tr("None: match the columns by their headings"), "")
            for name in profile_names(self.ctx.db, kind.name):
                self.profile_combo.addItem(name, name)
        self.prepared = None
        self.columns, self.values = {}, {}
        self._update_buttons()

    @property
    def kind_name(self) -> str:
        return str(self.kind_combo.currentData())

    def choose_file(self) -> None:
        name = open_file_name(self, self.tr("Choose the spreadsheet to import"), FILTERS)
        if name:
            self.set_file(name)

    def set_file(self, path: str) -> None:
        """Open the file (off the GUI thread); the sheet step follows."""
        self.file_edit.setText(path)
        self.book = None
        self.prepared = None
        self.columns, self.values = {}, {}
        self.say(self.tr("Opening {name}…").format(name=Path(path).name))

        def work(_state: TaskState) -> Any:
            return open_file(self.ctx.db, Path(path))

        self._start(self.tr("Opening the file"), work, self._opened)

    def _opened(self, book: Any) -> None:
        self.book = book
        with QSignalBlocker(self.sheet_combo):
            self.sheet_combo.clear()
            for sheet in book.sheets:
                label = sheet.name + (self.tr(" (hidden)") if sheet.hidden else "")
                self.sheet_combo.addItem(label, sheet.name)
            best = best_sheet(book, self.kind_name)
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(best)))
        self.say(self.tr("{name}: {n} sheets.").format(name=book.name, n=len(book.sheets)))
        self._prepare(header_row=None)
        self._update_buttons()

    def save_template(self) -> None:
        from ...services.spreadsheets.exporting import write_template

        kind = kind_named(self.kind_name)
        name = save_file_name(self, self.tr("Save a blank template"),
                              f"{kind.sheet} template.xlsx", "Excel workbook (*.xlsx)")
        if not name:
            return
        try:
            write_template(kind.name, name)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.say(self.tr("Saved a blank template to {path}.").format(path=name))

    # -- page 2: the sheet and its header row ------------------------------------------------

    def _sheet_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.sheet_combo = Combo()
        self.sheet_combo.setAccessibleName(self.tr("Sheet"))
        self.header_combo = Combo()
        self.header_combo.setAccessibleName(self.tr("Header row"))
        form.addRow(self.tr("&Sheet:"), self.sheet_combo)
        form.addRow(self.tr("&Headings are on row:"), self.header_combo)
        layout.addLayout(form)
        self.top_rows = table([], self.tr("The top of the sheet"))
        layout.addWidget(QLabel(self.tr("The top of the sheet:")))
        layout.addWidget(self.top_rows, 1)
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self._prepare(None))
        self.header_combo.currentIndexChanged.connect(
            lambda _i: self._prepare(int(self.header_combo.currentData() or 1)))
        self.stack.addWidget(page)

    def _prepare(self, header_row: int | None, keep_columns: bool = False) -> None:
        if self.book is None:
            return
        plan = ImportPlan(Path(self.file_edit.text()), self.kind_name,
                          sheet=str(self.sheet_combo.currentData() or "") or None,
                          header_row=header_row,
                          columns=dict(self.columns) if keep_columns else None,
                          values=self.values,
                          profile=str(self.profile_combo.currentData() or "") or None)
        try:
            self.prepared = prepare(self.ctx.db, plan, self.book)
        except UserError as exc:
            self.prepared = None
            self.say(str(exc), error=True)
            self._update_buttons()
            return
        self.columns = dict(self.prepared.columns)
        self.values = {k: dict(v) for k, v in self.prepared.values.items()}
        self._show_top_rows()
        self._fill_mapping()
        self._update_buttons()

    def _show_top_rows(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        head = prepared.sheet.head[:SHOWN_ROWS + prepared.header.index]
        width = max((len(r) for r in head), default=0)
        width = min(max(width, len(prepared.headings)), 40)
        from ...io.spreadsheets.reading import column_letter

        self.top_rows.clear()
        self.top_rows.setColumnCount(width)
        self.top_rows.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        self.top_rows.setRowCount(len(head))
        self.top_rows.setVerticalHeaderLabels([str(i + 1) for i in range(len(head))])
        self.top_rows.verticalHeader().setVisible(True)
        for r, row in enumerate(head):
            for c, value in enumerate(row[:width]):
                item = QTableWidgetItem(cell(value))
                if r == prepared.header.index:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.top_rows.setItem(r, c, item)
        with QSignalBlocker(self.header_combo):
            self.header_combo.clear()
            for n in range(1, len(prepared.sheet.head) + 1):
                self.header_combo.addItem(self.tr("Row {n}").format(n=n), n)
            self.header_combo.setCurrentIndex(prepared.header.index)
