"""pictures: a workspace's images switch; the study day of each answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch copy of the table: on SQLite, copying `workspace` drops
    # the old table, and with foreign keys on that deletes every member (ON DELETE CASCADE).
    op.add_column(
        'workspace', sa.Column('images', sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column('submission', sa.Column('study_day', sa.Date(), nullable=True))
    _backfill_study_days()


def _backfill_study_days() -> None:
    """Answers from before the study day was kept: their day as the member's time zone now
    places them (their local date at the time, less the group's rollover hour)."""
    sub = sa.table(
        'submission',
        sa.column('id', sa.Integer()),
        sa.column('member_id', sa.Integer()),
        sa.column('workspace_id', sa.Integer()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('study_day', sa.Date()),
    )
    member = sa.table('member', sa.column('id', sa.Integer()), sa.column('timezone', sa.String()))
    ws = sa.table(
        'workspace',
        sa.column('id', sa.Integer()),
        sa.column('timezone', sa.String()),
        sa.column('rollover_hour', sa.Integer()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(sub.c.id, sub.c.created_at, member.c.timezone, ws.c.timezone, ws.c.rollover_hour)
        .join(member, member.c.id == sub.c.member_id)
        .join(ws, ws.c.id == sub.c.workspace_id)
        .where(sub.c.study_day.is_(None))
    ).all()
    days = []
    for sid, at, member_tz, ws_tz, rollover in rows:
        aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        local = aware.astimezone(ZoneInfo(member_tz or ws_tz)).replace(tzinfo=None)
        days.append({'sid': sid, 'day': (local - timedelta(hours=rollover)).date()})
    if days:
        conn.execute(
            sa.update(sub).where(sub.c.id == sa.bindparam('sid')).values(study_day=sa.bindparam('day')),
            days,
        )


def downgrade() -> None:
    with op.batch_alter_table('submission') as batch:
        batch.drop_column('study_day')
    with op.batch_alter_table('workspace') as batch:
        batch.drop_column('images')
