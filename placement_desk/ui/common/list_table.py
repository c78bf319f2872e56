"""The table every list page shows: whole rows chosen, one line per row, widths to start.

Long text is cut short with "…" in its column (never widening the page), and the
whole of it shows on hover.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .elide import ElidedTipDelegate

ROW_HEIGHT = 24


def list_table(model: QAbstractItemModel, name: str, widths: Sequence[int], *,
               many: bool = False) -> QTableView:
    """A table over ``model`` named ``name`` for screen readers; ``many`` lets the user
    choose several rows. Tab leaves the table (arrows move in it); the last column
    stretches; columns start at ``widths`` and can be resized."""
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
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table
