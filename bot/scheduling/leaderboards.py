"""Weekly leaderboards: the standings of the week just ended, frozen in the ledger and posted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from bot.edge.stored import post_to_dict
from bot.rules.schedule import LEADERBOARD, Due, leaderboard_occurrences, resolve
from bot.rules.timeutil import local_midnight_utc
from bot.scheduling.ledger import (
    CHUNK,
    LEDGER,
    POSTS_HERE,
    TINY,
    WS,
    TickReport,
    claim_rows,
    new_batch,
    skip_group,
)
from bot.services.weekly import report_post, week_report
from bot.store.db import Database
from bot.store.models import Workspace


async def claim_leaderboards(
    db: Database, grace: timedelta, now: datetime, report: TickReport
) -> list[str]:
    """Freeze and post the standings of the week just ended, where that post is due."""
    batches: list[str] = []
    while True:
        batch = new_batch()
        async with db.unit_of_work() as session:
            conn = await session.connection()
            stmt = (
                select(Workspace)
                .where(
                    col(Workspace.leaderboard_due_at) <= now,
                    POSTS_HERE,
                )
                .order_by(col(Workspace.leaderboard_due_at), col(Workspace.id))
                .limit(CHUNK)
            )
            rows = list((await session.exec(stmt)).all())
            if not rows:
                break
            dues: dict[int, Due] = {}
            for ws in rows:
                assert ws.id is not None
                assert ws.leaderboard_due_at is not None
                due = resolve(
                    leaderboard_occurrences(
                        ws.timezone,
                        ws.leaderboard_weekday,
                        ws.leaderboard_time,
                        ws.leaderboard_due_at - TINY,
                    ),
                    now,
                    grace,
                )
                dues[ws.id] = due
                report.skipped[LEADERBOARD] += len(due.skipped)
                await skip_group(
                    conn, LEADERBOARD, now, due, sa.select(WS.c.id).where(WS.c.id == ws.id)
                )
            by_id = {ws.id: ws for ws in rows}
            wanted = [
                (i, d.post)
                for i, d in dues.items()
                if d.post is not None and not _before(by_id[i], d.post.period)
            ]
            won = await claim_rows(conn, LEADERBOARD, now, wanted, batch)
            for ws in rows:
                assert ws.id is not None
                due = dues[ws.id]
                ws.leaderboard_due_at = due.next.due_at
                session.add(ws)
                if due.post is None or (ws.id, due.post.period) not in won:
                    continue
                lid = won[(ws.id, due.post.period)]
                monday = date.fromisoformat(due.post.period)
                week = await week_report(session, ws, monday, now)
                post = report_post(ws, week, key=f"{LEADERBOARD}:{due.post.period}")
                payload = post_to_dict(post) | {"report": week.to_dict()}
                await conn.execute(
                    sa.update(LEDGER).where(LEDGER.c.id == lid).values(payload=payload)
                )
                report.claimed[LEADERBOARD] += 1
            if won:
                batches.append(batch)
        if len(rows) < CHUNK:
            break
    return batches


def _before(ws: Workspace, monday: str) -> bool:
    """Did the reported week end before the group existed? (Nothing to report then.)"""
    end = date.fromisoformat(monday) + timedelta(days=7)
    return local_midnight_utc(end, ws.timezone) <= ws.created_at
