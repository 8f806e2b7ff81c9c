"""Streak reminders: a DM at the member's reminder time when their streak is at risk."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.edge.messages import Post
from bot.edge.stored import post_to_dict
from bot.rules.schedule import REMINDER, Occurrence, reminder_occurrences, resolve
from bot.rules.streaks import StreakState, view
from bot.rules.timeutil import study_day
from bot.scheduling.ledger import (
    CHUNK,
    LEDGER,
    MEMBER,
    SERVED,
    TINY,
    WS,
    TickReport,
    aware,
    claim_rows,
    new_batch,
    utc_param,
)
from bot.store.db import Database


async def claim_reminders(
    db: Database, grace: timedelta, now: datetime, report: TickReport
) -> list[str]:
    """DM members whose streak is at risk at their reminder time (once per study day)."""
    batches: list[str] = []
    due_stmt = (
        sa.select(
            MEMBER.c.id, MEMBER.c.workspace_id, MEMBER.c.user_id, MEMBER.c.timezone,
            MEMBER.c.reminder_time, MEMBER.c.reminder_due_at, MEMBER.c.current_streak,
            MEMBER.c.longest_streak, MEMBER.c.freezes, MEMBER.c.last_study_day,
            WS.c.timezone.label("ws_tz"), WS.c.rollover_hour,
        )
        .join(WS, WS.c.id == MEMBER.c.workspace_id)
        .where(MEMBER.c.reminder_due_at <= utc_param(now, "now"), SERVED)
        .order_by(MEMBER.c.reminder_due_at, MEMBER.c.id)
        .limit(CHUNK)
    )  # fmt: skip
    while True:
        batch = new_batch()
        async with db.unit_of_work() as session:
            conn = await session.connection()
            rows = (await conn.execute(due_stmt)).all()
            if not rows:
                break
            updates = []
            wanted: list[tuple[int, Occurrence]] = []
            nudges: dict[tuple[int, str], tuple[Any, int]] = {}
            for r in rows:
                tz = r.timezone or r.ws_tz
                if r.reminder_time is None:
                    updates.append({"b_id": r.id, "b_due": None})
                    continue
                due = resolve(
                    reminder_occurrences(
                        r.id, tz, r.reminder_time, r.rollover_hour,
                        aware(r.reminder_due_at) - TINY,
                    ),
                    now,
                    grace,
                )  # fmt: skip
                updates.append({"b_id": r.id, "b_due": due.next.due_at})
                if due.post is None:
                    report.skipped[REMINDER] += len(due.skipped)
                    continue
                day = study_day(now, tz, r.rollover_hour)
                if due.post.period != f"{r.id}/{day}":
                    continue  # that study day is over: a late nudge would be wrong
                state = StreakState(r.current_streak, r.longest_streak, r.freezes, r.last_study_day)
                v = view(state, day)
                if v.current < 1 or v.studied_today:
                    continue
                wanted.append((r.workspace_id, due.post))
                nudges[(r.workspace_id, due.post.period)] = (r, v.current)
            won = await claim_rows(conn, REMINDER, now, wanted, batch)
            payloads = []
            for key, lid in won.items():
                r, streak = nudges[key]
                post = reminder_post(r.user_id, streak, r.rollover_hour, f"{REMINDER}:{key[1]}")
                payloads.append({"b_id": lid, "b_payload": post_to_dict(post)})
            if payloads:
                await conn.execute(
                    sa.update(LEDGER)
                    .where(LEDGER.c.id == sa.bindparam("b_id"))
                    .values(payload=sa.bindparam("b_payload")),
                    payloads,
                )
            await conn.execute(
                sa.update(MEMBER)
                .where(MEMBER.c.id == sa.bindparam("b_id"))
                .values(reminder_due_at=sa.bindparam("b_due")),
                updates,
            )
            report.claimed[REMINDER] += len(won)
            if won:
                batches.append(batch)
        if len(rows) < CHUNK:
            break
    return batches


def reminder_post(user_id: str, streak: int, rollover_hour: int, key: str) -> Post:
    return Post(
        body=(
            f"Your {streak}-day study streak needs today. Answer the daily challenge "
            "(`/study today`) or log what you studied (`/study log 30 <topic>`) before "
            f"{rollover_hour:02d}:00 to keep it. `/study remind off` stops these."
        ),
        user=user_id,
        title="Streak reminder",
        kind="reminder",
        key=key,
    )
