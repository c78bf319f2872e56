"""Edit the areas a QA visit examines: add, rename, remove and reorder, saved as a new version.

A new template also takes a name and the type of setting it serves. Saving an
existing template adds a version through the service; visits already recorded
keep the areas they were recorded with.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models import QaTemplate
from ...models.enums import SettingType
from ...services.common.limits import max_length
from ...services.qa.templates import TemplateInfo, create_template, edit_template
from ..common.colours import colour
from ..common.fields import Combo
from ..common.form_base import DiscardGuard

EVERY_OTHER = "__other__"
"""The setting-type choice for a template without a type: it serves every other type."""


class _EnterAdds(QLineEdit):
    """A line whose Enter adds the area instead of pressing the dialog's Save button."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class TemplateDialog(DiscardGuard):
    """``template`` None makes a new template; ``taken`` are the types that have one already."""

    def __init__(self, db: Database, template: TemplateInfo | None,
                 taken: set[SettingType | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.template = template
        self.saved: TemplateInfo | None = None
        self._build_about(template)
        self._build_name_and_type(template, taken or set())
        self._build_error_labels()
        self._build_areas(template)
        grid = self._build_area_editor()
        form = self._build_form()
        areas_label = QLabel(self.tr("Areas examined *"))
        areas_label.setBuddy(self.areas)
        self._build_buttons(template)
        self._build_layout(form, areas_label, grid)
        self._connect_signals()
        self._build_shortcuts()
        self.resize(560, 560)
        if self.areas.count():
            self.areas.setCurrentRow(0)
        (self.areas if template else self.name).setFocus()
        self._enable()

    # -- building the dialog -------------------------------------------------------------

    def _build_about(self, template: TemplateInfo | None) -> None:
        """The window title and the line above the form saying what saving does."""
        if template is None:
            self.setWindowTitle(self.tr("New QA template"))
            about = self.tr("Name the template, choose the type of setting it is for, and "
                            "list the areas a visit examines, in the order the form shows "
                            "them.")
        else:
            self.setWindowTitle(self.tr("Edit QA template: {name}").format(name=template.name))
            about = self.tr("Saving makes version {next} of this template. Visits already "
                            "recorded keep the areas they were recorded with (version {now} "
                            "or earlier).").format(next=template.version_no + 1,
                                                   now=template.version_no)
        self.about = QLabel(about)
        self.about.setWordWrap(True)

    def _build_name_and_type(self, template: TemplateInfo | None,
                             taken: set[SettingType | None]) -> None:
        """The name and the setting type: fixed for an existing template, free for a new one."""
        self.name = QLineEdit(template.name if template else "")
        self.name.setMaxLength(max(max_length(QaTemplate.name) or 200, len(self.name.text())))
        self.name.setAccessibleName(self.tr("Template name"))
        self.name.setReadOnly(template is not None)
        self.setting_type = Combo()
        self.setting_type.setAccessibleName(self.tr("Type of setting"))
        if template is not None:
            self.setting_type.addItem(template.setting_type.label if template.setting_type
                                      else self.tr("Every other type"),
                                      template.setting_type.value if template.setting_type
                                      else EVERY_OTHER)
            self.setting_type.setEnabled(False)
        else:
            if None not in taken:
                self.setting_type.addItem(self.tr("Every other type"), EVERY_OTHER)
            for kind in SettingType:
                if kind not in taken:
                    self.setting_type.addItem(kind.label, kind.value)

    def _build_error_labels(self) -> None:
        self.name_error, self.type_error, self.areas_error = (QLabel(), QLabel(), QLabel())
        for label in (self.name_error, self.type_error, self.areas_error):
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {colour('red').name()};")
            label.setVisible(False)

    def _build_areas(self, template: TemplateInfo | None) -> None:
        """The list of areas, each renamed in place."""
        self.areas = QListWidget()
        self.areas.setAccessibleName(self.tr("Areas examined"))
        self.areas.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.areas.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        for area in (template.areas if template else ()):
            self._add_item(area)

    def _build_area_editor(self) -> QGridLayout:
        """The list with its buttons beside it and the line for a new area below."""
        self.new_area = _EnterAdds()
        self.new_area.setPlaceholderText(self.tr("A new area, then Add"))
        self.new_area.setAccessibleName(self.tr("New area"))
        self.add_button = QPushButton(self.tr("Add"))
        self.rename_button = QPushButton(self.tr("Rename"))
        self.rename_button.setToolTip(self.tr("Edit the chosen area's name (F2)"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.up_button = QPushButton(self.tr("Move up"))
        self.down_button = QPushButton(self.tr("Move down"))
        self.up_button.setToolTip("Ctrl+Up")
        self.down_button.setToolTip("Ctrl+Down")
        side = QVBoxLayout()
        for button in (self.rename_button, self.remove_button, self.up_button,
                       self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.areas, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.addWidget(self.new_area, 1, 0)
        grid.addWidget(self.add_button, 1, 1)
        return grid

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.tr("Name *"), self.name)
        form.addRow("", self.name_error)
        form.addRow(self.tr("Type of setting *"), self.setting_type)
        form.addRow("", self.type_error)
        return form

    def _build_buttons(self, template: TemplateInfo | None) -> None:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            self.tr("Save as version {n}").format(n=template.version_no + 1) if template
            else self.tr("Create template"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Ctrl+S")

    def _build_layout(self, form: QFormLayout, areas_label: QLabel, grid: QGridLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(areas_label)
        layout.addLayout(grid, 1)
        layout.addWidget(self.areas_error)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.add_area)
        self.new_area.returnPressed.connect(self.add_area)
        self.rename_button.clicked.connect(self.rename_area)
        self.remove_button.clicked.connect(self.remove_area)
        self.up_button.clicked.connect(lambda: self.move_area(-1))
        self.down_button.clicked.connect(lambda: self.move_area(1))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.areas.currentRowChanged.connect(lambda _r: self._enable())
        self.areas.itemChanged.connect(lambda _i: self._edited())
        self.name.textChanged.connect(lambda _t: self._edited())
        for signal in (self.areas.model().rowsInserted, self.areas.model().rowsRemoved,
                       self.areas.model().rowsMoved, self.areas.model().dataChanged,
                       self.name.textEdited, self.new_area.textEdited,
                       self.setting_type.activated):
            signal.connect(self.mark_dirty)

    def _build_shortcuts(self) -> None:
        """Ctrl+S saves; Ctrl+Up and Ctrl+Down move the chosen area."""
        for keys, slot in ((QKeySequence(QKeySequence.StandardKey.Save), self.save),
                           (QKeySequence("Ctrl+Up"), lambda: self.move_area(-1)),
                           (QKeySequence("Ctrl+Down"), lambda: self.move_area(1))):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(slot)

    # -- the list ------------------------------------------------------------------------

    def _add_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.areas.addItem(item)
        return item

    def area_names(self) -> list[str]:
        return [self.areas.item(i).text() for i in range(self.areas.count())]

    def add_area(self) -> None:
        text = " ".join(self.new_area.text().split())
        if not text:
            self.new_area.setFocus()
            return
        if text.casefold() in {a.casefold() for a in self.area_names()}:
            self._error(self.areas_error, self.tr("{area} is already in the list.").format(
                area=text))
            return
        self._add_item(text)
        self.areas.setCurrentRow(self.areas.count() - 1)
        self.new_area.clear()
        self.new_area.setFocus()
        self._edited()

    def rename_area(self) -> None:
        item = self.areas.currentItem()
        if item is not None:
            self.areas.setFocus()
            self.areas.editItem(item)

    def remove_area(self) -> None:
        row = self.areas.currentRow()
        if row < 0:
            return
        self.areas.takeItem(row)
        if self.areas.count():
            self.areas.setCurrentRow(min(row, self.areas.count() - 1))
        self._edited()

    def move_area(self, step: int) -> None:
        row = self.areas.currentRow()
        target = row + step
        if row < 0 or not (0 <= target < self.areas.count()):
            return
        item = self.areas.takeItem(row)
        self.areas.insertItem(target, item)
        self.areas.setCurrentRow(target)
        self._edited()

    # -- checks and saving ---------------------------------------------------------------

    @staticmethod
    def _error(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _edited(self) -> None:
        for label in (self.name_error, self.type_error, self.areas_error):
            self._error(label, "")
        self._enable()

    def _enable(self) -> None:
        row = self.areas.currentRow()
        count = self.areas.count()
        self.rename_button.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        ready = count > 0 and bool(self.name.text().strip()) and self.setting_type.count() > 0
        self.save_button.setEnabled(ready)
        if self.template is None and self.setting_type.count() == 0:
            self._error(self.type_error, self.tr(
                "Every type of setting has a template already. Edit one of those instead."))

    def chosen_type(self) -> SettingType | None:
        value = self.setting_type.currentData()
        return None if value in (None, EVERY_OTHER) else SettingType(value)

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            if self.template is None:
                self.saved = create_template(self.db, self.name.text(),
                                             self.chosen_type(), self.area_names())
            else:
                self.saved = edit_template(self.db, self.template.id, self.area_names())
        except ValidationError as exc:
            label = {"name": self.name_error, "setting_type": self.type_error}.get(
                exc.field, self.areas_error)
            self._error(label, exc.message)
            return
        self.dirty = False
        self.accept()

    @property
    def template_id(self) -> uuid.UUID | None:
        return self.saved.id if self.saved else None
