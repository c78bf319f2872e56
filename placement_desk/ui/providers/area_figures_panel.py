"""How the settings the council uses compare: the share Good or Outstanding beside the
same share for a local authority area, its region and England, by setting type.

A one-line summary with a button that shows the table by setting type; the area is
chosen in a list (at first the council's own, guessed from its name) and remembered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSettings, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...services.register.area_figures import (
    AreaShares,
    RegisterShares,
    Share,
    council_area,
    register_shares,
    shares_in_use,
)
from ..common.fields import Combo
from ..common.list_table import ROW_HEIGHT

AREA_KEY = "providers/figures/area"
OPEN_KEY = "providers/figures/open"


class AreaFiguresPanel(QWidget):
    def __init__(self, db: Database, settings: QSettings,
                 today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.today = today
        self.shares: RegisterShares | None = None
        self.ours = AreaShares("")
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setText(self.tr("Compare"))
        self.toggle.setToolTip(self.tr("Show the share Good or Outstanding by setting type"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.area = Combo()
        self.area.setAccessibleName(self.tr("Local authority area to compare with"))
        self.area.setToolTip(self.tr("The local authority area to compare with"))
        self.area.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.area.setMinimumContentsLength(14)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(self.tr("Share Good or Outstanding by setting type"))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.toggle)
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("Area:")))
        top.addWidget(self.area)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.toggle.toggled.connect(self._show_table)
        self.area.currentIndexChanged.connect(self._area_chosen)
        self.toggle.setChecked(str(settings.value(OPEN_KEY, "")) == "yes")
        self._show_table(self.toggle.isChecked())

    # -- data ----------------------------------------------------------------------

    def reload(self) -> None:
        today = self.today()
        self.shares = register_shares(self.db)
        self.ours = shares_in_use(self.db, today, self.tr("Settings you use"))
        wanted = str(self.settings.value(AREA_KEY, "") or "") or council_area(self.db, today)
        with QSignalBlocker(self.area):
            self.area.clear()
            for name in self.shares.local_authorities:
                self.area.addItem(name, name)
            self.area.setCurrentIndex(max(0, self.area.findData(wanted)))
        self.area.setEnabled(self.area.count() > 0)
        self.show_figures()

    def _area_chosen(self) -> None:
        if self.area.currentData():
            self.settings.setValue(AREA_KEY, self.area.currentData())
        self.show_figures()

    def _show_table(self, shown: bool) -> None:
        self.table.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.settings.setValue(OPEN_KEY, "yes" if shown else "")
        if shown:
            self._fit_table()

    def columns(self) -> list[AreaShares]:
        """The areas shown, left to right: the council's settings, the chosen local
        authority area, its region, England."""
        if self.shares is None:
            return []
        found = [self.ours]
        name = self.area.currentData()
        if name and name in self.shares.local_authorities:
            found.append(self.shares.local_authorities[name])
            region = self.shares.region_of.get(name)
            if region in self.shares.regions:
                found.append(self.shares.regions[region])
        found.append(self.shares.england)
        return found

    def show_figures(self) -> None:
        areas = self.columns()
        if not areas or self.shares is None or not self.shares.england.total.settings:
            self.summary.setText(self.tr(
                "Good or Outstanding: import Ofsted's provider-level file to compare the "
                "settings you use with England, the region and a local authority area."))
            self.table.setRowCount(0)
            return
        self.summary.setText(self.tr("Good or Outstanding: ") + " · ".join(
            f"{a.name} {self._cell(a.total)}" for a in areas))
        self.summary.setToolTip(self.tr(
            "Registered settings judged Good or Outstanding (supported accommodation: "
            "consistently strong) at their latest full inspection, of those judged"))
        england = self.shares.england
        types = sorted({t for a in areas for t, s in a.by_type.items() if s.judged},
                       key=lambda t: (-england.share(t).judged, t.label))
        self.table.setColumnCount(len(areas) + 1)
        self.table.setHorizontalHeaderLabels([self.tr("Setting type"),
                                              *(a.name for a in areas)])
        rows: list[tuple[str, list[Share]]] = [
            (self.tr("All registered settings"), [a.total for a in areas]),
            *((t.label, [a.share(t) for a in areas]) for t in types)]
        self.table.setRowCount(len(rows))
        for r, (label, shares) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(label))
            for c, share in enumerate(shares, start=1):
                item = QTableWidgetItem(self._cell(share))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(self.tr("{n:,} registered settings, {judged:,} judged").format(
                    n=share.settings, judged=share.judged))
                self.table.setItem(r, c, item)
        self._fit_table()

    def _cell(self, share: Share) -> str:
        if not share.judged:
            return self.tr("none judged")
        return self.tr("{percent:.1f}% ({good:,} of {judged:,})").format(
            percent=share.percent, good=share.good_or_outstanding, judged=share.judged)

    def _fit_table(self) -> None:
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(min(height, 12 * ROW_HEIGHT))
