"""The actions tracker: filters, source links, overdue, and the allowed status changes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import (
    Action,
    ActionUpdate,
    ContractReview,
    Provider,
    QaVisit,
    RatingAlert,
    Setting,
)
from placement_desk.models.enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    AlertKind,
    QaVisitStatus,
    SettingType,
)
from placement_desk.services.qa.actions import (
    ActionFilter,
    change_status,
    list_actions,
    mark_overdue,
    new_action,
)

TODAY = dt.date(2026, 6, 1)
OPEN, IN_PROGRESS, DONE = ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE
CANCELLED, OVERDUE = ActionStatus.CANCELLED, ActionStatus.OVERDUE


@pytest.fixture
def db_user() -> str:
    return "asha"


def _action(db: Database, status: ActionStatus = OPEN, due: dt.date | None = None,
            **kw: object) -> uuid.UUID:
    with db.sessions.begin() as s:
        values: dict[str, object] = {"source": ActionSource.MANUAL, "description": "Do it",
                                     "owner": "Asha", "status": status,
                                     "due_date": due or dt.date(2026, 7, 1)}
        values.update(kw)
        action = Action(**values)
        s.add(action)
        s.flush()
        return action.id


def _status(db: Database, action_id: uuid.UUID) -> ActionStatus:
    with db.sessions() as s:
        action = s.get(Action, action_id)
        assert action is not None
        return action.status


def _updates(db: Database, action_id: uuid.UUID) -> list[tuple[object, ...]]:
    with db.sessions() as s:
        return [(u.author, u.old_status, u.new_status, u.note) for u in s.scalars(
            select(ActionUpdate).where(ActionUpdate.action_id == action_id)
            .order_by(ActionUpdate.created_at))]


def test_open_to_in_progress_to_done_and_reopened_with_a_note(db: Database) -> None:
    aid = _action(db)
    assert change_status(db, [aid], IN_PROGRESS, None, "asha", TODAY) == [aid]
    assert change_status(db, [aid], DONE, "Policy received", "asha", TODAY) == [aid]
    with db.sessions() as s:
        action = s.get(Action, aid)
        assert action is not None
        assert (action.status, action.completed_date) == (DONE, TODAY)
    with pytest.raises(ValidationError, match="Say why") as caught:
        change_status(db, [aid], OPEN, "  ", "ben", TODAY)
    assert caught.value.field == "note"
    assert change_status(db, [aid], OPEN, "Policy out of date", "ben", TODAY) == [aid]
    with db.sessions() as s:
        action = s.get(Action, aid)
        assert action is not None
        assert (action.status, action.completed_date) == (OPEN, None)
    assert _updates(db, aid) == [
        ("asha", OPEN, IN_PROGRESS, None), ("asha", IN_PROGRESS, DONE, "Policy received"),
        ("ben", DONE, OPEN, "Policy out of date")]


@pytest.mark.parametrize(("start", "target"), [
    (OPEN, DONE), (IN_PROGRESS, OPEN), (DONE, IN_PROGRESS), (DONE, CANCELLED),
    (CANCELLED, OPEN), (CANCELLED, IN_PROGRESS)])
def test_moves_not_allowed_are_refused(db: Database, start: ActionStatus,
                                       target: ActionStatus) -> None:
    aid = _action(db, start)
    with pytest.raises(ValidationError, match="cannot be moved") as caught:
        change_status(db, [aid], target, "because", "asha", TODAY)
    assert caught.value.field == "status"
    assert _status(db, aid) == start
    assert _updates(db, aid) == []


def test_cancelling_from_open_or_in_progress(db: Database) -> None:
    ids = [_action(db, OPEN), _action(db, IN_PROGRESS)]
    assert change_status(db, ids, CANCELLED, None, "asha", TODAY) == ids
    assert [_status(db, a) for a in ids] == [CANCELLED, CANCELLED]


def test_a_bulk_change_is_all_or_nothing_and_skips_those_already_there(db: Database) -> None:
    open_one, busy, done = _action(db, OPEN), _action(db, IN_PROGRESS), _action(db, DONE)
    with pytest.raises(ValidationError, match="1 of the chosen actions"):
        change_status(db, [busy, open_one], DONE, None, "asha", TODAY)
    assert (_status(db, busy), _status(db, open_one)) == (IN_PROGRESS, OPEN)
    assert change_status(db, [busy, done], DONE, None, "asha", TODAY) == [busy]
    assert _updates(db, done) == []
    with pytest.raises(ValidationError, match="worked out from the due date"):
        change_status(db, [open_one], OVERDUE, None, "asha", TODAY)
    with pytest.raises(ValidationError, match="deleted"):
        change_status(db, [open_one, uuid.uuid4()], IN_PROGRESS, None, "a", TODAY)


def test_overdue_is_shown_and_stored_and_moves_as_the_status_it_had(db: Database) -> None:
    late_open = _action(db, OPEN, dt.date(2026, 5, 31))
    late_busy = _action(db, IN_PROGRESS, dt.date(2026, 5, 1))
    on_time = _action(db, OPEN, TODAY)
    late_done = _action(db, DONE, dt.date(2026, 5, 1))
    rows = {r.id: r for r in list_actions(db, today=TODAY)}
    assert [rows[a].status_text for a in (late_open, late_busy, on_time, late_done)] == [
        "Overdue", "Overdue", "Open", "Done"]
    assert mark_overdue(db, TODAY) == 2
    assert mark_overdue(db, TODAY) == 0
    assert (_status(db, late_open), _status(db, late_busy)) == (OVERDUE, OVERDUE)
    assert _updates(db, late_busy) == [
        ("Placement Desk", IN_PROGRESS, OVERDUE, "The due date has passed.")]
    rows = {r.id: r for r in list_actions(db, today=TODAY)}
    assert rows[late_open].allowed == {IN_PROGRESS, CANCELLED}
    assert rows[late_busy].allowed == {DONE, CANCELLED}
    with pytest.raises(ValidationError, match=r"Do it \(Overdue\)"):
        change_status(db, [late_open], DONE, None, "asha", TODAY)
    assert change_status(db, [late_busy], DONE, None, "asha", TODAY) == [late_busy]
    assert change_status(db, [late_open], IN_PROGRESS, None, "asha", TODAY) == [
        late_open]


def test_moving_the_due_date_undoes_a_stored_overdue(db: Database) -> None:
    aid = _action(db, IN_PROGRESS, dt.date(2026, 5, 1))
    mark_overdue(db, TODAY)
    with db.sessions.begin() as s:
        action = s.get(Action, aid)
        assert action is not None
        action.due_date = dt.date(2026, 8, 1)
    assert mark_overdue(db, TODAY) == 1
    assert _status(db, aid) == IN_PROGRESS


def _links(s: Session) -> dict[str, uuid.UUID]:
    provider = Provider(name="Bright Futures Ltd")
    s.add(provider)
    s.flush()
    setting = Setting(name="Oak House", urn="SC100001", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id)
    s.add(setting)
    s.flush()
    visit = QaVisit(setting_id=setting.id, status=QaVisitStatus.COMPLETED,
                    visit_date=dt.date(2026, 3, 12))
    review = ContractReview(provider_id=provider.id, review_date=dt.date(2026, 2, 1))
    alert = RatingAlert(setting_id=setting.id, kind=AlertKind.DOWNGRADE,
                        raised_on=dt.date(2026, 5, 5))
    s.add_all([visit, review, alert])
    s.flush()
    return {"provider": provider.id, "setting": setting.id, "visit": visit.id,
            "review": review.id, "alert": alert.id}


def test_rows_link_back_to_their_source_and_filter(db: Database) -> None:
    with db.sessions.begin() as s:
        ids = _links(s)
        common = {"setting_id": ids["setting"], "provider_id": ids["provider"]}
        from_visit = new_action(s, source=ActionSource.QA_VISIT, description="Update the plan",
                                owner="Asha Patel", due_date=dt.date(2026, 4, 1),
                                qa_visit_id=ids["visit"], **common).id
        from_review = new_action(s, source=ActionSource.CONTRACT_REVIEW,
                                 description="Send accounts", owner="Ben",
                                 due_date=dt.date(2026, 7, 1),
                                 contract_review_id=ids["review"], **common).id
        from_alert = new_action(s, source=ActionSource.RATING_ALERT, description="Visit",
                                owner="asha patel", due_date=dt.date(2026, 6, 3),
                                priority=ActionPriority.HIGH, rating_alert_id=ids["alert"],
                                **common).id
        by_hand = new_action(s, source=ActionSource.MANUAL, description="Call", owner="Cara",
                             due_date=dt.date(2026, 6, 20)).id
        gone = new_action(s, source=ActionSource.MANUAL, description="Old", owner="Cara",
                          due_date=dt.date(2026, 6, 20))
        gone.deleted_at = dt.datetime(2026, 1, 1)
    rows = list_actions(db, today=TODAY)
    assert [r.id for r in rows] == [from_visit, from_alert, by_hand, from_review]
    visit_row, alert_row, hand_row, review_row = rows
    assert (visit_row.source_label, visit_row.qa_visit_id, visit_row.setting_name,
            visit_row.provider_name, visit_row.status_text) == (
        "QA visit 12/03/2026", ids["visit"], "Oak House", "Bright Futures Ltd", "Overdue")
    assert (review_row.source_label, review_row.contract_review_id) == (
        "Contract review 01/02/2026", ids["review"])
    assert (alert_row.source_label, alert_row.rating_alert_id) == (
        "Rating alert 05/05/2026", ids["alert"])
    assert (hand_row.source_label, hand_row.setting_name) == ("Recorded by hand", None)

    def names(**kw: object) -> list[uuid.UUID]:
        return [r.id for r in list_actions(db, ActionFilter(**kw), TODAY)]  # type: ignore[arg-type]

    assert names(owner=" ASHA PATEL ") == [from_visit, from_alert]
    assert names(provider_id=ids["provider"]) == [from_visit, from_alert, from_review]
    assert names(statuses=frozenset({OVERDUE})) == [from_visit]
    assert names(statuses=frozenset({OPEN})) == [from_alert, by_hand, from_review]
    assert names(due_before=dt.date(2026, 6, 20)) == [from_visit, from_alert]
    assert names(due_after=dt.date(2026, 6, 3)) == [by_hand, from_review]
    assert names(qa_visit_id=ids["visit"]) == [from_visit]


def test_a_new_action_needs_a_description_an_owner_and_a_due_date(db: Database) -> None:
    with db.sessions() as s:
        for kw, field in (({"description": " "}, "description"), ({"owner": ""}, "owner"),
                          ({"due_date": None}, "due_date")):
            values: dict[str, object] = {"description": "Do it", "owner": "Asha",
                                         "due_date": TODAY}
            values.update(kw)
            with pytest.raises(ValidationError) as caught:
                new_action(s, source=ActionSource.MANUAL, **values)  # type: ignore[arg-type]
            assert caught.value.field == field
        assert s.scalar(select(func.count()).select_from(Action)) == 0


def test_the_list_choices_mean_one_rule_and_overdue_agrees_with_the_dashboard(
        db: Database) -> None:
    from placement_desk.services.kpis import KpiRequest, kpi_report

    late_open = _action(db, OPEN, dt.date(2026, 5, 20), description="Fix the fire door")
    late_doing = _action(db, IN_PROGRESS, dt.date(2026, 5, 31), owner="BEN")
    stored_late = _action(db, OVERDUE, dt.date(2026, 5, 1))
    due_today = _action(db, OPEN, TODAY)
    in_a_week = _action(db, IN_PROGRESS, TODAY + dt.timedelta(days=7), owner="Ben")
    in_eight_days = _action(db, OPEN, TODAY + dt.timedelta(days=8))
    done_late = _action(db, DONE, dt.date(2026, 5, 1))
    _cancelled = _action(db, CANCELLED, dt.date(2026, 5, 1))

    def shown(**choices: str) -> set[uuid.UUID]:
        return {r.id for r in list_actions(db, ActionFilter.from_choices(TODAY, **choices),
                                           TODAY)}

    overdue = {late_open, late_doing, stored_late}
    assert shown(status="overdue") == overdue
    assert shown(due="overdue") == overdue, "the due choice and the status agree"
    assert shown(status="open") == {due_today, in_eight_days}, "an overdue one is not Open"
    assert shown(status="in_progress") == {in_a_week}
    assert shown(status="live") == overdue | {due_today, in_a_week, in_eight_days}
    assert shown(status="done", due="overdue") == set(), "done is never overdue"
    assert shown(due="7") == {due_today, in_a_week}, "today up to 7 days ahead, both in"
    assert shown(owner="ben") == {late_doing, in_a_week}, "the owner ignoring case"
    assert shown(text="FIRE door") == {late_open}
    assert done_late not in shown(status="live")
    dashboard = kpi_report(db, KpiRequest.year_to(TODAY)).figures["overdue_actions"]
    assert dashboard.numerator == len(overdue)
    assert dashboard.records.ids == {a.hex for a in overdue}
