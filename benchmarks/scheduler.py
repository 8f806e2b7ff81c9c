"""(c) One scheduler tick claiming and handing over 10,000 daily posts that fall due at once,
against reading those 10,000 rows alone; (d) peak memory of a process with 10,000 workspaces
and 100,000 members scheduled, measured in a child process of its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

import sqlalchemy as sa

from benchmarks.common import (
    Figure,
    banner,
    median,
    migrate,
    ratio,
    raw_connect,
    say,
    scratch_dir,
    sqlite_timestamp,
    sqlite_url,
)
from bot.catalog.bank import load_bank, sync_bank
from bot.edge.clock import SimulatedClock
from bot.edge.messages import Post
from bot.scheduling.scheduler import Scheduler
from bot.settings import DEFAULT_CONTENT_DIR
from bot.store.db import Database
from bot.store.models import Workspace

DUE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # a Tuesday: daily posts only
GRACE = timedelta(hours=6)
WS = Workspace.__table__  # type: ignore[attr-defined]


@dataclass
class RecordingPoster:
    """Takes each post and keeps it, as a platform adapter's queue would."""

    sent: list[tuple[str, Post]] = field(default_factory=list)

    async def send(self, platform: str, workspace: str, post: Post) -> None:
        self.sent.append((workspace, post))


