"""Council settings: the council's name and area, QA visit cycles, alert visit deadlines and
the contract review interval and warnings.

Everyone using the database shares these. The form is checked as it changes;
Save (or Ctrl+S) stays disabled, with the reason under the form, until it can
be saved. Saving moves the QA due dates to follow the new cycles.
"""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..db import Database
from ..errors import ValidationError
from ..models.enums import RiskLevel
from ..services.common.council_settings import (
    BACKUPS_KEEP_MAX,
    BACKUPS_KEEP_MIN,
    CYCLE_MAX,
    CYCLE_MIN,
    ENDING_MONTHS_MAX,
    ENDING_MONTHS_MIN,
    IDLE_MINUTES_MAX,
    IDLE_MINUTES_MIN,
    NAME_MAX,
    REVIEW_MONTHS_MAX,
    REVIEW_MONTHS_MIN,
    WARNING_DAYS_MAX,
    WARNING_DAYS_MIN,
    WORKING_DAYS_MAX,
    WORKING_DAYS_MIN,
    CouncilSettings,
    load_council_settings,
    save_council_settings,
    validate_council_settings,
)
from .common.fields import say
from .common.form_base import CheckedDialog, NumberField, error_label


def _spin_box(minimum: int, maximum: int, unit: str, units: str) -> NumberField:
    """A whole number with its unit after it, singular for 1 ("1 month", "6 months")."""
    box = NumberField(minimum, maximum, what=units)

    def suffix() -> None:
        box.set_suffix(unit if box.value() == 1 else units)

    box.changed.connect(suffix)
    suffix()
    return box


