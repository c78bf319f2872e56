"""The frame shared by record forms: labelled rows, errors beside the field, Save held back.

A subclass adds its rows with :meth:`FormDialog.add_row`, implements
:meth:`FormDialog.check` (call the service's validation, raising
:class:`~placement_desk.errors.ValidationError`) and :meth:`FormDialog.store`
(save, returning the record's id). Save (or Ctrl+S) stays disabled while the
form has an error; Escape cancels. Date fields are dd/mm/yyyy, with a tick box
when the date may be left out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...errors import ValidationError
from .colours import colour


def error_label(name: str = "") -> QLabel:
    """A hidden, word-wrapped label for a problem, in bold red (readable in every theme)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setVisible(False)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour("red"))
    label.setPalette(palette)
    return label


def to_date(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class DateField(QWidget):
    """A dd/mm/yyyy date, optionally with a tick box saying whether it is known."""

    def __init__(self, optional: bool = False, label: str = "") -> None:
        super().__init__()
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setCalendarPopup(True)
        self.edit.setDate(QDate.currentDate())
        self.known: QCheckBox | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        if optional:
            self.known = QCheckBox(label)
            self.known.toggled.connect(self.edit.setEnabled)
            self.edit.setEnabled(False)
            row.addWidget(self.known)
        row.addWidget(self.edit, 1)
        self.setFocusProxy(self.known or self.edit)

    def value(self) -> dt.date | None:
        if self.known is not None and not self.known.isChecked():
            return None
        return to_date(self.edit)

    def set_value(self, day: dt.date | None) -> None:
        if self.known is not None:
            self.known.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(to_qdate(day))

    def on_change(self, slot: Any) -> None:
        self.edit.dateChanged.connect(slot)
        if self.known is not None:
            self.known.toggled.connect(slot)


def code_combo(choices: Iterable[tuple[str, str]], blank: str | None = None,
               show_code: bool = True) -> QComboBox:
    """A combo of (code, label) choices showing "K2 – Children's home"; data is the code."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, "")
    for value, label in choices:
        combo.addItem(f"{value} – {label}" if show_code and value != label else label, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(24)
    return combo


def set_combo(combo: QComboBox, value: Any) -> None:
    combo.setCurrentIndex(max(0, combo.findData("" if value is None else str(value))))


def combo_value(combo: QComboBox) -> str | None:
    return str(combo.currentData() or "") or None


def money_box(maximum: float = 100000.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setPrefix("£")
    box.setDecimals(2)
    box.setRange(0, maximum)
    box.setGroupSeparatorShown(True)
    box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    return box


def pence(box: QDoubleSpinBox) -> int:
    return round(box.value() * 100)


class CheckedDialog(QDialog):
    """A form whose Save waits until :meth:`check` passes; Save stores it and closes.

    A subclass provides ``save_button``, :meth:`check`, :meth:`store` and
    :meth:`show_error` (which puts a problem beside its field), and calls
    :meth:`revalidate` as fields change. Enter does nothing while Save is disabled.
    """

    save_button: QPushButton
    saved_id: uuid.UUID | None = None
    _ready = True

    def check(self) -> None:
        """Raise ValidationError if the form cannot be saved."""

    def store(self) -> uuid.UUID | None:
        """Save; return the record's id."""
        return None

    def show_error(self, error: ValidationError | None) -> None:
        """Show the problem (None: clear it)."""

    def revalidate(self) -> bool:
        if not self._ready:
            return False
        try:
            self.check()
        except ValidationError as exc:
            self.show_error(exc)
            self.save_button.setEnabled(False)
            return False
        self.show_error(None)
        self.save_button.setEnabled(True)
        return True

    def save(self) -> None:
        if not self.revalidate():
            return
        try:
            self.saved_id = self.store()
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.accept()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not self.save_button.isEnabled():
            return
        super().keyPressEvent(event)


class FormDialog(CheckedDialog):
    """Rows with an error line each; Save waits until :meth:`check` passes."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.saved_id: uuid.UUID | None = None
        # Fields signal changes while a subclass is still building them: checks wait for
        # ready(), which the subclass calls once every field exists.
        self._ready = False
        self.errors: dict[str, QLabel] = {}
        self.form_layout = QFormLayout()
        self.form_layout.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Ctrl+S")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        self.general_error = error_label("general_error")
        # The rows scroll when the screen is too short for them (a laptop at 125% has
        # about 610 pixels); the buttons and messages stay in view below them.
        self.form_area = QWidget()
        self.form_area.setLayout(self.form_layout)
        self.rows_scroll = QScrollArea()
        self.rows_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rows_scroll.setWidgetResizable(True)
        self.rows_scroll.setWidget(self.form_area)
        self._sized = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.rows_scroll, 1)
        self.required_note = QLabel(self.tr("* required"))
        self.layout_.addWidget(self.required_note)
        self.layout_.addWidget(self.general_error)
        self.layout_.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:  # first show: as big as the rows want, as the screen allows
            self._sized = True
            want = self.form_area.sizeHint()
            bar = self.rows_scroll.verticalScrollBar().sizeHint().width()
            others = self.sizeHint().height() - self.rows_scroll.sizeHint().height()
            screen = self.screen().availableGeometry()
            self.resize(min(max(self.width(), want.width() + bar + 24), screen.width() - 40),
                        min(want.height() + others + 8, screen.height() - 60))
        super().showEvent(event)

    def add_row(self, key: str, label: str, widget: QWidget, tooltip: str = "") -> QWidget:
        error = error_label(f"error_{key}")
        self.errors[key] = error
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(error)
        if tooltip:
            widget.setToolTip(tooltip)
        self.form_layout.addRow(label, holder)
        self._watch(widget)
        return widget

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.textChanged.connect(self.revalidate)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.revalidate)
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            widget.valueChanged.connect(self.revalidate)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self.revalidate)
        elif isinstance(widget, DateField):
            widget.on_change(self.revalidate)

    def show_error(self, error: ValidationError | None) -> None:
        placed = False
        for key, label in self.errors.items():
            show = error is not None and error.field == key
            placed = placed or show
            label.setVisible(show)
            label.setText(error.message if show and error else "")
        unplaced = error is not None and not placed
        self.general_error.setVisible(unplaced)
        self.general_error.setText(error.message if unplaced and error else "")

    def ready(self) -> None:
        """Every field exists: start checking the form as it changes."""
        self._ready = True
        self.revalidate()
