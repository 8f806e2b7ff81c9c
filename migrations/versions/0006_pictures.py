"""pictures: a workspace's images switch; the study day of each answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspace') as batch:
        batch.add_column(sa.Column('images', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('submission') as batch:
        batch.add_column(sa.Column('study_day', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submission') as batch:
        batch.drop_column('study_day')
    with op.batch_alter_table('workspace') as batch:
        batch.drop_column('images')
