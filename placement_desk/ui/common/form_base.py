"""The frame shared by record forms: labelled rows, errors beside the field, Save held back.

A subclass adds its rows with :meth:`FormDialog.add_row`, implements
:meth:`FormDialog.check` (call the service's validation, raising
:class:`~placement_desk.errors.ValidationError`) and :meth:`FormDialog.store`
(save, returning the record's id).

A field's problem shows once the field has been left, or when Save (Ctrl+S) is
pressed, in a line reserved under the field so the form does not jump; while a
problem is showing, Save stays disabled. Escape or Close on a form with unsaved
changes asks before discarding them. The fields themselves (dates, money,
numbers, combo boxes) come from :mod:`placement_desk.ui.common.fields`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QFocusEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...errors import ConcurrentEdit, ValidationError
from .a11y import first_focusable, label_forms, plain_label, with_mnemonic
from .conflict_dialog import KEEP_MINE, resolve_conflict
from .fields import CheckedField, Combo, DateField, MoneyField, NumberField, error_label, say

__all__ = ["CheckedDialog", "Combo", "DateField", "DiscardGuard", "FormDialog", "MoneyField",
           "NumberField", "ask_discard", "code_combo", "combo_value", "error_label",
           "first_focusable", "plain_label", "set_combo", "with_mnemonic"]


def code_combo(choices: Iterable[tuple[str, str]], blank: str | None = None,
               show_code: bool = True) -> Combo:
    """A combo of (code, label) choices showing "K2 – Children's home"; data is the code."""
    combo = Combo()
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


def ask_discard(parent: QWidget) -> bool:
    """Ask whether to throw away unsaved changes; True to discard them."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.tr("Unsaved changes"),
                      parent.tr("You have changes that are not saved. Discard them?"),
                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                      parent)
    box.button(QMessageBox.StandardButton.Cancel).setText(parent.tr("Keep editing"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Discard


class DiscardGuard(QDialog):
    """A dialog that asks before Escape, Cancel or its close button throw away changes.

    Connect the fields' change signals to :meth:`mark_dirty`; clear :attr:`dirty` once
    saved. A close made by the program (the application shutting down, a test tidying
    up) does not wait for an answer.
    """

    dirty = False
    """True once the user has changed something not yet saved."""
    _closing_quietly = False
    _labelled = False

    def showEvent(self, event: QShowEvent) -> None:
        if not self._labelled:  # every row the subclass built is there by now
            self._labelled = True
            label_forms(self)
        super().showEvent(event)

    def mark_dirty(self, *_args: Any) -> None:
        self.dirty = True

    def confirm_discard(self) -> bool:
        """Ask before throwing away unsaved changes (True: go ahead and close)."""
        return not self.dirty or self._closing_quietly or ask_discard(self)

    def reject(self) -> None:
        if not self.confirm_discard():
            return
        self.dirty = False
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing_quietly = not event.spontaneous()
        try:
            super().closeEvent(event)
        finally:
            self._closing_quietly = False


class CheckedDialog(DiscardGuard):
    """A form whose Save waits until :meth:`check` passes; Save stores it and closes.

    A subclass provides ``save_button``, :meth:`check`, :meth:`store` and
    :meth:`show_error` (which puts a problem beside its field), registers its fields
    with :meth:`watch` (key and widget), and calls :meth:`ready` once they exist.
    A field's problem is shown once the field has been left, or on Save.
    """

    save_button: QPushButton
    saved_id: uuid.UUID | None = None
    _ready = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dirty = False
        self.submitted = False
        """True once Save has been pressed: every problem shows from then on."""
        self.left: set[str] = set()
        """The fields the user has left (their problems show)."""
        self.fields: list[tuple[str, QWidget]] = []
        """Each field with its key (several may share one, e.g. three months of a cycle)."""
        self._owners: dict[QObject, str] = {}

    # -- for subclasses ----------------------------------------------------------------------

    def check(self) -> None:
        """Raise ValidationError if the form cannot be saved."""

    def store(self) -> uuid.UUID | None:
        """Save; return the record's id."""
        return None

    def show_error(self, error: ValidationError | None) -> None:
        """Show the problem (None: clear it)."""

    def ready(self) -> None:
        """Every field exists: start checking the form as it changes."""
        self._ready = True
        self.revalidate()

    def watch(self, key: str, widget: QWidget) -> None:
        """Check the form as ``widget`` changes, and show ``key``'s problems once it is left."""
        self.fields.append((key, widget))
        for part in (widget, *widget.findChildren(QWidget)):
            if part.focusPolicy() != Qt.FocusPolicy.NoFocus:
                self._owners[part] = key
                part.installEventFilter(self)
        for part in widget.findChildren(CheckedField):  # fields inside a row of several
            part.detach_error()
            part.changed.connect(self._changed)
        changed: Any
        if isinstance(widget, CheckedField):
            widget.detach_error()
            changed = widget.changed
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            changed = widget.textChanged
        elif isinstance(widget, QComboBox):
            changed = widget.currentIndexChanged
        elif isinstance(widget, QCheckBox):
            changed = widget.toggled
        else:
            return
        changed.connect(self._changed)

    # -- checking ----------------------------------------------------------------------------

    def _changed(self, *_args: Any) -> None:
        if self._ready:
            self.dirty = True
            self.revalidate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) \
                and event.reason() not in (Qt.FocusReason.PopupFocusReason,
                                           Qt.FocusReason.ActiveWindowFocusReason):
            key = self._owners.get(watched)
            if key is not None and key not in self.left and self._ready:
                self.left.add(key)
                self.revalidate()
        return super().eventFilter(watched, event)

    name_field_problems = False
    """True for a form with one error line: a field's problem then starts with its name."""

    def field_problem(self) -> ValidationError | None:
        """A date, amount or number that cannot be read, as the form's first problem."""
        for key, widget in self.fields:
            alone = isinstance(widget, CheckedField)
            parts = [widget] if alone else widget.findChildren(CheckedField)
            for part in parts:
                if not isinstance(part, CheckedField) or not part.isEnabled():
                    continue
                problem = part.problem()
                if problem:  # a field among several (or in a one-line form) is named
                    name = part.accessibleName()
                    named = f"{name}: {problem}" if name and (
                        self.name_field_problems or not alone) else problem
                    return ValidationError(key, named)
        return None

    def shows(self, error: ValidationError) -> bool:
        """Whether ``error`` is shown now: its field has been left, or Save was pressed."""
        return self.submitted or error.field in self.left

    def revalidate(self) -> bool:
        if not self._ready:
            return False
        try:
            problem = self.field_problem()
            if problem is not None:
                raise problem
            self.check()
        except ValidationError as exc:
            shown = self.shows(exc)
            self.show_error(exc if shown else None)
            self.save_button.setEnabled(not shown)
            return False
        self.show_error(None)
        self.save_button.setEnabled(True)
        return True

    def save(self) -> None:
        self.submitted = True
        if not self.revalidate():
            return
        try:
            self.saved_id = self.store()
        except ValidationError as exc:
            self.show_error(exc)
            return
        except ConcurrentEdit as exc:
            self.conflict(exc)
            return
        self.dirty = False
        self.accept()

    # -- another officer saved the record first ----------------------------------------------

    row_version: int | None = None
    """The record's change counter as the form read it (forms that load a record set it
    and pass it to the save, which refuses if someone else saved since)."""

    def resolve(self, error: ConcurrentEdit) -> str:
        """Show both versions; :data:`KEEP_MINE` or :data:`TAKE_THEIRS` (tests replace it)."""
        return resolve_conflict(self, error)

    def reload_saved(self) -> bool:
        """Show the record as saved now (a form that can reload says True)."""
        return False

    def conflict(self, error: ConcurrentEdit) -> None:
        """The save met another officer's: keep this form's values (the next Save
        replaces theirs) or take theirs (the form reloads them, or closes unsaved)."""
        if self.resolve(error) == KEEP_MINE:
            self.row_version = error.current_version
            self.show_error(ValidationError("general", self.tr(
                "Your version is still in the form: Save replaces theirs with it.")))
            return
        self.dirty = False
        if self.reload_saved():
            self.show_error(ValidationError("general", self.tr(
                "The form now shows the version {who} saved.").format(
                    who=error.changed_by or self.tr("the other officer"))))
            return
        self.reject()

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
        self._mnemonics: set[str] = {"s", "c"}  # Save and Cancel
        self.form_layout = QFormLayout()
        self.form_layout.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_layout.setVerticalSpacing(2)
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
        # Not a Tab stop of its own: it scrolls to the field that has the focus.
        self.rows_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rows_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rows_scroll.setWidgetResizable(True)
        self.rows_scroll.setWidget(self.form_area)
        # The form opens with the cursor in its first field, not on the scrolling frame.
        self.rows_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
            if self.focusWidget() is None:  # the cursor starts in the first field
                first = next((w for _key, w in self.fields if w.isEnabled()
                              and (w.focusProxy() or w).focusPolicy()
                              != Qt.FocusPolicy.NoFocus), None)
                if first is not None:
                    first.setFocus(Qt.FocusReason.OtherFocusReason)
        super().showEvent(event)

    def add_row(self, key: str, label: str, widget: QWidget, tooltip: str = "") -> QWidget:
        """A labelled row: the label gets an Alt+letter (its own ``&``, or the first free
        letter) and names the field for screen readers, unless the field has a name."""
        error = error_label(f"error_{key}")
        self.errors[key] = error
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        if tooltip:
            widget.setToolTip(tooltip)
        caption = QLabel(with_mnemonic(label, self._mnemonics))
        target = first_focusable(widget)
        if target is not None:
            caption.setBuddy(target)
            if not target.accessibleName() and not widget.accessibleName():
                (widget if isinstance(widget, CheckedField) else target).setAccessibleName(
                    plain_label(label))
        self.form_layout.addRow(caption, holder)
        self.watch(key, widget)
        return widget

    def show_error(self, error: ValidationError | None) -> None:
        placed = False
        for key, label in self.errors.items():
            show = error is not None and error.field == key
            placed = placed or show
            say(label, error.message if show and error else "")
        unplaced = error is not None and not placed
        say(self.general_error, error.message if unplaced and error else "")
