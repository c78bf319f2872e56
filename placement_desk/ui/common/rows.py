"""A table model over plain row objects, with named columns and custom roles.

Columns are declared once (title, how to show a row, how to sort it, tooltip);
the model serves Qt's display, tooltip, alignment, sort (:data:`SORT_ROLE`) and
id (:data:`ID_ROLE`) roles. Used behind a sort/filter proxy by every list page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    tooltip: str = ""
    align_right: bool = False
    width: int = 0


def column_table(columns: Sequence[Column[R]], rows: Sequence[R]
                 ) -> tuple[list[str], list[list[object]]]:
    """A list's rows as a spreadsheet takes them: each column's heading, and its values as
    shown, but a date as a date (from the column's sort key) so that it stays one."""
    import datetime as dt

    values: list[list[object]] = []
    for row in rows:
        line: list[object] = []
        for column in columns:
            key = column.sort(row) if column.sort is not None else None
            line.append(key if isinstance(key, dt.date) else column.text(row))
        values.append(line)
    return [c.title for c in columns], values


class ColumnModel(QAbstractTableModel, Generic[R]):
    """What every row model shares: the columns, headers, flags and a row's cell roles.

    Subclasses say which rows there are (:meth:`rowCount`, :meth:`row_for`).
    """

    def __init__(self, columns: Sequence[Column[R]], row_id: Callable[[R], Any],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.row_id = row_id

    def row_for(self, row: int) -> R | None:
        """The row object shown at ``row``, or None outside the model."""
        raise NotImplementedError

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_for(index.row()) if index.isValid() else None
        if row is None:
            return None
        return self.cell(row, index.column(), role)

    def cell(self, row: R, column_index: int, role: int) -> Any:
        column = self.columns[column_index]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            key = column.sort(row) if column.sort else column.text(row)
            return _sortable(key)
        if role == ID_ROLE:
            return self.row_id(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.columns)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tooltip:
            return self.columns[section].tooltip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class RowTableModel(ColumnModel[R]):
    def __init__(self, columns: Sequence[Column[R]], row_id: Callable[[R], Any],
                 parent: Any = None) -> None:
        super().__init__(columns, row_id, parent)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def row_for(self, row: int) -> R | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


def _sortable(key: Any) -> Any:
    """Qt compares sort-role values; make None sort first and dates comparable."""
    if key is None:
        return ""
    if hasattr(key, "isoformat"):
        return key.isoformat()
    return key
