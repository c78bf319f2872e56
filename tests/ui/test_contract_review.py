"""Recording a contract review from the keyboard: close it half done, resume the draft, sign it
off, and find it read-only; an addendum is the only change left."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
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


def _tab_to(qtbot: QtBot, dialog: ReviewDialog, target: object, limit: int = 6) -> None:
    """Press Tab until ``target`` has the focus (a date field takes a Tab per section)."""
    for _press in range(limit):
        if dialog.focusWidget() is target:
            return
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is target


def test_a_review_is_typed_closed_resumed_signed_off_and_then_read_only(
        qtbot: QtBot, db: Database, acorn: uuid.UUID, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_dialog, "AUTOSAVE_MS", 200)
    win, page = _page(qtbot, db, tmp_path)
    reviews = page.reviews
    reviews.view.setCurrentIndex(reviews.view.findData("all"))
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
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.review_date
    # The provider's placement is there with its weekly fee, and its setting beside the form.
    assert dialog.placements.item(0, 0).text() == "C-0042"
    assert dialog.placements.item(0, 4).text() == "£4,550.00"
    assert dialog.settings_table.item(0, 0).text() == "Acorn Care House"
    assert dialog.contract.currentText() == "BLK-1 Two beds at Acorn House"

    _tab_to(qtbot, dialog, dialog.contract)
    qtbot.keyClick(dialog.contract, Qt.Key.Key_Tab)
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
    # A review dated in the future is refused beside the date, and not saved.
    dialog.review_date.setDate(dialog.review_date.date().addDays(1))
    assert not dialog.autosave()
    assert dialog.errors["review_date"].isVisibleTo(dialog)
    assert dialog.errors["review_date"].text().startswith("The review date is in the future")
    dialog.review_date.setDate(dialog.review_date.date().addDays(-1))
    assert dialog.autosave() and not dialog.errors["review_date"].isVisibleTo(dialog)
    review_id = dialog.review_id
    dialog.close()  # half done: closing keeps the draft

    page.force_refresh()
    assert reviews.due_model.rows[0].draft_id == review_id
    assert reviews.select_provider(acorn)
    again = reviews.start_selected()
    assert again is not None and again.review_id == review_id, "the draft is resumed"
    qtbot.addWidget(again)
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

    # Sign-off refuses what is missing, beside the field.
    assert not again.sign_off()
    assert again.errors["provider_attendees"].isVisibleTo(again)
    assert again.errors["provider_attendees"].text() == "Name who attended for the provider."
    again.provider_attendees.setFocus()
    qtbot.keyClicks(again.provider_attendees, "Registered manager")
    assert not again.sign_off()
    assert again.errors["agenda[2].rag"].text() == \
        "Choose Red, Amber or Green for Business development."
    for _area, combo, _notes in again.agenda[2:]:
        combo.setFocus()
        qtbot.keyClicks(combo, "G")
    again.sign_off_button.setFocus()
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
    again.close()

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
