"""APScheduler drives the Scheduler on the wall clock; the database still says what is due.

Two jobs, nothing pickled: `wake`, a one-off at the next due instant read from the database
(re-armed after every run and whenever a command changes a schedule), and `poll`, every minute,
which stands for election, picks up changes made by other processes, and runs what is due.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling.election import Election
from bot.scheduling.scheduler import Scheduler

log = logging.getLogger(__name__)

SLACK = timedelta(milliseconds=20)  # wake a hair late rather than early


class SchedulerService:
    def __init__(
        self, scheduler: Scheduler, election: Election, *, poll_seconds: float = 60
    ) -> None:
        self.scheduler = scheduler
        self.election = election
        self.poll_seconds = poll_seconds
        self.aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.leader = False
        self._lock = asyncio.Lock()
        self._stopping = False
        self._inflight: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self.aps.start()
        self.aps.add_job(
            self._poll_job,
            "interval",
            seconds=self.poll_seconds,
            id="poll",
            next_run_time=datetime.now(UTC),
        )

    async def poll(self) -> None:
        """Stand for election; as the scheduler, recover, arm new rows and run what is due."""
        async with self._lock:  # stop() waits for a poll in flight, never cancels it
            if self._stopping:
                return
            try:
                leader = await self.election.acquire()
            except Exception:
                log.exception("scheduler election failed; trying again at the next poll")
                leader = False
            if leader and not self.leader:
                log.info("this process sends the scheduled posts")
            elif self.leader and not leader:
                log.warning("another process sends the scheduled posts now")
            became = leader and not self.leader
            self.leader = leader
            if not leader:
                return
            try:
                if became:
                    await self.scheduler.recover(exclusive=True)
                await self.scheduler.arm_missing()
            except Exception:
                log.exception("scheduler start-up work failed; the next poll tries again")
                return
            wake = await self._run_due()
        self.arm(wake)

    async def run(self) -> None:
        """Run what is due, then arm `wake` for the next due instant."""
        async with self._lock:
            if not self.leader or self._stopping:
                return
            wake = await self._run_due()
        self.arm(wake)

    async def _run_due(self) -> datetime | None:
        """What is due now (the caller holds the lock); the next wake-up, or None."""
        try:
            await self.scheduler.run_due()
            return await self.scheduler.next_wakeup()
        except Exception:
            log.exception("scheduler run failed; the next poll tries again")
            return None

    def arm(self, wake: datetime | None) -> None:
        if self._stopping:
            return
        if wake is None:
            if self.aps.get_job("wake") is not None:
                self.aps.remove_job("wake")
            return
        self.aps.add_job(
            self._run_job, "date", run_date=wake + SLACK, id="wake", replace_existing=True
        )

    def notify(self) -> None:
        """A command changed a schedule: run now, which re-arms from the new due times."""
        if self.aps.running:
            self.aps.add_job(self._run_job, id="wake", replace_existing=True)

    def next_wake(self) -> datetime | None:
        job = self.aps.get_job("wake")
        return None if job is None else job.next_run_time

    async def stop(self) -> None:
        """Let a run in progress finish (its sends get recorded), then stop. Jobs already
        started are awaited, never cancelled (a cancelled job would log a traceback)."""
        self._stopping = True
        if self.aps.running:
            self.aps.pause()  # no new job starts from here on
        while self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        async with self._lock:
            if self.aps.running:
                self.aps.shutdown(wait=False)
                await asyncio.sleep(0)  # the shutdown is queued on the loop
        await self.election.release()

    async def _job(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run an APScheduler job, known to stop() while it runs."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await work()
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _poll_job(self) -> None:
        await self._job(self.poll)

    async def _run_job(self) -> None:
        await self._job(self.run)
