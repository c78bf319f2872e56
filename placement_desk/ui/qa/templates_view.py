"""The QA templates tab: the areas a visit examines, per type of setting, and their versions.

The list shows each template at its latest version; the areas of the chosen one
are listed beside it. "Edit…" (Enter) saves a new version, "New template…"
(Ctrl+N) adds one for a type that has none. The standard templates (the
regulations' quality standards) are added the first time the list is empty.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.qa.templates import TemplateInfo, ensure_default_templates, list_templates
from ..common.rows import ID_ROLE, ROW_ROLE, Column, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from .template_dialog import TemplateDialog

COLUMNS: list[Column[TemplateInfo]] = [
    Column("Name", lambda t: t.name),
    Column("Type of setting", lambda t: t.setting_type.label if t.setting_type
           else "Every other type",
           tooltip="Types without their own template use the one for every other type"),
    Column("Version", lambda t: str(t.version_no), sort=lambda t: t.version_no,
           align_right=True),
    Column("Areas", lambda t: str(len(t.areas)), sort=lambda t: len(t.areas),
           align_right=True),
]


class TemplatesView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self.model: RowTableModel[TemplateInfo] = RowTableModel(COLUMNS, lambda t: t.id)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("QA templates"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.areas_label = QLabel(self.tr("Areas examined"))
        self.areas = QListWidget()
        self.areas.setAccessibleName(self.tr("Areas of the chosen template"))
        self.areas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.areas_label)
        side_layout.addWidget(self.areas, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.note = QLabel(self.tr(
            "Editing a template saves a new version: visits already recorded keep the areas "
            "they were recorded with; visits started from now on use the new version."))
        self.note.setWordWrap(True)
        self.new_button = QPushButton(self.tr("New template…"))
        self.new_button.setToolTip(self.tr("A template for a type of setting that has none "
                                           "(Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Change the chosen template's areas (Enter)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.note, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.new_button.clicked.connect(self.new_template)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        local_shortcuts(self, [(QKeySequence.StandardKey.New, self.new_template)])
        local_shortcuts(self.table, [(Qt.Key.Key_Return, self.edit_selected),
                                     (Qt.Key.Key_Enter, self.edit_selected)], children=False)
        self.setTabOrder(self.new_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.table)
        self._selected()

    def reload(self) -> None:
        keep = self.selected()
        templates = list_templates(self.ctx.db)
        if not templates:
            ensure_default_templates(self.ctx.db)
            templates = list_templates(self.ctx.db)
        self.model.set_rows(templates)
        self.select_id(keep.id if keep else (templates[0].id if templates else None))
        self._selected()

    def selected(self) -> TemplateInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def select_id(self, template_id: uuid.UUID | None) -> None:
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(ID_ROLE) == template_id:
                self.table.selectRow(row)
                return

    def _selected(self) -> None:
        template = self.selected()
        self.edit_button.setEnabled(template is not None)
        self.areas.clear()
        if template is None:
            self.areas_label.setText(self.tr("Choose a template to see its areas."))
            return
        self.areas_label.setText(self.tr("Areas examined (version {n})").format(
            n=template.version_no))
        for n, area in enumerate(template.areas, start=1):
            self.areas.addItem(f"{n}. {area}")

    def edit_dialog(self) -> TemplateDialog | None:
        template = self.selected()
        if template is None:
            self.message.setText(self.tr("Choose a template in the list first."))
            return None
        dialog = TemplateDialog(self.ctx.db, template, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog))
        return dialog

    def new_dialog(self) -> TemplateDialog:
        taken = {t.setting_type for t in self.model.rows}
        dialog = TemplateDialog(self.ctx.db, None, taken, self)
        dialog.accepted.connect(lambda: self._saved(dialog))
        return dialog

    def edit_selected(self) -> None:
        dialog = self.edit_dialog()
        if dialog is not None:
            dialog.open()

    def new_template(self) -> None:
        self.new_dialog().open()

    def _saved(self, dialog: TemplateDialog) -> None:
        saved = dialog.saved
        if saved is None:
            return
        if dialog.template is not None and saved.version_no == dialog.template.version_no:
            self.message.setText(self.tr("{name} is unchanged: no new version was saved.")
                                 .format(name=saved.name))
        else:
            self.message.setText(self.tr("{name} saved as version {n}.").format(
                name=saved.name, n=saved.version_no))
        self.reload()
        self.select_id(saved.id)
