"""Annual uplift: a percentage from a date for the chosen agreements, previewed before applying.

The preview lists each agreement's weekly cost now and after, and the cost of
the difference to a chosen date (the end of the financial year by default).
Apply asks once more, then makes an active variation for each agreement, in one
transaction; agreements that cannot take an uplift are listed with the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...services.agreements.uplift import UpliftPreview, UpliftResult, apply_uplift, preview_uplift
from ...services.common.formatting import money
from ..common.a11y import label_forms
from ..common.form_base import DateField, NumberField

COLUMNS = ("Agreement", "Child", "Now per week", "After per week", "Difference",
           "Cost to date")


def _year_end(day: dt.date) -> dt.date:
    """1 April after ``day``: the end (exclusive) of its financial year."""
    return dt.date(day.year + (1 if day.month >= 4 else 0), 4, 1)


class UpliftDialog(QDialog):
    def __init__(self, db: Database, agreement_ids: Sequence[uuid.UUID],
                 user: str, today: dt.date, confirm: Callable[[str], bool] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.ids, self.user = db, list(agreement_ids), user
        self.confirm = confirm or self._ask
        self.preview: UpliftPreview | None = None
        self.result_: UpliftResult | None = None
        self.setWindowTitle(self.tr("Annual uplift"))
        self.setMinimumWidth(760)
        self.percent = NumberField(0.01, 100, decimals=2, suffix="%",
                                   what=self.tr("the uplift"))
        self.percent.set_value(3.0)
        self.percent.setAccessibleName(self.tr("Uplift"))
        start = dt.date(today.year + (1 if today.month >= 4 else 0), 4, 1)
        self.from_date = DateField()
        self.from_date.set_value(start)
        self.to_date = DateField()
        self.to_date.set_value(_year_end(start + dt.timedelta(days=1)))
        form = QFormLayout()
        form.addRow(self.tr("Uplift *"), self.percent)
        form.addRow(self.tr("From *"), self.from_date)
        form.addRow(self.tr("Cost shown up to"), self.to_date)
        self.intro = QLabel(self.tr("{n} agreements chosen.").format(n=len(self.ids)))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName(self.tr("Agreements and their fees after the uplift"))
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.skipped = QLabel()
        self.skipped.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(self.show_preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText(self.tr("Apply uplift…"))
        self.apply_button.clicked.connect(self.apply)
        self.buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.skipped)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for field in (self.from_date, self.to_date):
            field.on_change(self.show_preview)
        self.percent.changed.connect(self.show_preview)
        label_forms(self)
        self.show_preview()

    def percent_bp(self) -> int:
        return round((self.percent.value() or 0) * 100)

    def show_preview(self) -> None:
        start = self.from_date.value()
        if start is None or any(f.problem() for f in (self.percent, self.from_date,
                                                      self.to_date)):
            # The field says what is wrong once it is left; nothing is applied meanwhile.
            self.apply_button.setEnabled(False)
            return
        try:
            self.preview = preview_uplift(self.db, self.ids, self.percent_bp(), start,
                                          self.to_date.value())
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.apply_button.setEnabled(False)
            return
        p = self.preview
        self.table.setRowCount(len(p.lines))
        for n, line in enumerate(p.lines):
            for c, text in enumerate((line.reference, line.child_ref,
                                      money(line.current_weekly_pence),
                                      money(line.new_weekly_pence),
                                      money(line.difference_pence), money(line.effect_pence))):
                self.table.setItem(n, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.totals.setText(self.tr(
            "{n} agreements: {now} per week now, {after} per week after, a rise of {diff} per "
            "week; {effect} up to the date shown.").format(
            n=len(p.lines), now=money(p.total_current_weekly_pence),
            after=money(p.total_new_weekly_pence), diff=money(p.total_difference_pence),
            effect=money(p.total_effect_pence)))
        self.skipped.setText("" if not p.skipped else self.tr("Not uplifted: ") + "; ".join(
            f"{s.reference} ({s.reason})" for s in p.skipped))
        self.message.clear()
        self.apply_button.setEnabled(bool(p.lines))

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Apply the uplift"), text)
        return answer == QMessageBox.StandardButton.Yes

    def apply(self) -> None:
        if self.preview is None or not self.preview.lines:
            return
        p = self.preview
        if not self.confirm(self.tr(
                "Make a signed variation raising {n} agreements by {pct} from {day}? This adds "
                "{diff} per week.").format(n=len(p.lines), pct=f"{self.percent.value() or 0:g}%",
                                           day=p.from_date.strftime("%d/%m/%Y"),
                                           diff=money(p.total_difference_pence))):
            return
        try:
            self.result_ = apply_uplift(self.db, [line.agreement_id for line in p.lines],
                                        self.percent_bp(), p.from_date, self.user)
        except ValidationError as exc:
            self.message.setText(exc.message)
            return
        self.message.setText(self.tr("Uplift applied to {n} agreements.").format(
            n=len(self.result_.created)))
        self.apply_button.setEnabled(False)
        self.accept()
