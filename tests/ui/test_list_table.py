"""The list table fits its columns to the text on screen, not to every row: a filter on a
60,000-row list refits the columns on every keystroke, and Qt's default reads up to 1,000
rows of each column each time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from placement_desk.ui.common.list_table import SAMPLED_ROWS, list_table

Index = QModelIndex | QPersistentModelIndex


class CountingModel(QAbstractTableModel):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.reads = 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            self.reads += 1
            return f"Row {index.row()} column {index.column()} with some text"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return f"Heading {section}" if role == Qt.ItemDataRole.DisplayRole else None

    def reset_rows(self, rows: int) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


def test_a_refit_reads_a_screenful_of_each_column_not_a_thousand_rows(qtbot: QtBot) -> None:
    model = CountingModel(5000)
    table = list_table(model, "Things", [120, 200, 90, 90, 90, 90], stretch=1)
    qtbot.addWidget(table)
    table.resize(1300, 700)
    table.show()
    qtbot.waitExposed(table)
    model.reads = 0
    model.reset_rows(4000)  # as a keystroke in the filter does
    qtbot.wait(50)  # the refit follows the change
    # the five columns besides the name column, each read over the rows sampled (with a
    # screenful drawn once besides): far below the 5 x 1,000 Qt reads by default
    assert 0 < model.reads <= 5 * SAMPLED_ROWS * 2 + 6 * 40


def test_a_filter_change_refits_the_columns_once(qtbot: QtBot) -> None:
    """A filter proxy inserts the rows it shows again in many runs; the columns are refitted
    once after the change, not after each run (a keystroke took seconds on 30,000 rows)."""
    from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel

    source = CountingModel(3000)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setFilterKeyColumn(0)
    table = list_table(proxy, "Things", [120, 200, 90, 90, 90, 90], stretch=1)
    qtbot.addWidget(table)
    table.resize(1300, 700)
    table.show()
    qtbot.waitExposed(table)
    fits = []
    spare = table.spare_width  # type: ignore[attr-defined]
    original = spare.fit
    spare.fit = lambda: (fits.append(1), original())[1]
    proxy.setFilterRegularExpression(QRegularExpression("Row 1"))  # about a third kept
    proxy.setFilterRegularExpression(QRegularExpression(""))  # all back, in many runs
    assert fits == [], "nothing is refitted while the filter works"
    qtbot.waitUntil(lambda: len(fits) >= 1)
    qtbot.wait(50)
    assert len(fits) == 1