async def prepare(path: Path, workspaces: int, members: int) -> None:
    """Workspaces whose daily post falls due at DUE, each with yesterday's round open;
    members with a reminder due then too, and a streak that is at risk."""
    await migrate(path)
    db = Database.from_url(sqlite_url(path))
    try:
        async with db.unit_of_work() as session:
            bank = load_bank(DEFAULT_CONTENT_DIR)
            await sync_bank(session, bank, DUE - timedelta(days=30))
            ids = sorted(c.id for c in bank.challenges)
    finally:
        await db.dispose()
    created = sqlite_timestamp(DUE - timedelta(days=30))
    due = sqlite_timestamp(DUE)
    later = sqlite_timestamp(DUE + timedelta(days=6))
    opened = sqlite_timestamp(DUE - timedelta(days=1))
    conn = raw_connect(path)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO workspace (id, platform, external_id, name, timezone, post_channel,"
            " daily_post_time, leaderboard_weekday, leaderboard_time, rollover_hour, created_at,"
            " daily_due_at, leaderboard_due_at, pick_cursor)"
            " VALUES (?, 'bench', ?, '', 'UTC', '#study', '09:00', 0, '09:00', 4, ?, ?, ?, ?)",
            (
                (i, f"guild-{i}", created, due, later, ids[i % len(ids)])
                for i in range(1, workspaces + 1)
            ),
        )
        conn.executemany(
            "INSERT INTO round (workspace_id, challenge_id, status, source, opens_at, created_at)"
            " VALUES (?, ?, 'open', 'auto', ?, ?)",
            ((i, ids[i % len(ids)], opened, opened) for i in range(1, workspaces + 1)),
        )
        yesterday = (DUE - timedelta(days=1)).date().isoformat()
        conn.executemany(
            "INSERT INTO member (workspace_id, user_id, display_name, timezone, reminder_time,"
            " is_moderator, joined_at, current_streak, longest_streak, freezes, last_study_day,"
            " reminder_due_at) VALUES (?, ?, ?, NULL, '09:00', 0, ?, 3, 3, 0, ?, ?)",
            (
                (1 + m % workspaces, f"user-{m}", f"User {m}", created, yesterday, due)
                for m in range(members)
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def read_rows(path: Path) -> tuple[float, int]:
    """The baseline: read the due workspace rows, the same columns, through the same stack."""
    db = Database.from_url(sqlite_url(path))
    stmt = (
        sa.select(
            WS.c.id, WS.c.external_id, WS.c.timezone, WS.c.daily_post_time,
            WS.c.daily_due_at, WS.c.post_channel, WS.c.pick_cursor,
        )
        .where(WS.c.daily_due_at <= sa.bindparam("now"), WS.c.post_channel.is_not(None))
        .order_by(WS.c.daily_due_at, WS.c.id)
    )  # fmt: skip
    try:
        async with db.unit_of_work() as session:  # warm the connection and caches
            conn = await session.connection()
            await conn.execute(sa.text("SELECT 1"))
        t0 = perf_counter()
        async with db.unit_of_work() as session:
            conn = await session.connection()
            rows = (await conn.execute(stmt, {"now": DUE})).all()
        return perf_counter() - t0, len(rows)
    finally:
        await db.dispose()


async def one_tick(path: Path) -> tuple[float, int, int]:
    """One tick at DUE on a fresh copy: seconds, posts handed over, ledger rows."""
    db = Database.from_url(sqlite_url(path))
    poster = RecordingPoster()
    sched = Scheduler(db, SimulatedClock(DUE), poster, grace=GRACE)
    try:
        async with db.unit_of_work() as session:
            conn = await session.connection()
            await conn.execute(sa.text("SELECT 1"))
        t0 = perf_counter()
        await sched.tick()
        elapsed = perf_counter() - t0
        async with db.unit_of_work() as session:
            conn = await session.connection()
            rows = (
                await conn.execute(sa.text("SELECT count(*) FROM post_ledger WHERE status='sent'"))
            ).scalar_one()
        return elapsed, len(poster.sent), int(rows)
    finally:
        await db.dispose()


MEMORY_CHILD = """
import asyncio, json, resource, sys
from datetime import UTC, datetime
from bot.edge.clock import SimulatedClock
from bot.store.db import Database
from bot.scheduling.election import FileElection
from bot.scheduling.scheduler import Scheduler
from bot.scheduling.service import SchedulerService
from benchmarks.scheduler import DUE, GRACE, RecordingPoster

def hwm_kb():
    # VmHWM is this program's own peak (ru_maxrss would carry the parent's over fork + exec).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main(path):
    base = hwm_kb()
    db = Database.from_url(f"sqlite:///{path}")
    poster = RecordingPoster()
    sched = Scheduler(db, SimulatedClock(DUE), poster, grace=GRACE)
    service = SchedulerService(sched, FileElection(path), poll_seconds=3600)
    await service.start()
    await service.poll()          # elected, armed, everything due at once is sent
    jobs = len(service.aps.get_jobs())
    counts = {}
    for p in poster.sent:
        counts[p[1].kind] = counts.get(p[1].kind, 0) + 1
    poster.sent.clear()
    await service.stop()
    await db.dispose()
    peak = hwm_kb()
    print(json.dumps({"base_kb": base, "peak_kb": peak, "jobs": jobs, "sent": counts}))

asyncio.run(main(sys.argv[1]))
"""


def memory_child(path: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


async def bench_scheduler(workspaces: int, members: int, repeats: int) -> list[Figure]:
    banner(f"(c) scheduler tick: {workspaces:,} daily posts due at one instant")
    figures: list[Figure] = []
    with scratch_dir("scheduler") as tmp:
        seed = tmp / "seed.db"
        t0 = perf_counter()
        await prepare(seed, workspaces, 0)
        say(f"prepared {workspaces:,} workspaces in {perf_counter() - t0:.1f} s")
        reads, ticks = [], []
        for i in range(repeats):
            copy = tmp / f"run{i}.db"
            shutil.copy(seed, copy)
            read_s, n = await read_rows(copy)
            tick_s, handed, ledger = await one_tick(copy)
            assert n == workspaces, n
            assert handed == ledger == workspaces, (handed, ledger)
            reads.append(read_s)
            ticks.append(tick_s)
            say(
                f"run {i + 1}: read {read_s * 1000:.1f} ms, tick {tick_s * 1000:.1f} ms "
                f"({handed:,} posts claimed, rounds opened, handed over, marked sent)"
            )
        read_ms, tick_ms = median(reads) * 1000, median(ticks) * 1000
        r = ratio(tick_ms, read_ms)
        say(f"median: read {read_ms:.1f} ms, tick {tick_ms:.1f} ms, ratio {r:.1f}x")
        say(f"per post: {tick_ms * 1000 / workspaces:.0f} µs")
        figures += [
            Figure(f"tick, {workspaces:,} daily posts", tick_ms, "ms"),
            Figure(f"read {workspaces:,} due rows", read_ms, "ms"),
            Figure("tick / read", r, "x", "< 5x", r < 5),
        ]

        banner(f"(d) peak memory: {workspaces:,} workspaces, {members:,} members scheduled")
        big = tmp / "memory.db"
        t0 = perf_counter()
        await prepare(big, workspaces, members)
        say(f"prepared in {perf_counter() - t0:.1f} s; measuring in a child process")
        t0 = perf_counter()
        out = memory_child(big)
        peak_mb = int(out["peak_kb"]) / 1024  # type: ignore[call-overload]
        base_mb = int(out["base_kb"]) / 1024  # type: ignore[call-overload]
        say(
            f"peak RSS {peak_mb:.0f} MB (after imports {base_mb:.0f} MB), "
            f"APScheduler jobs {out['jobs']}, sent {out['sent']} in {perf_counter() - t0:.1f} s"
        )
        figures.append(
            Figure("peak memory, scheduler process", peak_mb, "MB", "< 300 MB", peak_mb < 300)
        )
    return figures
