"""The contract review form's sections, built for the review dialog.

The review date, contract and attendees; each agenda area's rating and notes; the
placements with their notes; the outcome and next review date; the addenda; and, beside
the form, the provider's settings and open actions. Each field's problem line is kept in
``errors`` under the field's key. The dialog lays the sections out and reads them back.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import PlacementType, Rag
from ...services.common.formatting import date_short, money
from ...services.contracts.review_context import ReviewContext
from ...services.contracts.review_forms import TEXT_MAX, PlacementItem, ReviewForm
from ..common.colours import colour
from ..common.form_base import CheckedDialog, Combo, error_label
from .contract_detail import table
from .contract_dialogs import required_date

if TYPE_CHECKING:
    _Dialog = CheckedDialog  # the review dialog these sections are built into
else:
    _Dialog = object  # a mixin: the dialog itself is the one Qt class

RAG_TIP = "RAG: Red, Amber or Green. Red: not met, action needed now; Amber: partly met; " \
          "Green: met."


def _swatch(name: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour(name)))
    return QIcon(pixmap)


def rag_combo(area: str) -> Combo:
    """Choose…, Red, Amber, Green: each with its word (the swatch only repeats it)."""
    combo = Combo()
    combo.addItem(combo.tr("Choose…"), "")
    for rag in Rag:
        combo.addItem(_swatch(rag.value), combo.tr(rag.label), rag.value)
    combo.setAccessibleName(combo.tr("{area}: rating").format(area=area))
    combo.setToolTip(combo.tr(RAG_TIP))
    return combo


def _placement_type(code: str) -> str:
    """"K2 – Children's home", or the code itself when it is not known."""
    try:
        return f"{code} – {PlacementType(code).label}"
    except ValueError:
        return code


def notes_edit(placeholder: str, height: int = 48) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def _field(widget: QWidget, error: QLabel) -> QWidget:
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    holder.setFocusProxy(widget)
    return holder


def _fit_columns(grid: QTableWidget, stretch: tuple[int, ...]) -> None:
    """Every column in view: the ``stretch`` ones share the width (long text is cut short
    with "…", in full on hover), the others fit their contents."""
    header = grid.horizontalHeader()
    header.setStretchLastSection(False)
    for c in range(grid.columnCount()):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c in stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class ReviewSections(_Dialog):
    """The review dialog's sections, each built into the dialog's own attributes."""

    today: dt.date
    errors: dict[str, QLabel]

    def _build_header(self, form: ReviewForm, context: ReviewContext) -> QFormLayout:
        """The review date, the contract and who attended on each side."""
        self.review_date = required_date(self.tr("Review date"))
        self.review_date.set_value(form.review_date or self.today)
        self.contract = Combo()
        self.contract.addItem(self.tr("No particular contract"), None)
        for cid, label in context.contracts:
            self.contract.addItem(label, cid)
        ids = [cid for cid, _label in context.contracts]
        self.contract.setCurrentIndex(ids.index(form.contract_id) + 1
                                      if form.contract_id in ids else 0)
        self.contract.setAccessibleName(self.tr("Contract"))
        self.attendees = QLineEdit(form.attendees or "")
        self.attendees.setPlaceholderText(self.tr("Names and roles, separated by semicolons"))
        self.attendees.setAccessibleName(self.tr("Council attendees"))
        self.provider_attendees = QLineEdit(form.provider_attendees or "")
        self.provider_attendees.setPlaceholderText(self.tr("e.g. Registered manager; "
                                                           "responsible individual"))
        self.provider_attendees.setAccessibleName(self.tr("Provider attendees"))
        for edit in (self.attendees, self.provider_attendees):
            edit.setMaxLength(TEXT_MAX)
        header = QFormLayout()
        header.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        header.setVerticalSpacing(2)
        for key, label, widget in (
                ("review_date", self.tr("Review date *"), self.review_date),
                ("contract_id", self.tr("Contract"), self.contract),
                ("attendees", self.tr("Council attendees *"), self.attendees),
                ("provider_attendees", self.tr("Provider attendees *"),
                 self.provider_attendees)):
            header.addRow(label, _field(widget, self._error(key)))
        return header

    def _build_agenda(self, form: ReviewForm) -> QGroupBox:
        """Each agenda area's name, rating and notes, with the line for their problem."""
        self.agenda: list[tuple[str, QComboBox, QPlainTextEdit]] = []
        agenda_box = QGroupBox(self.tr("Agenda: a rating and notes for each area"))
        agenda_box.setToolTip(RAG_TIP)
        grid = QGridLayout(agenda_box)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(2)
        bold = QFont(self.font())
        bold.setBold(True)
        for i, item in enumerate(form.agenda):
            name = QLabel(item.area)
            name.setFont(bold)
            name.setWordWrap(True)
            combo = rag_combo(item.area)
            combo.setCurrentIndex(max(0, combo.findData(item.rag.value if item.rag else "")))
            notes = notes_edit(self.tr("Notes: what was discussed, evidence, what was agreed"))
            notes.setPlainText(item.notes or "")
            notes.setAccessibleName(f"{item.area}: notes")
            error = self._error(f"agenda[{i}].rag")
            self.errors[f"agenda[{i}].notes"] = error
            grid.addWidget(name, i * 3, 0)
            grid.addWidget(combo, i * 3, 1)
            grid.addWidget(notes, i * 3 + 1, 0, 1, 2)
            grid.addWidget(error, i * 3 + 2, 0, 1, 2)
            self.agenda.append((item.area, combo, notes))
        return agenda_box

    def _build_placements(self, form: ReviewForm) -> None:
        """The placements at the review, their notes typed in the table's last column."""
        self.placements_box = QGroupBox(self.tr("Individual placements: current placements and "
                                                "their weekly fees; add notes"))
        self.placement_items: list[PlacementItem] = list(form.placements)
        self.placements = QTableWidget(len(form.placements), 6)
        self.placements.setHorizontalHeaderLabels(
            [self.tr("Child"), self.tr("Setting"), self.tr("Type"), self.tr("Since"),
             self.tr("Weekly fee"), self.tr("Notes (type to edit)")])
        self.placements.verticalHeader().setVisible(False)
        self.placements.setTabKeyNavigation(False)
        self.placements.setWordWrap(False)
        self.placements.setAccessibleName(self.tr("The provider's placements"))
        self.placements.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                        | QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed)
        for r, p in enumerate(form.placements):
            cells = (p.child_ref, p.setting, p.placement_type, date_short(p.start),
                     money(p.weekly_pence, self.tr("No agreement")), p.notes or "")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c < 5:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    cell.setToolTip(_placement_type(text) if c == 2 else text)
                if c == 4:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.placements.setItem(r, c, cell)
        self.placements.resizeColumnsToContents()
        for c in range(5):  # a long setting name is cut short (in full on hover)
            self.placements.setColumnWidth(c, min(self.placements.columnWidth(c), 220))
        self.placements.horizontalHeader().setStretchLastSection(True)
        if form.placements:  # typing in the table writes the first placement's notes
            self.placements.selectionModel().setCurrentIndex(
                self.placements.model().index(0, 5),
                QItemSelectionModel.SelectionFlag.NoUpdate)
        self.placements.setFixedHeight(min(270, 32 + 26 * max(1, len(form.placements))))
        self.placements.itemChanged.connect(self._changed)
        column = QVBoxLayout(self.placements_box)
        column.addWidget(self.placements if form.placements else QLabel(self.tr(
            "No placements were recorded with this review.")))

    def _build_footer(self, form: ReviewForm) -> QFormLayout:
        """The outcome and the next review date."""
        self.outcome = notes_edit(self.tr("Summary and what was agreed"), 60)
        self.outcome.setPlainText(form.outcome or "")
        self.outcome.setAccessibleName(self.tr("Outcome"))
        self.next_due = required_date(self.tr("Next review date"))
        self.next_due.set_value(form.next_due)
        footer = QFormLayout()
        footer.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        footer.setVerticalSpacing(2)
        footer.addRow(self.tr("Outcome"), _field(self.outcome, self._error("outcome")))
        footer.addRow(self.tr("Next review *"), _field(self.next_due, self._error("next_due")))
        return footer

    def _build_addenda(self) -> None:
        """The addenda to a signed-off review, as selectable text."""
        self.addenda_box = QGroupBox(self.tr("Addenda"))
        self.addenda_list = QLabel()
        self.addenda_list.setWordWrap(True)
        self.addenda_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.addenda_box).addWidget(self.addenda_list)

    def _error(self, key: str) -> QLabel:
        label = error_label(f"error_{key}")
        self.errors[key] = label
        return label

    def _beside(self, context: ReviewContext) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(6, 0, 0, 0)
        title = QLabel(self.tr("{name}: its settings").format(name=context.provider_name))
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        column.addWidget(title)
        self.settings_table = table(
            [self.tr("Setting"), self.tr("URN"), self.tr("Ofsted judgement"),
             self.tr("QA visit"), self.tr("Placed")],
            [[s.name, s.urn or "", s.judgement, s.last_visit, str(s.children)]
             for s in context.settings], right=(4,), name=self.tr("The provider's settings"))
        self.settings_table.setToolTip(self.tr(
            "URN: Ofsted's Unique Reference Number. QA visit: the council's last completed "
            "visit and its judgement. Placed: children placed today."))
        _fit_columns(self.settings_table, stretch=(0, 2, 3))
        column.addWidget(self.settings_table, 2)
        actions = QLabel(self.tr("Open actions ({n})").format(n=len(context.open_actions)))
        actions.setFont(font)
        column.addWidget(actions)
        self.open_actions = table(
            [self.tr("Action"), self.tr("Due"), self.tr("Status"), self.tr("From")],
            [[" ".join(a.description.split()), date_short(a.due_date), a.status_text,
              a.source_label] for a in context.open_actions],
            name=self.tr("The provider's open actions"))
        _fit_columns(self.open_actions, stretch=(0, 3))
        if context.open_actions:
            column.addWidget(self.open_actions, 3)
        else:
            none = QLabel(self.tr("No open actions for this provider's settings."))
            none.setWordWrap(True)
            column.addWidget(none)
            column.addStretch(3)
        return panel

