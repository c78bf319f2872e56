"""Signatory roles on agreement versions

Who signed an agreement and in what role are kept apart (the name in
``provider_signed_by``/``council_signed_by``, the role in the new columns), so
that the agreement's signature blocks print both. Roles typed before this
change stay inside the name, as they were recorded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_signed_role', sa.String(length=100),
                                      nullable=True))
        batch_op.add_column(sa.Column('council_signed_role', sa.String(length=100),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.drop_column('council_signed_role')
        batch_op.drop_column('provider_signed_role')
