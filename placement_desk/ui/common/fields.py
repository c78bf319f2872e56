"""The fields that never change what was typed, used by every form in the app.

- :class:`DateField`: one date field, typed dd/mm/yyyy (also d/m/yy, and
  2010-03-05 pasted), with a calendar button (or Alt+Down). Tab leaves it. An
  impossible or out-of-range date is refused beside the field with the reason and
  never altered; an optional date can be left empty.
- :class:`MoneyField` and :class:`NumberField`: figures typed as text, refused with
  the reason when they are not a number, negative or out of range; never clamped.
- :class:`Combo`: a combo box that takes the mouse wheel only when it has focus,
  so scrolling a long form never changes an answer.

Each checked field shows its own problem in a line reserved beneath it once the
field has been left; inside a :class:`~placement_desk.ui.common.form_base.FormDialog`
the form's own error line is used instead (:meth:`CheckedField.detach_error`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ...services.common.entry import (
    EARLIEST,
    LATEST,
    EntryError,
    read_date,
    read_money,
    read_number,
)
from ...services.common.formatting import date_short
from .colours import colour
from .icons import icon


def error_label(name: str = "") -> QLabel:
    """A line reserved for a problem, in bold red, word-wrapped so it is read in full.

    It stays in the layout while empty (one line high), so a message appearing or
    going does not move the fields under the mouse.
    """
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setMinimumHeight(label.fontMetrics().height())
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour("red"))
    label.setPalette(palette)
    return label


def say(label: QLabel, text: str) -> None:
    """Put ``text`` in a reserved error line, tall enough to be read in full.

    A one-line message fits the line kept for it, so nothing moves; a longer one wraps
    and the line grows to hold all of it (a window's layout does not do that by itself
    for wrapped text).
    """
    label.setText(text)
    line = label.fontMetrics().height()
    width = label.width() if label.isVisible() and label.width() > 0 else 0
    needed = label.heightForWidth(width) if text and width else line
    label.setMinimumHeight(max(line, needed))


def fill(edit: QLineEdit, text: str | None) -> None:
    """Show stored text in a field with a length limit, all of it: text stored before the
    limit existed is never cut short on loading (Save then says it is too long)."""
    value = text or ""
    if len(value) > edit.maxLength():
        edit.setMaxLength(len(value))
    edit.setText(value)


class Combo(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus.

    Qt gives a combo focus on a wheel event and then changes its value; this one
    takes focus only by Tab or a click, and passes the wheel on to the form (which
    scrolls) otherwise.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class CheckedField(QWidget):
    """A line of text read by a function that refuses what it cannot read, with a reason.

    :attr:`changed` is emitted on every edit; :meth:`problem` says what is wrong (None
    when the text is fine). The problem shows in :attr:`error` once the field has been
    left, and goes as soon as the text is put right.
    """

    changed = Signal()

    def __init__(self, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.edit = QLineEdit()
        self.error = error_label("field_error")
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.edit, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(self.row)
        column.addWidget(self.error)
        self.setFocusProxy(self.edit)
        self._own_error = True
        self._reserve = True
        self._left = False
        self.edit.textChanged.connect(self._edited)
        self.edit.editingFinished.connect(self._leave)

    # -- for subclasses ----------------------------------------------------------------------

    def read(self, text: str) -> Any:
        """The value of ``text`` (None when blank); raise EntryError when it cannot be read."""
        raise NotImplementedError

    def blank_problem(self) -> str:
        return "Fill in this field."

    # -- reading -------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def problem(self) -> str | None:
        """What is wrong with the text as typed, in words; None when it can be used."""
        try:
            value = self.read(self.edit.text())
        except EntryError as exc:
            return str(exc)
        if value is None and not self.optional:
            return self.blank_problem()
        return None

    def _value(self) -> Any:
        try:
            return self.read(self.edit.text())
        except EntryError:
            return None

    def on_change(self, slot: Any) -> None:
        self.changed.connect(slot)

    # -- showing the problem -------------------------------------------------------------

    def detach_error(self) -> None:
        """A form shows this field's problem in its own line: drop the field's line."""
        self._own_error = False
        self.error.setVisible(False)

    def set_compact(self) -> None:
        """For a filter bar: no line kept for a problem until there is one."""
        self._reserve = False
        self.error.setVisible(False)

    def _edited(self) -> None:
        if self._own_error and self.error.text() and self.problem() is None:
            self._say("")  # put right: the message goes at once
        self.changed.emit()

    def _leave(self) -> None:
        self._left = True
        self.show_problem()

    def show_problem(self) -> bool:
        """Show the problem now (the field was left, or Save was pressed); True if none."""
        problem = self.problem()
        if self._own_error:
            self._say(problem or "")
        return problem is None

    def _say(self, text: str) -> None:
        say(self.error, text)
        if not self._reserve:
            self.error.setVisible(bool(text))

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        if not enabled and self._own_error:
            self._say("")


class DateField(CheckedField):
    """dd/mm/yyyy typed, with a calendar button; ``optional`` dates may be left empty.

    ``label`` is kept for the forms written for the old field (a tick box's text):
    an optional date is now simply left blank.
    """

    def __init__(self, optional: bool = False, label: str = "", *,
                 earliest: dt.date = EARLIEST, latest: dt.date = LATEST,
                 parent: QWidget | None = None) -> None:
        super().__init__(optional, parent)
        self.earliest, self.latest = earliest, latest
        self.edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.edit.setToolTip(self.tr("Type the date as dd/mm/yyyy, or choose it from the "
                                     "calendar (Alt+Down)")
                             + (self.tr("; leave it blank if not known") if optional else ""))
        if label:
            self.edit.setAccessibleName(label)
        self.button = QToolButton()
        self.button.setIcon(icon("calendar"))
        if self.button.icon().isNull():
            self.button.setText("…")
        self.button.setToolTip(self.tr("Choose from a calendar (Alt+Down)"))
        self.button.setAccessibleName(self.tr("Calendar"))
        # Not in the Tab chain: Tab goes from the date to the next field.
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_calendar)
        # As wide as a date needs (a full-width box for ten characters reads oddly).
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("dd/mm/yyyyy") + 16)
        self.row.addWidget(self.button)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.calendar: QCalendarWidget | None = None
        self._menu: QMenu | None = None
        self.edit.installEventFilter(self)

    def read(self, text: str) -> dt.date | None:
        return read_date(text, self.earliest, self.latest)

    def blank_problem(self) -> str:
        return "Enter the date as dd/mm/yyyy."

    def value(self) -> dt.date | None:
        """The date typed, or None when the field is blank or holds no valid date."""
        value: dt.date | None = self._value()
        return value

    def set_value(self, day: dt.date | None) -> None:
        self.edit.setText(date_short(day))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            alt_down = event.key() == Qt.Key.Key_Down and \
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> None:
        if self._menu is None:
            self._menu = QMenu(self)
            self.calendar = QCalendarWidget()
            self.calendar.setGridVisible(True)
            self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.calendar.setMinimumDate(QDate(self.earliest.year, self.earliest.month,
                                               self.earliest.day))
            self.calendar.setMaximumDate(QDate(self.latest.year, self.latest.month,
                                               self.latest.day))
            self.calendar.activated.connect(self._picked)
            self.calendar.clicked.connect(self._picked)
            holder = QWidgetAction(self._menu)
            holder.setDefaultWidget(self.calendar)
            self._menu.addAction(holder)
        assert self.calendar is not None
        day = self.value() or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self._menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.set_value(dt.date(day.year(), day.month(), day.day()))
        if self._menu is not None:
            self._menu.close()
        self.edit.setFocus()
        self._leave()


class MoneyField(CheckedField):
    """Pounds and pence typed as figures ("3,500.00"); read as integer pence."""

    def __init__(self, optional: bool = False, suffix: str = "",
                 maximum_pence: int = 10_000_000, parent: QWidget | None = None) -> None:
        super().__init__(optional, parent)
        self.maximum_pence = maximum_pence
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setPlaceholderText("0.00")
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance(
            f"{maximum_pence // 100:,}.00") + 32)
        self.row.insertWidget(0, QLabel("£"))
        if suffix:
            self.row.addWidget(QLabel(suffix))
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)

    def read(self, text: str) -> int | None:
        return read_money(text, self.maximum_pence)

    def blank_problem(self) -> str:
        return "Enter the amount in pounds and pence, for example 1,234.50."

    def pence(self) -> int | None:
        """The amount in pence, or None when blank or not an amount."""
        value: int | None = self._value()
        return value

    def set_pence(self, pence: int | None) -> None:
        if pence is None:
            self.edit.clear()
        else:
            pounds, rest = divmod(pence, 100)
            self.edit.setText(f"{pounds:,}.{rest:02d}")


class NumberField(CheckedField):
    """A number typed in figures within a range; whole numbers unless ``decimals``."""

    def __init__(self, minimum: float = 0, maximum: float = 1_000_000, *, decimals: int = 0,
                 optional: bool = False, suffix: str = "", blank_text: str = "",
                 what: str = "the number", parent: QWidget | None = None) -> None:
        super().__init__(optional, parent)
        self.minimum, self.maximum, self.decimals, self.what = minimum, maximum, decimals, what
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        if blank_text:
            self.edit.setPlaceholderText(blank_text)
        width = self.edit.fontMetrics().horizontalAdvance(
            "0" * (len(f"{int(maximum):,}") + decimals + 2)) + 24
        self.edit.setMaximumWidth(max(width, 80))
        self.suffix_label = QLabel(suffix)
        self.suffix_label.setVisible(bool(suffix))
        self.row.addWidget(self.suffix_label)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)

    def suffix(self) -> str:
        return self.suffix_label.text()

    def set_suffix(self, text: str) -> None:
        self.suffix_label.setText(text)
        self.suffix_label.setVisible(bool(text))

    def read(self, text: str) -> float | int | None:
        return read_number(text, self.minimum, self.maximum, decimals=self.decimals,
                           what=self.what)

    def blank_problem(self) -> str:
        return f"Enter {self.what} in figures."

    def value(self) -> Any:
        """The number typed (an int for whole numbers), or None when blank or unreadable."""
        return self._value()

    def set_value(self, value: float | None) -> None:
        if value is None:
            self.edit.clear()
        elif self.decimals == 0:
            self.edit.setText(str(int(value)))
        else:
            self.edit.setText(f"{value:.{self.decimals}f}".rstrip("0").rstrip(".")
                              if value != int(value) else str(int(value)))
