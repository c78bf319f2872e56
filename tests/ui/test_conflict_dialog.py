"""Another officer saved the agreement or visit open in a form: the form shows both
versions, then keeps the officer's (saved over theirs) or takes theirs."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from placement_desk.db import Database, make_engine, make_session_factory
from placement_desk.errors import ConcurrentEdit
from placement_desk.models import Child, Provider, Setting
from placement_desk.models.enums import QaVisitType, SettingType
from placement_desk.services.agreements.ipa import AgreementForm, create_agreement, update_draft
from placement_desk.services.agreements.ipa_detail import agreement_detail, load_version_form
from placement_desk.services.qa.visits import load_visit, save_draft, start_visit
from placement_desk.ui.agreements.agreement_dialog import AgreementDialog
from placement_desk.ui.common.conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from placement_desk.ui.qa.visit_dialog import VisitDialog

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    engine = make_engine(db.url)
    yield Database(url=db.url, engine=engine,
                   sessions=make_session_factory(engine, "alex.jones"), path=db.path)
    engine.dispose()


@pytest.fixture
def ids(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    with db.write() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME, provider_id=provider.id)
        child = Child(case_ref="C-0001")
        s.add_all([setting, child])
        s.flush()
        return setting.id, child.id


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("PLACEMENT_DESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))


def test_the_dialog_lists_each_differing_field_in_the_forms_words(qtbot: QtBot,
                                                                   qtmodeltester: object) -> None:
    error = ConcurrentEdit(
        "alex.jones saved this agreement at 14:32 on 02/03/2026, after you opened it.",
        changed_by="alex.jones", changed_at=dt.datetime(2026, 3, 2, 14, 32),
        mine={"weekly_fee_pence": 390_000, "end_date": "2026-09-30", "outcomes": "School",
              "funding_health_bp": 2_500, "reference": "IPA-1"},
        theirs={"weekly_fee_pence": 400_000, "end_date": None, "outcomes": "School",
                "funding_health_bp": 0, "reference": "IPA-1"}, current_version=4)
    dialog = ConflictDialog(error)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    rows = [(r.key, r.mine, r.theirs) for r in dialog.rows]
    assert rows == [("weekly_fee_pence", "£3,900.00", "£4,000.00"),
                    ("end_date", "30/09/2026", "–"),
                    ("funding_health_bp", "25%", "0%")]
    assert dialog.model.headerData(2, Qt.Orientation.Horizontal) == "Saved by alex.jones"
    assert dialog.model.data(dialog.model.index(0, 0)) == "Weekly fee"
    dialog.show()
    _shot(dialog, "conflict-dialog.png")
    assert dialog.choice == TAKE_THEIRS, "taking theirs is the default"
    dialog.keep_button.click()
    assert dialog.choice == KEEP_MINE


def test_an_agreement_form_takes_theirs_or_keeps_mine(
        qtbot: QtBot, db: Database, other: Database, ids: tuple[uuid.UUID, uuid.UUID]) -> None:
    setting_id, child_id = ids
    aid = create_agreement(db, AgreementForm(
        reference="IPA-2026-000001", child_id=child_id, setting_id=setting_id,
        start_date=dt.date(2026, 1, 5), placement_type="K2", weekly_fee_pence=383_000))
    vid = agreement_detail(db, aid).versions[0].id
    seen: list[ConcurrentEdit] = []
    answers = [TAKE_THEIRS, KEEP_MINE]

    def resolve(error: ConcurrentEdit) -> str:
        seen.append(error)
        return answers.pop(0)

    dialog = AgreementDialog(db, "sam.officer", TODAY, agreement_id=aid, resolve=resolve)
    qtbot.addWidget(dialog)
    theirs = load_version_form(other, vid)
    theirs.weekly_fee_pence = 400_000
    update_draft(other, vid, theirs)

    dialog.weekly_fee.set_pence(390_000)
    dialog.save()
    assert seen[0].changed_by == "alex.jones"
    assert dialog.weekly_fee.pence() == 400_000, "took theirs: the form shows their fee"
    assert "alex.jones" in dialog.general_error.text()

    again = load_version_form(other, vid)
    again.weekly_fee_pence = 410_000
    update_draft(other, vid, again)
    dialog.weekly_fee.set_pence(395_000)
    dialog.save()
    assert len(seen) == 2 and dialog.weekly_fee.pence() == 395_000, "kept mine in the form"
    assert agreement_detail(db, aid).versions[0].terms["weekly_fee_pence"] == 410_000, \
        "nothing saved until Save is pressed again"
    dialog.save()
    assert agreement_detail(db, aid).versions[0].terms["weekly_fee_pence"] == 395_000


def test_a_visit_form_shows_their_version_when_taken(
        qtbot: QtBot, db: Database, other: Database, ids: tuple[uuid.UUID, uuid.UUID]) -> None:
    visit_id = start_visit(db, ids[0], TODAY)
    seen: list[ConcurrentEdit] = []

    def resolve(error: ConcurrentEdit) -> str:
        seen.append(error)
        return TAKE_THEIRS

    dialog = VisitDialog(db, visit_id, TODAY, resolve=resolve)
    qtbot.addWidget(dialog)
    dialog.timer.stop()
    theirs = load_visit(other, visit_id).form
    theirs.visit_type = QaVisitType.UNANNOUNCED
    theirs.summary = "Alex's notes"
    save_draft(other, visit_id, theirs)

    dialog.summary.setPlainText("My notes")
    assert not dialog.autosave()
    assert seen and seen[0].changed_by == "alex.jones"
    assert dialog.summary.toPlainText() == "Alex's notes"
    assert dialog.visit_type.currentData() == QaVisitType.UNANNOUNCED.value
    assert "alex.jones" in dialog.status.text()
    dialog.summary.setPlainText("Alex's notes, and mine")
    assert dialog.autosave(), "the form goes on from their version"
    assert load_visit(other, visit_id).form.summary == "Alex's notes, and mine"
    dialog.timer.stop()


def test_a_placement_form_takes_theirs_and_shows_it(
        qtbot: QtBot, db: Database, other: Database, ids: tuple[uuid.UUID, uuid.UUID]) -> None:
    from placement_desk.services.placements.episodes import load_episode, save_episode
    from placement_desk.services.placements.form_checks import EpisodeForm
    from placement_desk.ui.placements.placement_dialogs import EpisodeDialog

    episode_id = save_episode(db, EpisodeForm(child_id=ids[1], start_date=dt.date(2026, 1, 5),
                                              placement_type="K2"))
    dialog = EpisodeDialog(db, episode_id)
    qtbot.addWidget(dialog)
    seen: list[ConcurrentEdit] = []
    dialog.resolve = lambda error: seen.append(error) or TAKE_THEIRS  # type: ignore[method-assign]
    theirs = load_episode(other, episode_id)
    theirs.notes = "Moved rooms"
    save_episode(other, theirs, episode_id)

    dialog.notes.setPlainText("My note")
    dialog.save()
    assert seen and seen[0].changed_by == "alex.jones"
    assert dialog.notes.toPlainText() == "Moved rooms", "their version, in the form"
    assert "alex.jones" in dialog.general_error.text()
    dialog.notes.setPlainText("Moved rooms; settled well")
    dialog.save()
    assert load_episode(db, episode_id).notes == "Moved rooms; settled well"
