"""Filtering the settings register quickly: one pass builds a mask, the proxy reads it.

Each keystroke recomputes a boolean mask over the rows in Python (a substring
test on a pre-built lower-case haystack and a few equality tests), then the proxy
is invalidated; ``filterAcceptsRow`` is a list look-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from ...services.register.listing import SettingRow
from ..common.rows import SORT_ROLE, RowTableModel


@dataclass
class SettingFilters:
    text: str = ""
    setting_type: str = ""
    sector: str = ""
    status: str = ""
    judgement: str = ""
    local_authority: str = ""
    in_use: str = ""  # "", "yes", "no"
    risk: str = ""
    enhanced: str = ""  # "", "yes", "no"
    extra: dict[str, str] = field(default_factory=dict)

    def is_clear(self) -> bool:
        return not any((self.text, self.setting_type, self.sector, self.status, self.judgement,
                        self.local_authority, self.in_use, self.risk, self.enhanced))


def haystack(row: SettingRow) -> str:
    return " ".join(p for p in (row.name, row.urn, row.postcode, row.provider_name,
                                row.owner_name) if p).casefold()


def _value(enum_value: object) -> str:
    return str(getattr(enum_value, "value", "") or "")


def matches(row: SettingRow, hay: str, f: SettingFilters, words: list[str]) -> bool:
    if words and not all(w in hay for w in words):
        return False
    if f.setting_type and _value(row.setting_type) != f.setting_type:
        return False
    if f.sector and _value(row.sector) != f.sector:
        return False
    if f.status and _value(row.registration_status) != f.status:
        return False
    if f.judgement:
        if f.judgement == "none":
            if row.latest_judgement is not None:
                return False
        elif _value(row.latest_judgement) != f.judgement:
            return False
    if f.local_authority and (row.local_authority or "") != f.local_authority:
        return False
    if f.in_use and row.in_use != (f.in_use == "yes"):
        return False
    if f.risk and _value(row.risk_level) != f.risk:
        return False
    return not (f.enhanced and row.enhanced_monitoring != (f.enhanced == "yes"))


class SettingsFilterProxy(QSortFilterProxyModel):
    def __init__(self, source: RowTableModel[SettingRow]) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.source_rows = source
        self.filters = SettingFilters()
        self._hay: list[str] = []
        self._mask: list[bool] = []
        source.modelReset.connect(self._rebuild)

    def _rebuild(self) -> None:
        self._hay = [haystack(r) for r in self.source_rows.rows]
        self._compute()

    def _compute(self) -> None:
        f = self.filters
        words = f.text.casefold().split()
        rows = self.source_rows.rows
        if len(self._hay) != len(rows):
            self._hay = [haystack(r) for r in rows]
        self._mask = [matches(r, h, f, words) for r, h in zip(rows, self._hay, strict=True)]

    def set_filters(self, filters: SettingFilters) -> None:
        self.filters = filters
        self.beginFilterChange()
        self._compute()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        return source_row < len(self._mask) and self._mask[source_row]
