"""Migration 0009 moves each contract's provider, signs off completed reviews and renames
the relationship tiers, and back again (on an SQLite file, and on a server on a server
run)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import sqlalchemy as sa

from placement_desk import migrations
from placement_desk.db import make_engine, to_url


def _id(value: Any) -> uuid.UUID:
    """An id as either database hands it back (SQLite: 32 hex digits; a server: a UUID)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _when(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_contract_data_moves_to_the_new_shape_and_back(fresh_target: Any) -> None:
    engine = make_engine(to_url(fresh_target))
    server = engine.dialect.name != "sqlite"
    migrations.upgrade(engine, "0007")
    provider, contract, review = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    stamp = dt.datetime(2025, 1, 2, 9, 0)

    def key(value: uuid.UUID) -> Any:  # as the database stores an id
        return value if server else value.hex

    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO provider (id, name, is_council, relationship_tier, created_at, "
            "updated_at, version) VALUES (:id, 'Bright Futures', false, 'preferred', :at, "
            ":at, 1)"), {"id": key(provider), "at": stamp})
        conn.execute(sa.text(
            "INSERT INTO contract (id, reference, title, contract_type, provider_id, "
            "start_date, created_at, updated_at, version) VALUES "
            "(:id, 'BLK-1', 'Block', 'block', :provider, :start, :at, :at, 1)"),
            {"id": key(contract), "provider": key(provider), "start": dt.date(2024, 4, 1),
             "at": stamp})
        conn.execute(sa.text(
            "INSERT INTO contract_review (id, provider_id, contract_id, status, review_date, "
            "agenda, created_at, updated_at, version) VALUES "
            "(:id, :provider, :contract, 'completed', :day, '[]', :at, :at, 1)"),
            {"id": key(review), "provider": key(provider), "contract": key(contract),
             "day": dt.date(2024, 10, 1), "at": stamp})

    migrations.upgrade(engine)
    with engine.connect() as conn:
        links = conn.execute(sa.text(
            "SELECT contract_id, provider_id, lot_id FROM contract_provider")).all()
        assert [(_id(c), _id(p), lot) for c, p, lot in links] == [(contract, provider, None)]
        reviews = conn.execute(sa.text(
            "SELECT status, signed_off_at, placements FROM contract_review")).all()
        assert [(s, _when(at), _json(p)) for s, at, p in reviews] == [("signed_off", stamp, [])]
        assert conn.execute(sa.text("SELECT relationship_tier FROM provider")).scalar() == \
            "framework_provider"
        columns = {c["name"] for c in sa.inspect(conn).get_columns("contract")}
        assert "provider_id" not in columns and "block_beds" in columns

    from alembic import command

    cfg = migrations.alembic_config()

    def down(conn: object) -> None:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")

    migrations.run_without_foreign_keys(engine, down)
    with engine.connect() as conn:
        assert _id(conn.execute(sa.text("SELECT provider_id FROM contract")).scalar()) == \
            provider
        assert conn.execute(sa.text("SELECT status FROM contract_review")).scalar() == \
            "completed"
        assert conn.execute(sa.text("SELECT relationship_tier FROM provider")).scalar() == \
            "preferred"
    engine.dispose()
