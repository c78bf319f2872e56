"""A table model for long lists (60,000 episodes): filtering and sorting done in Python.

A sort/filter proxy calls back into Python for every row it filters and for
every comparison it sorts, which is far too slow at this size. This model keeps
all rows, a list of the positions shown (from a filter function run once per
change), and sorts those positions with Python's sort and a key per column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, Qt

from .rows import Column, ColumnModel, Index

R = TypeVar("R")


def _key(value: Any) -> tuple[int, Any]:
    """None sorts first; everything else by its own order."""
    return (0, "") if value is None else (1, value)


class FastRowsModel(ColumnModel[R]):
    def __init__(self, columns: Sequence[Column[R]], row_id: Callable[[R], Any],
                 parent: Any = None) -> None:
        super().__init__(columns, row_id, parent)
        self.all_rows: list[R] = []
        self.shown: list[int] = []
        self.extra: Callable[[R, int, int], Any] | None = None
        """Optional (row, column, role) → colour or tooltip of a cell."""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._keys: dict[int, list[tuple[int, Any]]] = {}
        """Sort keys of every row, by column; cleared when the rows change."""

    # -- content -------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[R], shown: Sequence[int] | None = None) -> None:
        self.beginResetModel()
        self.all_rows = list(rows)
        self._keys.clear()
        self.shown = list(range(len(rows)) if shown is None else shown)
        self._apply_sort()
        self.endResetModel()

    def set_shown(self, shown: Sequence[int]) -> None:
        self.beginResetModel()
        self.shown = list(shown)
        self._apply_sort()
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self.all_rows[self.shown[row]]

    def visible(self) -> list[R]:
        return [self.all_rows[n] for n in self.shown]

    def position_of(self, row_id: Any) -> int | None:
        for n, position in enumerate(self.shown):
            if self.row_id(self.all_rows[position]) == row_id:
                return n
        return None

    def refresh_column(self, column: int) -> None:
        """The column's text changed (worked out elsewhere): redraw it and re-key its sort."""
        self._keys.pop(column, None)
        if self.shown:
            self.dataChanged.emit(self.index(0, column),
                                  self.index(len(self.shown) - 1, column))

    # -- sorting ---------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows shown; persistent indexes (the view's selection and current row)
        follow their rows to the new positions, so the row chosen stays the row chosen."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        rows_before = [self.shown[i.row()] if 0 <= i.row() < len(self.shown) else -1
                       for i in before]
        self._sort = (column, order)
        self._apply_sort()
        position = {row: n for n, row in enumerate(self.shown)}
        after = [self.index(position[row], i.column()) if row in position else QModelIndex()
                 for row, i in zip(rows_before, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        if self._sort is None or not (0 <= self._sort[0] < len(self.columns)):
            return
        keys = self._keys.get(self._sort[0])
        if keys is None:  # once per column and set of rows, not once per keystroke
            column = self.columns[self._sort[0]]
            value = column.sort or column.text
            keys = self._keys[self._sort[0]] = [_key(value(row)) for row in self.all_rows]
        self.shown.sort(key=keys.__getitem__,
                        reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def row_for(self, row: int) -> R | None:
        return self.all_rows[self.shown[row]] if 0 <= row < len(self.shown) else None

    def cell(self, row: R, column_index: int, role: int) -> Any:
        if self.extra is not None and role in (Qt.ItemDataRole.ForegroundRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return self.extra(row, column_index, role)
        return super().cell(row, column_index, role)
