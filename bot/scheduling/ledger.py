"""The post ledger: one row per (workspace, kind, period), claimed before it is sent.

The UNIQUE (workspace, kind, period) lets exactly one claim win, whatever the number of
schedulers; a row's status goes pending -> sending -> sent, back to pending after a failed try,
failed after the last, skipped when it fell due too long ago, undeliverable when the platform
refused it for good. The helpers here are shared by the claims of the three post kinds.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.edge.messages import Post
from bot.rules.schedule import Due, Occurrence
from bot.store.db import Database
from bot.store.models import Challenge, Member, PostLedger, Round, UTCDateTime, Workspace

LEASE = timedelta(minutes=5)  # a send taken by a scheduler belongs to it for this long
CHUNK = 2000  # rows per claim transaction (leaderboards, reminders)
PAGE = 5000  # sends loaded at a time
GROUP = 500  # sends recorded per transaction
TINY = timedelta(microseconds=1)

WS = Workspace.__table__  # type: ignore[attr-defined]
MEMBER = Member.__table__  # type: ignore[attr-defined]
SERVED = WS.c.left_at.is_(None)  # the bot is still in the workspace
POSTS_HERE = sa.and_(SERVED, WS.c.post_channel.is_not(None))  # group posts go out here
LEDGER = PostLedger.__table__  # type: ignore[attr-defined]
ROUND = Round.__table__  # type: ignore[attr-defined]
CHALLENGE = Challenge.__table__  # type: ignore[attr-defined]
LEDGER_COLUMNS = (
    "workspace_id", "kind", "period", "due_at", "status", "attempts", "next_attempt_at",
    "claimed_at", "batch",
)  # fmt: skip
# Statuses that still owe a send, and the ones that are done with.
OPEN_STATUSES = ("pending", "sending")


@dataclass
class TickReport:
    claimed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    undeliverable: int = 0

    def add(self, other: TickReport) -> None:
        self.claimed += other.claimed
        self.skipped += other.skipped
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.undeliverable += other.undeliverable


@dataclass(frozen=True, slots=True)
class Claim:
    """One send to make: the ledger row, where it goes (platform and workspace), the post."""

    ledger_id: int
    platform: str
    workspace: str  # the platform's id, for the Poster
    post: Post
    attempts: int = 0
    batch: str = ""


def insert_ledger(conn: AsyncConnection) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(LEDGER)


def utc_param(value: datetime, name: str) -> Any:
    return sa.bindparam(name, value, type_=UTCDateTime())


def new_batch() -> str:
    return uuid.uuid4().hex


def aware(value: datetime) -> datetime:
    """Core selects on SQLite return what UTCDateTime stored; make sure it is aware UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def skip_group(
    conn: AsyncConnection, kind: str, now: datetime, due: Due, rows: sa.Select[Any]
) -> None:
    """Record an entry's latest missed occurrence as skipped (once), from a select of ids."""
    if due.post is not None or not due.skipped:
        return
    last = due.skipped[-1]
    sel = sa.select(
        rows.subquery().c.id,
        sa.literal(kind),
        sa.literal(last.period),
        utc_param(last.due_at, "skip_due"),
        sa.literal("skipped"),
        sa.literal(0),
        sa.null(),
        utc_param(now, "skip_now"),
        sa.null(),
    ).where(sa.true())
    await conn.execute(
        insert_ledger(conn)
        .from_select(LEDGER_COLUMNS, sel)
        .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
    )


async def claim_rows(
    conn: AsyncConnection,
    kind: str,
    now: datetime,
    wanted: list[tuple[int, Occurrence]],
    batch: str,
) -> dict[tuple[int, str], int]:
    """Insert ledger rows for (workspace id, occurrence); the ones this call won, by key."""
    won: dict[tuple[int, str], int] = {}
    if not wanted:
        return won
    rows = [
        {"workspace_id": ws_id, "kind": kind, "period": occ.period, "due_at": occ.due_at,
         "status": "sending", "attempts": 0, "next_attempt_at": now + LEASE,
         "claimed_at": now, "batch": batch}
        for ws_id, occ in wanted
    ]  # fmt: skip
    stmt = (
        insert_ledger(conn)
        .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
        .returning(LEDGER.c.id, LEDGER.c.workspace_id, LEDGER.c.period)
    )
    for i in range(0, len(rows), 900):
        for lid, ws_id, period in (await conn.execute(stmt, rows[i : i + 900])).all():
            won[(ws_id, period)] = lid
    return won


async def take_pending(db: Database, now: datetime) -> list[str]:
    """Take the pending sends whose time has come (retries, recovered claims)."""
    batch = new_batch()
    async with db.unit_of_work() as session:
        conn = await session.connection()
        taken = (
            await conn.execute(
                sa.update(LEDGER)
                .where(LEDGER.c.status == "pending", LEDGER.c.next_attempt_at <= now)
                .values(status="sending", next_attempt_at=now + LEASE, batch=batch)
            )
        ).rowcount
    return [batch] if taken else []


# -- delivery ------------------------------------------------------------------------------


async def ledger_counts(session: AsyncSession, workspace_id: int) -> dict[str, int]:
    """Scheduled posts by status, for `/studymod stats`."""
    rows = await session.exec(
        select(PostLedger.status, sa.func.count())
        .where(PostLedger.workspace_id == workspace_id)
        .group_by(col(PostLedger.status))
    )
    return {status: int(n) for status, n in rows.all()}
