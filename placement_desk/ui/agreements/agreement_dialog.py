"""An Individual Placement Agreement: its terms, its signing steps and its versions.

A new agreement starts as a draft version 1. Draft and issued versions can be
edited; once either side has signed, the fields are locked and a change is a
variation (a new version with an effective date and a reason). Earlier versions
stay readable: choose one in "Version". Each signing step asks who and when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ...db import Database
from ...errors import ConcurrentEdit, UserError, ValidationError
from ...models.enums import AgreementStatus
from ...services.agreements.ipa import (
    SIGNED_MESSAGE,
    AgreementForm,
    create_agreement,
    defaults_for_episode,
    update_draft,
    validate_agreement,
    validate_terms,
)
from ...services.agreements.ipa import terms_of as _terms_of
from ...services.agreements.ipa_detail import AgreementDetail, agreement_detail, load_version_form
from ...services.agreements.ipa_lifecycle import NEXT_STEP, advance, make_variation
from ...services.common.formatting import date_short, money
from ..common.file_dialogs import save_file_name
from ..common.form_base import Combo, FormDialog
from .agreement_fields import AgreementFields
from .step_dialogs import StepDialog, VariationDialog

S = AgreementStatus
STEP_LABELS = {S.ISSUED: "Issue to provider…", S.PROVIDER_SIGNED: "Provider signed…",
               S.COUNCIL_SIGNED: "Council signed…", S.ACTIVE: "Make active…",
               S.ENDED: "End agreement…"}
STEP_NEEDS_NAME = {S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED}
STEP_NEEDS_ROLE = {S.PROVIDER_SIGNED, S.COUNCIL_SIGNED}


class AgreementDialog(AgreementFields, FormDialog):
    """Open with ``agreement_id`` to view or change one, or ``episode_id`` to draw one up."""

    def __init__(self, db: Database, user: str, today: dt.date, *,
                 agreement_id: uuid.UUID | None = None, episode_id: uuid.UUID | None = None,
                 ask: Callable[[QDialog], bool] | None = None,
                 resolve: Callable[[ConcurrentEdit], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Individual Placement Agreement", parent)
        self.db, self.user, self.today = db, user, today
        self.changed = False
        self.locked = False
        self._child_id: uuid.UUID | None = None
        self._setting_id: uuid.UUID | None = None
        self._effective: dt.date | None = None
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.agreement_id = agreement_id
        self.episode_id = episode_id
        self.version_id: uuid.UUID | None = None
        self.detail: AgreementDetail | None = None
        self.ask = ask or (lambda dialog: bool(dialog.exec()))
        if resolve is not None:
            self.resolve = resolve  # type: ignore[method-assign,assignment]
        self.row_version = None
        self.setMinimumWidth(720)
        self._build_header()
        self._build_terms()
        services_box = self._build_services()
        funding = self._build_funding()
        self._build_texts()
        self._build_form(services_box, funding)
        self._build_buttons()
        if agreement_id is not None:
            self._load_agreement(agreement_id)
        else:
            self._fill(defaults_for_episode(db, episode_id, today) if episode_id
                       else AgreementForm())
            self.weekly_fee.set_pence(None)  # typed by the officer, never assumed to be £0
            self.header.setText(self.tr("A new agreement: it is saved as a draft."))
            self.version_combo.setEnabled(False)
            self.step_button.setVisible(False)  # saved first: then it can be issued
            self.vary_button.setVisible(False)
            self._set_locked(False)
        self.ready()
        self.dirty = False

    def _build_header(self) -> None:
        """The heading, the version chooser and the note saying why fields are locked."""
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.version_combo = Combo()
        self.version_combo.setAccessibleName(self.tr("Version"))
        self.version_combo.setToolTip(self.tr("Earlier versions open read-only"))
        self.version_combo.currentIndexChanged.connect(self._version_chosen)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet("font-weight: bold;")

    def _build_form(self, services_box: QWidget, funding: QWidget) -> None:
        """The heading above the form, then every field in its row."""
        top = QFormLayout()
        top.addRow(self.header)
        top.addRow(self.tr("Version"), self.version_combo)
        top.addRow(self.locked_note)
        self.layout_.insertLayout(0, top)
        for key, label, widget, tip in (
                ("reference", self.tr("Reference *"), self.reference, ""),
                ("council_name", self.tr("Council"), self.council_name, ""),
                ("provider_legal_entity", self.tr("Provider (legal entity)"),
                 self.provider_legal_entity, self.tr("The company or charity that signs")),
                ("start_date", self.tr("Start date *"), self.start_date, ""),
                ("end_date", self.tr("End date"), self.end_date, ""),
                ("placement_type", self.tr("Placement type"), self.placement_type, ""),
                ("weekly_fee_pence", self.tr("Weekly fee *"), self.weekly_fee, ""),
                ("services", self.tr("Additional services"), services_box,
                 self.tr("Hourly: hours a week × rate. Weekly or one-off: the amount.")),
                ("funding", self.tr("Who pays"), funding, ""),
                ("outcomes", self.tr("Outcomes to achieve"), self.outcomes, ""),
                ("invoicing_reference", self.tr("Invoicing reference"),
                 self.invoicing_reference, ""),
                ("notice_terms", self.tr("Notice terms"), self.notice_terms, ""),
                ("special_conditions", self.tr("Special conditions"), self.special_conditions,
                 ""),
                ("variation_reason", self.tr("Variation reason"), self.variation_reason, ""),
                ("effective_date", "", self.cost_label, "")):
            self.add_row(key, label, widget, tip)

    def _build_buttons(self) -> None:
        """History, Print PDF, Make a variation and the next signing step."""
        self.step_button = QPushButton(self.tr("Next step…"))  # named for the step below
        self.step_button.clicked.connect(self.next_step)
        self.vary_button = QPushButton(self.tr("Make a variation…"))
        self.vary_button.clicked.connect(self.vary)
        self.print_button = QPushButton(self.tr("Print PDF…"))
        self.print_button.setToolTip(self.tr("Save the agreement as a PDF ready for signature "
                                             "(Ctrl+P)"))
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_pdf)
        self.history_button = QPushButton(self.tr("History…"))
        self.history_button.setToolTip(self.tr("Who changed this agreement, and what"))
        self.history_button.setAutoDefault(False)
        self.history_button.clicked.connect(self.show_history)
        for button in (self.history_button, self.print_button, self.vary_button,
                       self.step_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)

    # -- loading ---------------------------------------------------------------------------

    def _load_agreement(self, agreement_id: uuid.UUID, version_id: uuid.UUID | None = None
                        ) -> None:
        self.agreement_id = agreement_id
        self.detail = agreement_detail(self.db, agreement_id)
        self.header.setText(self.tr("{ref} for child {child}").format(
            ref=self.detail.reference, child=self.detail.child_ref))
        with QSignalBlocker(self.version_combo):
            self.version_combo.clear()
            for v in self.detail.versions:
                self.version_combo.addItem(
                    f"Version {v.version_no}: {v.status.label}, from "
                    f"{date_short(v.effective_date)}", v.id.hex)
            # Hex strings as item data: Qt's findData compares them by value, not objects.
            chosen = version_id or self.detail.versions[-1].id
            self.version_combo.setCurrentIndex(max(0, self.version_combo.findData(chosen.hex)))
        self.version_combo.setEnabled(True)
        self._version_chosen()

    def _version_chosen(self) -> None:
        if self.detail is None:
            return
        wanted = uuid.UUID(self.version_combo.currentData())
        if wanted != self.version_id and self.version_id is not None and \
                not self.confirm_discard():
            with QSignalBlocker(self.version_combo):  # stay on the version being edited
                self.version_combo.setCurrentIndex(
                    self.version_combo.findData(self.version_id.hex))
            return
        self.version_id = wanted
        view = next(v for v in self.detail.versions if v.id == self.version_id)
        self._fill(load_version_form(self.db, view.id))
        self._set_locked(not view.editable, view.status, view.version_no)
        latest = self.detail.versions[-1]
        following = NEXT_STEP.get(view.status)
        self.step_button.setVisible(following is not None and view.id == latest.id)
        if following is not None:
            self.step_button.setText(self.tr(STEP_LABELS[following]))
        self.vary_button.setVisible(view.id == latest.id and not view.editable
                                    and view.status != S.ENDED)
        stamps = [f"{label} {date_short(view.stamps[k].date())}"
                  + (f" by {view.stamps[who]}" if who and view.stamps.get(who) else "")
                  for k, who, label in (("issued_at", "issued_by", "issued"),
                                        ("provider_signed_at", "provider_signed_by",
                                         "provider signed"),
                                        ("council_signed_at", "council_signed_by",
                                         "council signed"),
                                        ("activated_at", None, "active from"),
                                        ("ended_at", None, "ended"))
                  if view.stamps.get(k)]
        self.submitted = False
        self.left.clear()
        self.cost_label.setText(self.tr("Weekly cost with services: {weekly} per week{one}. "
                                        "{steps}").format(
            weekly=money(view.weekly_cost_pence),
            one=f"; one-off {money(view.one_off_pence)}" if view.one_off_pence else "",
            steps=("Steps: " + "; ".join(stamps) + ".") if stamps else ""))
        self.revalidate()
        self.dirty = False

    def _set_locked(self, locked: bool, status: AgreementStatus | None = None,
                    version_no: int = 1) -> None:
        self.locked = locked
        editors: list[QWidget] = [
            self.council_name, self.provider_legal_entity, self.start_date, self.end_date,
            self.placement_type, self.weekly_fee, self.social_care, self.health,
            self.education, self.invoicing_reference, self.add_service, self.remove_service,
            self.variation_reason]
        for widget in editors:
            widget.setEnabled(not locked)
        self.reference.setReadOnly(locked or version_no > 1)
        for edit in (self.outcomes, self.notice_terms, self.special_conditions):
            edit.setReadOnly(locked)
        self.services.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if locked else
            QAbstractItemView.EditTrigger.AllEditTriggers)
        self.services.setTabKeyNavigation(not locked)  # read only: Tab moves on
        for n in range(self.services.rowCount()):
            widget = self.services.cellWidget(n, 1)
            if widget is not None:
                widget.setEnabled(not locked)
        self.save_button.setVisible(not locked)
        if locked and status is not None:
            self.locked_note.setText(self.tr(SIGNED_MESSAGE) if status != S.SUPERSEDED else
                                     self.tr("This version has been replaced by a later one "
                                             "and is kept for the record."))
        else:
            self.locked_note.setText("")
        self.locked_note.setVisible(bool(self.locked_note.text()))
        self.variation_reason.setVisible(version_no > 1)
        holder = self.variation_reason.parentWidget()
        label = self.form_layout.labelForField(holder) if holder is not None else None
        if label is not None:
            label.setVisible(version_no > 1)

    # -- form ------------------------------------------------------------------------------

    def current_version_no(self) -> int:
        if self.detail is None or self.version_id is None:
            return 1
        return next(v.version_no for v in self.detail.versions if v.id == self.version_id)

    def check(self) -> None:
        if self.locked:
            return
        form = self.form()
        if self.current_version_no() > 1:
            validate_terms(_terms_of(form), form.services)
            return
        validate_agreement(self.db, form, self.agreement_id)

    def store(self) -> uuid.UUID | None:
        form = self.form()
        if self.agreement_id is None:
            self.agreement_id = create_agreement(self.db, form)
        else:
            assert self.version_id is not None
            if self.current_version_no() > 1:
                for key in ("reference", "child_id", "setting_id", "episode_id", "council_name",
                            "provider_legal_entity"):
                    setattr(form, key, None)
            self.row_version = update_draft(self.db, self.version_id, form)
        return self.agreement_id

    def save(self) -> None:
        """Save and stay open on the saved draft, so it can be issued next."""
        self.submitted = True
        if self.locked or not self.revalidate() or not self._fee_confirmed():
            return
        try:
            self.saved_id = self.store()
        except ValidationError as exc:
            self.show_error(exc)
            return
        except ConcurrentEdit as exc:
            self.conflict(exc)
            return
        self.dirty = False
        if self.saved_id is not None:
            self._load_agreement(self.saved_id, self.version_id)
        self.changed = True

    def reload_saved(self) -> bool:
        """Another officer's version, taken in place of this form's."""
        if self.agreement_id is None:
            return False
        self._load_agreement(self.agreement_id, self.version_id)
        self.changed = True
        return True

    def _fee_confirmed(self) -> bool:
        """A weekly fee of £0.00 is unusual: ask before saving one."""
        if self.weekly_fee.pence() != 0:
            return True
        return self.confirm_zero_fee()

    def confirm_zero_fee(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("No weekly fee"),
            self.tr("The weekly fee is £0.00. Save the agreement with no fee?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    # -- steps -----------------------------------------------------------------------------

    def next_step(self) -> bool:
        if self.detail is None or self.version_id is None:
            return False
        view = next(v for v in self.detail.versions if v.id == self.version_id)
        step = NEXT_STEP.get(view.status)
        if step is None:
            return False
        if view.editable and self.save_button.isVisible():
            self.submitted = True
            if not self.revalidate() or not self._fee_confirmed():
                return False
            try:
                self.row_version = update_draft(self.db, view.id, self._form_for_update())
            except ConcurrentEdit as exc:
                self.conflict(exc)
                return False
            self.dirty = False
        default = self.user if step in (S.ISSUED, S.COUNCIL_SIGNED) else ""
        seen = self.row_version

        def submit(name: str, role: str | None, day: dt.date | None) -> None:
            advance(self.db, view.id, step, name.strip() or self.user, day, role,
                    row_version=seen)

        dialog = StepDialog(self.tr(STEP_LABELS[step]).rstrip("…"), step in STEP_NEEDS_NAME,
                            default, self, today=self.today,
                            needs_role=step in STEP_NEEDS_ROLE, submit=submit)
        if not self.ask(dialog):
            return False
        self.changed = True
        self._load_agreement(self.detail.id, view.id)
        return True

    def _form_for_update(self) -> AgreementForm:
        form = self.form()
        if self.current_version_no() > 1:
            for key in ("reference", "child_id", "setting_id", "episode_id", "council_name",
                        "provider_legal_entity"):
                setattr(form, key, None)
        return form

    def vary(self) -> bool:
        if self.detail is None:
            return False
        agreement_id = self.detail.id

        def submit(effective: dt.date, reason: str) -> uuid.UUID:
            return make_variation(self.db, agreement_id, effective, reason)

        dialog = VariationDialog(self, today=self.today, submit=submit)
        if not self.ask(dialog) or dialog.version_id is None:
            return False
        self.changed = True
        self._load_agreement(agreement_id, dialog.version_id)
        return True

    def print_pdf(self) -> None:
        if self.version_id is None:
            self.show_error(ValidationError("reference", "Save the agreement before printing."))
            return
        name = save_file_name(self, self.tr("Save the agreement as PDF"),
                              f"{self.reference.text() or 'IPA'}.pdf", self.tr("PDF (*.pdf)"))
        if name:
            self.write_pdf(name)

    def show_history(self) -> None:
        from ..common.history_panel import HistoryDialog

        if self.detail is None:
            return
        records = [("agreement", self.detail.id),
                   *(("agreement_version", v.id) for v in self.detail.versions)]
        dialog = HistoryDialog(self.db, "agreement", records, self)
        dialog.exec()
        dialog.deleteLater()

    def write_pdf(self, path: str) -> Any:
        from ...reports.agreement_pdf import write_agreement_pdf

        assert self.version_id is not None
        try:
            return write_agreement_pdf(self.db, self.version_id, path)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Print PDF"), str(exc))
            return None

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter moves within the form; Save is Ctrl+S
        super().keyPressEvent(event)
