"""Small builders for the contract tests: providers, settings and placements with agreements."""

from __future__ import annotations

import datetime as dt
import uuid

from placement_desk.db import Database
from placement_desk.models import (
    Agreement,
    AgreementVersion,
    Child,
    PlacementEpisode,
    Provider,
    Setting,
)
from placement_desk.models.enums import AgreementStatus, CommissioningRoute, SettingType
from placement_desk.services.contracts.register import ContractForm, save_contract


def provider(db: Database, name: str, *, council: bool = False,
             kind: SettingType = SettingType.CHILDRENS_HOME) -> tuple[uuid.UUID, uuid.UUID]:
    """A provider with one setting; returns (provider id, setting id)."""
    with db.write() as s:
        p = Provider(id=uuid.uuid4(), name=name, is_council=council)
        s.add(p)
        s.flush()
        home = Setting(id=uuid.uuid4(), provider_id=p.id, name=f"{name} House",
                       setting_type=kind)
        s.add(home)
        return p.id, home.id


def placement(db: Database, setting_id: uuid.UUID, ref: str, start: dt.date,
              end: dt.date | None, route: CommissioningRoute,
              weekly_pence: int | None = None) -> uuid.UUID:
    """A child placed at a setting over [start, end), with an active agreement when a weekly
    fee is given; returns the episode's id."""
    with db.write() as s:
        child = Child(id=uuid.uuid4(), case_ref=ref)
        s.add(child)
        s.flush()
        episode = PlacementEpisode(id=uuid.uuid4(), child_id=child.id, setting_id=setting_id,
                                   start_date=start, end_date=end, placement_type="K2",
                                   commissioning_route=route)
        s.add(episode)
        s.flush()
        if weekly_pence is not None:
            agreement = Agreement(id=uuid.uuid4(), reference=f"IPA-{ref}", child_id=child.id,
                                  setting_id=setting_id, episode_id=episode.id)
            s.add(agreement)
            s.flush()
            s.add(AgreementVersion(
                agreement_id=agreement.id, version_no=1, status=AgreementStatus.ACTIVE,
                effective_date=start, start_date=start, end_date=end, placement_type="K2",
                weekly_fee_pence=weekly_pence,
                activated_at=dt.datetime.combine(start, dt.time(9))))
        return episode.id


def contract(db: Database, **values: object) -> uuid.UUID:
    """A contract saved through the service, from a few fields."""
    return save_contract(db, ContractForm(**values))  # type: ignore[arg-type]
