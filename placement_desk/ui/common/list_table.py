"""The table every list page shows: whole rows chosen, one line per row, widths to start.

Long text is cut short with "…" in its column (never widening the page), and the
whole of it shows on hover. The spare width goes to the name column (``stretch``), not
the last one; on a screen narrower than the starting widths, the other columns give up
some of theirs first (never below their heading), so a 1366-pixel laptop sees every
column before it has to scroll sideways. A column the user drags keeps its width.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .elide import ElidedTipDelegate

ROW_HEIGHT = 24
SHRINK_TO = 0.6
"""The least share of its starting width a column gives up on a narrow screen."""
SAMPLED_ROWS = 60
"""Rows whose text sizes a column (the ones on screen first): Qt's default of 1,000 made
each keystroke's refit of a 60,000-row list read 50,000 cells."""


class SpareWidth(QObject):
    """Keeps ``table``'s column ``name`` as wide as the room left by the others."""

    def __init__(self, table: QTableView, name: int, widths: Sequence[int]) -> None:
        super().__init__(table)
        self.table = table
        self.name = name
        self.widths = list(widths)
        self.user_sized = False
        self._fitting = False
        self._refit_due = False
        table.horizontalHeader().setResizeContentsPrecision(SAMPLED_ROWS)
        table.horizontalHeader().sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
            signal.connect(self._refit)

    def _refit(self, *_args: object) -> None:
        """New rows: the columns' text may need other widths. Once, after the change: a
        filter proxy inserts its rows in many runs, and refitting after each one made a
        keystroke in a list of 30,000 settings take seconds."""
        if not self.user_sized and not self._refit_due:
            self._refit_due = True
            QTimer.singleShot(0, self, self._refit_now)  # not after the table has gone

    def _refit_now(self) -> None:
        self._refit_due = False
        if not self.user_sized:
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if self._fitting:
            return
        if column != self.name:
            self.user_sized = True  # the user dragged a column: it keeps its width
            self.fit()

    def _least(self, column: int) -> int:
        """A column whose text fits its starting width keeps room for it (codes, dates),
        numbers always do; one whose text is cut short anyway may give up some width."""
        header = self.table.horizontalHeader()
        font = QFont(header.font())
        font.setBold(True)  # the style sheet's headings are bold
        text = str(self.table.model().headerData(column, Qt.Orientation.Horizontal) or "")
        heading = QFontMetrics(font).horizontalAdvance(text) + 32  # padding, sort arrow
        start = self._start(column)
        content = self.table.sizeHintForColumn(column)
        model = self.table.model()
        align = model.data(model.index(0, column), Qt.ItemDataRole.TextAlignmentRole) \
            if model.rowCount() else None
        if align is not None and Qt.AlignmentFlag(int(align)) & Qt.AlignmentFlag.AlignRight:
            return max(heading, content)  # a number is never cut short
        if 0 < content <= start * 1.25:  # a code, a date, a word: kept whole
            return max(heading, content)
        return max(heading, round(start * SHRINK_TO), 40)

    def _start(self, column: int) -> int:
        if column < len(self.widths):
            return self.widths[column]
        return self.table.horizontalHeader().sectionSize(column)

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        columns = [c for c in range(header.count())
                   if c != self.name and not header.isSectionHidden(c)]
        if not columns and header.count() <= self.name:
            return
        self._fitting = True
        try:
            if self.user_sized:
                others = sum(header.sectionSize(c) for c in columns)
            else:
                least = {c: self._least(c) for c in columns}
                starts = {c: max(self._start(c), least[c]) for c in columns}
                others = sum(starts.values())
                over = others + self._start(self.name) - room
                if over > 0:  # narrow: the others give up some width, in proportion
                    spare = {c: starts[c] - least[c] for c in columns}
                    can = sum(spare.values())
                    share = min(1.0, over / can) if can else 0.0
                    starts = {c: starts[c] - round(spare[c] * share) for c in columns}
                for column, width in starts.items():
                    header.resizeSection(column, width)
                others = sum(starts.values())
            header.resizeSection(self.name, max(self._start(self.name), room - others))
        finally:
            self._fitting = False


def list_table(model: QAbstractItemModel, name: str, widths: Sequence[int], *,
               many: bool = False, stretch: int | None = None) -> QTableView:
    """A table over ``model`` named ``name`` for screen readers; ``many`` lets the user
    choose several rows. Tab leaves the table (arrows move in it); columns start at
    ``widths`` and can be resized; the spare width goes to column ``stretch`` (the
    name column), or to the last column when it is not given."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if many
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setItemDelegate(ElidedTipDelegate(table))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    if stretch is not None:
        table.spare_width = SpareWidth(table, stretch, widths)  # type: ignore[attr-defined]
    return table
