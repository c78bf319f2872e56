"""concerns about settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:10:32.074192
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('concern',
    sa.Column('setting_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('safeguarding', 'complaint', 'missing', 'viability', 'other', name='concernkind', native_enum=False, length=40), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_concern_setting_id_setting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern'))
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_setting_id'), ['setting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_setting_id'))

    op.drop_table('concern')
