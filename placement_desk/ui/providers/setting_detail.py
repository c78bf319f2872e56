"""The detail of one setting in tabs: overview, Ofsted history, placements, QA and
actions, contracts, documents and the audit trail; and "Print review pack…" for its
provider, beside the tabs."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...services.common.formatting import date_short, money
from ...services.register.listing import latest_judgement_text
from ...services.register.settings import SettingDetail
from ..common.colours import colour
from ..common.elide import ElidedLabel, ElidedTipDelegate, cap_columns
from ..common.history_panel import HistoryPanel
from ..common.page_holder import PageHolder


def _table(name: str, headings: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headings))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setItemDelegate(ElidedTipDelegate(table))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    cap_columns(table)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _short(text: str, limit: int = 80) -> str:
    """A name for running text, cut short with "…" when very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class JudgementTimeline(QWidget):
    """A small chart of full-inspection judgements over time (pyqtgraph, loaded lazily)."""

    LEVELS = {1: "Inadequate", 2: "Requires improvement", 3: "Good", 4: "Outstanding"}

    def __init__(self, points: list[tuple[dt.date, int, str]]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        judged = [(d, r, label) for d, r, label in points if r > 0]
        if len(judged) < 1:
            layout.addWidget(_empty(self.tr("No judged full inspections to chart.")))
            return
        import pyqtgraph as pg

        plot = pg.PlotWidget(background=None)
        plot.setMinimumHeight(170)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        xs = [dt.datetime(d.year, d.month, d.day).timestamp() for d, _r, _l in judged]
        ys = [r for _d, r, _l in judged]
        axis = pg.DateAxisItem(orientation="bottom")
        plot.setAxisItems({"bottom": axis})
        plot.getAxis("left").setTicks([list(self.LEVELS.items())])
        plot.setYRange(0.5, 4.5)
        text_colour = self.palette().color(self.foregroundRole())
        line = colour("blue")
        plot.plot(xs, ys, pen=pg.mkPen(line, width=2), symbol="o", symbolSize=9,
                  symbolBrush=line, symbolPen=line)
        for axis_name in ("left", "bottom"):
            plot.getAxis(axis_name).setTextPen(text_colour)
        span = max(xs) - min(xs) or 86400 * 365
        plot.setXRange(min(xs) - span * 0.08, max(xs) + span * 0.08)
        for x, y, (_d, _r, label) in zip(xs, ys, judged, strict=True):
            text = pg.TextItem(label, color=text_colour, anchor=(0.5, 1.3))
            text.setPos(x, y)
            plot.addItem(text)
        plot.setAccessibleName(self.tr("Ofsted judgements over time"))
        layout.addWidget(plot)


class SettingDetailTabs(QTabWidget):
    print_pack = Signal(uuid.UUID, str)
    """The provider (id, name) whose review pack the user asked to print."""

    def __init__(self, empty_text: str = "", db: Database | None = None) -> None:
        super().__init__()
        self.db = db
        """With the database, the History tab is the shared history panel (exportable)."""
        self.setDocumentMode(True)
        self.empty_text = empty_text or self.tr(
            "Choose a setting in the list to see its details.")
        self.provider: tuple[uuid.UUID, str] | None = None
        corner = QWidget()
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 4, 2)
        self.print_button = QPushButton(self.tr("Print review pack…"))
        self.print_button.setToolTip(self.tr("Save a PDF review pack of this setting's provider "
                                             "for a meeting: risk, Ofsted, QA, placements, "
                                             "spend, contracts and documents (Ctrl+P)"))
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self._ask_print)
        row.addWidget(self.print_button)
        self.setCornerWidget(corner)
        self.show_empty()

    def _ask_print(self) -> None:
        if self.provider is not None:
            self.print_pack.emit(*self.provider)
    def addTab(self, widget: QWidget, title: str) -> int:  # type: ignore[override]
        """Each tab scrolls when the panel is shorter than it (the list above keeps its
        rows on a laptop screen) rather than squeezing the list."""
        holder = PageHolder(widget)
        holder.setAccessibleName(title)
        return super().addTab(holder, title)

    def show_empty(self) -> None:
        self.clear()
        self.provider = None
        self.print_button.setEnabled(False)
        self.addTab(_empty(self.empty_text), self.tr("Overview"))

    def show_detail(self, d: SettingDetail) -> None:
        current = self.currentIndex()
        self.clear()
        self.provider = ((d.provider_id, d.provider_name or "")
                         if d.provider_id is not None else None)
        self.print_button.setEnabled(self.provider is not None)
        self.print_button.setToolTip(
            self.print_button.toolTip() if self.provider is not None else
            self.tr("This setting has no provider recorded, so there is no review pack to "
                    "print."))
        overview = QWidget()
        form = QFormLayout(overview)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Name:"), ElidedLabel(d.name))
        form.addRow(self.tr("URN:"), QLabel(d.urn or self.tr("None (unregulated)")))
        form.addRow(self.tr("Type:"), QLabel(d.setting_type.label))
        form.addRow(self.tr("Provider:"), ElidedLabel(d.provider_name or "–"))
        form.addRow(self.tr("Status:"), QLabel(d.registration_status.label))
        form.addRow(self.tr("Address:"), ElidedLabel(d.address or "–"))
        if d.latest_judgement is not None:
            judged = self.tr("{judgement} (full inspection, {date})").format(
                judgement=d.latest_judgement.label, date=date_short(d.latest_inspection_date))
        else:
            judged = self.tr("Not yet judged at a full inspection")
        latest = QLabel(judged)
        latest.setToolTip(self.tr("The overall effectiveness judgement of the latest full "
                                  "inspection"))
        form.addRow(self.tr("Latest judgement:"), latest)
        if d.later_judgement is not None:
            later = d.later_judgement
            since = QLabel(self.tr("{judgement} at a {kind} on {date}: not an overall "
                                   "effectiveness judgement").format(
                judgement=later.judgement.label, kind=later.event_type.label.lower(),
                date=date_short(later.date)))
            form.addRow(self.tr("Since then:") if d.latest_judgement is not None
                        else self.tr("Other inspection:"), since)
        if d.risk_level:
            risk = QLabel(d.risk_explanation)
            risk.setWordWrap(True)
            risk.setToolTip(self.tr("RAG risk level from the factors listed; weights are set "
                                    "by the council"))
            form.addRow(self.tr("Risk:"), risk)
        form.addRow(self.tr("Enhanced monitoring:"),
                    QLabel(self.tr("Yes") if d.enhanced_monitoring else self.tr("No")))
        if d.open_alerts:
            alerts = QLabel("\n".join(d.open_alerts))
            alerts.setWordWrap(True)
            form.addRow(self.tr("Rating alerts:"), alerts)
        self.addTab(overview, self.tr("Overview"))

        history = QWidget()
        hl = QVBoxLayout(history)
        full = [(i.date, i.judgement.rank if i.judgement else 0,
                 i.judgement.label if i.judgement else "") for i in d.inspections
                if i.event_type == "Full inspection"]
        hl.addWidget(JudgementTimeline(full))
        hl.addWidget(_table(self.tr("Ofsted inspections"),
                            [self.tr("Date"), self.tr("Event"), self.tr("Judgement"),
                             self.tr("Published")],
                            [[date_short(i.date), i.event_type, i.judgement_text or "–",
                              date_short(i.publication_date)]
                             for i in reversed(d.inspections)]))
        self.addTab(history, self.tr("Ofsted history ({n})").format(n=len(d.inspections)))
        self.addTab(_table(self.tr("Placements here"),
                           [self.tr("Child"), self.tr("Start"), self.tr("End"),
                            self.tr("Type")],
                           [[p.child_ref, date_short(p.start), date_short(p.end) or
                             self.tr("Live"), p.placement_type] for p in d.placements])
                    if d.placements else _empty(self.tr("No placements recorded here.")),
                    self.tr("Placements ({n})").format(n=len(d.placements)))
        qa = QWidget()
        ql = QVBoxLayout(qa)
        ql.addWidget(_table(self.tr("QA visits"),
                            [self.tr("Visit date"), self.tr("Status"), self.tr("Judgement")],
                            [[date_short(v[0]), v[1], v[2]] for v in d.visits]))
        ql.addWidget(_table(self.tr("Actions"),
                            [self.tr("Action"), self.tr("Due"), self.tr("Status")],
                            [[a[0], date_short(a[1]), a[2].label] for a in d.actions]))
        self.addTab(qa, self.tr("QA and actions"))
        totals = d.provider_totals
        if totals is not None:
            provider = QWidget()
            pl = QVBoxLayout(provider)
            summary = QLabel(self.tr(
                "{name}: {n} settings, {places} places, {children} children placed today; "
                "{good} of {judged} judged settings Good or Outstanding; {actions} open "
                "actions.").format(name=_short(totals.name), n=len(totals.settings),
                                   places=totals.places, children=totals.children_placed,
                                   good=totals.good_or_better, judged=totals.judged,
                                   actions=totals.open_actions))
            summary.setWordWrap(True)
            pl.addWidget(summary)
            pl.addWidget(_table(
                self.tr("The provider's settings"),
                [self.tr("Setting"), self.tr("URN"), self.tr("Type"), self.tr("Latest judgement"),
                 self.tr("Places"), self.tr("Children placed")],
                [[p.name, p.urn or "", p.setting_type.label,
                  latest_judgement_text(p.latest_judgement),
                  str(p.places or ""), str(p.children_placed)] for p in totals.settings]))
            self.addTab(provider, self.tr("Provider ({n} settings)").format(
                n=len(totals.settings)))
        self.addTab(_table(self.tr("Contracts with this provider"),
                           [self.tr("Reference"), self.tr("Title"), self.tr("Type"),
                            self.tr("Start"), self.tr("End"), self.tr("Value"),
                            self.tr("Status"), self.tr("Last review"), self.tr("Next review")],
                           [[c.reference, c.title, c.contract_type.label,
                             date_short(c.start_date), date_short(c.end_date, "Open-ended"),
                             money(c.value_pence, "–"), c.status.label,
                             date_short(c.last_review, "None yet"),
                             date_short(c.next_review, "–")] for c in d.contracts])
                    if d.contracts else _empty(self.tr("No contracts with this provider.")),
                    self.tr("Contracts ({n})").format(n=len(d.contracts)) if d.contracts
                    else self.tr("Contracts"))
        flagged = sum(1 for doc in d.documents if doc.flagged)
        self.addTab(_table(self.tr("Documents"),
                           [self.tr("Document"), self.tr("Expires"), self.tr("Status")],
                           [[doc.title, date_short(doc.expiry_date), doc.status.value]
                            for doc in d.documents]),
                    self.tr("Documents ({n} to check)").format(n=flagged) if flagged
                    else self.tr("Documents"))
        if self.db is not None:
            history = HistoryPanel(self.db, "setting")
            history.show_records([("setting", d.id)])
            self.addTab(history, self.tr("History"))
        else:
            self.addTab(_table(self.tr("Audit history"),
                               [self.tr("When"), self.tr("Who"), self.tr("What"),
                                self.tr("Changes")],
                               [[f"{a.at:%d/%m/%Y %H:%M}", a.user, a.action.label, a.changes]
                                for a in d.audit]),
                        self.tr("Audit history"))
        if 0 <= current < self.count():
            self.setCurrentIndex(current)
