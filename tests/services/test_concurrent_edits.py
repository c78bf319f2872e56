"""Two officers edit one record at once: the second saver is told who saved first and when,
sees both versions, and nothing is silently overwritten (on SQLite files and servers)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from placement_desk.db import Database, make_engine, make_session_factory
from placement_desk.errors import ConcurrentEdit
from placement_desk.models import AgreementVersion, AuditEvent, Child, Provider, Setting
from placement_desk.models.enums import (
    AgreementStatus,
    QaJudgement,
    QaVisitType,
    ServiceCharge,
    SettingType,
)
from placement_desk.services.agreements.ipa import (
    AgreementForm,
    ServiceLine,
    create_agreement,
    update_draft,
)
from placement_desk.services.agreements.ipa_detail import agreement_detail, load_version_form
from placement_desk.services.agreements.ipa_lifecycle import advance
from placement_desk.services.qa.visits import load_visit, save_draft, start_visit

from ..backend import on_server

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    """A second officer's handle on the same database: their own engine and name."""
    engine = make_engine(db.url)
    second = Database(url=db.url, engine=engine,
                      sessions=make_session_factory(engine, "alex.jones"), path=db.path)
    yield second
    engine.dispose()


@pytest.fixture
def setting_and_child(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
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


@pytest.fixture
def version_id(db: Database, setting_and_child: tuple[uuid.UUID, uuid.UUID]) -> uuid.UUID:
    setting_id, child_id = setting_and_child
    aid = create_agreement(db, AgreementForm(
        reference="IPA-2026-000001", child_id=child_id, setting_id=setting_id,
        start_date=dt.date(2026, 1, 5), placement_type="K2", weekly_fee_pence=383_000,
        services=[ServiceLine("Extra staffing", ServiceCharge.HOURLY, hours_per_week=10,
                              rate_pence=2_800)]))
    return agreement_detail(db, aid).versions[0].id


def _fee(db: Database, version_id: uuid.UUID) -> int:
    fee = agreement_detail(db, _agreement_of(db, version_id)).versions[0].terms
    return int(fee["weekly_fee_pence"])


def _agreement_of(db: Database, version_id: uuid.UUID) -> uuid.UUID:
    with db.read() as s:
        found = s.scalar(select(AgreementVersion.agreement_id)
                         .where(AgreementVersion.id == version_id))
        assert found is not None
        return found


def test_the_second_officer_saving_an_agreement_is_told_who_saved_first_and_sees_both(
        db: Database, other: Database, version_id: uuid.UUID) -> None:
    mine = load_version_form(db, version_id)  # both officers open the draft
    theirs = load_version_form(other, version_id)
    theirs.weekly_fee_pence = 400_000
    theirs.services[0].hours_per_week = 12
    update_draft(other, version_id, theirs)  # Alex saves first

    mine.weekly_fee_pence = 390_000
    mine.outcomes = "Attend school every day"
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    with pytest.raises(ConcurrentEdit) as caught:
        update_draft(db, version_id, mine)
    error = caught.value
    assert error.changed_by == "alex.jones"
    assert error.changed_at is not None and error.changed_at >= before
    assert "alex.jones saved this agreement at" in error.message
    differences = {field: (me, them) for field, me, them in error.differences()}
    assert differences["weekly_fee_pence"] == (390_000, 400_000)
    assert differences["outcomes"] == ("Attend school every day", None)
    # 10 hours at £28.00 is £280.00 a week (mine); 12 hours is £336.00 (theirs)
    assert differences["services"] == (["Extra staffing: £280.00 a week"],
                                       ["Extra staffing: £336.00 a week"])
    assert "reference" not in differences, "only the fields that differ"
    assert _fee(db, version_id) == 400_000, "nothing of the refused save was kept"

    mine.row_version = error.current_version  # "Keep my version": saved over theirs
    update_draft(db, version_id, mine)
    assert _fee(db, version_id) == 390_000
    with db.read() as s:
        who = s.scalars(select(AuditEvent.user).where(
            AuditEvent.entity == "agreement_version", AuditEvent.entity_id == version_id,
            AuditEvent.action == "update").order_by(AuditEvent.id)).all()
    assert who == ["alex.jones", "sam.officer"], "both saves are in the audit trail"


def test_a_signature_on_a_version_changed_since_it_was_read_is_refused(
        db: Database, other: Database, version_id: uuid.UUID) -> None:
    seen = agreement_detail(db, _agreement_of(db, version_id)).versions[0].row_version
    changed = load_version_form(other, version_id)
    changed.weekly_fee_pence = 1_000
    update_draft(other, version_id, changed)
    with pytest.raises(ConcurrentEdit) as caught:
        advance(db, version_id, AgreementStatus.ISSUED, "sam.officer", TODAY,
                row_version=seen)
    assert caught.value.changed_by == "alex.jones"
    detail = agreement_detail(db, _agreement_of(db, version_id))
    assert detail.versions[0].status == AgreementStatus.DRAFT, "not issued unseen"


def test_the_second_officer_saving_a_visit_is_told_who_saved_first_and_sees_both(
        db: Database, other: Database, setting_and_child: tuple[uuid.UUID, uuid.UUID]) -> None:
    visit_id = start_visit(db, setting_and_child[0], TODAY)
    mine = load_visit(db, visit_id).form
    theirs = load_visit(other, visit_id).form
    theirs.visit_type = QaVisitType.UNANNOUNCED
    theirs.areas[0].judgement = QaJudgement.GOOD
    saved = save_draft(other, visit_id, theirs)
    assert saved.changed and saved.row_version != mine.row_version

    mine.visit_type = QaVisitType.ANNOUNCED
    mine.summary = "Warm welcome; records up to date."
    with pytest.raises(ConcurrentEdit) as caught:
        save_draft(db, visit_id, mine)
    error = caught.value
    assert error.changed_by == "alex.jones"
    differences = {field: (me, them) for field, me, them in error.differences()}
    assert differences["visit_type"] == ("announced", "unannounced")
    assert differences["summary"] == ("Warm welcome; records up to date.", None)
    first_area = mine.areas[0].area
    assert f"{first_area}: Good" in differences["areas"][1]
    assert f"{first_area}: not yet judged" in differences["areas"][0]
    assert load_visit(db, visit_id).form.visit_type == QaVisitType.UNANNOUNCED

    # Taking theirs: the form reloads, and the next save goes on from their version.
    again = load_visit(db, visit_id).form
    again.summary = "Added after reading Alex's notes."
    assert save_draft(db, visit_id, again).changed
    final = load_visit(other, visit_id).form
    assert (final.visit_type, final.summary) == (QaVisitType.UNANNOUNCED,
                                                 "Added after reading Alex's notes.")
    assert final.areas[0].judgement == QaJudgement.GOOD


def test_a_repeat_autosave_from_the_same_form_goes_on_from_its_own_save(
        db: Database, setting_and_child: tuple[uuid.UUID, uuid.UUID]) -> None:
    visit_id = start_visit(db, setting_and_child[0], TODAY)
    form = load_visit(db, visit_id).form
    form.summary = "First note"
    form.row_version = save_draft(db, visit_id, form).row_version
    form.summary = "Second note"
    assert save_draft(db, visit_id, form).changed, "its own save is no conflict"


@pytest.mark.skipif(not on_server(), reason="SQLite lets one writer in at a time: a second "
                    "save waits for the first to finish, then reads what it saved")
def test_two_saves_at_the_same_moment_on_a_server_refuse_the_later_one(
        db: Database, other: Database, version_id: uuid.UUID) -> None:
    theirs = load_version_form(other, version_id)
    theirs.weekly_fee_pence = 400_000
    with pytest.raises(ConcurrentEdit) as caught, db.write() as s:
        version = s.get(AgreementVersion, version_id)
        assert version is not None and version.weekly_fee_pence == 383_000
        update_draft(other, version_id, theirs)  # commits while this unit is open
        version.weekly_fee_pence = 390_000
    assert "at the same moment" in caught.value.message
    assert _fee(db, version_id) == 400_000


def test_a_placement_and_a_child_saved_by_another_officer_first_are_not_overwritten(
        db: Database, other: Database) -> None:
    from placement_desk.services.placements.episodes import (
        load_child,
        load_episode,
        save_child,
        save_episode,
    )
    from placement_desk.services.placements.form_checks import EpisodeForm

    with db.write() as s:
        child = Child(case_ref="C-0002")
        s.add(child)
        s.flush()
        child_id = child.id
    episode_id = save_episode(db, EpisodeForm(child_id=child_id, start_date=dt.date(2026, 1, 5),
                                              placement_type="K2"))
    mine, theirs = load_episode(db, episode_id), load_episode(other, episode_id)
    theirs.notes = "Moved rooms"
    save_episode(other, theirs, episode_id)
    mine.placement_type = "U4"
    with pytest.raises(ConcurrentEdit) as caught:
        save_episode(db, mine, episode_id)
    assert caught.value.changed_by == "alex.jones"
    differences = {f: (me, them) for f, me, them in caught.value.differences()}
    assert differences["placement_type"] == ("U4", "K2")
    assert differences["notes"] == (None, "Moved rooms")
    assert load_episode(db, episode_id).placement_type == "K2"

    first, second = load_child(db, child_id), load_child(other, child_id)
    second.personal_adviser = "Pat Adviser"
    save_child(other, second, TODAY, child_id)
    first.notes = "Likes football"
    with pytest.raises(ConcurrentEdit):
        save_child(db, first, TODAY, child_id)
    assert load_child(db, child_id).personal_adviser == "Pat Adviser"
