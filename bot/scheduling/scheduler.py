"""Scheduled posts: decided and claimed in one transaction, then sent; never doubled or lost.

The database is the truth. Workspaces and members carry their next due time (derived from
their settings by bot/schedule.py); a tick claims what is due in the `post_ledger`, whose UNIQUE
(workspace, kind, period) lets exactly one claim win, in the same transaction that opens the
round or freezes the standings. The claimed posts are sent after the commit. A claim cut short
by a crash is still `sending` in the ledger and goes out when the next scheduler starts; a send
that fails is tried again with backoff and marked `failed` after the last try.

Daily rounds are claimed set-based: workspaces whose post falls due at the same instant in the
same zone at the same wall time form a group, whose schedule is worked out once and whose rows
are claimed, closed, opened and re-armed by a handful of statements, whatever its size.

`tick()` does everything due at the clock's now. APScheduler (bot/scheduler_service.py) calls
it on time in a running bot; the console calls it step by step on its simulated clock.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.sequence import load_sequence
from bot.catalog.texts import challenge_text, reveal_text, title_tail
from bot.edge.clock import Clock, SimulatedClock
from bot.edge.messages import Post
from bot.edge.ports import Poster
from bot.rules.schedule import (
    DAILY,
    LEADERBOARD,
    REMINDER,
    Due,
    Occurrence,
    backoff,
    daily_occurrences,
    leaderboard_occurrences,
    rearm_member,
    rearm_workspace,
    reminder_occurrences,
    resolve,
)
from bot.rules.streaks import StreakState, view
from bot.rules.timeutil import local_midnight_utc, study_day
from bot.services.weekly import report_post, week_report
from bot.store.db import Database
from bot.store.models import Challenge, Member, PostLedger, Round, UTCDateTime, Workspace

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a send taken by a scheduler belongs to it for this long
CHUNK = 2000  # rows per claim transaction (leaderboards, reminders)
PAGE = 5000  # sends loaded at a time
GROUP = 500  # sends recorded per transaction
TINY = timedelta(microseconds=1)

WS = Workspace.__table__  # type: ignore[attr-defined]
MEMBER = Member.__table__  # type: ignore[attr-defined]
LEDGER = PostLedger.__table__  # type: ignore[attr-defined]
ROUND = Round.__table__  # type: ignore[attr-defined]
CHALLENGE = Challenge.__table__  # type: ignore[attr-defined]
LEDGER_COLUMNS = (
    "workspace_id", "kind", "period", "due_at", "status", "attempts", "next_attempt_at",
    "claimed_at", "batch",
)  # fmt: skip


@dataclass
class TickReport:
    claimed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: TickReport) -> None:
        self.claimed += other.claimed
        self.skipped += other.skipped
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


@dataclass(frozen=True, slots=True)
class Claim:
    ledger_id: int
    workspace: str  # the platform's id, for the Poster
    post: Post
    attempts: int = 0
    batch: str = ""


def _insert(conn: AsyncConnection) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(LEDGER)


def _utc(value: datetime, name: str) -> Any:
    return sa.bindparam(name, value, type_=UTCDateTime())


def _token() -> str:
    return uuid.uuid4().hex


class Scheduler:
    """Claims and sends the posts that are due. One per process; one elected per database."""

    def __init__(self, db: Database, clock: Clock, poster: Poster, *, grace: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.poster = poster
        self.grace = grace

    # -- arming and recovery ------------------------------------------------------------------

    async def arm_missing(self) -> int:
        """Derive due times for rows that have none (rows from before the scheduler existed)."""
        now = self.clock.now()
        armed = 0
        async with self.db.unit_of_work() as session:
            stmt = select(Workspace).where(
                col(Workspace.daily_due_at).is_(None) | col(Workspace.leaderboard_due_at).is_(None)
            )
            for ws in (await session.exec(stmt)).all():
                rearm_workspace(ws, now, self.grace)
                session.add(ws)
                armed += 1
            rows = await session.exec(
                select(Member, Workspace)
                .join(Workspace, col(Workspace.id) == Member.workspace_id)
                .where(
                    col(Member.reminder_time).is_not(None), col(Member.reminder_due_at).is_(None)
                )
            )
            for member, ws in rows.all():
                rearm_member(member, ws, now)
                session.add(member)
                armed += 1
        return armed

    async def recover(self, *, exclusive: bool) -> int:
        """Put sends cut short by a crash back in line, to go out at once.

        `exclusive`: this process is the only scheduler (it holds the election), so every send
        still marked `sending` belongs to a process that is gone. Otherwise only those whose
        lease has run out are taken back.
        """
        now = self.clock.now()
        stmt = (
            sa.update(LEDGER)
            .where(LEDGER.c.status == "sending")
            .values(status="pending", next_attempt_at=now)
        )
        if not exclusive:
            stmt = stmt.where(LEDGER.c.next_attempt_at <= now)
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            n = (await conn.execute(stmt)).rowcount
        if n:
            log.warning("%d scheduled post(s) were claimed but not sent; sending them now", n)
        return int(n)

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant at which something is due (posts, retries, expired leases)."""
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            has_channel = WS.c.post_channel.is_not(None)
            candidates = [
                sa.select(sa.func.min(WS.c.daily_due_at)).where(has_channel),
                sa.select(sa.func.min(WS.c.leaderboard_due_at)).where(has_channel),
                sa.select(sa.func.min(MEMBER.c.reminder_due_at)),
                sa.select(sa.func.min(LEDGER.c.next_attempt_at)).where(
                    LEDGER.c.status.in_(("pending", "sending"))
                ),
            ]
            found = [(await conn.execute(stmt)).scalar() for stmt in candidates]
        times = [_aware(t) for t in found if t is not None]
        return min(times, default=None)

    # -- the tick ------------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Claim and send everything due now; then retries whose wait is over."""
        now = self.clock.now()
        report = TickReport()
        await self.recover(exclusive=False)
        batches: list[str] = []
        batches += await self._claim_leaderboards(now, report)
        batches += await self._claim_daily(now, report)
        batches += await self._claim_reminders(now, report)
        batches += await self._take_pending(now)
        for batch in batches:
            await self._deliver_batch(batch, now, report)
        if report.claimed or report.skipped or report.failed or report.retrying:
            log.info(
                "tick at %s: claimed %s, skipped %s, sent %d, retrying %d, failed %d",
                now.isoformat(),
                {k: n for k, n in report.claimed.items() if n},
                {k: n for k, n in report.skipped.items() if n},
                report.sent,
                report.retrying,
                report.failed,
            )
        return report

    async def run_due(self, *, max_ticks: int = 50) -> TickReport:
        """Tick until nothing is due at the clock's now."""
        total = TickReport()
        for _ in range(max_ticks):
            wake = await self.next_wakeup()
            if wake is None or wake > self.clock.now():
                break
            total.add(await self.tick())
        else:
            log.error("still due after %d ticks; leaving the rest for the next wake-up", max_ticks)
        return total

    async def run_until(
        self,
        clock: SimulatedClock,
        target: datetime,
        after_step: Callable[[], Awaitable[None]] | None = None,
    ) -> TickReport:
        """Move a simulated clock to `target`, firing everything due on the way, in time order.

        `after_step` runs after each instant's posts (the console saves its clock there, so a
        restart resumes at the last instant that fired).
        """
        total = TickReport()
        while True:
            wake = await self.next_wakeup()
            if wake is None or wake > target:
                break
            if wake > clock.now():
                clock.set(wake)
            total.add(await self.run_due())
            if after_step is not None:
                await after_step()
        clock.set(target)
        return total

    # -- claims --------------------------------------------------------------------------------

    async def _skip_group(
        self, conn: AsyncConnection, kind: str, now: datetime, due: Due, rows: sa.Select[Any]
    ) -> None:
        """Record an entry's latest missed occurrence as skipped (once), from a select of ids."""
        if due.post is not None or not due.skipped:
            return
        last = due.skipped[-1]
        sel = sa.select(
            rows.subquery().c.id,
            sa.literal(kind),
            sa.literal(last.period),
            _utc(last.due_at, "skip_due"),
            sa.literal("skipped"),
            sa.literal(0),
            sa.null(),
            _utc(now, "skip_now"),
            sa.null(),
        ).where(sa.true())
        await conn.execute(
            _insert(conn)
            .from_select(LEDGER_COLUMNS, sel)
            .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
        )

    async def _claim_daily(self, now: datetime, report: TickReport) -> list[str]:
        """Open the day's round wherever the daily post is due, one group at a time."""
        groups_q = (
            sa.select(WS.c.timezone, WS.c.daily_post_time, WS.c.daily_due_at, sa.func.count())
            .where(WS.c.daily_due_at <= _utc(now, "now"), WS.c.post_channel.is_not(None))
            .group_by(WS.c.timezone, WS.c.daily_post_time, WS.c.daily_due_at)
            .order_by(WS.c.daily_due_at)
        )
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            groups = (await conn.execute(groups_q)).all()
        batches = []
        for tz, hhmm, due_at, size in groups:
            due = resolve(daily_occurrences(tz, hhmm, _aware(due_at) - TINY), now, self.grace)
            if due.skipped:
                log.warning(
                    "%d workspace(s) (%s, %s): %d daily post(s) fell due while the bot was down "
                    "and are skipped, the last for %s",
                    size, tz, hhmm, len(due.skipped), due.skipped[-1].period,
                )  # fmt: skip
                report.skipped[DAILY] += size * len(due.skipped)
            async with self.db.unit_of_work() as session:
                conn = await session.connection()
                in_group = sa.and_(
                    WS.c.timezone == tz,
                    WS.c.daily_post_time == hhmm,
                    WS.c.daily_due_at == _utc(_aware(due_at), "group_due"),
                    WS.c.post_channel.is_not(None),
                )
                await self._skip_group(conn, DAILY, now, due, sa.select(WS.c.id).where(in_group))
                if due.post is not None:
                    batch = _token()
                    won = await self._open_rounds(conn, session, in_group, due.post, now, batch)
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
                        daily_due_at=_utc(due.next.due_at, "nx"),
                        pick_cursor=sa.func.coalesce(picked, WS.c.pick_cursor),
                    )
                )
        return batches

    async def _open_rounds(
        self,
        conn: AsyncConnection,
        session: AsyncSession,
        in_group: sa.ColumnElement[bool],
        occ: Occurrence,
        now: datetime,
        batch: str,
    ) -> int:
        """Claim a group's daily post and open its rounds; how many claims this call won."""
        sel = sa.select(
            WS.c.id, sa.literal(DAILY), sa.literal(occ.period), _utc(occ.due_at, "due"),
            sa.literal("sending"), sa.literal(0), _utc(now + LEASE, "lease"), _utc(now, "now"),
            sa.literal(batch),
        ).where(in_group)  # fmt: skip
        await conn.execute(
            _insert(conn)
            .from_select(LEDGER_COLUMNS, sel)
            .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
        )
        won_q = sa.select(LEDGER.c.workspace_id).where(LEDGER.c.batch == batch)
        won = (
            await conn.execute(sa.select(sa.func.count()).where(LEDGER.c.batch == batch))
        ).scalar()
        if not won:
            return 0
        stamp = _utc(now, "stamp")
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

    async def _claim(
        self,
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
            _insert(conn)
            .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
            .returning(LEDGER.c.id, LEDGER.c.workspace_id, LEDGER.c.period)
        )
        for i in range(0, len(rows), 900):
            for lid, ws_id, period in (await conn.execute(stmt, rows[i : i + 900])).all():
                won[(ws_id, period)] = lid
        return won

    async def _claim_leaderboards(self, now: datetime, report: TickReport) -> list[str]:
        """Freeze and post the standings of the week just ended, where that post is due."""
        batches: list[str] = []
        while True:
            batch = _token()
            async with self.db.unit_of_work() as session:
                conn = await session.connection()
                stmt = (
                    select(Workspace)
                    .where(
                        col(Workspace.leaderboard_due_at) <= now,
                        col(Workspace.post_channel).is_not(None),
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
                        self.grace,
                    )
                    dues[ws.id] = due
                    report.skipped[LEADERBOARD] += len(due.skipped)
                    await self._skip_group(
                        conn, LEADERBOARD, now, due, sa.select(WS.c.id).where(WS.c.id == ws.id)
                    )
                by_id = {ws.id: ws for ws in rows}
                wanted = [
                    (i, d.post)
                    for i, d in dues.items()
                    if d.post is not None and not _before(by_id[i], d.post.period)
                ]
                won = await self._claim(conn, LEADERBOARD, now, wanted, batch)
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
                    payload = post.to_dict() | {"report": week.to_dict()}
                    await conn.execute(
                        sa.update(LEDGER).where(LEDGER.c.id == lid).values(payload=payload)
                    )
                    report.claimed[LEADERBOARD] += 1
                if won:
                    batches.append(batch)
            if len(rows) < CHUNK:
                break
        return batches

    async def _claim_reminders(self, now: datetime, report: TickReport) -> list[str]:
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
            .where(MEMBER.c.reminder_due_at <= _utc(now, "now"))
            .order_by(MEMBER.c.reminder_due_at, MEMBER.c.id)
            .limit(CHUNK)
        )  # fmt: skip
        while True:
            batch = _token()
            async with self.db.unit_of_work() as session:
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
                            _aware(r.reminder_due_at) - TINY,
                        ),
                        now,
                        self.grace,
                    )  # fmt: skip
                    updates.append({"b_id": r.id, "b_due": due.next.due_at})
                    if due.post is None:
                        report.skipped[REMINDER] += len(due.skipped)
                        continue
                    day = study_day(now, tz, r.rollover_hour)
                    if due.post.period != f"{r.id}/{day}":
                        continue  # that study day is over: a late nudge would be wrong
                    state = StreakState(
                        r.current_streak, r.longest_streak, r.freezes, r.last_study_day
                    )
                    v = view(state, day)
                    if v.current < 1 or v.studied_today:
                        continue
                    wanted.append((r.workspace_id, due.post))
                    nudges[(r.workspace_id, due.post.period)] = (r, v.current)
                won = await self._claim(conn, REMINDER, now, wanted, batch)
                payloads = []
                for key, lid in won.items():
                    r, streak = nudges[key]
                    post = reminder_post(r.user_id, streak, r.rollover_hour, f"{REMINDER}:{key[1]}")
                    payloads.append({"b_id": lid, "b_payload": post.to_dict()})
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

    async def _take_pending(self, now: datetime) -> list[str]:
        """Take the pending sends whose time has come (retries, recovered claims)."""
        batch = _token()
        async with self.db.unit_of_work() as session:
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

    async def _deliver_batch(self, batch: str, now: datetime, report: TickReport) -> None:
        """Send a batch's posts page by page: daily ones rendered from their rounds."""
        after = 0
        challenges: dict[str, Challenge] = {}
        while True:
            claims, after, more = await self._load_claims(batch, after, challenges)
            for i in range(0, len(claims), GROUP):
                await self._deliver_group(claims[i : i + GROUP], now, report)
            if not more:
                return

    async def _load_claims(
        self, batch: str, after: int, challenges: dict[str, Challenge]
    ) -> tuple[list[Claim], int, bool]:
        """A page of a batch's sends as Posts, the last ledger id read, and whether more may
        follow; `challenges` caches rows across pages."""
        prev = ROUND.alias("prev")
        rnd = ROUND.alias("rnd")
        q = (
            sa.select(
                LEDGER.c.id, LEDGER.c.kind, LEDGER.c.period, LEDGER.c.payload,
                LEDGER.c.attempts, WS.c.external_id, WS.c.post_channel,
                rnd.c.id, rnd.c.challenge_id, prev.c.id, prev.c.challenge_id,
            )
            .select_from(
                LEDGER.join(WS, WS.c.id == LEDGER.c.workspace_id)
                .outerjoin(rnd, rnd.c.id == LEDGER.c.round_id)
                .outerjoin(
                    prev,
                    sa.and_(
                        prev.c.workspace_id == rnd.c.workspace_id,
                        prev.c.closes_at == rnd.c.opens_at,
                        prev.c.status == "closed",
                    ),
                )
            )
            .where(LEDGER.c.batch == batch, LEDGER.c.status == "sending", LEDGER.c.id > after)
            .order_by(LEDGER.c.id)
            .limit(PAGE)
        )  # fmt: skip
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            rows = (await conn.execute(q)).all()
            wanted = {r[8] for r in rows if r[8]} | {r[10] for r in rows if r[10]}
            missing = wanted - challenges.keys()
            if missing:
                found = await session.exec(select(Challenge).where(col(Challenge.id).in_(missing)))
                challenges.update({c.id: c for c in found.all()})
            texts: dict[str, tuple[str, str]] = {}  # challenge id -> (question, title tail)
            reveals: dict[str, str] = {}  # challenge id -> "title:\nanswer and explanation"
            claims: list[Claim] = []
            seen: set[int] = set()
            broken: list[int] = []
            for lid, kind, period, payload, attempts, ext, channel, rid, cid, pid, pcid in rows:
                if lid in seen:
                    continue  # two rounds closed at that instant: reveal the first
                seen.add(lid)
                if payload is not None:
                    claims.append(Claim(lid, ext, Post.from_dict(payload), attempts, batch))
                    continue
                if cid not in texts:
                    ch = challenges.get(cid)
                    if kind != DAILY or rid is None or ch is None:
                        broken.append(lid)
                        continue
                    texts[cid] = (challenge_text(ch), title_tail(ch))
                body, tail = texts[cid]
                if pcid:
                    if pcid not in reveals and (old := challenges.get(pcid)) is not None:
                        reveals[pcid] = f"{old.title}:\n{reveal_text(old)}"
                    if pcid in reveals:
                        body = f"{body}\n\nPrevious round #{pid}, {reveals[pcid]}"
                post = Post(
                    body, channel, None, f"Round #{rid}{tail}", (), "round", f"daily:{period}"
                )
                claims.append(Claim(lid, ext, post, attempts, batch))
            if broken:
                log.error("ledger rows %s have nothing to send; marked failed", broken)
                await conn.execute(
                    sa.update(LEDGER)
                    .where(LEDGER.c.id.in_(broken))
                    .values(status="failed", last_error="nothing to send")
                )
        return claims, (rows[-1][0] if rows else after), len(rows) == PAGE

    async def _deliver_group(self, claims: list[Claim], now: datetime, report: TickReport) -> None:
        """Send some posts, then record each outcome in one transaction: sent, retry, failed.

        A crash between a send and this record sends that post again on restart (with the
        same `key`); recording every GROUP sends bounds how many that can be.
        """
        sent: list[int] = []
        retry: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for claim in claims:
            attempts = claim.attempts + 1
            try:
                await self.poster.send(claim.workspace, claim.post)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                wait = backoff(attempts)
                row = {"b_id": claim.ledger_id, "b_attempts": attempts, "b_error": error}
                if wait is None:
                    log.error("giving up on %s after %d tries: %s", claim.post.key, attempts, error)
                    failed.append(row)
                else:
                    log.warning(
                        "sending %s failed (try %d), retrying in %s: %s",
                        claim.post.key,
                        attempts,
                        wait,
                        error,
                    )
                    retry.append(row | {"b_next": now + wait})
            else:
                sent.append(claim.ledger_id)
        if not claims:
            return
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            if sent:
                # The group's ledger ids ascend: one range, minus the few that did not go.
                others = [r["b_id"] for r in retry + failed]
                where = [
                    LEDGER.c.batch == claims[0].batch,
                    LEDGER.c.id >= sent[0],
                    LEDGER.c.id <= sent[-1],
                    LEDGER.c.status == "sending",
                ]
                if others:
                    where.append(LEDGER.c.id.not_in(others))
                await conn.execute(
                    sa.update(LEDGER)
                    .where(*where)
                    .values(
                        status="sent",
                        sent_at=_utc(now, "sent_at"),
                        attempts=LEDGER.c.attempts + 1,
                        next_attempt_at=None,
                    )
                )
            by_id = LEDGER.c.id == sa.bindparam("b_id")
            tries: Any = sa.bindparam("b_attempts")
            if retry:
                await conn.execute(
                    sa.update(LEDGER)
                    .where(by_id)
                    .values(
                        status="pending",
                        attempts=tries,
                        next_attempt_at=sa.bindparam("b_next"),
                        last_error=sa.bindparam("b_error"),
                    ),
                    retry,
                )
            if failed:
                await conn.execute(
                    sa.update(LEDGER)
                    .where(by_id)
                    .values(
                        status="failed",
                        attempts=tries,
                        next_attempt_at=None,
                        last_error=sa.bindparam("b_error"),
                    ),
                    failed,
                )
        report.sent += len(sent)
        report.retrying += len(retry)
        report.failed += len(failed)


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


def _before(ws: Workspace, monday: str) -> bool:
    """Did the reported week end before the group existed? (Nothing to report then.)"""
    end = date.fromisoformat(monday) + timedelta(days=7)
    return local_midnight_utc(end, ws.timezone) <= ws.created_at


def _aware(value: datetime) -> datetime:
    """Core selects on SQLite return what UTCDateTime stored; make sure it is aware UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def ledger_counts(session: AsyncSession, workspace_id: int) -> dict[str, int]:
    """Scheduled posts by status, for `/studymod stats`."""
    rows = await session.exec(
        select(PostLedger.status, sa.func.count())
        .where(PostLedger.workspace_id == workspace_id)
        .group_by(col(PostLedger.status))
    )
    return {status: int(n) for status, n in rows.all()}
