"""Unregistered provision: reason and action

A child placed in provision not registered for their care is listed with why, and
with what the council is doing about it. Both are kept on the placement episode;
existing episodes have neither.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unregistered_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('unregistered_action', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.drop_column('unregistered_action')
        batch_op.drop_column('unregistered_reason')
