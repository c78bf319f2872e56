"""IPAs: drafting, the signing steps, locking once signed, variations and annual uplifts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import AgreementVersion, Child, Provider, Setting
from placement_desk.models.enums import AgreementStatus, ServiceCharge, SettingType
from placement_desk.services.agreements.fees import one_off_pence, round_half_up, weekly_cost_pence
from placement_desk.services.agreements.ipa import (
    SIGNED_MESSAGE,
    AgreementForm,
    ServiceLine,
    create_agreement,
    update_draft,
)
from placement_desk.services.agreements.ipa_detail import agreement_detail, load_version_form
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation
from placement_desk.services.agreements.uplift import (
    apply_uplift,
    preview_uplift,
    uplift_label,
    uplift_pence,
)

S = AgreementStatus
START = dt.date(2025, 1, 6)
SIGNING = (S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED, S.ACTIVE)


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


@pytest.fixture
def child_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id))
        child = Child(case_ref="C-0001")
        s.add(child)
        s.flush()
        return child.id


def _form(child_id: uuid.UUID, **kw: object) -> AgreementForm:
    values: dict[str, object] = {
        "reference": "IPA-2025-001", "child_id": child_id, "start_date": START,
        "placement_type": "K2", "weekly_fee_pence": 383_000,
        "services": [ServiceLine("Additional 1:1 staffing", ServiceCharge.HOURLY,
                                 hours_per_week=10, rate_pence=2800),
                     ServiceLine("Set-up costs", ServiceCharge.ONE_OFF, amount_pence=50_000)]}
    values.update(kw)
    return AgreementForm(**values)  # type: ignore[arg-type]


def _first_version(db: Database, agreement_id: uuid.UUID) -> uuid.UUID:
    return agreement_detail(db, agreement_id).versions[0].id


def _sign_through(db: Database, version_id: uuid.UUID, day: dt.date,
                  steps: tuple[AgreementStatus, ...] = SIGNING) -> None:
    for n, step in enumerate(steps):
        advance(db, version_id, step, "asha.patel",
                dt.datetime.combine(day, dt.time(9 + n)))


def _active(db: Database, child_id: uuid.UUID, **kw: object) -> uuid.UUID:
    aid = create_agreement(db, _form(child_id, **kw))
    _sign_through(db, _first_version(db, aid), START)
    return aid


def test_rounding_is_half_up_to_the_penny() -> None:
    assert round_half_up(5, 2) == 3
    assert round_half_up(-5, 2) == -3
    assert round_half_up(13, 7) == 2
    assert uplift_pence(82_100, 350) == 84_974  # 84,973.5 → 84,974
    assert uplift_label(350) == "3.5%"
    assert uplift_label(325) == "3.25%"


def test_weekly_cost_adds_fee_weekly_services_and_hours_times_rate(
        db: Database, child_id: uuid.UUID) -> None:
    form = _form(child_id, services=[
        ServiceLine("Education", ServiceCharge.WEEKLY, amount_pence=20_000),
        ServiceLine("1:1", ServiceCharge.HOURLY, hours_per_week=10.5, rate_pence=1999),
        ServiceLine("Therapy (from March)", ServiceCharge.WEEKLY, amount_pence=9_000,
                    start_date=dt.date(2025, 3, 1)),
        ServiceLine("Set-up", ServiceCharge.ONE_OFF, amount_pence=50_000)])
    aid = create_agreement(db, form)
    version = agreement_detail(db, aid).versions[0]
    # 383,000 + 20,000 + 10.5 × 1,999 = 20,989.5 → 20,990 + 9,000
    assert version.weekly_cost_pence == 383_000 + 20_000 + 20_990 + 9_000
    assert weekly_cost_pence(form, on=dt.date(2025, 2, 1)) == 383_000 + 20_000 + 20_990
    assert version.one_off_pence == one_off_pence(form) == 50_000


@pytest.mark.parametrize(("changes", "field"), [
    ({"funding_social_care_bp": 6000, "funding_health_bp": 3000}, "funding"),
    ({"funding_social_care_bp": 12000, "funding_health_bp": -2000}, "funding"),
    ({"weekly_fee_pence": -1}, "weekly_fee_pence"),
    ({"end_date": START}, "end_date"),
    ({"start_date": None}, "start_date"),
    ({"placement_type": "Q9"}, "placement_type"),
    ({"reference": "  "}, "reference"),
    ({"services": [ServiceLine("", ServiceCharge.WEEKLY, amount_pence=1)]}, "services"),
    ({"services": [ServiceLine("1:1", ServiceCharge.HOURLY, hours_per_week=4)]}, "services"),
])
def test_each_rule_names_its_field(db: Database, child_id: uuid.UUID,
                                   changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_agreement(db, _form(child_id, **changes))
    assert caught.value.field == field


def test_funding_split_that_adds_up_is_accepted(db: Database, child_id: uuid.UUID) -> None:
    aid = create_agreement(db, _form(
        child_id, funding_social_care_bp=5000, funding_health_bp=2500,
        funding_education_bp=2500))
    assert agreement_detail(db, aid).versions[0].terms["funding_health_bp"] == 2500
    with pytest.raises(ValidationError, match="already used") as caught:
        create_agreement(db, _form(child_id))
    assert caught.value.field == "reference"


def test_the_steps_are_dated_and_signed_in_order(db: Database, child_id: uuid.UUID) -> None:
    aid = create_agreement(db, _form(child_id))
    vid = _first_version(db, aid)
    with pytest.raises(ValidationError, match="next step is issued") as caught:
        advance(db, vid, S.PROVIDER_SIGNED, "Registered manager")
    assert caught.value.field == "status"
    with pytest.raises(ValidationError) as caught:
        advance(db, vid, S.ACTIVE, "asha.patel")
    with pytest.raises(ValidationError) as caught:
        advance(db, vid, S.ISSUED, "  ")
    assert caught.value.field == "by"
    advance(db, vid, S.ISSUED, "asha.patel", dt.datetime(2025, 1, 2, 10))
    with pytest.raises(ValidationError, match="before the previous step") as caught:
        advance(db, vid, S.PROVIDER_SIGNED, "Registered manager", dt.date(2025, 1, 1))
    assert caught.value.field == "when"
    advance(db, vid, S.PROVIDER_SIGNED, "Registered manager", dt.datetime(2025, 1, 3))
    advance(db, vid, S.COUNCIL_SIGNED, "sam.jones", dt.datetime(2025, 1, 4))
    result = advance(db, vid, S.ACTIVE, "sam.jones", dt.datetime(2025, 1, 6))
    assert (result.status, result.superseded) == (S.ACTIVE, [])
    stamps = agreement_detail(db, aid).versions[0].stamps
    assert stamps["issued_by"] == "asha.patel"
    assert stamps["provider_signed_by"] == "Registered manager"
    assert stamps["council_signed_at"] == dt.datetime(2025, 1, 4)
    advance(db, vid, S.ENDED, "sam.jones", dt.datetime(2025, 6, 30, 17))
    version = agreement_detail(db, aid).versions[0]
    assert version.status == S.ENDED
    assert version.terms["end_date"] == dt.date(2025, 6, 30)
    with pytest.raises(ValidationError, match="no further steps"):
        advance(db, vid, S.ACTIVE, "sam.jones")


def test_editing_is_allowed_until_either_side_signs(db: Database, child_id: uuid.UUID) -> None:
    aid = create_agreement(db, _form(child_id))
    vid = _first_version(db, aid)
    advance(db, vid, S.ISSUED, "asha.patel", dt.date(2025, 1, 2))
    form = load_version_form(db, vid)
    form.weekly_fee_pence = 390_000
    form.reference = "IPA-2025-001A"
    update_draft(db, vid, form)
    detail = agreement_detail(db, aid)
    assert detail.reference == "IPA-2025-001A"
    assert detail.versions[0].terms["weekly_fee_pence"] == 390_000
    assert detail.versions[0].status == S.ISSUED

    advance(db, vid, S.PROVIDER_SIGNED, "Registered manager", dt.date(2025, 1, 3))
    form.weekly_fee_pence = 1
    with pytest.raises(ValidationError) as caught:
        update_draft(db, vid, form)
    assert (caught.value.field, caught.value.message) == ("status", SIGNED_MESSAGE)
    assert agreement_detail(db, aid).versions[0].terms["weekly_fee_pence"] == 390_000


def test_variations_copy_terms_and_keep_earlier_versions_readable(
        db: Database, child_id: uuid.UUID) -> None:
    aid = create_agreement(db, _form(child_id))
    with pytest.raises(ValidationError, match="not signed yet"):
        make_variation(db, aid, dt.date(2025, 4, 1), "Fee review")
    _sign_through(db, _first_version(db, aid), START)
    with pytest.raises(ValidationError) as caught:
        make_variation(db, aid, dt.date(2025, 4, 1), " ")
    assert caught.value.field == "variation_reason"
    with pytest.raises(ValidationError) as caught:
        make_variation(db, aid, dt.date(2024, 12, 1), "Fee review")
    assert caught.value.field == "effective_date"

    v2 = make_variation(db, aid, dt.date(2025, 4, 1), "Extra staffing agreed",
                        {"weekly_fee_pence": 400_000})
    detail = agreement_detail(db, aid)
    v1_view, v2_view = detail.versions
    assert (v1_view.version_no, v1_view.status) == (1, S.ACTIVE)
    assert v1_view.terms["weekly_fee_pence"] == 383_000
    assert (v2_view.id, v2_view.version_no, v2_view.status) == (v2, 2, S.DRAFT)
    assert v2_view.terms["weekly_fee_pence"] == 400_000
    assert [s.description for s in v2_view.services] == \
        ["Additional 1:1 staffing", "Set-up costs"]
    assert v2_view.variation_reason == "Extra staffing agreed"

    form = load_version_form(db, v2)
    form.services[0].hours_per_week = 20
    form.row_version = update_draft(db, v2, form)  # the form goes on from its own save
    form.reference = "SOMETHING-ELSE"
    with pytest.raises(ValidationError) as caught:
        update_draft(db, v2, form)
    assert caught.value.field == "reference"

    _sign_through(db, v2, dt.date(2025, 3, 20), SIGNING[:-1])
    result = advance(db, v2, S.ACTIVE, "sam.jones", dt.datetime(2025, 3, 28))
    assert result.superseded == [v1_view.id]
    v1_after, v2_after = agreement_detail(db, aid).versions
    assert v1_after.status == S.SUPERSEDED
    assert v1_after.stamps["ended_at"] == dt.datetime(2025, 4, 1)
    assert v1_after.terms == v1_view.terms, "the earlier version's terms are unchanged"
    assert v1_after.services[0].hours_per_week == 10
    assert v2_after.status == S.ACTIVE
    assert v2_after.weekly_cost_pence == 400_000 + 20 * 2800


def test_uplift_preview_by_hand(db: Database, child_id: uuid.UUID) -> None:
    a = _active(db, child_id, reference="A", services=[
        ServiceLine("1:1", ServiceCharge.HOURLY, hours_per_week=10, rate_pence=2800),
        ServiceLine("Set-up", ServiceCharge.ONE_OFF, amount_pence=50_000)],
        weekly_fee_pence=100_000)
    b = _active(db, child_id, reference="B", services=[], weekly_fee_pence=82_100,
                end_date=dt.date(2025, 4, 15))
    c = create_agreement(db, _form(child_id, reference="C"))
    preview = preview_uplift(db, [a, b, c], 350, dt.date(2025, 4, 1),
                             dt.date(2025, 4, 29))
    by_ref = {line.reference: line for line in preview.lines}
    # A: fee 100,000 → 103,500; rate 2,800 → 2,898, so 10 h = 28,980; one-off unchanged.
    assert (by_ref["A"].current_weekly_pence, by_ref["A"].new_weekly_pence) == \
        (128_000, 132_480)
    assert (by_ref["A"].difference_pence, by_ref["A"].days, by_ref["A"].effect_pence) == \
        (4_480, 28, 17_920)
    # B: 82,100 × 1.035 = 84,973.5 → 84,974; ends 15 April: 14 days = 2 weeks.
    assert (by_ref["B"].new_weekly_pence, by_ref["B"].difference_pence) == (84_974, 2_874)
    assert (by_ref["B"].days, by_ref["B"].effect_pence) == (14, 5_748)
    assert [s.reference for s in preview.skipped] == ["C"]
    assert preview.total_current_weekly_pence == 210_100
    assert preview.total_new_weekly_pence == 217_454
    assert preview.total_difference_pence == 7_354
    assert preview.total_effect_pence == 23_668


def test_applying_an_uplift_creates_active_variations(db: Database,
                                                      child_id: uuid.UUID) -> None:
    a = _active(db, child_id, reference="A", weekly_fee_pence=100_000)
    c = create_agreement(db, _form(child_id, reference="C"))
    result = apply_uplift(db, [a, c], 350, dt.date(2025, 4, 1), "sam.jones",
                          dt.datetime(2025, 3, 25, 12))
    assert [s.reference for s in result.skipped] == ["C"]
    v1, v2 = agreement_detail(db, a).versions
    assert result.created == {a: v2.id}
    assert (v1.status, v1.terms["weekly_fee_pence"]) == (S.SUPERSEDED, 100_000)
    assert (v2.status, v2.terms["weekly_fee_pence"]) == (S.ACTIVE, 103_500)
    assert v2.effective_date == dt.date(2025, 4, 1)
    assert v2.variation_reason == "Annual uplift 3.5%"
    assert v2.stamps["activated_at"] == dt.datetime(2025, 3, 25, 12)
    assert v2.stamps["council_signed_by"] == "sam.jones"
    assert v2.services[0].rate_pence == 2898, "hourly rates are uplifted too"
    assert v2.services[1].amount_pence == 50_000, "one-off services are not"
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AgreementVersion)) == 3
    again = preview_uplift(db, [a], 350, dt.date(2025, 3, 1))
    assert "after the uplift date" in again.skipped[0].reason
    with pytest.raises(ValidationError) as caught:
        apply_uplift(db, [a], 0, dt.date(2026, 4, 1), "sam.jones")
    assert caught.value.field == "percent_bp"


def test_references_have_one_format_and_follow_older_numbers(db: Database,
                                                             child_id: uuid.UUID) -> None:
    from placement_desk.services.agreements.ipa import next_reference

    day = dt.date(2026, 6, 1)
    with db.sessions() as s:
        assert next_reference(s, day) == "IPA-2026-000001"
    create_agreement(db, _form(child_id, reference="IPA-2026-003079"))
    create_agreement(db, _form(child_id, reference="IPA-2026-3080"))  # the old kind
    with db.sessions() as s:
        assert next_reference(s, day) == "IPA-2026-003081"
        assert next_reference(s, dt.date(2027, 1, 1)) == "IPA-2027-000001"


def test_the_list_shows_the_version_in_force_and_a_pending_variation(
        db: Database, child_id: uuid.UUID) -> None:
    from placement_desk.services.agreements.listing import list_agreements

    aid = _active(db, child_id)
    make_variation(db, aid, dt.date(2025, 4, 1), "Extra staffing",
                   {"weekly_fee_pence": 400_000})
    [row] = list_agreements(db)
    # Version 1 is still the one in force; version 2 waits beside it.
    assert (row.version_no, row.status, row.weekly_fee_pence) == (1, S.ACTIVE, 383_000)
    assert row.pending_text == "Version 2: Draft"
    version_2 = agreement_detail(db, aid).versions[1].id
    _sign_through(db, version_2, dt.date(2025, 4, 1))
    [row] = list_agreements(db)
    assert (row.version_no, row.status, row.weekly_fee_pence) == (2, S.ACTIVE, 400_000)
    assert row.pending_text == ""


def test_a_signatory_name_and_role_are_kept_apart(db: Database, child_id: uuid.UUID) -> None:
    aid = create_agreement(db, _form(child_id))
    vid = _first_version(db, aid)
    advance(db, vid, S.ISSUED, "Pat Officer", START)
    advance(db, vid, S.PROVIDER_SIGNED, "Sam Manager", START, "Registered manager")
    advance(db, vid, S.COUNCIL_SIGNED, "Alex Head", START, "Head of Service")
    with db.sessions() as s:
        version = s.get(AgreementVersion, vid)
        assert version is not None
        assert (version.provider_signed_by, version.provider_signed_role) == (
            "Sam Manager", "Registered manager")
        assert (version.council_signed_by, version.council_signed_role) == (
            "Alex Head", "Head of Service")


def test_agreement_text_longer_than_its_column_is_refused(db: Database,
                                                          child_id: uuid.UUID) -> None:
    with pytest.raises(ValidationError) as caught:
        create_agreement(db, _form(child_id, invoicing_reference="X" * 61))
    assert caught.value.field == "invoicing_reference"
    with pytest.raises(ValidationError) as caught:
        create_agreement(db, _form(child_id, provider_legal_entity="P" * 201))
    assert caught.value.field == "provider_legal_entity"
