"""Contract reviews: who is due when (worked out by hand), drafts, sign-off locking, addenda,
actions; and the relationship tiers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from placement_desk.db import Database
from placement_desk.errors import ValidationError
from placement_desk.models import Action, AuditEvent, ContractReview
from placement_desk.models.enums import (
    ActionSource,
    CommissioningRoute,
    ContractType,
    Rag,
    RelationshipTier,
    ReviewStatus,
)
from placement_desk.services.common.settings_store import REVIEW_INTERVAL_MONTHS, set_setting
from placement_desk.services.contracts.review_context import review_context
from placement_desk.services.contracts.review_due import DueStatus, reviews_due
from placement_desk.services.contracts.review_forms import AGENDA
from placement_desk.services.contracts.review_list import list_reviews
from placement_desk.services.contracts.reviews import (
    add_addendum,
    load_review,
    raise_review_action,
    save_review_draft,
    sign_off_review,
    start_review,
)
from placement_desk.services.contracts.tiers import list_tiers, set_tier, suggest_tier

from .builders import contract, placement, provider

TODAY = dt.date(2026, 3, 31)
R = CommissioningRoute
D = dt.date
T = RelationshipTier


def _signed(db: Database, provider_id: uuid.UUID, day: dt.date,
            next_due: dt.date | None) -> None:
    with db.write() as s:
        s.add(ContractReview(id=uuid.uuid4(), provider_id=provider_id,
                             status=ReviewStatus.SIGNED_OFF, review_date=day, agenda=[],
                             placements=[], next_due=next_due))


def test_who_is_due_a_review_and_when(db: Database) -> None:
    never, h1 = provider(db, "Acorn Care")
    soon, h2 = provider(db, "Beacon Homes")
    later, h3 = provider(db, "Compass Care")
    council, own = provider(db, "Demo Borough Council", council=True)
    gone, h5 = provider(db, "Drift Homes")
    placement(db, h1, "A1", D(2025, 6, 15), None, R.SPOT)
    placement(db, h1, "A2", D(2025, 9, 1), None, R.SPOT)
    placement(db, h2, "B1", D(2024, 1, 1), None, R.BLOCK)
    placement(db, h3, "C1", D(2025, 2, 1), None, R.FRAMEWORK)
    placement(db, own, "O1", D(2025, 1, 1), None, R.IN_HOUSE)
    placement(db, h5, "G1", D(2024, 1, 1), D(2026, 3, 1), R.SPOT)
    _signed(db, soon, D(2025, 4, 1), D(2025, 10, 1))
    _signed(db, soon, D(2025, 10, 10), D(2026, 4, 20))
    _signed(db, later, D(2026, 1, 31), None)
    _signed(db, gone, D(2024, 6, 1), D(2024, 12, 1))

    rows = reviews_due(db, TODAY)
    # Acorn: never reviewed; its earliest current placement began 15/06/2025, so due
    #   15/12/2025: overdue.
    # Beacon: last review 10/10/2025, six months on is 10/04/2026, before the 20/04/2026 it
    #   set: due 10/04/2026, within 30 days of 31/03/2026.
    # Compass: last review 31/01/2026 set no date: 31/07/2026, not yet due.
    # The council's own placements and Drift (no child there today) are not listed.
    assert [(r.provider_name, r.due, r.status, r.children) for r in rows] == [
        ("Acorn Care", D(2025, 12, 15), DueStatus.OVERDUE, 2),
        ("Beacon Homes", D(2026, 4, 10), DueStatus.DUE_SOON, 1),
        ("Compass Care", D(2026, 7, 31), DueStatus.NOT_DUE, 1),
    ]
    assert rows[1].last_review == D(2025, 10, 10) and rows[0].last_review is None

    with db.write() as s:  # the council reviews every three months instead
        set_setting(s, REVIEW_INTERVAL_MONTHS, 3)
    rows = {r.provider_name: r for r in reviews_due(db, TODAY)}
    # Compass: 31/01/2026 + 3 months = 30/04/2026 (April has 30 days), exactly 30 days on.
    assert (rows["Compass Care"].due, rows["Compass Care"].status) == (
        D(2026, 4, 30), DueStatus.DUE_SOON)
    assert rows["Beacon Homes"].due == D(2026, 1, 10)
    assert never and council


def _ready(db: Database) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    acorn, home = provider(db, "Acorn Care")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
                   provider_ids=[acorn], start_date=D(2025, 4, 1), end_date=D(2028, 3, 31),
                   block_beds=2)
    placement(db, home, "C-0042", D(2025, 11, 3), None, R.BLOCK, 455_000)
    placement(db, home, "C-0007", D(2024, 1, 1), D(2025, 6, 1), R.BLOCK, 400_000)
    rid = start_review(db, acorn, TODAY)
    return acorn, cid, rid


def test_a_review_begins_with_the_agenda_and_the_current_placements_and_fees(
        db: Database) -> None:
    acorn, cid, rid = _ready(db)
    record = load_review(db, rid)
    assert record.status == ReviewStatus.DRAFT and not record.read_only
    form = record.form
    assert [a.area for a in form.agenda] == list(AGENDA)
    assert all(a.rag is None for a in form.agenda)
    assert [(p.child_ref, p.setting, p.start, p.weekly_pence) for p in form.placements] == [
        ("C-0042", "Acorn Care House", D(2025, 11, 3), 455_000)], "the ended one is left out"
    assert form.contract_id == cid, "the provider's one contract in force"
    assert form.review_date == TODAY and form.next_due == D(2026, 9, 30)
    assert start_review(db, acorn, TODAY) == rid, "starting again resumes the draft"
    context = review_context(db, acorn, TODAY)
    assert [s.name for s in context.settings] == ["Acorn Care House"]
    assert context.settings[0].judgement == "Not yet judged"
    assert context.contracts == ((cid, "BLK-1 Two beds"),)


def test_sign_off_checks_the_review_then_locks_it(db: Database) -> None:
    _acorn, _cid, rid = _ready(db)
    form = load_review(db, rid).form
    future = dataclasses.replace(form, review_date=D(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        save_review_draft(db, rid, future, TODAY)
    assert caught.value.field == "review_date" and "in the future" in caught.value.message

    form.attendees = "Sam Jones"
    form.agenda[0].rag = Rag.GREEN
    form.agenda[0].notes = "All policies in date."
    assert save_review_draft(db, rid, form, TODAY).changed
    assert not save_review_draft(db, rid, form, TODAY).changed, "nothing new, nothing written"

    with pytest.raises(ValidationError) as caught:
        sign_off_review(db, rid, TODAY, form)
    assert (caught.value.field, caught.value.message) == (
        "provider_attendees", "Name who attended for the provider.")
    form.provider_attendees = "Registered manager"
    with pytest.raises(ValidationError) as caught:
        sign_off_review(db, rid, TODAY, form)
    assert caught.value.field == "agenda[1].rag"
    for item in form.agenda:
        item.rag = item.rag or Rag.AMBER
    form.next_due = D(2026, 10, 1)
    with pytest.raises(ValidationError) as caught:
        sign_off_review(db, rid, TODAY, form)
    assert caught.value.message == "The next review must be within 6 months of this one: " \
                                   "by 30/09/2026."
    form.next_due = D(2026, 9, 30)
    action = raise_review_action(db, rid, "Send the new rota", "Registered manager",
                                 D(2026, 4, 30))
    done = sign_off_review(db, rid, TODAY, form)
    assert (done.signed_off_by, done.next_due) == ("test.user", D(2026, 9, 30))

    record = load_review(db, rid)
    assert record.read_only and record.status == ReviewStatus.SIGNED_OFF
    assert [a.id for a in record.actions] == [action]
    assert record.actions[0].source_label == "Contract review 31/03/2026"
    form.outcome = "Changed my mind"
    for attempt in (lambda: save_review_draft(db, rid, form, TODAY),
                    lambda: sign_off_review(db, rid, TODAY, form),
                    lambda: raise_review_action(db, rid, "More", "Someone", D(2026, 5, 1))):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.field == "status"
        assert "signed off and can no longer be changed" in caught.value.message
    assert load_review(db, rid).form.outcome is None, "nothing was written"

    with pytest.raises(ValidationError) as caught:
        add_addendum(db, rid, "Late correction", D(2026, 4, 1), TODAY)
    assert caught.value.field == "added_on"
    add_addendum(db, rid, "The deputy manager also attended.", TODAY, TODAY)
    addenda = load_review(db, rid).addenda
    assert [(a.added_on, a.author, a.text) for a in addenda] == [
        (TODAY, "test.user", "The deputy manager also attended.")]
    row = list_reviews(db)[0]
    assert (row.status, row.rag, row.addenda) == (ReviewStatus.SIGNED_OFF, "6 Amber, 1 Green", 1)
    with db.read() as s:
        raised = s.scalars(select(Action)).one()
    assert raised.source == ActionSource.CONTRACT_REVIEW and raised.contract_review_id == rid


def test_a_signed_off_review_moves_the_due_date(db: Database) -> None:
    acorn, _cid, rid = _ready(db)
    assert reviews_due(db, TODAY)[0].draft_id == rid
    form = load_review(db, rid).form
    form.attendees, form.provider_attendees = "Sam Jones", "Registered manager"
    for item in form.agenda:
        item.rag = Rag.GREEN
    form.next_due = D(2026, 8, 15)
    sign_off_review(db, rid, TODAY, form)
    row = reviews_due(db, TODAY)[0]
    assert (row.provider_id, row.last_review, row.due, row.draft_id) == (
        acorn, TODAY, D(2026, 8, 15), None)


def test_tier_suggestions_by_hand() -> None:
    block, fw = {ContractType.BLOCK}, {ContractType.FRAMEWORK}
    assert suggest_tier(1_500_000_00, 2, block)[0] == T.STRATEGIC_PARTNER
    assert suggest_tier(100_000_00, 12, {ContractType.IN_HOUSE_SLA})[0] == T.STRATEGIC_PARTNER
    assert suggest_tier(1_499_999_99, 11, block)[0] == T.KEY_PARTNER, "just short"
    assert suggest_tier(2_000_000_00, 2, fw)[0] == T.KEY_PARTNER, "big spend, no block"
    assert suggest_tier(0, 12, {ContractType.DPS})[0] == T.KEY_PARTNER
    assert suggest_tier(10_000_00, 0, block)[0] == T.KEY_PARTNER
    assert suggest_tier(500_000_00, 1, fw)[0] == T.KEY_PARTNER
    assert suggest_tier(499_999_99, 4, fw)[0] == T.FRAMEWORK_PROVIDER
    assert suggest_tier(10_000_00, 1, {ContractType.REGIONAL})[0] == T.FRAMEWORK_PROVIDER
    assert suggest_tier(10_000_00, 1, {ContractType.SPOT})[0] == T.TRANSACTIONAL
    assert suggest_tier(0, 0, set())[1] == \
        "spend £0.00 in the last 12 months; 0 children placed; no contract in force"


def test_tiers_from_the_database_and_a_managers_choice_with_its_reason(db: Database) -> None:
    acorn, home = provider(db, "Acorn Care")
    beacon, other = provider(db, "Beacon Homes")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[acorn], start_date=D(2025, 4, 1), end_date=D(2028, 3, 31),
             block_beds=2)
    # £3,500.00 a week is £500.00 a day; the 12 months before 31/03/2026 run from
    # 31/03/2025 to 30/03/2026: 365 days, £182,500.00.
    placement(db, home, "C1", D(2025, 1, 1), None, R.BLOCK, 350_000)
    placement(db, other, "C2", D(2026, 3, 1), None, R.SPOT, 70_000)  # 30 days: £3,000.00
    rows = {r.name: r for r in list_tiers(db, TODAY)}
    assert (rows["Acorn Care"].suggested, rows["Acorn Care"].reason) == (
        T.KEY_PARTNER, "spend £182,500.00 in the last 12 months; 1 child placed; "
                       "holds block contract")
    assert (rows["Beacon Homes"].suggested, rows["Beacon Homes"].spend_pence) == (
        T.TRANSACTIONAL, 3_000_00)

    with pytest.raises(ValidationError) as caught:
        set_tier(db, beacon, T.KEY_PARTNER, "  ", TODAY)
    assert caught.value.field == "reason"
    set_tier(db, beacon, T.KEY_PARTNER, "The only home for sibling groups nearby.", TODAY)
    beacon_row = {r.name: r for r in list_tiers(db, TODAY)}["Beacon Homes"]
    assert (beacon_row.tier, beacon_row.suggested, beacon_row.chosen_by) == (
        T.KEY_PARTNER, T.TRANSACTIONAL, "test.user")
    set_tier(db, beacon, None, None, TODAY)
    assert {r.name: r for r in list_tiers(db, TODAY)}["Beacon Homes"].tier == T.TRANSACTIONAL
    with db.read() as s:
        trail = s.scalars(select(AuditEvent).where(AuditEvent.entity == "provider",
                                                   AuditEvent.entity_id == beacon,
                                                   AuditEvent.action == "update")
                          .order_by(AuditEvent.id)).all()
    assert [(e.before["relationship_tier"], e.after["relationship_tier"]) for e in trail] == [
        (None, "key_partner"), ("key_partner", None)]
    assert trail[0].after["relationship_tier_reason"] == \
        "The only home for sibling groups nearby."


def test_the_review_interval_and_warnings_are_council_settings(db: Database) -> None:
    from placement_desk.services.common.council_settings import (
        load_council_settings,
        save_council_settings,
        validate_council_settings,
    )

    s = load_council_settings(db)
    assert (s.review_interval_months, s.ending_soon_months, s.extension_warning_days) == (
        6, 6, 90)
    with pytest.raises(ValidationError) as caught:
        validate_council_settings(dataclasses.replace(s, review_interval_months=0))
    assert (caught.value.field, caught.value.message) == (
        "review_interval_months",
        "Contract reviews: the months between reviews must be from 1 to 24.")
    _pid, home = provider(db, "Acorn Care")
    placement(db, home, "A1", D(2025, 11, 3), None, R.SPOT)
    assert reviews_due(db, TODAY)[0].due == D(2026, 5, 3)
    save_council_settings(db, dataclasses.replace(s, review_interval_months=4), TODAY)
    assert load_council_settings(db).review_interval_months == 4
    assert reviews_due(db, TODAY)[0].due == D(2026, 3, 3), "03/11/2025 + 4 months"
