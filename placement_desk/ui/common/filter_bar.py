"""The filter bar every list shares: search first, then a few filters, one "Clear filters"
and the count "312 of 5,604 settings", remembered between db.

The bar only gathers what the user chose; what the choices mean is a rule in the
services (each list's filter function), so the command line and the tests apply
the same rule. :attr:`FilterBar.changed` fires once typing pauses, and at once for
a choice. The values are kept under ``ui/filters/<list>/`` in the user's settings.

A list builds its bar, adds its filters, calls :meth:`FilterBar.finish` (which
restores the remembered values), puts :attr:`FilterBar.count` where its layout
wants it, and on :attr:`FilterBar.changed` filters its rows with the service rule
and calls :meth:`FilterBar.show_count`::

    self.bar = FilterBar(settings, "agreements", self.tr("Search reference or child"),
                         self.tr("{shown} of {total} agreements"))
    self.bar.add_combo("status", self.tr("Any status"), AgreementStatus.choices())
    self.bar.finish()
    self.bar.changed.connect(self.apply_filters)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .fields import Combo, DateField

PREFIX = "ui/filters/"
DEBOUNCE_MS = 150
"""How long typing must pause before the list is filtered."""
Choices = Iterable[tuple[str, str]]


class FilterBar(QWidget):
    """Search box, combos, tick boxes and a date range for one list, with Clear and a count."""

    changed = Signal()
    """The values changed (after typing pauses, or at once for a choice)."""
    cleared = Signal()
    """"Clear filters" was used; emitted just before :attr:`changed`."""

    def __init__(self, settings: QSettings, name: str, search_hint: str | None,
                 count_text: str, parent: QWidget | None = None) -> None:
        """``name`` keys the remembered values; ``count_text`` has ``{shown}`` and
        ``{total}``; with ``search_hint`` None the list has no search box."""
        super().__init__(parent)
        self.settings = settings
        self.prefix = f"{PREFIX}{name}/"
        self.count_text = count_text
        self.combos: dict[str, QComboBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        self.dates: dict[str, DateField] = {}
        self._pending: dict[str, str] = {}
        """Remembered combo values whose choices have not been filled in yet."""
        self._defaults: dict[str, str] = {}
        self._quiet = False
        self._rows: list[QHBoxLayout] = []
        self._stretched: set[int] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._layout = layout
        self.search = QLineEdit()
        """The search box (hidden, and always empty, for a list without one)."""
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search"))
        if search_hint is None:
            self.search.setVisible(False)
        else:
            self.search.setPlaceholderText(search_hint)
            self.search.setToolTip(search_hint)
            self._row(0).addWidget(self.search, 3)
            self._stretched.add(0)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every row again"))
        self.clear_button.clicked.connect(self.clear)
        self.count = QLabel()
        """The count; the list puts it where its layout wants it."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._changed)
        self.search.textChanged.connect(self._typed)

    # -- building ------------------------------------------------------------------------

    def _row(self, n: int) -> QHBoxLayout:
        while len(self._rows) <= n:
            row = QHBoxLayout()
            self._rows.append(row)
            self._layout.addLayout(row)
        return self._rows[n]

    def add_combo(self, key: str, blank: str, choices: Choices = (), *, row: int = 0,
                  stretch: int = 0, width: int = 10, tooltip: str = "",
                  default: str = "") -> QComboBox:
        """A choice whose first item, ``blank``, shows everything; data are the values.
        ``default`` is chosen until the user has chosen (Clear still shows everything)."""
        combo = Combo()
        combo.addItem(blank, "")
        for value, label in choices:
            combo.addItem(label, value)
        combo.setAccessibleName(blank)
        if tooltip:
            combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(width)
        combo.currentIndexChanged.connect(lambda _i, key=key: self._chosen(key))
        self.combos[key] = combo
        if default:
            self._defaults[key] = default
        self._row(row).addWidget(combo, stretch)
        if stretch:
            self._stretched.add(row)
        return combo

    def add_check(self, key: str, label: str, *, row: int = 0) -> QCheckBox:
        box = QCheckBox(label)
        box.toggled.connect(lambda _on: self._changed())
        self.checks[key] = box
        self._row(row).addWidget(box)
        return box

    def add_dates(self, from_label: str, to_label: str, *,
                  row: int = 0) -> tuple[DateField, DateField]:
        """A date range, each end optional: values ``date_from`` and ``date_to``."""
        fields = []
        for key, label in (("date_from", from_label), ("date_to", to_label)):
            field = DateField(optional=True, label=label)
            field.set_compact()
            field.on_change(lambda *_a: self._changed())
            self.dates[key] = field
            self._row(row).addWidget(field)
            fields.append(field)
        return fields[0], fields[1]

    def finish(self, *, clear_row: int | None = 0) -> None:
        """Place "Clear filters" (at the end of ``clear_row``; None: the list places it),
        then restore the remembered values without emitting :attr:`changed`."""
        if clear_row is not None:
            self._row(clear_row).addWidget(self.clear_button)
        for n, row in enumerate(self._rows):
            if n not in self._stretched:
                row.addStretch(1)
        self._restore()

    # -- values --------------------------------------------------------------------------

    def text(self) -> str:
        return self.search.text()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box, its text chosen to type over."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def value(self, key: str) -> Any:
        if key == "text":
            return self.text()
        if key in self.combos:
            combo = self.combos[key]
            return str(combo.currentData() or "") or self._pending.get(key, "")
        if key in self.checks:
            return self.checks[key].isChecked()
        return self.dates[key].value()

    def values(self) -> dict[str, Any]:
        """Every filter's value: ``text``, each combo's data (``""`` for all), each tick
        box's state and each date (None when not set)."""
        found: dict[str, Any] = {"text": self.text()}
        for key in (*self.combos, *self.checks, *self.dates):
            found[key] = self.value(key)
        return found

    def describe(self) -> str:
        """The filters in force in words (for an export's title row): 'search "oak";
        Children's home; from 01/04/2025'; '' when none is."""
        parts = []
        if self.text().strip():
            parts.append(f"search \u201c{self.text().strip()}\u201d")
        for combo in self.combos.values():
            if combo.currentIndex() > 0:
                parts.append(combo.currentText())
        for box in self.checks.values():
            if box.isChecked():
                parts.append(box.text().lower())
        for key, field in self.dates.items():
            day = field.value()
            if day is not None:
                parts.append(f"{'from' if key == 'date_from' else 'to'} {day:%d/%m/%Y}")
        return "; ".join(parts)

    def is_clear(self) -> bool:
        return not any(v.strip() if isinstance(v, str) else v for v in self.values().values())

    def set_value(self, key: str, value: Any) -> None:
        """Set one filter as the user would (emits :attr:`changed` once)."""
        with self._quietly():
            self._set(key, value)
        self._changed()

    def show_only(self, values: Iterable[tuple[str, Any]]) -> None:
        """Every filter cleared, then ``values`` set, as one change: :attr:`cleared`, then
        :attr:`changed` once (another page asked for these records)."""
        self._debounce.stop()
        with self._quietly():
            self.search.clear()
            for combo in self.combos.values():
                combo.setCurrentIndex(0)
            for box in self.checks.values():
                box.setChecked(False)
            for field in self.dates.values():
                field.set_value(None)
            self._pending.clear()
            for key, value in values:
                if key == "text" or key in self.combos or key in self.checks \
                        or key in self.dates:
                    self._set(key, value)
        self.cleared.emit()
        self._changed()

    def set_choices(self, key: str, choices: Choices, *, missing: str | None = None) -> None:
        """Fill a combo's choices again (after a reload), keeping what was chosen.

        A chosen value no longer among the choices stays chosen, labelled with
        ``missing`` (``{value}`` is replaced by it), or falls back to the blank item
        when ``missing`` is None. Emits nothing: the list is reloading anyway.
        """
        combo = self.combos[key]
        current = str(combo.currentData() or "") or self._pending.pop(key, "")
        with self._quietly():
            blank = combo.itemText(0)
            combo.clear()
            combo.addItem(blank, "")
            for value, label in choices:
                combo.addItem(label, value)
            if current and combo.findData(current) < 0 and missing is not None:
                combo.addItem(missing.format(value=current), current)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def clear(self) -> None:
        """Every filter back to showing everything; :attr:`cleared`, then :attr:`changed`."""
        self._debounce.stop()
        with self._quietly():
            self.search.clear()
            for combo in self.combos.values():
                combo.setCurrentIndex(0)
            for box in self.checks.values():
                box.setChecked(False)
            for field in self.dates.values():
                field.set_value(None)
            self._pending.clear()
        self.cleared.emit()
        self._changed()

    def show_count(self, shown: int, total: int, *, more: str = "",
                   narrowed: bool = False) -> None:
        """Say "{shown} of {total} …" (and ``more``); "Clear filters" is enabled when a
        filter is set, or ``narrowed`` says the list is narrowed some other way."""
        self.count.setText(self.count_text.format(shown=f"{shown:,}", total=f"{total:,}")
                           + more)
        self.clear_button.setEnabled(narrowed or not self.is_clear())

    def settle(self) -> None:
        """Stop waiting for typing to pause, and remember the values now."""
        self._debounce.stop()
        self._save()

    # -- inside --------------------------------------------------------------------------

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was

    def _typed(self) -> None:
        if not self._quiet:
            self._debounce.start()

    def _chosen(self, key: str) -> None:
        if not self._quiet:
            self._pending.pop(key, None)
            self._changed()

    def _changed(self) -> None:
        if self._quiet:
            return
        self.settle()
        self.changed.emit()

    def _set(self, key: str, value: Any) -> None:
        if key == "text":
            self.search.setText(str(value or ""))
        elif key in self.combos:
            combo = self.combos[key]
            text = str(value or "")
            index = combo.findData(text)
            combo.setCurrentIndex(max(0, index))
            if index < 0 and text:
                self._pending[key] = text  # its choices arrive with the first load
            else:
                self._pending.pop(key, None)
        elif key in self.checks:
            self.checks[key].setChecked(bool(value))
        elif key in self.dates:
            self.dates[key].set_value(value)

    def _save(self) -> None:
        for key, value in self.values().items():
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif value is None:
                value = ""
            self.settings.setValue(self.prefix + key, value)

    def _restore(self) -> None:
        stored: dict[str, Any] = dict(self._defaults)
        for key in ("text", *self.combos, *self.checks, *self.dates):
            raw = self.settings.value(self.prefix + key, None)
            if raw is None:
                continue
            if key in self.checks:
                stored[key] = str(raw).lower() == "true"
            elif key in self.dates:
                try:
                    stored[key] = dt.date.fromisoformat(str(raw)) if raw else None
                except ValueError:
                    stored[key] = None
            else:
                stored[key] = str(raw)
        with self._quietly():
            for key, value in stored.items():
                self._set(key, value)