class CouncilSettingsDialog(CheckedDialog):
    """Ctrl+S or Save stores the settings for everyone; Escape cancels."""

    name_field_problems = True

    def __init__(self, db: Database, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.saved = False
        self.setWindowTitle(self.tr("Council settings"))
        self.setMinimumWidth(460)

        self.council_name = QLineEdit()
        self.council_name.setMaxLength(NAME_MAX)
        self.local_authority_code = QLineEdit()
        self.local_authority_code.setPlaceholderText(self.tr("for example E09000029"))
        self.local_authority_code.setToolTip(self.tr(
            "The Office for National Statistics (ONS) code of the council's area, such as "
            "E09000029 for Sutton, or E10000016 for Kent County Council. It decides which "
            "placements count as inside the council's area, from the postcode of where the "
            "child lives. Leave it empty if not known."))
        self.cycle: dict[RiskLevel, NumberField] = {
            level: _spin_box(CYCLE_MIN, CYCLE_MAX, self.tr("month"), self.tr("months"))
            for level in RiskLevel}
        for level, box in self.cycle.items():
            box.setToolTip(self.tr("Months from a {level} risk setting's last completed visit "
                                   "to its next one").format(level=level.label.lower()))
        self.days_inadequate = self._days_box()
        self.days_requires_improvement = self._days_box()
        self.days_other = self._days_box()
        self.days_inadequate.setToolTip(self.tr(
            "After a new judgement of Inadequate (or Serious or widespread weaknesses)"))
        self.days_requires_improvement.setToolTip(self.tr(
            "After a new judgement of Requires improvement (or Adequate, Satisfactory, "
            "Inconsistent quality of service delivery)"))
        self.days_other.setToolTip(self.tr(
            "After any other rating alert, such as a suspension or a closure"))
        self.review_interval = _spin_box(REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX,
                                         self.tr("month"), self.tr("months"))
        self.review_interval.setToolTip(self.tr(
            "Every provider with a child placed needs a signed-off contract review at least "
            "this often"))
        self.ending_soon = _spin_box(ENDING_MONTHS_MIN, ENDING_MONTHS_MAX, self.tr("month"),
                                     self.tr("months"))
        self.ending_soon.setToolTip(self.tr("Contracts ending within this time are shown as "
                                            "alerts and added to the actions tracker"))
        self.extension_warning = _spin_box(WARNING_DAYS_MIN, WARNING_DAYS_MAX, self.tr("day"),
                                           self.tr("days"))
        self.extension_warning.setToolTip(self.tr(
            "Extension options to be decided within this time are shown as alerts"))
        self.backups_keep = _spin_box(BACKUPS_KEEP_MIN, BACKUPS_KEEP_MAX, self.tr("copy"),
                                      self.tr("copies"))
        self.backups_keep.setToolTip(self.tr(
            "Daily backups, and those before imports, upgrades and restores: the oldest "
            "beyond this number are removed"))
        self.idle_lock = _spin_box(IDLE_MINUTES_MIN, IDLE_MINUTES_MAX, self.tr("minute"),
                                   self.tr("minutes"))
        self.idle_lock.setToolTip(self.tr(
            "Once people sign in, the window locks after this time without use and asks for "
            "the password again, keeping open work; 0 never locks"))

        self._labels: list[QLabel] = []
        council = self._group(self.tr("Council"), [
            (self.tr("Council &name *"), self.council_name, self.tr("Council name")),
            (self.tr("&ONS area code"), self.local_authority_code,
             self.tr("ONS area code")),
        ])
        qa = self._group(self.tr("QA visits"), [
            (self.tr("&High risk"), self.cycle[RiskLevel.HIGH],
             self.tr("Months between visits, high risk")),
            (self.tr("&Medium risk"), self.cycle[RiskLevel.MEDIUM],
             self.tr("Months between visits, medium risk")),
            (self.tr("&Low risk"), self.cycle[RiskLevel.LOW],
             self.tr("Months between visits, low risk")),
        ], self.tr("Months between visits to a setting in use, by its risk level."))
        alerts = self._group(self.tr("After a rating alert"), [
            (self.tr("&Inadequate"), self.days_inadequate,
             self.tr("Working days to visit after an Inadequate judgement")),
            (self.tr("&Requires improvement"), self.days_requires_improvement,
             self.tr("Working days to visit after a Requires improvement judgement")),
            (self.tr("Any o&ther alert"), self.days_other,
             self.tr("Working days to visit after any other rating alert")),
        ], self.tr("Working days allowed for a QA visit, by the setting's new judgement. "
                   "Weekends and England and Wales bank holidays are not counted; "
                   "0 means the same day."))
        contracts = self._group(self.tr("Contracts"), [
            (self.tr("Re&view every"), self.review_interval,
             self.tr("Months between contract reviews")),
            (self.tr("Warn of an &end"), self.ending_soon,
             self.tr("Months of warning before a contract ends")),
            (self.tr("Warn of an e&xtension decision"), self.extension_warning,
             self.tr("Days of warning before an extension decision is due")),
        ])
        safety = self._group(self.tr("Safety"), [
            (self.tr("&Backups kept"), self.backups_keep,
             self.tr("Backups kept of each kind")),
            (self.tr("Loc&k after"), self.idle_lock,
             self.tr("Minutes without use before the window locks")),
        ])

        # The groups' fields line up: every label is as wide as the widest.
        widest = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:
            label.setMinimumWidth(widest)

        self.error = error_label("error")
        self.error.setAccessibleName(self.tr("Problem with the settings"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save for everyone using this database (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(
            self.save)

        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("These settings apply to everyone using this "
                                        "database.")))
        for group in (council, qa, alerts, contracts, safety):
            layout.addWidget(group)
        layout.addWidget(QLabel(self.tr("* required")))
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._load(load_council_settings(db))
        self._ready = False
        self.watch("council_name", self.council_name)
        self.watch("local_authority_code", self.local_authority_code)
        for key, box in (*(("cycle_months", box) for box in self.cycle.values()),
                         ("visit_working_days_inadequate", self.days_inadequate),
                         ("visit_working_days_requires_improvement",
                          self.days_requires_improvement),
                         ("visit_working_days_other", self.days_other),
                         ("review_interval_months", self.review_interval),
                         ("ending_soon_months", self.ending_soon),
                         ("extension_warning_days", self.extension_warning),
                         ("backups_keep", self.backups_keep),
                         ("idle_lock_minutes", self.idle_lock)):
            self.watch(key, box)
        order: list[QWidget] = [self.council_name, self.local_authority_code,
                                *self._spin_boxes()]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        self.council_name.setFocus()
        self.ready()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()  # wrapped notes need more height than the first guess gives them

    # -- building ------------------------------------------------------------------------

    def _days_box(self) -> NumberField:
        box = _spin_box(WORKING_DAYS_MIN, WORKING_DAYS_MAX, self.tr("working day"),
                        self.tr("working days"))
        box.edit.setToolTip(self.tr("0 means the same day"))
        return box

    def _group(self, title: str, rows: list[tuple[str, QWidget, str]],
               note: str = "") -> QGroupBox:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if note:
            explanation = QLabel(note)
            explanation.setWordWrap(True)
            form.addRow(explanation)
        for label, widget, accessible in rows:
            widget.setAccessibleName(accessible)
            label_widget = QLabel(label)
            label_widget.setBuddy(widget)
            self._labels.append(label_widget)
            form.addRow(label_widget, widget)
        return group

    def _spin_boxes(self) -> list[NumberField]:
        return [*self.cycle.values(), self.days_inadequate, self.days_requires_improvement,
                self.days_other, self.review_interval, self.ending_soon,
                self.extension_warning, self.backups_keep, self.idle_lock]

    # -- values ----------------------------------------------------------------------------

    def _load(self, s: CouncilSettings) -> None:
        self.council_name.setText(s.council_name)
        self.local_authority_code.setText(s.local_authority_code)
        for level, box in self.cycle.items():
            box.set_value(s.cycle_months[level])
        self.days_inadequate.set_value(s.visit_working_days_inadequate)
        self.days_requires_improvement.set_value(s.visit_working_days_requires_improvement)
        self.days_other.set_value(s.visit_working_days_other)
        self.review_interval.set_value(s.review_interval_months)
        self.ending_soon.set_value(s.ending_soon_months)
        self.extension_warning.set_value(s.extension_warning_days)
        self.backups_keep.set_value(s.backups_keep)
        self.idle_lock.set_value(s.idle_lock_minutes)

    def settings(self) -> CouncilSettings:
        """The settings as the form shows them."""
        return CouncilSettings(
            council_name=self.council_name.text(),
            local_authority_code=self.local_authority_code.text(),
            cycle_months={level: box.value() or 0 for level, box in self.cycle.items()},
            visit_working_days_inadequate=self.days_inadequate.value() or 0,
            visit_working_days_requires_improvement=self.days_requires_improvement.value() or 0,
            visit_working_days_other=self.days_other.value() or 0,
            review_interval_months=self.review_interval.value() or 0,
            ending_soon_months=self.ending_soon.value() or 0,
            extension_warning_days=self.extension_warning.value() or 0,
            backups_keep=self.backups_keep.value() or 0,
            idle_lock_minutes=self.idle_lock.value() or 0,
        )

    # -- checking and saving -----------------------------------------------------------------

    def show_error(self, error: ValidationError | None) -> None:
        say(self.error, error.message if error else "")
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit wrapped text (a long error), which a window's minimum size ignores."""
        if not self.isVisible():
            return  # the first show sizes the window from the layout
        self._layout.activate()
        needed = self._layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def check(self) -> None:
        validate_council_settings(self.settings())

    def store(self) -> None:
        save_council_settings(self.db, self.settings(), self.today)
        self.saved = True
