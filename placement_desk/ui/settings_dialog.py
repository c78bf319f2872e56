"""Settings: every shared setting in the registry, made from it, one tab a group.

The fields come from :data:`~placement_desk.services.common.settings_store.OPTIONS` by
kind: a text box, a number with its unit, a tick box, or a group of numbers for a
setting with parts (QA cycles by risk level, risk weights). A setting declared there
appears here with no more code. The form is checked as it changes with the registry's
limits and the council rules (:mod:`~placement_desk.services.common.settings_form`); a
problem shows under its setting once the field has been left, or on Save, and Save
waits until it is put right. Saving applies to everyone using the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..db import Database
from ..errors import ValidationError
from ..services.common.settings_form import (
    TEXT_MAX,
    check_settings,
    load_settings,
    option_groups,
    save_settings,
)
from ..services.common.settings_store import Option
from .common.a11y import with_mnemonic
from .common.fields import NumberField, error_label, say
from .common.form_base import CheckedDialog

GROUP_TITLES = {"Council": "Council", "Alerts": "Rating alerts", "QA": "QA visits",
                "Risk": "Provider risk", "Contracts": "Contracts"}
"""Tab titles for the registry's groups; a new group shows under its own name."""


def number_field(option: Option, what: str) -> NumberField:
    """A whole number within the setting's limits, its unit after it ("1 month")."""
    low = option.minimum if option.minimum is not None else 0
    high = option.maximum if option.maximum is not None else 1_000_000
    field = NumberField(low, high, what=what)
    unit = option.unit
    if unit:
        def suffix() -> None:
            field.set_suffix(unit[:-1] if field.value() == 1 and unit.endswith("s") else unit)

        field.changed.connect(suffix)
        suffix()
    return field


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class SettingsDialog(CheckedDialog):
    """Ctrl+S or Save stores the settings for everyone; Escape asks before discarding."""

    def __init__(self, db: Database, today: dt.date, parent: QWidget | None = None,
                 focus: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.saved = False
        self.setWindowTitle(self.tr("Settings"))
        self._to_watch: list[tuple[str, QWidget]] = []
        self.inputs: dict[str, QWidget] = {}
        """Each setting's field: a line edit, number, tick box, or a dict's group box."""
        self.parts: dict[str, dict[str, NumberField]] = {}
        self.errors: dict[str, QLabel] = {}
        self.tab_of: dict[str, int] = {}
        values = load_settings(db)
        self.tabs = QTabWidget()
        for index, (group, options) in enumerate(option_groups()):
            taken = {"s", "c"}  # Save and Cancel; a tab's letters work while it is shown
            self.tabs.addTab(self._group_page(options, values, taken),
                             self.tr(GROUP_TITLES.get(group, group)))
            for option in options:
                self.tab_of[option.key] = index
        self.error = error_label("error")  # a problem with no field of its own
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save for everyone using this database (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(
            self.save)
        layout = QVBoxLayout(self)
        intro = _note(self.tr("These settings apply to everyone using this database."))
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for key, widget in self._to_watch:
            self.watch(key, widget)
        self.setMinimumWidth(560)
        self._fit_screen()
        if focus is not None and focus in self.inputs:
            self.tabs.setCurrentIndex(self.tab_of[focus])
            self.inputs[focus].setFocus()
        self.ready()

    # -- building ------------------------------------------------------------------------

    def _group_page(self, options: list[Option], values: dict[str, Any],
                    taken: set[str]) -> QScrollArea:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setSpacing(12)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for option in options:
            if option.kind is dict and option.parts:
                if form.rowCount():
                    column.addLayout(form)
                    form = QFormLayout()
                column.addWidget(self._parts_box(option, values.get(option.key) or {}, taken))
                continue
            widget = self._field(option, values.get(option.key))
            error = error_label(f"error_{option.key}")
            self.errors[option.key] = error
            holder = QWidget()
            stack = QVBoxLayout(holder)
            stack.setContentsMargins(0, 0, 0, 0)
            stack.setSpacing(2)
            stack.addWidget(widget)
            if option.help:
                stack.addWidget(_note(self.tr(option.help)))
            stack.addWidget(error)
            if isinstance(widget, QCheckBox):
                form.addRow(holder)
            else:
                label = QLabel(with_mnemonic(self.tr(option.label), taken))
                label.setBuddy(widget.edit if isinstance(widget, NumberField) else widget)
                label.setWordWrap(True)
                form.addRow(label, holder)
            widget.setAccessibleName(self.tr(option.label))
            self.inputs[option.key] = widget
            self._to_watch.append((option.key, widget))
        if form.rowCount():
            column.addLayout(form)
        column.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it follows the field in focus
        area.setWidget(page)
        return area

    def _field(self, option: Option, value: Any) -> QWidget:
        if option.kind is bool:
            box = QCheckBox(self.tr(option.label))
            box.setChecked(bool(value))
            return box
        if option.kind is int:
            field = number_field(option, self.tr(option.label).lower())
            field.set_value(value)
            return field
        edit = QLineEdit("" if value is None else str(value))
        edit.setMaxLength(option.maximum or TEXT_MAX)
        return edit

    def _parts_box(self, option: Option, value: dict[str, Any], taken: set[str]) -> QGroupBox:
        box = QGroupBox(self.tr(option.label))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        if option.help:
            form.addRow(_note(self.tr(option.help)))
        fields: dict[str, NumberField] = {}
        assert option.parts is not None
        for part, text in option.parts.items():
            field = number_field(option, self.tr(text).lower())
            field.set_value(value.get(part))
            field.setAccessibleName(f"{self.tr(option.label)}: {self.tr(text)}")
            label = QLabel(with_mnemonic(self.tr(text), taken))
            label.setBuddy(field.edit)
            form.addRow(label, field)
            fields[part] = field
            self._to_watch.append((option.key, field))
        error = error_label(f"error_{option.key}")
        form.addRow(error)
        self.errors[option.key] = error
        self.parts[option.key] = fields
        self.inputs[option.key] = next(iter(fields.values()))
        return box

    def _fit_screen(self) -> None:
        """As tall as the longest tab wants, never taller than the screen."""
        screen = self.screen().availableGeometry()
        pages = [area.widget() for area in self.tabs.findChildren(QScrollArea)]
        want = max((page.sizeHint().height() for page in pages if page is not None),
                   default=400)
        self.resize(max(self.sizeHint().width(), 640),
                    min(want + 220, screen.height() - 80))

    # -- values ------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The settings as the form shows them."""
        out: dict[str, Any] = {}
        for key, widget in self.inputs.items():
            if key in self.parts:
                out[key] = {part: field.value() for part, field in self.parts[key].items()}
            elif isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, NumberField):
                out[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                out[key] = widget.text()
        return out

    # -- checking and saving -------------------------------------------------------------------

    def show_error(self, error: ValidationError | None) -> None:
        placed = False
        for key, label in self.errors.items():
            show = error is not None and error.field == key
            placed = placed or show
            say(label, error.message if show and error else "")
            if show and self.submitted and key in self.tab_of:
                self.tabs.setCurrentIndex(self.tab_of[key])  # Save shows where the problem is
        say(self.error, error.message if error is not None and not placed else "")

    def check(self) -> None:
        check_settings(self.values())

    def store(self) -> None:
        save_settings(self.db, self.values(), self.today)
        self.saved = True
