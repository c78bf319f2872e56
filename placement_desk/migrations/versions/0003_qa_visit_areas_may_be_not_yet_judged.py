"""QA visit areas may be not yet judged

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:27:17.069720
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('qa_visit_area', schema=None) as batch_op:
        batch_op.alter_column('judgement',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)


def downgrade() -> None:
    op.execute("UPDATE qa_visit_area SET judgement = 'not_assessed' WHERE judgement IS NULL")
    with op.batch_alter_table('qa_visit_area', schema=None) as batch_op:
        batch_op.alter_column('judgement',
               existing_type=sa.VARCHAR(length=40),
               nullable=False)
