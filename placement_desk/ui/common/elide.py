"""Long text that never widens a page: cut short with "…", the whole of it on hover.

:class:`ElidedTipDelegate` serves every table cell (a cell cut short shows its full
text as a tooltip), :class:`ElidedLabel` a single-line label such as a setting's name
in a detail panel, and :func:`cap_columns` keeps a table's columns sized to their
content from growing past a sensible width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

CELL_PADDING = 12
"""Room Fusion leaves around a cell's text, in pixels."""
LONGEST_COLUMN = 320
"""The widest a column sized to its content may grow."""


class ElidedTipDelegate(QStyledItemDelegate):
    """Draws cells as usual (long text ends in "…"); hovering a cut-short cell shows it all."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and index.isValid() \
                and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(text, str) and text:
                room = view.visualRect(index).width() - CELL_PADDING
                if view.fontMetrics().horizontalAdvance(text) > room:
                    QToolTip.showText(event.globalPos(), text, view)
                    return True
                QToolTip.hideText()
                return True
        return super().helpEvent(event, view, option, index)


def cap_columns(table: QTableView, widest: int = LONGEST_COLUMN) -> None:
    """Size columns to their content, none wider than ``widest`` (long text elides)."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


class ElidedLabel(QLabel):
    """One line of plain text cut short with "…" to the room it has; the tooltip holds the
    whole text when it is cut. It asks for little width, so it never widens its page."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        super().setText(text)
        self._update_tip()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self._full) > self.contentsRect().width()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 40), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 360), hint.height())

    def _update_tip(self) -> None:
        self.setToolTip(self._full if self.is_elided() else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              rect.width())
        painter.drawText(rect, int(self.alignment()), shown)
