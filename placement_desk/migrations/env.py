"""Alembic environment: runs on the connection the migration runner hands it."""

from __future__ import annotations

from alembic import context

from placement_desk.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through placement_desk.migrations
    raise RuntimeError("Run migrations with 'placement-desk db upgrade'.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
