"""platforms: a moderator role, leaving a workspace, recovered sends, installations, adapters' state

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspace') as batch:
        batch.add_column(
            sa.Column('moderator_role', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch.add_column(sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('post_ledger') as batch:
        batch.add_column(
            sa.Column('recovered', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        'installation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform', 'team_id', name='uq_installation_team'),
    )
    op.create_table(
        'adapter_state',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('adapter_state')
    op.drop_table('installation')
    with op.batch_alter_table('post_ledger') as batch:
        batch.drop_column('recovered')
    with op.batch_alter_table('workspace') as batch:
        batch.drop_column('left_at')
        batch.drop_column('moderator_role')
