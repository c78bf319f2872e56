"""Migration 0009 moves each contract's provider, signs off completed reviews and renames
the relationship tiers, and back again."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from placement_desk import migrations
from placement_desk.db import make_engine


def _hex() -> str:
    return uuid.uuid4().hex


def test_contract_data_moves_to_the_new_shape_and_back(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    migrations.upgrade(engine, "0007")
    provider, contract, review = _hex(), _hex(), _hex()
    stamp = "2025-01-02 09:00:00.000000"
    con = sqlite3.connect(path)
    con.execute("INSERT INTO provider (id, name, is_council, relationship_tier, created_at, "
                "updated_at, version) VALUES (?, 'Bright Futures', 0, 'preferred', ?, ?, 1)",
                (provider, stamp, stamp))
    con.execute("INSERT INTO contract (id, reference, title, contract_type, provider_id, "
                "start_date, created_at, updated_at, version) VALUES "
                "(?, 'BLK-1', 'Block', 'block', ?, '2024-04-01', ?, ?, 1)",
                (contract, provider, stamp, stamp))
    con.execute("INSERT INTO contract_review (id, provider_id, contract_id, status, review_date, "
                "agenda, created_at, updated_at, version) VALUES "
                "(?, ?, ?, 'completed', '2024-10-01', '[]', ?, ?, 1)",
                (review, provider, contract, stamp, stamp))
    con.commit()
    con.close()

    migrations.upgrade(engine)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT contract_id, provider_id, lot_id FROM contract_provider"
                           ).fetchall() == [(contract, provider, None)]
        assert con.execute("SELECT status, signed_off_at, placements FROM contract_review"
                           ).fetchall() == [("signed_off", stamp, "[]")]
        assert con.execute("SELECT relationship_tier FROM provider").fetchone() == (
            "framework_provider",)
        columns = [r[1] for r in con.execute("PRAGMA table_info(contract)")]
        assert "provider_id" not in columns and "block_beds" in columns
    finally:
        con.close()

    from alembic import command

    cfg = migrations.alembic_config()

    def down(conn: object) -> None:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")

    migrations.run_without_foreign_keys(engine, down)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT provider_id FROM contract").fetchone() == (provider,)
        assert con.execute("SELECT status FROM contract_review").fetchone() == ("completed",)
        assert con.execute("SELECT relationship_tier FROM provider").fetchone() == ("preferred",)
    finally:
        con.close()
    engine.dispose()
