"""A manager's approval of a spot purchase: who approved the placement, and when.

A placement bought on the spot (outside the council's contracts) needs a
commissioning manager's approval; the placement records who gave it and when, and
the audit trail keeps it. Only managers may approve (see services/users/roles.py).
"""

from __future__ import annotations

import datetime as dt
import uuid

from ...db import Database
from ...errors import ValidationError
from ...models import PlacementEpisode, utcnow
from ...models.enums import CommissioningRoute
from ..users.roles import Permission, require


def approve_spot_purchase(db: Database, episode_id: uuid.UUID,
                          now: dt.datetime | None = None) -> None:
    """Record the acting manager's approval of a spot-purchased placement (once)."""
    require(db, Permission.APPROVE_SPOT_PURCHASES)
    with db.write() as session:
        episode = session.get(PlacementEpisode, episode_id)
        if episode is None or episode.deleted_at is not None:
            raise ValidationError("commissioning_route", "This placement is no longer in "
                                                         "the database.")
        if episode.commissioning_route != CommissioningRoute.SPOT:
            raise ValidationError("commissioning_route", "Only a spot purchase needs a "
                                                         "manager's approval.")
        if episode.spot_approved_at is not None:
            return
        episode.spot_approved_by = db.user
        episode.spot_approved_at = now or utcnow()


def spot_approval(db: Database, episode_id: uuid.UUID) -> tuple[str, dt.datetime] | None:
    """Who approved the spot purchase and when (UTC), or None."""
    with db.read() as session:
        episode = session.get(PlacementEpisode, episode_id)
        if episode is None or episode.spot_approved_at is None:
            return None
        return episode.spot_approved_by or "", episode.spot_approved_at
