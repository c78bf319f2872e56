"""The relationship tiers tab: each provider's suggested tier with the reason, and a manager's
choice with theirs (kept in the audit trail)."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...models.enums import RelationshipTier
from ...services.common.formatting import date_short, money
from ...services.contracts.tiers import (
    KEY_CHILDREN,
    KEY_SPEND_PENCE,
    STRATEGIC_CHILDREN,
    STRATEGIC_SPEND_PENCE,
    TierRow,
    check_tier,
    list_tiers,
    set_tier,
)
from ..common.fields import Combo
from ..common.form_base import FormDialog
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, RowTableModel
from ..context import AppContext

COLUMNS: list[Column[TierRow]] = [
    Column("Provider", lambda r: r.name),
    Column("Tier", lambda r: r.tier.label + (" (chosen)" if r.chosen else ""),
           sort=lambda r: r.tier.rank),
    Column("Suggested", lambda r: r.suggested.label, sort=lambda r: r.suggested.rank),
    Column("Why suggested", lambda r: r.reason),
    Column("Chosen because", lambda r: (f"{r.chosen_reason} ({r.chosen_by}, "
                                        f"{date_short(r.chosen_on)})" if r.chosen else "")),
    Column("Spend (12 months)", lambda r: money(r.spend_pence), sort=lambda r: r.spend_pence,
           align_right=True),
    Column("Placed", lambda r: str(r.children), sort=lambda r: r.children,
           align_right=True, tooltip="Children placed there today"),
]


class TierRowsModel(RowTableModel[TierRow]):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() in (3, 4):
            return self.columns[index.column()].text(self.rows[index.row()])
        return super().data(index, role)


class TierDialog(FormDialog):
    """Choose a provider's tier, with the reason; or go back to the suggestion."""

    def __init__(self, db: Database, row: TierRow, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Relationship tier: {row.name}", parent)
        self.db, self.row, self.today = db, row, today
        suggestion = QLabel(self.tr("Suggested: {tier}, because {why}.").format(
            tier=row.suggested.label, why=row.reason))
        suggestion.setWordWrap(True)
        self.tier = Combo()
        self.tier.addItem(self.tr("Follow the suggestion ({tier})").format(
            tier=row.suggested.label), "")
        for value, label in RelationshipTier.choices():
            self.tier.addItem(label, value)
        self.tier.setCurrentIndex(max(0, self.tier.findData(
            row.chosen.value if row.chosen else "")))
        self.reason = QPlainTextEdit(row.chosen_reason or "")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.form_layout.addRow(suggestion)
        self.add_row("tier", self.tr("Tier"), self.tier)
        self.add_row("reason", self.tr("Reason"), self.reason,
                     self.tr("Required when you choose a tier; kept in the audit trail"))
        self.ready()

    def chosen(self) -> RelationshipTier | None:
        value = self.tier.currentData()
        return RelationshipTier(value) if value else None

    def check(self) -> None:
        check_tier(self.chosen(), self.reason.toPlainText())

    def store(self) -> uuid.UUID:
        set_tier(self.db, self.row.provider_id, self.chosen(), self.reason.toPlainText(),
                 self.today)
        return self.row.provider_id


class TiersView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        rule = QLabel(self.tr(
            "Suggested from the last 12 months' spend, the children placed and the contracts "
            "held: strategic partner with a block contract or in-house agreement and {s_spend} "
            "spend or {s_children} children; key partner with a block contract, {k_spend} "
            "spend or {k_children} children; framework provider on a framework, DPS or "
            "regional arrangement; otherwise transactional.").format(
                s_spend=money(STRATEGIC_SPEND_PENCE), s_children=STRATEGIC_CHILDREN,
                k_spend=money(KEY_SPEND_PENCE), k_children=KEY_CHILDREN))
        rule.setWordWrap(True)
        self.count = QLabel()
        self.choose_button = QPushButton(self.tr("Choose tier…"))
        self.choose_button.setToolTip(self.tr("Set the chosen provider's tier, with the reason "
                                              "(Enter)"))
        from ...services.users.roles import Permission
        from ..common.permissions import guard

        guard(self.choose_button, ctx.db, Permission.CHANGE_TIERS)  # managers only
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self.choose_button)
        self.model = TierRowsModel(COLUMNS, lambda r: r.provider_id)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = list_table(self.proxy, self.tr("Relationship tiers"),
                                (190, 150, 125, 300, 170, 115), stretch=0)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(rule)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.choose_button.clicked.connect(self.choose)
        self.table.doubleClicked.connect(lambda _i: self.choose())
        self.table.activated.connect(lambda _i: self.choose())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.choose_button.setEnabled(self.selected() is not None))
        self.choose_button.setEnabled(False)

    def reload(self) -> None:
        rows = list_tiers(self.ctx.db, self.today)
        self.model.set_rows(rows)
        chosen = sum(1 for r in rows if r.chosen)
        self.count.setText(self.tr("{n} providers; {chosen} with a tier chosen by a "
                                   "manager").format(n=f"{len(rows):,}", chosen=chosen))

    def selected(self) -> TierRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def choose(self) -> TierDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = TierDialog(self.ctx.db, row, self.today, self)
        dialog.show()
        return dialog
