"""Another officer saved the record this form holds: who and when, both versions side by
side, and the choice to keep mine (save again over theirs) or take theirs.

Nothing is overwritten without the officer seeing what they would replace: a form whose
save raised :class:`~placement_desk.errors.ConcurrentEdit` shows this dialog with
:func:`resolve_conflict`, then either saves again naming the record's new version
counter, or reloads what was saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ...errors import ConcurrentEdit
from ...services.common.formatting import date_short, money
from .list_table import list_table
from .rows import Column, RowTableModel

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_SUFFIXES = ("_pence", "_bp", "_id")
KEEP_MINE, TAKE_THEIRS = "mine", "theirs"


def field_label(key: str) -> str:
    """``weekly_fee_pence`` → "Weekly fee"; ``lead_officer_id`` → "Lead officer"."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def shown(key: str, value: Any) -> str:
    """A value as the audit trail stores it, in the words and formats of the forms."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(shown("", v) for v in value)
    if isinstance(value, int) and key.endswith("_pence"):
        return money(value)
    if isinstance(value, int) and key.endswith("_bp"):
        return f"{value / 100:g}%"
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date_short(dt.date.fromisoformat(value))
    if isinstance(value, str) and _ISO_TIME.match(value):
        when = dt.datetime.fromisoformat(value.replace(" ", "T"))
        return f"{date_short(when.date())} {when:%H:%M}"
    if key.endswith("_id"):
        return f"another record (…{str(value)[-6:]})"
    return str(value)


@dataclass(frozen=True)
class Difference:
    key: str
    mine: str
    theirs: str


class ConflictDialog(QDialog):
    """Who saved the record and when, and each field that differs: mine beside theirs."""

    def __init__(self, error: ConcurrentEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Someone else saved this record"))
        self.choice = TAKE_THEIRS
        layout = QVBoxLayout(self)
        message = QLabel(error.message)
        message.setWordWrap(True)
        message.setObjectName("conflict_message")
        layout.addWidget(message)
        self.rows = [Difference(key, shown(key, mine), shown(key, theirs))
                     for key, mine, theirs in error.differences()]
        columns = [Column[Difference](self.tr("Field"), lambda d: field_label(d.key)),
                   Column[Difference](self.tr("Your version"), lambda d: d.mine),
                   Column[Difference](
                       self.tr("Saved by {who}").format(who=error.changed_by or "them"),
                       lambda d: d.theirs)]
        self.model = RowTableModel(columns, lambda d: d.key, self)
        self.model.set_rows(self.rows)
        self.table = list_table(self.model, self.tr("The two versions"), (160, 220, 220))
        self.table.setVisible(bool(self.rows))
        layout.addWidget(self.table, 1)
        if not self.rows:
            same = QLabel(self.tr("Their save changed nothing that this form shows "
                                  "differently from yours."))
            same.setWordWrap(True)
            layout.addWidget(same)
        buttons = QDialogButtonBox()
        self.keep_button = buttons.addButton(self.tr("Keep my version"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button.setToolTip(self.tr("Save yours in place of theirs; the audit trail "
                                            "keeps both"))
        self.take_button = buttons.addButton(self.tr("Take theirs"),
                                             QDialogButtonBox.ButtonRole.RejectRole)
        self.take_button.setToolTip(self.tr("Drop your changes and show what was saved"))
        self.take_button.setDefault(True)
        self.keep_button.clicked.connect(self._keep)
        self.take_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 200 + 24 * min(len(self.rows), 12))

    def _keep(self) -> None:
        self.choice = KEEP_MINE
        self.accept()


def resolve_conflict(parent: QWidget, error: ConcurrentEdit) -> str:
    """Show the two versions; :data:`KEEP_MINE` or :data:`TAKE_THEIRS`."""
    dialog = ConflictDialog(error, parent)
    dialog.exec()
    return dialog.choice
