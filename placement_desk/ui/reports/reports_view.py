"""The Reports page's body: three reports, each printed in the background with progress.

* **Provider review pack**: choose a provider, "Print review pack…";
* **Review packs for reviews due**: "Print packs for reviews due…" (its own dialog);
* **Sufficiency appendix**: the date it is as on and, if not the twelve months to it,
  the first day of the period; "Save as PDF…" or "Save as Excel…".

What happened is said beside each report in words.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...progress import TaskState
from ...services.common.formatting import date_short
from ...services.contracts.register import provider_choices
from ...services.reports.definitions import Period, year_to
from ..common.elide import ElidedLabel
from ..common.fields import Combo, DateField
from ..common.file_dialogs import save_file_name
from ..context import AppContext
from ..tasks import Task
from .batch_dialog import PrintPacksButton
from .printing import PackPrinter, run_in_background

__all__ = ["ReportsView", "last_31_march"]


def last_31_march(today: dt.date) -> dt.date:
    """The end of the last whole financial year: 31 March of this year or the last."""
    this_year = dt.date(today.year, 3, 31)
    return this_year if today >= this_year else dt.date(today.year - 1, 3, 31)


def _note() -> ElidedLabel:
    label = ElidedLabel("")
    label.setMinimumWidth(200)
    return label


class ReportsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None

        self.provider = Combo()
        self.provider.setAccessibleName(self.tr("Provider"))
        self.provider.setMinimumWidth(320)
        self.pack_button = QPushButton(self.tr("Print review pack…"))
        self.pack_button.setToolTip(self.tr("Save the chosen provider's review pack as a PDF "
                                            "for a meeting"))
        self.pack_note = _note()
        self.printer = PackPrinter(ctx.db, ctx.tasks.start, ctx.today, self)
        self.printer.said.connect(self.pack_note.setText)
        pack = QGroupBox(self.tr("Provider review pack"))
        pack_row = QHBoxLayout(pack)
        pack_row.addWidget(self.provider)
        pack_row.addWidget(self.pack_button)
        pack_row.addWidget(self.pack_note, 1)

        self.packs_button = PrintPacksButton(ctx, ctx.today, self)
        packs = QGroupBox(self.tr("Review packs for reviews due"))
        packs_row = QHBoxLayout(packs)
        explain = QLabel(self.tr("A pack for every provider whose contract review is due "
                                 "before a date, with an index."))
        explain.setWordWrap(True)
        packs_row.addWidget(explain, 1)
        packs_row.addWidget(self.packs_button)

        self.at = DateField()
        self.at.setAccessibleName(self.tr("As on"))
        self.at.set_value(last_31_march(ctx.today()))
        self.start = DateField(optional=True)
        self.start.setAccessibleName(self.tr("Period from"))
        self.start.setToolTip(self.tr("Leave blank for the twelve months to the date above"))
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        self.xlsx_button = QPushButton(self.tr("Save as Excel…"))
        self.xlsx_button.setToolTip(self.tr("A workbook with one sheet per table"))
        self.appendix_note = _note()
        appendix = QGroupBox(self.tr("Sufficiency appendix"))
        form = QFormLayout()
        form.addRow(self.tr("&As on:"), self.at)
        form.addRow(self.tr("Period &from:"), self.start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.appendix_note, 1)
        about = QLabel(self.tr(
            "Children looked after over five years with a forecast; their profiles and "
            "stability; placements and weeks by type and age band; care leavers; settings "
            "used by Ofsted judgement against the region and England; QA coverage; spend, "
            "weeks and the average weekly cost. Each table says what it counts and which "
            "records it could not classify."))
        about.setWordWrap(True)
        box = QVBoxLayout(appendix)
        box.addWidget(about)
        box.addLayout(form)
        box.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(pack)
        layout.addWidget(packs)
        layout.addWidget(appendix)
        layout.addStretch(1)
        self.pack_button.clicked.connect(self.print_chosen)
        self.pdf_button.clicked.connect(lambda: self.ask_appendix(".pdf"))
        self.xlsx_button.clicked.connect(lambda: self.ask_appendix(".xlsx"))

    def reload(self) -> None:
        keep = self.provider.currentData()
        self.provider.clear()
        for choice in provider_choices(self.ctx.db):
            self.provider.addItem(choice.name, choice.id)
        index = self.provider.findData(keep) if keep is not None else -1
        self.provider.setCurrentIndex(max(index, 0))
        self.pack_button.setEnabled(self.provider.count() > 0)

    # -- the review pack -------------------------------------------------------------------

    def print_chosen(self) -> Task | None:
        provider_id = self.provider.currentData()
        if provider_id is None:
            return None
        return self.printer.ask_and_print(provider_id, self.provider.currentText())

    # -- the appendix --------------------------------------------------------------------------

    def period(self) -> Period | None:
        """The period chosen; None (with the reason said) when the dates will not do."""
        at = self.at.value()
        if at is None:
            self.appendix_note.setText(self.tr("Enter the date the appendix is as on, as "
                                               "dd/mm/yyyy."))
            return None
        start = self.start.value()
        if start is None:
            return year_to(at)
        if start > at:
            self.appendix_note.setText(self.tr("The period starts after the date it is as on."))
            return None
        return Period(start, at + dt.timedelta(days=1))

    def ask_appendix(self, suffix: str) -> Task | None:
        period = self.period()
        if period is None:
            return None
        at = period.last
        kind = self.tr("PDF (*.pdf)") if suffix == ".pdf" else self.tr(
            "Excel workbook (*.xlsx)")
        name = save_file_name(self, self.tr("Save the sufficiency appendix"),
                              f"Sufficiency appendix {at.isoformat()}{suffix}", kind)
        if not name:
            return None
        if not name.lower().endswith(suffix):
            name += suffix
        return self.write_appendix(name, period)

    def write_appendix(self, path: str | Path, period: Period) -> Task | None:
        db, today = self.ctx.db, self.ctx.today()

        def work(state: TaskState) -> Path:
            from ...reports.sufficiency import write_appendix

            return write_appendix(db, period.last, path, period=period, state=state,
                                  today=today)

        def done(out: Path) -> None:
            self.task = None
            self.appendix_note.setText(self.tr("Appendix as on {day} saved to {path}.").format(
                day=date_short(period.last), path=out))

        def failed(exc: BaseException, _detail: str = "") -> None:
            self.task = None
            self.appendix_note.setText(
                self.tr("The appendix was not saved: {why}").format(why=exc)
                if isinstance(exc, UserError) else
                self.tr("The appendix could not be written because of a fault in Placement "
                        "Desk; the log has the details."))

        def cancelled() -> None:
            self.task = None
            self.appendix_note.setText(self.tr("Stopped: the appendix was not saved."))

        self.task = run_in_background(self, self.ctx.tasks.start,
                                      self.tr("Writing the sufficiency appendix"), work, done,
                                      failed, cancelled)
        return self.task
