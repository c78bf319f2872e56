"""The import wizard: a team's spreadsheet in, step by step.

1. the file and what it lists (and a saved mapping, if there is one);
2. the sheet and its header row, with the top of the sheet shown;
3. the mapping: each column's heading beside sample values and the field it goes to, and
   the texts of coded columns mapped to codes; saved under a name for next time;
4. the preview: every row checked off the GUI thread, problems by sheet, row and column,
   and a copy of the file with an error column to save;
5. the import, off the GUI thread with progress and cancel, and the last import undone.

The rules are the services' (:mod:`placement_desk.services.spreadsheets`); the wizard only
gathers choices and shows answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...progress import TaskState
from ...services.spreadsheets.importing import (
    ImportPlan,
    ImportResult,
    Prepared,
    best_sheet,
    open_file,
    prepare,
    run_import,
    undo_last_batch,
)
from ...services.spreadsheets.kinds import IMPORTABLE, kind_named
from ...services.spreadsheets.mapping import (
    columns_by_heading,
    missing_required,
    profile_names,
    save_profile,
    unknown_values,
)
from ...services.spreadsheets.reporting import save_error_copy
from ...services.spreadsheets.values import read_text
from ..common.fields import Combo
from ..common.file_dialogs import open_file_name, save_file_name
from ..context import AppContext
from ..tasks import ProgressDialog

FILTERS = "Spreadsheets (*.xlsx *.xlsm *.ods *.csv);;All files (*)"
STEPS = ("File", "Sheet", "Mapping", "Preview", "Import")
SHOWN_ROWS = 12


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _cell(value: Any) -> str:
    text = read_text(value) or ""
    return text if len(text) <= 60 else text[:59] + "…"


def _table(headings: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportWizard(QDialog):
    """Bring in a team's spreadsheet."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 kind: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import a spreadsheet"))
        self.book: Any = None
        self.prepared: Prepared | None = None
        self.checked: ImportResult | None = None
        self.committed: ImportResult | None = None
        self.task: Any = None
        self.columns: dict[int, str] = {}
        self.values: dict[str, dict[str, str]] = {}
        self.steps = QLabel()
        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back_button = QPushButton(self.tr("< Back"))
        self.next_button = QPushButton(self.tr("Next >"))
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.reject)
        self._file_page()
        self._sheet_page()
        self._mapping_page()
        self._preview_page()
        self._done_page()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        if kind:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._kind_chosen()
        self.go(0)
        self.resize(1000, 620)

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
        self.top_rows = _table([], self.tr("The top of the sheet"))
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
                item = QTableWidgetItem(_cell(value))
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

    # -- page 3: the mapping -------------------------------------------------------------------

    def _mapping_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Which field each column goes to (starred fields are "
                                        "needed on every row):")))
        self.mapping = _table([self.tr("Column"), self.tr("Sample values"),
                               self.tr("Goes to")], self.tr("Column mapping"))
        layout.addWidget(self.mapping, 3)
        self.values_label = QLabel(self.tr("Values in coded columns that need a code:"))
        layout.addWidget(self.values_label)
        self.value_table = _table([self.tr("Field"), self.tr("In the file"),
                                   self.tr("Means")], self.tr("Value mapping"))
        layout.addWidget(self.value_table, 2)
        row = QHBoxLayout()
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText(self.tr("Name, e.g. Monthly tracker"))
        self.profile_name.setAccessibleName(self.tr("Name of the mapping"))
        self.save_profile_button = QPushButton(self.tr("Save this mapping"))
        self.save_profile_button.clicked.connect(self.save_mapping)
        row.addWidget(QLabel(self.tr("Save it for next time as:")))
        row.addWidget(self.profile_name, 1)
        row.addWidget(self.save_profile_button)
        layout.addLayout(row)
        self.stack.addWidget(page)

    def _fill_mapping(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        kind = prepared.kind
        self.field_combos: list[Combo] = []
        self.mapping.setRowCount(len(prepared.headings))
        for i, heading in enumerate(prepared.headings):
            from ...io.spreadsheets.reading import column_letter

            self.mapping.setItem(i, 0, QTableWidgetItem(
                f"{column_letter(i)}: {heading}" if heading else column_letter(i)))
            samples = [_cell(r[i]) for r in prepared.sample if i < len(r) and _cell(r[i])]
            self.mapping.setItem(i, 1, QTableWidgetItem(", ".join(samples[:4])))
            combo = Combo()
            combo.addItem(self.tr("Not imported"), "")
            for spec in kind.import_fields:
                combo.addItem(spec.label + (" *" if spec.required else ""), spec.name)
            combo.setCurrentIndex(max(0, combo.findData(self.columns.get(i, ""))))
            combo.setAccessibleName(self.tr("Field for column {c}").format(
                c=column_letter(i)))
            combo.currentIndexChanged.connect(lambda _n, i=i, c=combo: self._mapped(i, c))
            self.mapping.setCellWidget(i, 2, combo)
            self.field_combos.append(combo)
        self.mapping.resizeColumnToContents(0)
        self.mapping.setColumnWidth(1, max(300, self.mapping.columnWidth(1)))
        self.mapping.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.mapping.horizontalHeader().setStretchLastSection(False)
        self.mapping.setColumnWidth(2, 260)
        self._fill_values()

    def _mapped(self, index: int, combo: Combo) -> None:
        name = str(combo.currentData() or "")
        if name:
            self.columns[index] = name
        else:
            self.columns.pop(index, None)
        self.checked = None
        self._fill_values()
        self._update_buttons()

    def _fill_values(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        kind = prepared.kind
        unknown = unknown_values(kind, self.columns, prepared.sample, self.values)
        mapped = [(name, key) for name, texts in self.values.items() for key in texts]
        rows: list[tuple[str, str]] = [(name, text) for name, texts in unknown.items()
                                       for text in texts]
        from ...io.tabular import heading_key

        shown = {(n, heading_key(t)) for n, t in rows}
        rows += [(n, k) for n, k in mapped if (n, k) not in shown
                 and n in self.columns.values()]
        self.value_combos: list[tuple[str, str, Combo]] = []
        self.value_table.setRowCount(len(rows))
        for r, (name, text) in enumerate(rows):
            spec = kind.field(name)
            self.value_table.setItem(r, 0, QTableWidgetItem(spec.label))
            self.value_table.setItem(r, 1, QTableWidgetItem(text))
            combo = Combo()
            combo.addItem(self.tr("Choose…"), "")
            assert spec.codes is not None
            for member in spec.codes:
                label = member.label if member.label == member.value \
                    else f"{member.value} – {member.label}"
                combo.addItem(label, member.value)
            key = heading_key(text)
            combo.setCurrentIndex(max(0, combo.findData(self.values.get(name, {}).get(key,
                                                                                      ""))))
            combo.currentIndexChanged.connect(
                lambda _n, name=name, key=key, c=combo: self._value_mapped(name, key, c))
            self.value_table.setCellWidget(r, 2, combo)
            self.value_combos.append((name, text, combo))
        self.value_table.resizeColumnToContents(0)
        self.value_table.resizeColumnToContents(1)
        self.values_label.setVisible(bool(rows))
        self.value_table.setVisible(bool(rows))

    def _value_mapped(self, name: str, key: str, combo: Combo) -> None:
        value = str(combo.currentData() or "")
        if value:
            self.values.setdefault(name, {})[key] = value
        else:
            self.values.get(name, {}).pop(key, None)
        self.checked = None
        self._update_buttons()

    def set_column(self, index: int, field_name: str) -> None:
        """Map a column to a field as the user would with its combo."""
        combo = self.field_combos[index]
        combo.setCurrentIndex(combo.findData(field_name))

    def set_value(self, field_name: str, text: str, code: str) -> None:
        """Map a text of a coded column to a code as the user would."""
        for name, shown, combo in self.value_combos:
            if name == field_name and shown == text:
                combo.setCurrentIndex(combo.findData(code))
                return
        raise KeyError(text)

    def save_mapping(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        try:
            save_profile(self.ctx.db, prepared.kind.name, self.profile_name.text(),
                         columns_by_heading(prepared.headings, self.columns), self.values,
                         prepared.header.row_number)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        name = " ".join(self.profile_name.text().split())
        with QSignalBlocker(self.profile_combo):
            if self.profile_combo.findData(name) < 0:
                self.profile_combo.addItem(name, name)
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(name))
        self.say(self.tr("Saved the mapping as {name}.").format(name=name))

    # -- page 4: the preview -------------------------------------------------------------------

    def _preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        layout.addWidget(self.preview_summary)
        self.problems = _table([self.tr("Level"), self.tr("Sheet"), self.tr("Row"),
                                self.tr("Column"), self.tr("Problem")], self.tr("Problems found"))
        layout.addWidget(self.problems, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Save a copy with an error column…"))
        self.copy_button.clicked.connect(self.save_copy)
        self.recheck_button = QPushButton(self.tr("Check again"))
        self.recheck_button.clicked.connect(self.run_preview)
        row.addWidget(self.copy_button)
        row.addWidget(self.recheck_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.stack.addWidget(page)

    def run_preview(self) -> None:
        """Check every row off the GUI thread (nothing is written)."""
        if self.prepared is None:
            return
        self._prepare(self.prepared.header.row_number, keep_columns=True)
        prepared = self.prepared
        if prepared is None:
            return
        self.checked = None
        self.preview_summary.setText(self.tr("Checking every row…"))
        self.problems.setRowCount(0)
        today = self.ctx.today()

        def work(state: TaskState) -> ImportResult:
            return run_import(self.ctx.db, prepared, commit=False, state=state, today=today)

        self._start(self.tr("Checking the spreadsheet"), work, self._previewed)

    def _previewed(self, result: ImportResult) -> None:
        self.checked = result
        self.preview_summary.setText(self.tr(
            "{rows}: {new} new, {updated} to update, {same} unchanged; {errors}, "
            "{warnings}. {what}").format(
            rows=_count(result.rows, "row"), new=f"{result.created:,}",
            updated=f"{result.updated:,}", same=f"{result.unchanged:,}",
            errors=_count(result.errors, "error"), warnings=_count(result.warnings, "warning"),
            what=self.tr("Fix the file or the mapping, then check again: nothing is imported "
                         "while there are errors.") if result.errors
            else self.tr("Nothing has been written yet: choose Import.")))
        problems = sorted(result.problems, key=lambda p: (p.level != "error", p.row))
        shown = problems[:2000]
        self.problems.setRowCount(len(shown))
        for r, p in enumerate(shown):
            for c, text in enumerate((p.level.capitalize(), p.sheet, str(p.row), p.column,
                                      p.message)):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        for column in range(4):
            self.problems.resizeColumnToContents(column)
        self.copy_button.setEnabled(bool(result.errors))
        self._update_buttons()

    def save_copy(self, path: str | None = None) -> None:
        if self.checked is None or self.prepared is None:
            return
        name = path or save_file_name(
            self, self.tr("Save a copy with an error column"),
            f"{Path(self.file_edit.text()).stem}-problems.xlsx", "Excel workbook (*.xlsx)")
        if not name:
            return
        try:
            save_error_copy(self.prepared, self.checked, name)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.say(self.tr("Saved the copy with its problems to {path}.").format(path=name))

    # -- page 5: the import --------------------------------------------------------------------

    def _done_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        layout.addWidget(self.done_text)
        self.undo_button = QPushButton(self.tr("Undo this import"))
        self.undo_button.setToolTip(self.tr("Mark the records it added as deleted and give "
                                            "the records it changed their values back"))
        self.undo_button.clicked.connect(self.undo)
        self.again_button = QPushButton(self.tr("Import another file…"))
        self.again_button.clicked.connect(self.start_again)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.again_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.stack.addWidget(page)

    def start_again(self) -> None:
        """Back to the first step for the next file (the kind and mapping kept)."""
        self.book = self.prepared = self.checked = self.committed = None
        self.columns, self.values = {}, {}
        self.file_edit.clear()
        self._kind_chosen()
        self.say("")
        self.go(0)

    def commit(self) -> None:
        prepared = self.prepared
        if prepared is None or self.checked is None or self.checked.errors:
            return
        today = self.ctx.today()

        def work(state: TaskState) -> ImportResult:
            return run_import(self.ctx.db, prepared, commit=True, state=state, today=today)

        self.task = self.ctx.tasks.start(self.tr("Importing {name}").format(
            name=prepared.book.name), work, on_success=self._committed,
            on_failure=self._failed, on_cancel=self._cancelled)
        self.task.finished.connect(self._task_done)
        self.progress = ProgressDialog(self.task, self)
        self.progress.show()
        self._update_buttons()

    def _committed(self, result: ImportResult) -> None:
        if not result.committed:
            self.say(self.tr("Nothing was imported: {n} found.").format(
                n=_count(result.errors, "error")), error=True)
            self._previewed(result)
            self.go(3)
            return
        self.committed = result
        self.done_text.setText(self.tr(
            "Imported {file}: {new} added, {updated} updated, {same} unchanged. The import is "
            "recorded with your name, the file and the time; it can be undone until another "
            "import is made.").format(file=result.file, new=f"{result.created:,}",
                                      updated=f"{result.updated:,}",
                                      same=f"{result.unchanged:,}"))
        self.undo_button.setEnabled(True)
        self.say(self.tr("Import finished."))
        self.go(4)

    def _cancelled(self) -> None:
        self.say(self.tr("The import was cancelled; the database is unchanged."))

    def undo(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("Undo the import"),
            self.tr("Mark the records this import added as deleted, and give the records it "
                    "changed their values back?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.undo_now()

    def undo_now(self) -> None:
        try:
            undone = undo_last_batch(self.ctx.db)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.undo_button.setEnabled(False)
        self.done_text.setText(self.tr("The import of {file} was undone: {deleted} records "
                                       "marked deleted, {restored} given their values "
                                       "back.").format(file=undone.batch.file_name,
                                                       deleted=f"{undone.deleted:,}",
                                                       restored=f"{undone.restored:,}"))
        self.say(self.tr("Import undone."))

    # -- moving between steps ------------------------------------------------------------------

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.steps.setText("   ›   ".join(
            f"<b>{n + 1}. {name}</b>" if n == step else f"{n + 1}. {name}"
            for n, name in enumerate(STEPS)))
        if step == 3 and self.checked is None:
            self.run_preview()
        self._update_buttons()

    def back(self) -> None:
        self.go(max(0, self.stack.currentIndex() - 1))

    def forward(self) -> None:
        step = self.stack.currentIndex()
        if step == 3:
            self.commit()
            return
        self.go(step + 1)

    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        busy = self.task is not None
        ready = self.book is not None if step == 0 else self.prepared is not None
        self.back_button.setEnabled(0 < step < 4 and not busy)
        if step == 3:
            self.next_button.setText(self.tr("Import"))
            self.next_button.setEnabled(not busy and self.checked is not None
                                        and not self.checked.errors and self.checked.rows > 0)
        else:
            self.next_button.setText(self.tr("Next >"))
            missing = missing_required(self.prepared.kind, self.columns) \
                if self.prepared else []
            self.next_button.setEnabled(not busy and step < 4 and ready
                                        and not (step == 2 and missing))
            if step == 2 and missing:
                self.say(self.tr("Map a column to: {fields}.").format(
                    fields=", ".join(f.label for f in missing)))
                self._asked_for_columns = True
            elif getattr(self, "_asked_for_columns", False):
                self._asked_for_columns = False
                self.say("")
        self.next_button.setVisible(step < 4)

    def _start(self, title: str, work: Any, done: Any) -> None:
        self.task = self.ctx.tasks.start(title, work, on_success=done,
                                         on_failure=self._failed)
        self.task.finished.connect(self._task_done)
        self._update_buttons()

    def _task_done(self) -> None:
        self.task = None
        self._update_buttons()

    def _failed(self, exc: BaseException, _detail: str) -> None:
        if isinstance(exc, UserError):
            self.say(str(exc), error=True)
        else:
            self.say(self.tr("Something went wrong inside Placement Desk; nothing was "
                             "changed. The log has the details."), error=True)
        if self.stack.currentIndex() == 3:
            self.preview_summary.setText(str(exc) if isinstance(exc, UserError) else "")

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()
