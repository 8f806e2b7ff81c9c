"""Scheduled posts: decided and claimed in one transaction, then sent; never doubled or lost.

The database is the truth. Workspaces and members carry their next due time (derived from
their settings by bot/rules/schedule.py); a tick claims what is due in the post ledger
(bot/scheduling/ledger.py) in the same transaction that opens the round (daily.py), freezes the
standings (leaderboards.py) or decides a reminder (reminders.py). The claimed posts are sent
after the commit, each through its workspace's platform (delivery.py). A claim cut short by a
crash is still `sending` in the ledger and goes out when the next scheduler starts; a send that
fails is tried again with backoff and marked `failed` after the last try.

`tick()` does everything due at the clock's now. APScheduler (service.py) calls it on time in a
running bot; the console calls it step by step on its simulated clock (`run_until`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from bot.edge.clock import Clock, SimulatedClock
from bot.edge.ports import Poster
from bot.pictures.renderer import Renderer
from bot.rules.schedule import rearm_member, rearm_workspace
from bot.scheduling.daily import claim_daily
from bot.scheduling.delivery import Delivery
from bot.scheduling.leaderboards import claim_leaderboards
from bot.scheduling.ledger import (
    LEDGER,
    MEMBER,
    OPEN_STATUSES,
    POSTS_HERE,
    SERVED,
    WS,
    TickReport,
    aware,
    take_pending,
)
from bot.scheduling.reminders import claim_reminders
from bot.store.db import Database
from bot.store.models import Member, Workspace

log = logging.getLogger(__name__)


class Scheduler:
    """Claims and sends the posts that are due. One per process; one elected per database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        poster: Poster,
        *,
        grace: timedelta,
        renderer: Renderer | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.grace = grace
        self.delivery = Delivery(db, poster, renderer)

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
            .values(status="pending", next_attempt_at=now, recovered=True)
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
            candidates = [
                sa.select(sa.func.min(WS.c.daily_due_at)).where(POSTS_HERE),
                sa.select(sa.func.min(WS.c.leaderboard_due_at)).where(POSTS_HERE),
                sa.select(sa.func.min(MEMBER.c.reminder_due_at))
                .join(WS, WS.c.id == MEMBER.c.workspace_id)
                .where(SERVED),
                sa.select(sa.func.min(LEDGER.c.next_attempt_at)).where(
                    LEDGER.c.status.in_(OPEN_STATUSES)
                ),
            ]
            found = [(await conn.execute(stmt)).scalar() for stmt in candidates]
        times = [aware(t) for t in found if t is not None]
        return min(times, default=None)

    # -- the tick ------------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Claim and send everything due now; then retries whose wait is over."""
        now = self.clock.now()
        report = TickReport()
        await self.recover(exclusive=False)
        batches: list[str] = []
        batches += await claim_leaderboards(self.db, self.grace, now, report)
        batches += await claim_daily(self.db, self.grace, now, report)
        batches += await claim_reminders(self.db, self.grace, now, report)
        batches += await take_pending(self.db, now)
        for batch in batches:
            await self.delivery.deliver_batch(batch, now, report)
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
