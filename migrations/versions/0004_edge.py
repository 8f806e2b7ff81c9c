"""edge: where a post landed, and a notice for moderators

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspace') as batch:
        batch.add_column(
            sa.Column('moderator_notice', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    with op.batch_alter_table('post_ledger') as batch:
        batch.add_column(
            sa.Column('sent_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('post_ledger') as batch:
        batch.drop_column('sent_ref')
    with op.batch_alter_table('workspace') as batch:
        batch.drop_column('moderator_notice')
