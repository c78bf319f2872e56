"""Recording a contract review from the keyboard: close it half done, resume the draft, sign it
off, and find it read-only; an addendum is the only change left."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models.enums import CommissioningRoute, ContractType, ReviewStatus
from placement_desk.services.contracts.reviews import load_review, save_review_draft
from placement_desk.ui.contracts import review_dialog
from placement_desk.ui.contracts.page import ContractsPage
from placement_desk.ui.contracts.review_dialog import ReviewDialog
from placement_desk.ui.main_window import MainWindow

from ..services.contracts.builders import contract, placement, provider
from .modal import when_modal

TODAY = dt.date(2026, 3, 31)


@pytest.fixture
def acorn(db: Database) -> uuid.UUID:
    pid, home = provider(db, "Acorn Care")
    contract(db, reference="BLK-1", title="Two beds at Acorn House",
             contract_type=ContractType.BLOCK, provider_ids=[pid], start_date=dt.date(2025, 4, 1),
             end_date=dt.date(2028, 3, 31), block_beds=2)
    placement(db, home, "C-0042", dt.date(2025, 11, 3), None, CommissioningRoute.BLOCK, 455_000)
    return pid


def _page(qtbot: QtBot, db: Database, tmp_path: Path) -> tuple[MainWindow, ContractsPage]:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "contracts"
    page = win.pages["contracts"]
    assert isinstance(page, ContractsPage)
    page.today = TODAY
    page.force_refresh()
    page.tabs.setCurrentWidget(page.reviews)
    return win, page


def _tab(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)


def _retype(qtbot: QtBot, dialog: QDialog, text: str) -> None:
    """Select what the focused field holds and type over it, as a user does."""
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.focusWidget(), text)


def _active(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # so that focus moves as it does for a user


def test_a_review_is_typed_closed_resumed_signed_off_and_then_read_only(
        qtbot: QtBot, db: Database, acorn: uuid.UUID, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_dialog, "AUTOSAVE_MS", 200)
    win, page = _page(qtbot, db, tmp_path)
    reviews = page.reviews
    assert reviews.due_model.rowCount() == 0, "the list opens on overdue or due soon"
    assert reviews.count.text() == "0 of 1 providers with children placed; 0 overdue"
    reviews.view.setCurrentIndex(0)  # every provider with a child placed
    assert reviews.due_model.rowCount() == 1
    due = reviews.due_model.rows[0]
    # Placed since 03/11/2025 and never reviewed: due six months on, more than 30 days away.
    assert (due.provider_name, due.due, due.status.label) == (
        "Acorn Care", dt.date(2026, 5, 3), "Not due yet")
    reviews.due.selectRow(0)
    reviews.due.setFocus()
    qtbot.keyClick(reviews.due, Qt.Key.Key_Return)
    dialog = reviews.findChild(ReviewDialog)
    assert dialog is not None
    _active(qtbot, dialog)
    assert dialog.focusWidget() is dialog.review_date.edit, "the cursor starts in the date"
    # The provider's placement is there with its weekly fee, and its setting beside the form.
    assert dialog.placements.item(0, 0).text() == "C-0042"
    assert dialog.placements.item(0, 4).text() == "£4,550.00"
    assert dialog.settings_table.item(0, 0).text() == "Acorn Care House"
    assert dialog.contract.currentText() == "BLK-1 Two beds at Acorn House"

    _tab(qtbot, dialog)
    assert dialog.focusWidget() is dialog.contract, "one Tab leaves the date"
    _tab(qtbot, dialog)
    assert dialog.focusWidget() is dialog.attendees, "Tab follows reading order"
    qtbot.keyClicks(dialog.attendees, "Sam Jones (commissioning manager)")
    qtbot.keyClick(dialog.attendees, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.provider_attendees, Qt.Key.Key_Tab)  # left for later
    area, first_rag, first_notes = dialog.agenda[0]
    assert area == "Contract and compliance" and dialog.focusWidget() is first_rag
    qtbot.keyClicks(first_rag, "G")
    assert first_rag.currentText() == "Green", "the rating is a word, not a colour"
    qtbot.keyClick(first_rag, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is first_notes
    qtbot.keyClicks(first_notes, "Insurance and policies in date.")
    qtbot.keyClick(first_notes, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.agenda[1][1], "A")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Draft saved"), timeout=5000)
    # A review dated in the future is refused beside the date (left once already, so at
    # once), and the draft is not saved with it.
    dialog.review_date.edit.setFocus()
    _retype(qtbot, dialog, "01/04/2026")
    _tab(qtbot, dialog)
    assert dialog.errors["review_date"].isVisibleTo(dialog)
    assert dialog.errors["review_date"].text().startswith("The review date is in the future")
    assert not dialog.autosave()
    assert dialog.status.text().startswith("Draft not saved: The review date is in the future")
    assert load_review(db, dialog.review_id).form.review_date == TODAY
    dialog.review_date.edit.setFocus()
    _retype(qtbot, dialog, "31/03/2026")
    assert dialog.errors["review_date"].text() == "", "put right, the problem goes at once"
    assert dialog.autosave()
    review_id = dialog.review_id
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)  # half done: the draft is kept
    assert not dialog.isVisible()

    page.force_refresh()
    assert reviews.due_model.rows[0].draft_id == review_id
    assert reviews.select_provider(acorn)
    again = reviews.start_selected()
    assert again is not None and again.review_id == review_id, "the draft is resumed"
    _active(qtbot, again)
    assert again.attendees.text() == "Sam Jones (commissioning manager)"
    assert [c.currentText() for _a, c, _n in again.agenda[:3]] == ["Green", "Amber", "Choose…"]
    assert again.agenda[0][2].toPlainText() == "Insurance and policies in date."

    # An action is raised from the keyboard and goes to the tracker at once.
    raised = again.raised
    raised.description.setFocus()
    qtbot.keyClicks(raised.description, "Send the new staffing rota")
    qtbot.keyClick(raised.description, Qt.Key.Key_Return)
    assert raised.error.text() == "Name who owns this action."
    qtbot.keyClicks(raised.owner, "Registered manager")
    qtbot.keyClick(raised.owner, Qt.Key.Key_Return)
    assert raised.table.rowCount() == 1 and raised.description.text() == ""

    # Sign-off refuses what is missing, beside the field, and waits until it is put right.
    again.sign_off_button.setFocus()
    qtbot.keyClick(again.sign_off_button, Qt.Key.Key_Space)
    assert again.signed is None
    assert again.errors["provider_attendees"].isVisibleTo(again)
    assert again.errors["provider_attendees"].text() == "Name who attended for the provider."
    assert not again.sign_off_button.isEnabled()
    again.provider_attendees.setFocus()
    qtbot.keyClicks(again.provider_attendees, "Registered manager")
    assert again.errors["provider_attendees"].text() == ""
    assert again.errors["agenda[2].rag"].text() == \
        "Choose Red, Amber or Green for Business development."
    assert not again.sign_off()
    for _area, combo, _notes in again.agenda[2:]:
        combo.setFocus()
        qtbot.keyClicks(combo, "G")
    assert again.sign_off_button.isEnabled(), again.general_error.text()
    # Signing off asks first; "Cancel" leaves the review as it is.
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        def act(box: QDialog) -> None:
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            box.button(button).click()
        when_modal(QMessageBox, act)

    answer(QMessageBox.StandardButton.Cancel)
    again.sign_off_button.setFocus()
    qtbot.keyClick(again.sign_off_button, Qt.Key.Key_Space)
    assert asked and "can no longer be changed" in asked[0]
    assert again.signed is None and load_review(db, review_id).status == ReviewStatus.DRAFT
    answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(again.sign_off_button, Qt.Key.Key_Space)
    assert again.signed is not None, again.general_error.text()
    assert again.signed.signed_off_by == "test.user"

    # Read-only now: in the form and in the service.
    assert again.record.status == ReviewStatus.SIGNED_OFF
    assert not again.sign_off_button.isVisible() and again.addendum_button.isVisible()
    assert "Signed off by test.user" in again.signed_label.text()
    assert not again.agenda[0][1].isEnabled() and again.attendees.isReadOnly()
    again.attendees.setFocus()
    qtbot.keyClicks(again.attendees, " and someone else")
    assert again.attendees.text() == "Sam Jones (commissioning manager)"
    form = load_review(db, review_id).form
    form.outcome = "Edited after sign-off"
    with pytest.raises(ValidationError, match="signed off and can no longer be changed"):
        save_review_draft(db, review_id, form, TODAY)
    qtbot.keyClick(again.focusWidget(), Qt.Key.Key_Escape)
    assert not again.isVisible()

    # Opened again from the reviews recorded, it is read-only; an addendum is added.
    page.force_refresh()
    assert reviews.select_review(review_id)
    shown = reviews.open_selected()
    assert shown is not None
    qtbot.addWidget(shown)
    editable = [w for w in shown.findChildren(QLineEdit) + shown.findChildren(QPlainTextEdit)
                if not w.isReadOnly() and w.isEnabled() and w.isVisibleTo(shown)]
    assert [w.accessibleName() for w in editable] == [], "nothing to type into"
    assert not any(c.isEnabled() for c in shown.findChildren(QComboBox)
                   if c.isVisibleTo(shown))
    addendum = shown.add_addendum()
    qtbot.addWidget(addendum)
    qtbot.keyClicks(addendum.text, "The deputy manager also attended.")
    addendum.save()
    assert "test.user: The deputy manager also attended." in shown.addenda_list.text()
    assert load_review(db, review_id).addenda[0].added_on == TODAY

    # The tracker opens the review the action came from.
    tracker = win.pages["qa"].action_list  # type: ignore[attr-defined]
    tracker.today = TODAY
    tracker.reload()
    row = next(r for r in tracker.visible_rows() if r.description == "Send the new staffing rota")
    assert row.source_label == "Contract review 31/03/2026"
    tracker.select_ids([row.id])
    opened = tracker.open_source()
    assert isinstance(opened, ReviewDialog) and opened.review_id == review_id
    qtbot.addWidget(opened)
    assert opened.record.read_only


def test_closing_a_review_that_cannot_be_saved_asks_before_losing_the_changes(
        qtbot: QtBot, db: Database, acorn: uuid.UUID, tmp_path: Path) -> None:
    _win, page = _page(qtbot, db, tmp_path)
    reviews = page.reviews
    reviews.view.setCurrentIndex(0)
    assert reviews.select_provider(acorn)
    dialog = reviews.start_selected()
    assert dialog is not None
    _active(qtbot, dialog)
    _tab(qtbot, dialog)
    _tab(qtbot, dialog)
    qtbot.keyClicks(dialog.attendees, "Sam Jones")
    dialog.review_date.edit.setFocus()
    _retype(qtbot, dialog, "02/04/2026")  # in the future: the draft cannot take it
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(QMessageBox, keep)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert asked and "not saved" in asked[0]
    assert dialog.isVisible() and dialog.attendees.text() == "Sam Jones", "kept on Keep editing"
    assert dialog.errors["review_date"].text().startswith("The review date is in the future")
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    dialog.close_button.click()
    assert not dialog.isVisible()
    stored = load_review(db, dialog.review_id).form
    assert (stored.review_date, stored.attendees) == (TODAY, None), "nothing half-written"
