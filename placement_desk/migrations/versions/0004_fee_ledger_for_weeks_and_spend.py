"""Fee ledger for weeks and spend

The table starts empty. Opening the database finds no record of the ledger's formula
in ``app_setting`` and builds it from the agreements (see placement_desk.fee_ledger),
with the code of the version that opens it, so this migration never has to.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:01:11.422949
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fee_ledger',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.Column('first_day', sa.Integer(), nullable=False),
    sa.Column('end_day', sa.Integer(), nullable=True),
    sa.Column('weekly_pence', sa.Integer(), nullable=False),
    sa.Column('is_one_off', sa.Boolean(), nullable=False),
    sa.Column('one_off_pence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_fee_ledger_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_ledger'))
    )
    with op.batch_alter_table('fee_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_ledger_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    # Forget that the ledger was built, so that upgrading again rebuilds it.
    op.execute("DELETE FROM app_setting WHERE key = 'fee_ledger.formula'")
    with op.batch_alter_table('fee_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_ledger_agreement_id'))

    op.drop_table('fee_ledger')
