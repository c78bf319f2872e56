"""One contract in tabs: overview, rates, providers and lots, extension options, occupancy (block
contracts), spend against value, reviews, documents and the audit trail.

The tabs' buttons open the small forms of :mod:`.contract_dialogs`; what they save
reaches every page through the hub, and the Contracts page shows it again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models.enums import ContractType, ExtensionStatus
from ...services.common.formatting import (
    date_short,
    datetime_short,
    money,
    percent_of,
    percentage,
)
from ...services.contracts.contract_views import ContractDetail
from ...services.contracts.register import remove_document
from ...services.contracts.usage import (
    ContractSpend,
    block_occupancy,
    contract_spend,
    monthly_spend,
)
from ..common.form_base import DateField
from .contract_dialogs import (
    DecisionDialog,
    DocumentDialog,
    ExtensionDialog,
    LotDialog,
    ProviderLotDialog,
    RateDialog,
    UpliftDialog,
)
from .occupancy_chart import OccupancyChart, SpendChart

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def table(headings: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = (),
          name: str = "", stretch: int | None = None) -> QTableWidget:
    """A read-only table; ``right`` columns (numbers) right-aligned; long text on hover.

    The ``stretch`` column (a name, by the house style) takes the spare width; without
    one, the last column does.
    """
    widget = QTableWidget(len(rows), len(headings))
    widget.setHorizontalHeaderLabels(list(headings))
    widget.verticalHeader().setVisible(False)
    widget.verticalHeader().setDefaultSectionSize(24)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    widget.setTabKeyNavigation(False)
    widget.setAlternatingRowColors(True)
    widget.setWordWrap(False)
    if name:
        widget.setAccessibleName(name)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c in right:
                item.setTextAlignment(RIGHT)
            widget.setItem(r, c, item)
    widget.resizeColumnsToContents()
    for c in range(widget.columnCount()):
        widget.setColumnWidth(c, min(widget.columnWidth(c), 320))
    if stretch is None:
        widget.horizontalHeader().setStretchLastSection(True)
    else:
        widget.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return widget


def share(part: int, whole: int | None) -> str:
    """``part`` of ``whole`` as "21%"; "–" with no whole."""
    found = percentage(part, whole) if whole else None
    return "–" if found is None else f"{found}%"


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _tab(*widgets: QWidget, buttons: Sequence[QPushButton] = ()) -> QWidget:
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(4, 6, 4, 4)
    if buttons:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
    for widget in widgets:
        column.addWidget(widget, 1 if isinstance(widget, QTableWidget) else 0)
    return page


def _scrolled(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setAccessibleName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ContractDetailTabs(QTabWidget):
    open_review = Signal(object)
    """A review's id, to open it."""

    def __init__(self, db: Database, today: dt.date, empty_text: str = "") -> None:
        super().__init__()
        self.db, self.today = db, today
        self.setDocumentMode(True)
        self.detail: ContractDetail | None = None
        self.empty_text = empty_text or self.tr(
            "Choose a contract in the list to see its rates, providers, extension options, "
            "occupancy, spend, reviews and documents.")
        self.buttons: dict[str, QPushButton] = {}
        self.show_empty()

    def show_empty(self) -> None:
        self.detail = None
        self.clear()
        self.addTab(_label(self.empty_text), self.tr("Overview"))

    def _button(self, key: str, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.buttons[key] = button
        return button

    def show_detail(self, d: ContractDetail) -> None:
        current = self.currentIndex() if self.detail is not None else 0
        self.detail = d
        self.clear()
        self.buttons.clear()
        r = d.row
        self.addTab(_scrolled(self._overview(d), self.tr("Contract overview")), self.tr("Overview"))
        self.addTab(_tab(table(
            [self.tr("For"), self.tr("Lot"), self.tr("Placement type"), self.tr("Weekly rate"),
             self.tr("Takes effect"), self.tr("In force")],
            [[x.description, x.lot, x.placement_type, money(x.weekly_rate_pence),
              date_short(x.effective_from), self.tr("In force") if x.in_force else ""]
             for x in d.rates], right=(3,), name=self.tr("Rates"), stretch=0),
            buttons=[self._button("rate", self.tr("Add rate…"),
                                  self.tr("A weekly price and the date it takes effect"),
                                  self.add_rate),
                     self._button("uplift", self.tr("Apply uplift…"),
                                  self.tr("Add next year's rates: each current rate raised by "
                                          "a percentage"), self.uplift)]),
            self.tr("Rates ({n})").format(n=len(d.rates)))
        self.members = table([self.tr("Provider"), self.tr("Children placed"), self.tr("Lot")],
                             [[m.name, str(m.children), m.lot] for m in d.members], right=(1,),
                             name=self.tr("Providers on this contract"), stretch=0)
        header = self.members.horizontalHeaderItem(1)
        if header is not None:
            header.setToolTip(self.tr("Children placed today under this contract"))
        lots: QWidget = table([self.tr("Lot"), self.tr("Providers"), self.tr("What it buys")],
                              [[lot.number, str(lot.providers), lot.description]
                               for lot in d.lots], right=(1,), name=self.tr("Lots"))
        lots.setMaximumHeight(110)
        if not d.lots:
            lots = _label(self.tr("No lots: every provider is on the contract as a whole."))
        self.members.itemSelectionChanged.connect(self._enable)
        self.addTab(_tab(self.members, lots, buttons=[
            self._button("lot", self.tr("Add lot…"), self.tr("A part of the contract with its "
                                                            "own providers and prices"),
                         self.add_lot),
            self._button("set_lot", self.tr("Set provider's lot…"),
                         self.tr("Put the chosen provider on a lot"), self.set_lot)]),
            self.tr("Providers ({n})").format(n=len(d.members)))
        self.addTab(_tab(table(
            [self.tr("Extends to"), self.tr("Decide by"), self.tr("Decision"),
             self.tr("Decided on"), self.tr("By"), self.tr("Notes")],
            [[date_short(e.extends_to),
              date_short(e.decide_by) + (self.tr(" (decision due)") if e.decision_due else ""),
              e.status.label, date_short(e.decided_on), e.decided_by or "", e.notes or ""]
             for e in d.extensions], name=self.tr("Extension options")),
            buttons=[self._button("extension", self.tr("Add option…"),
                                  self.tr("An option to extend the contract, and the date by "
                                          "which to decide"), self.add_extension),
                     self._button("decide", self.tr("Record decision…"),
                                  self.tr("Take an option, or record that it is not taken"),
                                  self.decide)]),
            self.tr("Extensions ({n})").format(n=len(d.extensions)))
        self.buttons["decide"].setEnabled(any(e.status == ExtensionStatus.OPEN
                                              for e in d.extensions))
        if r.contract_type == ContractType.BLOCK:
            self.addTab(self._occupancy(d), self.tr("Occupancy"))
        self.addTab(self._spend(d), self.tr("Spend"))
        self.reviews = table(
            [self.tr("Date"), self.tr("Provider"), self.tr("Status"), self.tr("Ratings"),
             self.tr("Next review"), self.tr("Signed off by"), self.tr("Addenda")],
            [[date_short(x.review_date), x.provider_name, x.status.label, x.rag,
              date_short(x.next_due), x.signed_off_by or "", str(x.addenda or "")]
             for x in d.reviews], right=(6,), name=self.tr("Reviews"), stretch=1)
        self.reviews.doubleClicked.connect(lambda index: self._open_review(index.row()))
        self.reviews.activated.connect(lambda index: self._open_review(index.row()))
        self.addTab(_tab(self.reviews, _label(self.tr(
            "Reviews with this contract's providers. Open one with Enter or a double-click; "
            "start one from the Reviews tab."))),
                    self.tr("Reviews ({n})").format(n=len(d.reviews)))
        self.documents = table(
            [self.tr("Kind"), self.tr("Title"), self.tr("Date"), self.tr("Where it is kept")],
            [[x.kind.label, x.title, date_short(x.document_date), x.location or ""]
             for x in d.documents], name=self.tr("Documents"), stretch=1)
        self.documents.itemSelectionChanged.connect(self._enable)
        self.addTab(_tab(self.documents, buttons=[
            self._button("document", self.tr("Add document…"),
                         self.tr("Record a document and where it is kept"), self.add_document),
            self._button("remove_document", self.tr("Remove from list"),
                         self.tr("The audit trail keeps it"), self.remove_document)]),
            self.tr("Documents ({n})").format(n=len(d.documents)))
        self.addTab(_tab(table(
            [self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Changes")],
            [[datetime_short(a.at), a.user, a.what, a.changes] for a in d.audit],
            name=self.tr("Audit trail"))) if d.audit else _tab(_label(self.tr(
                "No changes recorded since the contract was entered. Every change made here "
                "is kept: who, when, and the values before and after."))), self.tr("Audit"))
        if 0 <= current < self.count():
            self.setCurrentIndex(current)
        self._enable()

    def _enable(self) -> None:
        """Buttons that act on a chosen row wait until one is chosen."""
        self.buttons["set_lot"].setEnabled(bool(self.detail and self.detail.lots)
                                           and bool(self.members.selectedItems()))
        self.buttons["remove_document"].setEnabled(bool(self.documents.selectedItems()))

    # -- tabs ------------------------------------------------------------------------

    def _overview(self, d: ContractDetail) -> QWidget:
        r = d.row
        end = date_short(r.end_date, self.tr("Open-ended"))
        spent = money(r.spent_pence)
        if r.value_pence:
            spent += self.tr(" of {value} ({share})").format(
                value=money(r.value_pence), share=share(r.spent_pence, r.value_pence))
        left = [
            (self.tr("Contract:"), f"{r.reference} {r.title}"),
            (self.tr("Type:"), r.contract_type.label),
            (self.tr("Status:"), r.status.label),
            (self.tr("Providers:"), "; ".join(r.providers[:12]) + (
                self.tr("; and {n} more").format(n=len(r.providers) - 12)
                if len(r.providers) > 12 else "") or "–"),
            (self.tr("Runs:"), self.tr("{start} to {end}").format(
                start=date_short(r.start_date), end=end)),
            (self.tr("Final end:"), date_short(r.final_end_date, "–")),
        ]
        if d.end_reason:
            left.append((self.tr("Ended early because:"), d.end_reason))
        if d.notes:
            left.append((self.tr("Notes:"), d.notes))
        right = [(self.tr("Value:"), money(r.value_pence, "–")),
                 (self.tr("Spent to date:"), spent)]
        if r.contract_type == ContractType.BLOCK:
            right.append((self.tr("Beds bought:"), str(r.block_beds or 0)))
        uplift = f"{d.annual_uplift_bp / 100:.2f}% a year" if d.annual_uplift_bp else "–"
        right += [(self.tr("Annual uplift:"), uplift),
                  (self.tr("Uplift terms:"), d.uplift_terms or "–"),
                  (self.tr("Next extension decision:"), date_short(r.next_decision, "–")),
                  (self.tr("Last review:"), date_short(r.last_review, self.tr("None yet"))),
                  (self.tr("Next review due:"), date_short(r.next_review, "–"))]
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.setContentsMargins(4, 6, 4, 4)
        for rows in (left, right):
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for label, text in rows:
                form.addRow(label, _label(text))
            columns.addLayout(form, 1)
        return page

    def _occupancy(self, d: ContractDetail) -> QWidget:
        result = block_occupancy(self.db, d.row.id, self.today)
        months = list(result.months)
        summary = _label(self.tr(
            "{beds} beds bought. Over {n} months: {share} of bed-days used; {weeks:,.1f} void "
            "weeks{cost}.").format(
                beds=result.beds, n=len(months),
                share=percent_of(result.used_bed_days, result.available_bed_days),
                weeks=result.void_bed_days / 7,
                cost=self.tr(" costing {money}").format(money=money(result.void_cost_pence))
                if result.rated else self.tr(" (no rate recorded, so not costed)")))
        rows = [[f"{m.month:%m/%Y}", str(m.beds), str(m.available_bed_days),
                 str(m.used_bed_days), str(m.void_bed_days),
                 f"{m.percent}%" if m.percent is not None else "–", f"{m.void_weeks:.1f}",
                 money(m.void_cost_pence)] for m in reversed(months)]
        grid = table([self.tr("Month"), self.tr("Beds"), self.tr("Bed-days"), self.tr("Used"),
                      self.tr("Void"), self.tr("Occupancy"), self.tr("Void weeks"),
                      self.tr("Void cost")], rows, right=range(1, 8),
                     name=self.tr("Occupancy by month"))
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(4, 6, 4, 4)
        row.addWidget(OccupancyChart(months), 1)
        right = QVBoxLayout()
        right.addWidget(summary)
        right.addWidget(grid, 1)
        row.addLayout(right, 1)
        self.occupancy_summary = summary
        return page

    def _spend(self, d: ContractDetail) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 6, 4, 4)
        start = dt.date(self.today.year - (self.today.month < 4), 4, 1)
        self.spend_from = DateField()
        self.spend_from.set_value(max(start, d.row.start_date))
        self.spend_from.setAccessibleName(self.tr("Spend from"))
        self.spend_to = DateField()
        self.spend_to.set_value(self.today - dt.timedelta(days=1))
        self.spend_to.setAccessibleName(self.tr("Spend to"))
        for field in (self.spend_from, self.spend_to):
            field.set_compact()  # a problem is said in the result beside them
            field.edit.returnPressed.connect(self.show_spend)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("From")))
        bar.addWidget(self.spend_from)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.spend_to)
        show = QPushButton(self.tr("Show spend"))
        bar.addWidget(show)
        self.spend_result = _label("")
        bar.addWidget(self.spend_result, 1)
        to_date = money(d.row.spent_pence)
        value = self.tr("{spent} spent to date against a value of {value} ({share}).").format(
            spent=to_date, value=money(d.row.value_pence),
            share=share(d.row.spent_pence, d.row.value_pence)) \
            if d.row.value_pence else self.tr("{spent} spent to date; no value is recorded.") \
            .format(spent=to_date)
        column.addWidget(_label(value))
        column.addLayout(bar)
        self.spend_months = table([self.tr("Month"), self.tr("Spend"), self.tr("Placements")],
                                  [], right=(1, 2), name=self.tr("Spend by month"))
        self.spend_months.setFixedWidth(330)
        months = QHBoxLayout()
        months.addWidget(self.spend_months)
        self.spend_chart_box = QVBoxLayout()
        months.addLayout(self.spend_chart_box, 1)
        self.spend_chart: QWidget | None = None
        column.addLayout(months, 1)
        column.addWidget(_label(self.tr(
            "Spend is what the agreements of the placements bought under this contract cost "
            "in the period, from their fees; the last day is included.")))
        show.clicked.connect(self.show_spend)
        self.show_spend()
        return page

    def show_spend(self) -> None:
        if self.detail is None:
            return
        for name, field in ((self.tr("From"), self.spend_from), (self.tr("To"), self.spend_to)):
            problem = field.problem()
            if problem:
                self.spend_result.setText(f"{name}: {problem}")
                self._show_months([])
                return
        first, last = self.spend_from.value(), self.spend_to.value()
        assert first is not None and last is not None
        try:
            spend = contract_spend(self.db, self.detail.row.id, first,
                                   last + dt.timedelta(days=1))
            months = monthly_spend(self.db, self.detail.row.id, first,
                                   last + dt.timedelta(days=1))
        except ValidationError as exc:
            self.spend_result.setText(exc.message)
            self._show_months([])
            return
        self._show_months(months)
        part = self.tr(" ({share} of the value)").format(
            share=share(spend.spend_pence, spend.value_pence)) if spend.value_pence else ""
        self.spend_result.setText(self.tr(
            "{first} to {last}: {money}{share}, {n} placements.").format(
                first=date_short(first), last=date_short(last), money=money(spend.spend_pence),
                share=part, n=spend.placements))

    def _show_months(self, months: list[ContractSpend]) -> None:
        """The period's months in the table (latest first) and the chart beside it."""
        self.spend_months.setRowCount(len(months))
        for r, month in enumerate(reversed(months)):
            for c, text in enumerate((f"{month.start:%m/%Y}", money(month.spend_pence),
                                      str(month.placements))):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(RIGHT)
                self.spend_months.setItem(r, c, item)
        for c, width in enumerate((80, 140)):
            self.spend_months.setColumnWidth(c, width)
        if self.spend_chart is not None:
            self.spend_chart.deleteLater()
        self.spend_chart = SpendChart(months)
        self.spend_chart_box.addWidget(self.spend_chart)

    # -- actions -----------------------------------------------------------------------

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.show()
        return dialog

    def add_rate(self) -> QDialog | None:
        if self.detail is None:
            return None
        return self._show(RateDialog(self.db, self.detail.row.id, self.detail.lots, self.today,
                                     self))

    def uplift(self) -> QDialog | None:
        if self.detail is None:
            return None
        return self._show(UpliftDialog(self.db, self.detail.row.id,
                                       self.detail.annual_uplift_bp, self.today, self))

    def add_lot(self) -> QDialog | None:
        if self.detail is None:
            return None
        return self._show(LotDialog(self.db, self.detail.row.id, self))

    def set_lot(self) -> QDialog | None:
        if self.detail is None:
            return None
        rows = self.members.selectionModel().selectedRows()
        if not rows:
            return None
        member = self.detail.members[rows[0].row()]
        return self._show(ProviderLotDialog(self.db, self.detail.row.id, member.provider_id,
                                            member.name, self.detail.lots, member.lot_id, self))

    def add_extension(self) -> QDialog | None:
        if self.detail is None:
            return None
        return self._show(ExtensionDialog(self.db, self.detail.row.id, self))

    def decide(self) -> QDialog | None:
        if self.detail is None:
            return None
        open_options = [e for e in self.detail.extensions if e.status == ExtensionStatus.OPEN]
        if not open_options:
            return None
        return self._show(DecisionDialog(self.db, open_options, self.today, self))

    def add_document(self) -> QDialog | None:
        if self.detail is None:
            return None
        return self._show(DocumentDialog(self.db, self.detail.row.id, self.today, self))

    def remove_document(self) -> None:
        if self.detail is None:
            return
        rows = self.documents.selectionModel().selectedRows()
        if not rows:
            return
        doc = self.detail.documents[rows[0].row()]
        answer = QMessageBox.question(self, self.tr("Remove document"), self.tr(
            "Remove {title} from the contract's documents? The audit trail keeps a record "
            "of it.").format(title=doc.title))
        if answer == QMessageBox.StandardButton.Yes:
            remove_document(self.db, doc.id)

    def _open_review(self, row: int) -> None:
        if self.detail is not None and 0 <= row < len(self.detail.reviews):
            self.open_review.emit(self.detail.reviews[row].id)

    def review_ids(self) -> list[uuid.UUID]:
        return [r.id for r in self.detail.reviews] if self.detail else []
