"""Scheduled posts: decided and claimed in one transaction, then sent; never doubled or lost.

The database is the truth. Workspaces and members carry their next due time (derived from
their settings by bot/schedule.py); a tick claims what is due in the `post_ledger`, whose UNIQUE
(workspace, kind, period) lets exactly one claim win, in the same transaction that opens the
round or freezes the standings. The claimed posts are sent after the commit. A claim cut short
by a crash is still `sending` in the ledger and goes out when the next scheduler starts; a send
that fails is tried again with backoff and marked `failed` after the last try.

`tick()` does everything due at the clock's now. APScheduler (bot/scheduler_service.py) calls
it on time in a running bot; the console calls it step by step on its simulated clock.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock, SimulatedClock
from bot.db import Database
from bot.messages import Post
from bot.models import Challenge, Member, PostLedger, Round, Workspace
from bot.ports import Poster
from bot.rounds import challenge_text, load_sequence, reveal_text, title_for
from bot.schedule import (
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
from bot.streaks import StreakState, view
from bot.timeutil import study_day
from bot.weekly import report_post, week_report

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a send taken by a scheduler belongs to it for this long
CHUNK = 2000  # rows per claim transaction
GROUP = 200  # sends recorded per transaction
TINY = timedelta(microseconds=1)

WS = Workspace.__table__  # type: ignore[attr-defined]
MEMBER = Member.__table__  # type: ignore[attr-defined]
LEDGER = PostLedger.__table__  # type: ignore[attr-defined]
ROUND = Round.__table__  # type: ignore[attr-defined]


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


def _insert(conn: AsyncConnection) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(LEDGER)


def _chunks(items: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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
        claims: list[Claim] = []
        claims += await self._claim_leaderboards(now, report)
        claims += await self._claim_daily(now, report)
        claims += await self._claim_reminders(now, report)
        await self._deliver(claims, now, report)
        await self._deliver_pending(now, report)
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

    async def _claim(
        self,
        conn: AsyncConnection,
        kind: str,
        now: datetime,
        wanted: list[tuple[int, Occurrence]],
    ) -> dict[tuple[int, str], int]:
        """Insert ledger rows for (workspace id, occurrence); the ones this call won, by key."""
        won: dict[tuple[int, str], int] = {}
        if not wanted:
            return won
        rows = [
            {"workspace_id": ws_id, "kind": kind, "period": occ.period, "due_at": occ.due_at,
             "status": "sending", "attempts": 0, "next_attempt_at": now + LEASE,
             "claimed_at": now}
            for ws_id, occ in wanted
        ]  # fmt: skip
        stmt = (
            _insert(conn)
            .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "period"])
            .returning(LEDGER.c.id, LEDGER.c.workspace_id, LEDGER.c.period)
        )
        for part in _chunks(rows):
            for lid, ws_id, period in (await conn.execute(stmt, list(part))).all():
                won[(ws_id, period)] = lid
        return won

    async def _skip(
        self, conn: AsyncConnection, kind: str, now: datetime, skipped: list[tuple[int, Due]]
    ) -> int:
        """Record the latest missed occurrence of each entry as skipped (once), and log it."""
        rows = []
        for ws_id, due in skipped:
            last = due.skipped[-1]
            log.warning(
                "workspace %d: %s for %s fell due at %s, %s; skipped",
                ws_id,
                kind,
                last.period,
                last.due_at.isoformat(),
                "superseded by a later one" if due.post else "beyond the grace window",
            )
            if due.post is None:
                rows.append(
                    {"workspace_id": ws_id, "kind": kind, "period": last.period,
                     "due_at": last.due_at, "status": "skipped", "attempts": 0,
                     "claimed_at": now, "last_error": "fell due while the bot was down"}
                )  # fmt: skip
        if rows:
            stmt = _insert(conn).on_conflict_do_nothing(
                index_elements=["workspace_id", "kind", "period"]
            )
            await conn.execute(stmt, rows)
        return sum(len(d.skipped) for _, d in skipped)

    async def _claim_daily(self, now: datetime, report: TickReport) -> list[Claim]:
        """Open the day's round in every workspace whose daily post is due, in batches."""
        claims: list[Claim] = []
        due_stmt = (
            sa.select(
                WS.c.id, WS.c.external_id, WS.c.timezone, WS.c.daily_post_time,
                WS.c.daily_due_at, WS.c.post_channel, WS.c.pick_cursor,
            )
            .where(WS.c.daily_due_at <= sa.bindparam("now"), WS.c.post_channel.is_not(None))
            .order_by(WS.c.daily_due_at, WS.c.id)
            .limit(CHUNK)
        )  # fmt: skip
        while True:
            async with self.db.unit_of_work() as session:
                conn = await session.connection()
                rows = (await conn.execute(due_stmt, {"now": now})).all()
                if not rows:
                    break
                batch = await self._daily_batch(session, conn, rows, now, report)
            claims += batch
            if len(rows) < CHUNK:
                break
        return claims

    async def _daily_batch(
        self,
        session: AsyncSession,
        conn: AsyncConnection,
        rows: Sequence[Any],
        now: datetime,
        report: TickReport,
    ) -> list[Claim]:
        by_id = {r.id: r for r in rows}
        dues = {
            r.id: resolve(
                daily_occurrences(r.timezone, r.daily_post_time, _aware(r.daily_due_at) - TINY),
                now,
                self.grace,
            )
            for r in rows
        }
        report.skipped[DAILY] += await self._skip(
            conn, DAILY, now, [(i, d) for i, d in dues.items() if d.skipped]
        )
        wanted = [(i, d.post) for i, d in dues.items() if d.post is not None]
        won = await self._claim(conn, DAILY, now, wanted)
        ws_ids = [i for i, occ in wanted if (i, occ.period) in won]
        periods = {i: occ.period for i, occ in wanted}

        scheduled: dict[int, tuple[int, str]] = {}
        previous: dict[int, list[tuple[int, str]]] = {}
        for part in _chunks(ws_ids):
            q = sa.select(
                ROUND.c.id, ROUND.c.workspace_id, ROUND.c.challenge_id,
                ROUND.c.status, ROUND.c.scheduled_date,
            ).where(
                ROUND.c.workspace_id.in_(part), ROUND.c.status.in_(("scheduled", "open"))
            )  # fmt: skip
            for rid, wid, cid, status, day in (await conn.execute(q)).all():
                if status == "open":
                    previous.setdefault(wid, []).append((rid, cid))
                elif day is not None and day.isoformat() == periods[wid]:
                    scheduled[wid] = (rid, cid)

        sequence = await load_sequence(session)
        position = {cid: i for i, cid in enumerate(sequence)}
        needed = {cid for _, cid in scheduled.values()}
        needed |= {cid for rounds in previous.values() for _, cid in rounds}
        challenges: dict[str, Challenge] = {}
        wanted_ids = sorted(needed | set(sequence))
        for part in _chunks(wanted_ids):
            stmt = select(Challenge).where(col(Challenge.id).in_(part))
            challenges.update({c.id: c for c in (await session.exec(stmt)).all()})

        picks: dict[int, str] = {}
        new_cursor: dict[int, str] = {}
        open_scheduled: list[int] = []
        for wid in ws_ids:
            sched = scheduled.get(wid)
            if sched is not None:
                ch = challenges.get(sched[1])
                if ch is not None and ch.active and ch.workspace_id in (None, wid):
                    picks[wid] = sched[1]
                    open_scheduled.append(sched[0])
                    continue
                log.warning(
                    "workspace %d: scheduled challenge %s is gone; auto-picking", wid, sched[1]
                )
            if not sequence:
                log.error("workspace %d: the challenge bank is empty; no daily round", wid)
                continue
            cursor = by_id[wid].pick_cursor
            at = position.get(cursor, -1) if cursor else -1
            picks[wid] = new_cursor[wid] = sequence[(at + 1) % len(sequence)]

        closing = [rid for wid in picks for rid, _ in previous.get(wid, ())]
        for part in _chunks(closing):
            await conn.execute(
                sa.update(ROUND).where(ROUND.c.id.in_(part)).values(status="closed", closes_at=now)
            )
        if open_scheduled:
            await conn.execute(
                sa.update(ROUND)
                .where(ROUND.c.id == sa.bindparam("b_id"))
                .values(status="open", opens_at=now),
                [{"b_id": rid} for rid in open_scheduled],
            )
        round_ids = {
            wid: scheduled[wid][0] for wid in picks if wid in scheduled and wid not in new_cursor
        }
        fresh = [
            {"workspace_id": wid, "challenge_id": picks[wid], "status": "open", "source": "auto",
             "opens_at": now, "created_at": now}
            for wid in picks if wid not in round_ids
        ]  # fmt: skip
        insert_round = sa.insert(ROUND).returning(ROUND.c.id, ROUND.c.workspace_id)
        for part in _chunks(fresh):
            for rid, wid in (await conn.execute(insert_round, list(part))).all():
                round_ids[wid] = rid

        await conn.execute(
            sa.update(WS)
            .where(WS.c.id == sa.bindparam("b_id"))
            .values(daily_due_at=sa.bindparam("b_due"), pick_cursor=sa.bindparam("b_cursor")),
            [
                {"b_id": wid, "b_due": d.next.due_at,
                 "b_cursor": new_cursor.get(wid, by_id[wid].pick_cursor)}
                for wid, d in dues.items()
            ],
        )  # fmt: skip

        texts: dict[str, str] = {}
        reveals: dict[str, str] = {}
        claims: list[Claim] = []
        payloads = []
        for wid in ws_ids:
            if wid not in round_ids:
                continue
            ch = challenges[picks[wid]]
            body = texts.get(ch.id) or texts.setdefault(ch.id, challenge_text(ch))
            for rid, old_id in previous.get(wid, ())[-1:]:
                old = challenges.get(old_id)
                if old is not None:
                    reveal = reveals.get(old_id) or reveals.setdefault(old_id, reveal_text(old))
                    body += f"\n\nPrevious round #{rid}, {old.title}:\n{reveal}"
            key = f"{DAILY}:{periods[wid]}"
            post = Post(
                body=body,
                channel=by_id[wid].post_channel,
                title=title_for(round_ids[wid], ch),
                kind="round",
                key=key,
            )
            lid = won[(wid, periods[wid])]
            claims.append(Claim(lid, by_id[wid].external_id, post))
            payloads.append({"b_id": lid, "b_payload": post.to_dict()})
        for wid in ws_ids:
            if wid not in round_ids:  # nothing to post: record why, keep the claim
                await conn.execute(
                    sa.update(LEDGER)
                    .where(LEDGER.c.id == won[(wid, periods[wid])])
                    .values(status="failed", last_error="no challenge to post")
                )
        if payloads:
            await conn.execute(
                sa.update(LEDGER)
                .where(LEDGER.c.id == sa.bindparam("b_id"))
                .values(payload=sa.bindparam("b_payload")),
                payloads,
            )
        report.claimed[DAILY] += len(claims)
        return claims

    async def _claim_leaderboards(self, now: datetime, report: TickReport) -> list[Claim]:
        """Freeze and post the standings of the week just ended, where that post is due."""
        claims: list[Claim] = []
        while True:
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
                    dues[ws.id] = resolve(
                        leaderboard_occurrences(
                            ws.timezone,
                            ws.leaderboard_weekday,
                            ws.leaderboard_time,
                            ws.leaderboard_due_at - TINY,
                        ),
                        now,
                        self.grace,
                    )
                report.skipped[LEADERBOARD] += await self._skip(
                    conn, LEADERBOARD, now, [(i, d) for i, d in dues.items() if d.skipped]
                )
                wanted = [(i, d.post) for i, d in dues.items() if d.post is not None]
                won = await self._claim(conn, LEADERBOARD, now, wanted)
                for ws in rows:
                    assert ws.id is not None
                    due = dues[ws.id]
                    ws.leaderboard_due_at = due.next.due_at
                    if due.post is None or (ws.id, due.post.period) not in won:
                        continue
                    lid = won[(ws.id, due.post.period)]
                    monday = datetime.fromisoformat(due.post.period).date()
                    week = await week_report(session, ws, monday, now)
                    post = report_post(ws, week, key=f"{LEADERBOARD}:{due.post.period}")
                    payload = post.to_dict() | {"report": week.to_dict()}
                    await conn.execute(
                        sa.update(LEDGER).where(LEDGER.c.id == lid).values(payload=payload)
                    )
                    claims.append(Claim(lid, ws.external_id, post))
                    report.claimed[LEADERBOARD] += 1
                for ws in rows:
                    session.add(ws)
            if len(rows) < CHUNK:
                break
        return claims

    async def _claim_reminders(self, now: datetime, report: TickReport) -> list[Claim]:
        """DM members whose streak is at risk at their reminder time (once per study day)."""
        claims: list[Claim] = []
        due_stmt = (
            sa.select(
                MEMBER.c.id, MEMBER.c.workspace_id, MEMBER.c.user_id, MEMBER.c.timezone,
                MEMBER.c.reminder_time, MEMBER.c.reminder_due_at, MEMBER.c.current_streak,
                MEMBER.c.longest_streak, MEMBER.c.freezes, MEMBER.c.last_study_day,
                WS.c.timezone.label("ws_tz"), WS.c.rollover_hour, WS.c.external_id,
            )
            .join(WS, WS.c.id == MEMBER.c.workspace_id)
            .where(MEMBER.c.reminder_due_at <= sa.bindparam("now"))
            .order_by(MEMBER.c.reminder_due_at, MEMBER.c.id)
            .limit(CHUNK)
        )  # fmt: skip
        while True:
            async with self.db.unit_of_work() as session:
                conn = await session.connection()
                rows = (await conn.execute(due_stmt, {"now": now})).all()
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
                won = await self._claim(conn, REMINDER, now, wanted)
                payloads = []
                for key, lid in won.items():
                    r, streak = nudges[key]
                    post = reminder_post(r.user_id, streak, r.rollover_hour, f"{REMINDER}:{key[1]}")
                    claims.append(Claim(lid, r.external_id, post))
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
            if len(rows) < CHUNK:
                break
        return claims

    # -- delivery ------------------------------------------------------------------------------

    async def _deliver(self, claims: list[Claim], now: datetime, report: TickReport) -> None:
        """Send claimed posts; record each group's outcomes right after it (sent, retry, failed).

        A crash between a send and its record sends that post again on restart (with the
        same `key`); recording every `GROUP` sends bounds how many that can be.
        """
        for i in range(0, len(claims), GROUP):
            await self._deliver_group(claims[i : i + GROUP], now, report)

    async def _deliver_group(self, claims: list[Claim], now: datetime, report: TickReport) -> None:
        sent: list[dict[str, Any]] = []
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
                sent.append({"b_id": claim.ledger_id, "b_attempts": attempts})
        if not claims:
            return
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            by_id = LEDGER.c.id == sa.bindparam("b_id")
            tries: Any = sa.bindparam("b_attempts")
            if sent:
                await conn.execute(
                    sa.update(LEDGER)
                    .where(by_id)
                    .values(status="sent", sent_at=now, attempts=tries, next_attempt_at=None),
                    sent,
                )
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

    async def _deliver_pending(self, now: datetime, report: TickReport) -> None:
        """Take pending sends whose time has come (retries, recovered claims) and send them."""
        stmt = (
            sa.select(LEDGER.c.id, WS.c.external_id, LEDGER.c.payload, LEDGER.c.attempts)
            .join(WS, WS.c.id == LEDGER.c.workspace_id)
            .where(LEDGER.c.status == "pending", LEDGER.c.next_attempt_at <= now)
            .order_by(LEDGER.c.next_attempt_at, LEDGER.c.id)
            .limit(CHUNK)
        )
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            rows = (await conn.execute(stmt)).all()
            taken: set[int] = set()
            for part in _chunks([r.id for r in rows]):
                take = (
                    sa.update(LEDGER)
                    .where(LEDGER.c.id.in_(part), LEDGER.c.status == "pending")
                    .values(status="sending", next_attempt_at=now + LEASE)
                    .returning(LEDGER.c.id)
                )
                taken |= set((await conn.execute(take)).scalars().all())
        claims = [
            Claim(r.id, r.external_id, Post.from_dict(r.payload), r.attempts)
            for r in rows
            if r.id in taken and r.payload is not None
        ]
        await self._deliver(claims, now, report)


def reminder_post(user_id: str, streak: int, rollover_hour: int, key: str) -> Post:
    days = f"{streak}-day" if streak != 1 else "1-day"
    return Post(
        body=(
            f"Your {days} study streak needs today. Answer the daily challenge "
            "(`/study today`) or log what you studied (`/study log 30 <topic>`) before "
            f"{rollover_hour:02d}:00 to keep it. `/study remind off` stops these."
        ),
        user=user_id,
        title="Streak reminder",
        kind="reminder",
        key=key,
    )


def _aware(value: datetime) -> datetime:
    """Core selects on SQLite return what UTCDateTime stored; make sure it is aware UTC."""
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def ledger_counts(session: AsyncSession, workspace_id: int) -> dict[str, int]:
    """Scheduled posts by status, for `/studymod stats`."""
    rows = await session.exec(
        select(PostLedger.status, sa.func.count())
        .where(PostLedger.workspace_id == workspace_id)
        .group_by(col(PostLedger.status))
    )
    return {status: int(n) for status, n in rows.all()}
