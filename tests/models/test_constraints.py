"""The schema refuses impossible data: duplicates, broken links, unknown codes, bad money."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from placement_desk.lifecycle import Database
from placement_desk.models import (
    Agreement,
    AgreementVersion,
    Child,
    OfstedInspection,
    PlacementEpisode,
    Setting,
)
from placement_desk.models.enums import (
    PLACE_CODES_BEFORE_2025,
    PLACE_CODES_FROM_2025,
    InspectionEventType,
    Judgement,
    PlacementType,
    SettingType,
)


def _home(urn: str = "SC111111") -> Setting:
    return Setting(name="Oak House", urn=urn, setting_type=SettingType.CHILDRENS_HOME)


def test_urn_is_unique(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(_home())
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        s.add(_home())


def test_unregulated_settings_may_share_an_empty_urn(db: Database) -> None:
    with db.sessions.begin() as s:
        for name in ("Flat 1", "Flat 2"):
            s.add(Setting(name=name, urn=None, setting_type=SettingType.SEMI_INDEPENDENT))
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Setting)) == 2


def test_an_inspection_is_recorded_once_per_setting_type_and_date(db: Database) -> None:
    with db.sessions.begin() as s:
        home = _home()
        s.add(home)
        s.flush()
        s.add(OfstedInspection(setting_id=home.id, event_type=InspectionEventType.FULL,
                               inspection_date=dt.date(2024, 3, 1),
                               overall_judgement=Judgement.GOOD))
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        s.add(OfstedInspection(setting_id=home.id, event_type=InspectionEventType.FULL,
                               inspection_date=dt.date(2024, 3, 1)))


def test_an_episode_must_belong_to_a_real_child(db: Database) -> None:
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        s.add(PlacementEpisode(child_id=uuid.uuid4(), start_date=dt.date(2024, 1, 1),
                               placement_type="U4"))


def test_unknown_enum_values_are_refused(db: Database) -> None:
    with pytest.raises(StatementError), db.sessions.begin() as s:
        s.execute(sa.insert(Setting).values(
            id=uuid.uuid4(), name="X", setting_type="castle", registration_status="active",
            enhanced_monitoring=False))


def _version(**kw: object) -> AgreementVersion:
    values: dict[str, object] = dict(version_no=1, effective_date=dt.date(2024, 1, 1),
                                     start_date=dt.date(2024, 1, 1), weekly_fee_pence=420_000)
    values.update(kw)
    return AgreementVersion(**values)


def test_agreement_fees_and_funding_split_are_checked(db: Database) -> None:
    with db.sessions.begin() as s:
        child = Child(case_ref="C1")
        s.add(child)
        s.flush()
        agreement = Agreement(reference="IPA-1", child_id=child.id)
        agreement.versions.append(_version(funding_social_care_bp=7000, funding_health_bp=3000))
        s.add(agreement)
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        a = s.get(Agreement, agreement.id)
        assert a is not None
        a.versions.append(_version(version_no=2, weekly_fee_pence=-1))
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        a = s.get(Agreement, agreement.id)
        assert a is not None
        a.versions.append(_version(version_no=2, funding_health_bp=1000))


def test_deleting_a_setting_removes_its_inspections_but_keeps_episodes(db: Database) -> None:
    with db.sessions.begin() as s:
        home = _home()
        child = Child(case_ref="C9")
        s.add_all([home, child])
        s.flush()
        s.add(OfstedInspection(setting_id=home.id, event_type=InspectionEventType.FULL,
                               inspection_date=dt.date(2023, 6, 1)))
        s.add(PlacementEpisode(child_id=child.id, setting_id=home.id,
                               start_date=dt.date(2023, 1, 1), placement_type="K2"))
    with db.engine.begin() as conn:
        conn.execute(sa.delete(Setting))
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OfstedInspection)) == 0
        episode = s.scalars(sa.select(PlacementEpisode)).one()
        assert episode.setting_id is None


def test_enumerations_carry_labels_and_both_903_code_sets() -> None:
    assert Judgement.parse("Requires improvement to be good") is Judgement.REQUIRES_IMPROVEMENT
    assert Judgement.parse("  outstanding ") is Judgement.OUTSTANDING
    assert Judgement.parse("") is None
    with pytest.raises(ValueError):
        Judgement.parse("Brilliant")
    assert Judgement.INADEQUATE.rank < Judgement.GOOD.rank < Judgement.OUTSTANDING.rank
    assert PlacementType.K2.label == "Children's home"
    assert "H5" in PLACE_CODES_BEFORE_2025 and "H5" not in PLACE_CODES_FROM_2025
    assert "K3" in PLACE_CODES_FROM_2025 and "K3" not in PLACE_CODES_BEFORE_2025
    assert "P2" not in PLACE_CODES_FROM_2025
    assert PlacementType.CL_STAYING_PUT.is_care_leaver
    assert "CL_SP" not in PLACE_CODES_FROM_2025
