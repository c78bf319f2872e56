"""Recording a contract review: keyboard-first, saved as a draft every few seconds and on close.

Tab walks the form in reading order: date, contract, attendees on both sides, then
each agenda area's rating (type R, A or G) and notes, the placements' notes, the
outcome and the next review date. Beside the form are the provider's settings with
their latest Ofsted judgements and QA visits, and its open actions. Actions raised
here go to the shared tracker at once. A field's problem shows beside it once the
field is left. "Sign off…" checks the review, asks, and locks it; a signed-off
review opens read-only, and a correction is an addendum. Closing saves the draft,
and asks first when the draft cannot be saved as it stands.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models import Action
from ...models.enums import ActionPriority, PlacementType, Rag, ReviewStatus
from ...services.common.formatting import date_short, datetime_short, money
from ...services.common.limits import max_length
from ...services.contracts.review_context import ReviewContext, review_context
from ...services.contracts.review_forms import (
    TEXT_MAX,
    AgendaItem,
    PlacementItem,
    ReviewForm,
    check_review_draft,
    check_sign_off,
)
from ...services.contracts.reviews import (
    ReviewRecord,
    SignedOff,
    add_addendum,
    load_review,
    raise_review_action,
    review_interval,
    save_review_draft,
    sign_off_review,
)
from ..common.a11y import label_forms
from ..common.colours import colour
from ..common.fields import say
from ..common.form_base import CheckedDialog, Combo, DateField, FormDialog, error_label
from .contract_detail import table
from .contract_dialogs import required_date

AUTOSAVE_MS = 3000
DEFAULT_DUE_DAYS = 28
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


def _notes(placeholder: str, height: int = 48) -> QPlainTextEdit:
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


class ReviewActions(QGroupBox):
    """The actions raised at this review, listed and added; each is saved at once, so it is
    never lost with the form, and followed up in the QA page's actions tracker."""

    def __init__(self, db: Database, review_id: uuid.UUID, today: dt.date) -> None:
        super().__init__()
        self.setTitle(self.tr("Actions raised"))
        self.db, self.review_id, self.today = db, review_id, today
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Owner"),
                                              self.tr("Due"), self.tr("Status")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setFixedHeight(96)
        self.table.setAccessibleName(self.tr("Actions raised at this review"))
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("What needs to be done"))
        self.description.setAccessibleName(self.tr("New action"))
        self.owner = QLineEdit()
        self.owner.setMaxLength(max_length(Action.owner) or 100)
        self.owner.setPlaceholderText(self.tr("Owner, e.g. Registered manager"))
        self.owner.setAccessibleName(self.tr("Owner of the new action"))
        self.due = DateField()
        self.due.set_value(today + dt.timedelta(days=DEFAULT_DUE_DAYS))
        self.due.setAccessibleName(self.tr("Due date of the new action"))
        self.due.detach_error()  # its problem shows in the group's line, below
        self.priority = Combo()
        for value, label in ActionPriority.choices():
            self.priority.addItem(self.tr(label), value)
        self.priority.setCurrentIndex(self.priority.findData(ActionPriority.MEDIUM.value))
        self.priority.setAccessibleName(self.tr("Priority of the new action"))
        self.add_button = QPushButton(self.tr("Add action"))
        self.add_button.setToolTip(self.tr("Save this action in the tracker now (Enter in the "
                                           "action or owner box)"))
        self.add_button.setAutoDefault(False)
        self.error = error_label("action_error")
        grid = QGridLayout(self)
        grid.addWidget(self.table, 0, 0, 1, 4)
        grid.addWidget(self.description, 1, 0, 1, 4)
        grid.addWidget(self.owner, 2, 0)
        grid.addWidget(self.due, 2, 1)
        grid.addWidget(self.priority, 2, 2)
        grid.addWidget(self.add_button, 2, 3)
        grid.addWidget(self.error, 3, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        for edit in (self.description, self.owner):
            edit.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)

    def show_rows(self, record: ReviewRecord) -> None:
        self.table.setRowCount(len(record.actions))
        for n, row in enumerate(record.actions):
            for c, text in enumerate((row.description, row.owner or "",
                                      date_short(row.due_date), row.status_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.description, self.owner, self.due, self.priority, self.add_button,
                       self.error):
            widget.setVisible(not read_only)

    def add(self) -> bool:
        """Save the action typed in; on a problem say what, and keep what was typed."""
        problem = self.due.problem()
        if problem:
            say(self.error, self.tr("Due date: {why}").format(why=problem))
            return False
        try:
            raise_review_action(self.db, self.review_id, self.description.text(),
                                self.owner.text(), self.due.value(),
                                ActionPriority(self.priority.currentData()))
        except ValidationError as exc:
            say(self.error, exc.message)
            return False
        say(self.error, "")
        self.description.clear()
        self.show_rows(load_review(self.db, self.review_id, self.today))
        self.description.setFocus()
        return True


class AddendumDialog(FormDialog):
    """A dated correction or addition to a signed-off review."""

    def __init__(self, db: Database, review_id: uuid.UUID, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Add an addendum", parent)
        self.db, self.review_id, self.today = db, review_id, today
        self.added_on = DateField()
        self.added_on.set_value(today)
        self.text = _notes("What is corrected or added, and why", 100)
        self.add_row("added_on", self.tr("Dated *"), self.added_on)
        self.add_row("text", self.tr("Addendum *"), self.text,
                     self.tr("Kept with the review under your name; the review itself does "
                             "not change"))
        self.save_button.setText(self.tr("Add addendum"))
        self.ready()

    def check(self) -> None:
        if not self.text.toPlainText().strip():
            raise ValidationError("text", "Write the correction or addition.")
        day = self.added_on.value()
        if day is not None and day > self.today:
            raise ValidationError("added_on", "The addendum's date is in the future.")

    def store(self) -> uuid.UUID:
        return add_addendum(self.db, self.review_id, self.text.toPlainText(),
                            self.added_on.value() or self.today, self.today)


class ReviewDialog(CheckedDialog):
    """A review in progress, saved as a draft as it is typed; or one signed off, read-only.

    A field's problem shows beside it once the field has been left (the draft's rules),
    and every problem the sign-off would refuse shows once "Sign off" is pressed.
    Closing saves the draft; when it cannot be saved as it stands (a date in the
    future, say), Escape and Close ask before throwing the changes away.
    """

    def __init__(self, db: Database, review_id: uuid.UUID, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ready = False  # fields signal while they are built: checks wait for ready()
        self.db, self.review_id = db, review_id
        self.today = today or dt.date.today()
        self.signed: SignedOff | None = None
        self._sized = False
        record = load_review(db, review_id, self.today)
        self.record = record
        self.interval = review_interval(db)
        context = review_context(db, record.provider_id, self.today)
        form = record.form
        self.errors: dict[str, QLabel] = {}

        header = self._build_header(form, context)
        agenda_box = self._build_agenda(form)
        self._build_placements(form)
        footer = self._build_footer(form)
        self.raised = ReviewActions(db, review_id, self.today)
        self._build_addenda()
        self._build_scroll_area(header, agenda_box, footer)
        self.split = self._build_split(context)
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        watched: list[tuple[str, QWidget]] = [
            ("review_date", self.review_date), ("contract_id", self.contract),
            ("attendees", self.attendees), ("provider_attendees", self.provider_attendees)]
        for i, (_area, rag, notes) in enumerate(self.agenda):
            watched += [(f"agenda[{i}].rag", rag), (f"agenda[{i}].notes", notes)]
        for key, part in watched:
            self.watch(key, part)
        self.watch("outcome", self.outcome)
        self.watch("next_due", self.next_due)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self._show_record(record)
        label_forms(self)
        if not record.read_only:
            self.ready()
            self.timer.start()
            self.review_date.setFocus()
        else:
            self.close_button.setFocus()
        self.dirty = False

    # -- building ------------------------------------------------------------------------

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
            notes = _notes(self.tr("Notes: what was discussed, evidence, what was agreed"))
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
        self.outcome = _notes(self.tr("Summary and what was agreed"), 60)
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

    def _build_scroll_area(self, header: QFormLayout, agenda_box: QGroupBox,
                           footer: QFormLayout) -> None:
        """The form in reading order, under the signed-off line, in a scroll area."""
        bold = QFont(self.font())
        bold.setBold(True)
        content = QWidget()
        inner = QVBoxLayout(content)
        self.signed_label = QLabel()
        self.signed_label.setWordWrap(True)
        self.signed_label.setFont(bold)
        inner.addWidget(self.signed_label)
        inner.addLayout(header)
        inner.addWidget(agenda_box)
        inner.addWidget(self.placements_box)
        inner.addLayout(footer)
        inner.addWidget(self.raised)
        inner.addWidget(self.addenda_box)
        self.scroll_area = QScrollArea()
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it follows the focus
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)

    def _build_split(self, context: ReviewContext) -> QSplitter:
        """The form on the left; the provider's settings and open actions beside it."""
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.scroll_area)
        split.addWidget(self._beside(context))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        return split

    def _build_buttons(self) -> None:
        """The status and general error lines, the buttons and Ctrl+S."""
        self.status = QLabel()
        self.general_error = error_label("general_error")
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(self.tr("Save draft and close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setToolTip(self.tr("The draft is also saved every few seconds "
                                             "(Ctrl+S saves it now)"))
        self.addendum_button = self.buttons.addButton(self.tr("Add addendum…"),
                                                      QDialogButtonBox.ButtonRole.ActionRole)
        self.addendum_button.setToolTip(self.tr("Correct or add to the signed-off review, with "
                                                "its own date and your name"))
        self.sign_off_button = self.buttons.addButton(self.tr("Sign off…"),
                                                      QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_off_button.setToolTip(self.tr(
            "A manager signs the review off: it is checked, then it can no longer be changed"))
        self.save_button = self.sign_off_button
        for button in (self.close_button, self.addendum_button, self.sign_off_button):
            button.setAutoDefault(False)  # Enter in a field never signs the review off
        self.sign_off_button.clicked.connect(self.sign_off)
        from ...services.users.roles import Permission
        from ..common.permissions import guard

        guard(self.sign_off_button, self.db, Permission.SIGN_OFF_REVIEWS)  # managers only
        self.close_button.clicked.connect(self.reject)
        self.addendum_button.clicked.connect(self.add_addendum)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(
            self.autosave)

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

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:  # as big as a laptop screen allows, never taller than it
            self._sized = True
            room = self.screen().availableGeometry()
            self.resize(min(1240, room.width() - 40), min(780, room.height() - 40))
            self.split.setSizes([self.width() * 3 // 5, self.width() * 2 // 5])
        super().showEvent(event)

    def _show_record(self, record: ReviewRecord) -> None:
        self.record = record
        name = record.provider_name
        self.setWindowTitle(self.tr("Contract review: {name}").format(name=name))
        read_only = record.read_only
        if record.status == ReviewStatus.SIGNED_OFF:
            self.signed_label.setText(self.tr(
                "Signed off by {who} on {when}. This review can no longer be changed; add an "
                "addendum to correct or add to it.").format(
                    who=record.signed_off_by or self.tr("someone not recorded"),
                    when=datetime_short(record.signed_off_at)))
        elif read_only:
            self.signed_label.setText(self.tr("This review is {status}.").format(
                status=record.status.label.lower()))
        self.signed_label.setVisible(read_only)
        for widget in (self.review_date, self.contract, *[c for _a, c, _n in self.agenda],
                       self.next_due):
            widget.setEnabled(not read_only)
        for edit in (self.attendees, self.provider_attendees):
            edit.setReadOnly(read_only)
        for _area, _combo, notes in self.agenda:
            notes.setReadOnly(read_only)
        self.outcome.setReadOnly(read_only)
        if read_only:
            self.placements.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            for label in self.errors.values():  # nothing to put right: no lines kept
                label.setVisible(False)
        self.raised.show_rows(record)
        self.raised.set_read_only(read_only)
        self.addenda_box.setVisible(bool(record.addenda) or record.status ==
                                    ReviewStatus.SIGNED_OFF)
        self.addenda_list.setText("\n\n".join(
            f"{date_short(a.added_on)}, {a.author}: {a.text}" for a in record.addenda)
            or self.tr("No addenda."))
        self.sign_off_button.setVisible(not read_only)
        self.addendum_button.setVisible(record.status == ReviewStatus.SIGNED_OFF)
        self.close_button.setText(self.tr("Close") if read_only
                                  else self.tr("Save draft and close"))

    # -- the form -------------------------------------------------------------------------

    def form(self) -> ReviewForm:
        placements = []
        for r, item in enumerate(self.placement_items):
            cell = self.placements.item(r, 5)
            note = cell.text().strip() if cell is not None else ""
            placements.append(PlacementItem(item.child_ref, item.setting, item.placement_type,
                                            item.start, item.weekly_pence, note or None,
                                            item.episode_id))
        return ReviewForm(
            review_date=self.review_date.value(), contract_id=self.contract.currentData(),
            attendees=self.attendees.text().strip() or None,
            provider_attendees=self.provider_attendees.text().strip() or None,
            agenda=[AgendaItem(area, Rag(c.currentData()) if c.currentData() else None,
                               n.toPlainText().strip() or None) for area, c, n in self.agenda],
            placements=placements, outcome=self.outcome.toPlainText().strip() or None,
            next_due=self.next_due.value())

    def check(self) -> None:
        """The draft's rules; once "Sign off" has been pressed, the sign-off's too."""
        if self.submitted:
            check_sign_off(self.form(), self.today, self.interval)
        else:
            check_review_draft(self.form(), self.today)

    def show_error(self, error: ValidationError | None) -> None:
        """Put the problem beside its field (one area's rating and notes share a line)."""
        target = self.errors.get(error.field) if error is not None else None
        labels = {id(label): label for label in self.errors.values()}
        for label in labels.values():
            say(label, error.message if label is target and error is not None else "")
        unplaced = error is not None and target is None
        say(self.general_error, error.message if unplaced and error is not None else "")
        if target is not None and self.submitted:
            self.scroll_area.ensureWidgetVisible(target, 0, 60)

    def autosave(self) -> bool:
        """Save the draft if it can be saved as it stands; say so, or why not."""
        if self.record.read_only:
            return True
        try:
            problem = self.field_problem()
            if problem is not None:  # never store a guess: keep the last draft
                raise problem
            saved = save_review_draft(self.db, self.review_id, self.form(), self.today)
        except ValidationError as exc:
            self.revalidate()  # beside the field too, once it has been left
            self.status.setText(self.tr("Draft not saved: {why}").format(why=exc.message))
            return False
        self.dirty = False
        if saved.changed:
            self.status.setText(self.tr("Draft saved at {time}").format(
                time=dt.datetime.now().strftime("%H:%M:%S")))
        elif self.status.text().startswith(self.tr("Draft not saved")):
            self.status.setText(self.tr("Draft saved"))
        return True

    def confirm_sign_off(self) -> bool:
        """Signing off cannot be undone: ask first."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Sign off the review"),
                          self.tr("Sign off this review? It can no longer be changed "
                                  "afterwards: a correction is then an addendum, with its own "
                                  "date and your name."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Sign off"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def sign_off(self) -> bool:
        """Check the review, every problem beside its field; ask; then sign it off."""
        self.submitted = True
        if not self.revalidate() or not self.confirm_sign_off():
            return False
        try:
            self.signed = sign_off_review(self.db, self.review_id, self.today, self.form())
        except ValidationError as exc:
            self.show_error(exc)
            return False
        self.timer.stop()
        self.dirty = False
        self.show_error(None)
        self._show_record(load_review(self.db, self.review_id, self.today))
        self.status.setText(self.tr("Signed off. The next review is due on {day}.").format(
            day=date_short(self.signed.next_due)))
        self.close_button.setFocus()
        return True

    def save(self) -> None:
        self.sign_off()

    def add_addendum(self) -> AddendumDialog:
        dialog = AddendumDialog(self.db, self.review_id, self.today, self)
        dialog.accepted.connect(
            lambda: self._show_record(load_review(self.db, self.review_id, self.today)))
        dialog.show()
        return dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # Enter in a field adds nothing and signs nothing off
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Escape, Close or the window's close button: save the draft and close; when it
        cannot be saved as it stands, ask before the changes are thrown away."""
        self.timer.stop()
        if self.autosave() or self.confirm_discard():
            self.dirty = False
            QDialog.reject(self)
        elif not self.record.read_only:
            self.timer.start()
