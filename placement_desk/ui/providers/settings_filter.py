"""The Providers table's proxy: the service's filter gives the rows shown, the proxy sorts.

Each change of filter runs :func:`~placement_desk.services.register.listing.filter_settings`
once over the rows (with their lower-case search text built once per load) and
keeps a mask; ``filterAcceptsRow`` is a list look-up.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from ...services.register.listing import SettingFilter, SettingRow, filter_settings, haystack
from ..common.rows import SORT_ROLE, RowTableModel


class SettingsFilterProxy(QSortFilterProxyModel):
    def __init__(self, source: RowTableModel[SettingRow]) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.source_rows = source
        self.filters = SettingFilter()
        self._hay: list[str] = []
        self._mask: list[bool] = []
        source.modelReset.connect(self._rebuild)

    def _rebuild(self) -> None:
        self._hay = [haystack(r) for r in self.source_rows.rows]
        self._compute()

    def _compute(self) -> None:
        rows = self.source_rows.rows
        if len(self._hay) != len(rows):
            self._hay = [haystack(r) for r in rows]
        self._mask = [False] * len(rows)
        for n in filter_settings(rows, self._hay, self.filters):
            self._mask[n] = True

    def set_filters(self, filters: SettingFilter) -> None:
        self.filters = filters
        self.beginFilterChange()
        self._compute()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        return source_row < len(self._mask) and self._mask[source_row]
