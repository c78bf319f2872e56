"""Postcode lookup county codes

The county (E10) of each postcode in two-tier areas, so that a county council can
count placements in its area. Postcodes already imported get theirs when the
lookup file is imported again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:13:26.090374
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('postcode_lookup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=12), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('postcode_lookup', schema=None) as batch_op:
        batch_op.drop_column('county_code')

