"""Daily rounds, claimed set-based: workspaces whose post falls due at the same instant in the
same zone at the same wall time form a group, whose schedule is worked out once and whose rows
are claimed, closed, opened and re-armed by a handful of statements, whatever its size."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.sequence import load_sequence
from bot.rules.schedule import DAILY, Occurrence, daily_occurrences, resolve
from bot.scheduling.ledger import (
    CHALLENGE,
    LEASE,
    LEDGER,
    LEDGER_COLUMNS,
    POSTS_HERE,
    ROUND,
    TINY,
    WS,
    TickReport,
    aware,
    insert_ledger,
    new_batch,
    skip_group,
    utc_param,
)
from bot.store.db import Database

log = logging.getLogger(__name__)


async def claim_daily(
    db: Database, grace: timedelta, now: datetime, report: TickReport
) -> list[str]:
    """Open the day's round wherever the daily post is due, one group at a time."""
    groups_q = (
        sa.select(WS.c.timezone, WS.c.daily_post_time, WS.c.daily_due_at, sa.func.count())
        .where(WS.c.daily_due_at <= utc_param(now, "now"), POSTS_HERE)
        .group_by(WS.c.timezone, WS.c.daily_post_time, WS.c.daily_due_at)
        .order_by(WS.c.daily_due_at)
    )
    async with db.unit_of_work() as session:
        conn = await session.connection()
        groups = (await conn.execute(groups_q)).all()
    batches = []
    for tz, hhmm, due_at, size in groups:
        due = resolve(daily_occurrences(tz, hhmm, aware(due_at) - TINY), now, grace)
        if due.skipped:
            log.warning(
                "%d workspace(s) (%s, %s): %d daily post(s) fell due while the bot was down "
                "and are skipped, the last for %s",
                size, tz, hhmm, len(due.skipped), due.skipped[-1].period,
            )  # fmt: skip
            report.skipped[DAILY] += size * len(due.skipped)
        async with db.unit_of_work() as session:
            conn = await session.connection()
            in_group = sa.and_(
                WS.c.timezone == tz,
                WS.c.daily_post_time == hhmm,
                WS.c.daily_due_at == utc_param(aware(due_at), "group_due"),
                WS.c.post_channel.is_not(None),
            )
            await skip_group(conn, DAILY, now, due, sa.select(WS.c.id).where(in_group))
            if due.post is not None:
                batch = new_batch()
                won = await open_rounds(conn, session, in_group, due.post, now, batch)
                report.claimed[DAILY] += won
                if won:
                    batches.append(batch)
            # Re-arm the group, and move each auto-pick cursor to the challenge just opened.
            picked = (
                sa.select(ROUND.c.challenge_id)
                .where(
                    ROUND.c.workspace_id == WS.c.id,
                    ROUND.c.status == "open",
                    ROUND.c.source == "auto",
                )
                .scalar_subquery()
            )
            await conn.execute(
                sa.update(WS)
                .where(in_group)
                .values(
                    daily_due_at=utc_param(due.next.due_at, "nx"),
                    pick_cursor=sa.func.coalesce(picked, WS.c.pick_cursor),
                )
            )
    return batches


async def open_rounds(
    conn: AsyncConnection,
    session: AsyncSession,
    in_group: sa.ColumnElement[bool],
    occ: Occurrence,
    now: datetime,
    batch: str,
) -> int:
    """Claim a group's daily post and open its rounds; how many claims this call won."""
    sel = sa.select(
        WS.c.id, sa.literal(DAILY), sa.literal(occ.period), utc_param(occ.due_at, "due"),
        sa.literal("sending"), sa.literal(0), utc_param(now + LEASE, "lease"),
        utc_param(now, "now"), sa.literal(batch),
    ).where(in_group)  # fmt: skip
    await conn.execute(
        insert_ledger(conn)
        .from_select(LEDGER_COLUMNS, sel)
        .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
    )
    won_q = sa.select(LEDGER.c.workspace_id).where(LEDGER.c.batch == batch)
    won = (await conn.execute(sa.select(sa.func.count()).where(LEDGER.c.batch == batch))).scalar()
    if not won:
        return 0
    stamp = utc_param(now, "stamp")
    # The round open until now closes; its answer is revealed in the new post.
    await conn.execute(
        sa.update(ROUND)
        .where(ROUND.c.status == "open", ROUND.c.workspace_id.in_(won_q))
        .values(status="closed", closes_at=stamp)
    )
    # A moderator's round for this date opens (if its challenge is still in use)...
    await conn.execute(
        sa.update(ROUND)
        .where(
            ROUND.c.status == "scheduled",
            ROUND.c.scheduled_date == date.fromisoformat(occ.period),
            ROUND.c.workspace_id.in_(won_q),
            ROUND.c.challenge_id.in_(sa.select(CHALLENGE.c.id).where(CHALLENGE.c.active)),
        )
        .values(status="open", opens_at=stamp)
    )
    # ...else the next challenge of the bank's walk, after the workspace's last pick.
    sequence = await load_sequence(session)
    if sequence:
        cursor = CHALLENGE.alias("cursor")
        pick = sa.func.coalesce(cursor.c.pick_next, sa.literal(sequence[0]))
        has_open = (
            sa.select(ROUND.c.id)
            .where(ROUND.c.workspace_id == LEDGER.c.workspace_id, ROUND.c.status == "open")
            .exists()
        )
        auto = (
            sa.select(
                LEDGER.c.workspace_id, pick, sa.literal("open"), sa.literal("auto"),
                stamp, stamp,
            )
            .select_from(
                LEDGER.join(WS, WS.c.id == LEDGER.c.workspace_id).outerjoin(
                    cursor, cursor.c.id == WS.c.pick_cursor
                )
            )
            .where(LEDGER.c.batch == batch, ~has_open)
        )  # fmt: skip
        await conn.execute(
            sa.insert(ROUND).from_select(
                ["workspace_id", "challenge_id", "status", "source", "opens_at", "created_at"],
                auto,
            )
        )
    else:
        log.error("the challenge bank is empty: no daily round for %d workspace(s)", won)
    opened = (
        sa.select(ROUND.c.id)
        .where(ROUND.c.workspace_id == LEDGER.c.workspace_id, ROUND.c.status == "open")
        .scalar_subquery()
    )
    await conn.execute(sa.update(LEDGER).where(LEDGER.c.batch == batch).values(round_id=opened))
    await conn.execute(
        sa.update(LEDGER)
        .where(LEDGER.c.batch == batch, LEDGER.c.round_id.is_(None))
        .values(status="failed", next_attempt_at=None, last_error="no challenge to post")
    )
    return int(won)
