"""The scheduler on a simulated clock against real databases: DST months, time zone changes,
crashes between claim and send, downtime, a failing platform, reminders, two schedulers."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.catalog.bank import load_bank, sync_bank
from bot.edge.clock import SimulatedClock
from bot.edge.messages import Post
from bot.edge.ports import SentRef
from bot.scheduling import daily
from bot.scheduling.delivery import Delivery
from bot.scheduling.election import FileElection, PostgresElection
from bot.scheduling.ledger import Claim, TickReport
from bot.scheduling.scheduler import Scheduler
from bot.scheduling.service import SLACK, SchedulerService
from bot.store.db import Database
from bot.store.models import PostLedger, Round, Score
from commands import build_registry
from commands.dispatcher import Dispatcher
from tests.conftest import (
    FIXTURE_CONTENT,
    PG_URL,
    FakePoster,
    Harness,
    make_harness,
    postgres_schema,
)

GRACE = timedelta(hours=6)
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dies here (not an error the scheduler may catch)."""


def scheduler_for(h: Harness) -> Scheduler:
    return Scheduler(h.db, h.clock, h.poster, grace=GRACE)


def local(post_at: datetime, tz: str) -> datetime:
    return post_at.astimezone(ZoneInfo(tz))


class ClockedPoster(FakePoster):
    """Records when each post went out, on the simulated clock."""

    def __init__(self, clock: SimulatedClock) -> None:
        super().__init__()
        self.clock = clock
        self.at: list[datetime] = []

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        await super().send(platform, workspace, post)
        self.at.append(self.clock.now())
        return None


async def clocked(db: Database, start: datetime = MONDAY) -> tuple[Harness, ClockedPoster]:
    h = await make_harness(db, start)
    poster = ClockedPoster(h.clock)
    h.poster = poster
    h.dispatcher = Dispatcher(db, build_registry(), poster)
    return h, poster


def rounds_of(poster: ClockedPoster) -> list[tuple[datetime, Post]]:
    return [(at, p) for at, p in zip(poster.at, poster.posts, strict=True) if p.kind == "round"]


async def ledger(db: Database) -> list[PostLedger]:
    async with db.unit_of_work() as s:
        return list((await s.exec(select(PostLedger).order_by(col(PostLedger.id)))).all())


@pytest.mark.parametrize(
    ("tz", "start"),
    [
        ("Europe/Berlin", datetime(2026, 3, 16, 12, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 2, 23, 12, tzinfo=UTC)),
        ("Australia/Lord_Howe", datetime(2026, 3, 23, 12, tzinfo=UTC)),
    ],
)
async def test_a_month_across_a_dst_change(db: Database, tz: str, start: datetime) -> None:
    h, poster = await clocked(db, start)
    await h.ok("mod", f"/studymod config timezone {tz}")
    sched = scheduler_for(h)
    await sched.run_until(h.clock, start + timedelta(days=31))
    rounds = rounds_of(poster)
    days = [local(at, tz).date() for at, _ in rounds]
    assert len(rounds) >= 30
    assert days == [days[0] + timedelta(days=i) for i in range(len(days))]  # none missed or doubled
    assert {local(at, tz).strftime("%H:%M") for at, _ in rounds} == {"09:00"}
    boards = [at for at, p in zip(poster.at, poster.posts, strict=True) if p.kind == "leaderboard"]
    assert len(boards) in (4, 5)
    assert {(local(at, tz).strftime("%a %H:%M")) for at in boards} == {"Mon 09:00"}
    rows = await ledger(h.db)
    assert {r.status for r in rows} == {"sent"}
    async with h.db.unit_of_work() as s:
        statuses = Counter((await s.exec(select(Round.status))).all())
    assert statuses == {"closed": len(rounds) - 1, "open": 1}


async def test_a_time_zone_change_mid_week_neither_doubles_nor_skips_a_date(db: Database) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    await sched.run_until(h.clock, datetime(2026, 3, 4, 12, tzinfo=UTC))
    await h.ok("mod", "/studymod config timezone Asia/Tokyo")  # east: Wednesday 21:00 there
    await sched.run_until(h.clock, datetime(2026, 3, 6, 12, tzinfo=UTC))
    await h.ok("mod", "/studymod config timezone America/Los_Angeles")  # west: Friday 04:00
    await sched.run_until(h.clock, datetime(2026, 3, 9, 12, tzinfo=UTC))
    got = [(p.key, at) for at, p in rounds_of(poster)]
    assert got == [
        ("daily:2026-03-03", datetime(2026, 3, 3, 9, tzinfo=UTC)),  # 09:00 UTC
        ("daily:2026-03-04", datetime(2026, 3, 4, 9, tzinfo=UTC)),
        ("daily:2026-03-05", datetime(2026, 3, 5, 0, tzinfo=UTC)),  # 09:00 in Tokyo
        ("daily:2026-03-06", datetime(2026, 3, 6, 0, tzinfo=UTC)),
        # Los Angeles: 6 March already has its round (opened 16:00 on the 5th there).
        ("daily:2026-03-07", datetime(2026, 3, 7, 17, tzinfo=UTC)),  # 09:00 PST
        ("daily:2026-03-08", datetime(2026, 3, 8, 16, tzinfo=UTC)),  # 09:00 PDT, DST began
    ]


async def test_moderator_changes_take_effect_without_a_restart(db: Database) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    await h.ok("mod", "/studymod challenge schedule bagging-name 2026-03-04")
    await h.ok("mod", "/studymod config daily-time 07:30")
    await sched.run_until(h.clock, datetime(2026, 3, 4, 12, tzinfo=UTC))
    rounds = rounds_of(poster)
    assert [at.strftime("%d %H:%M") for at, _ in rounds] == ["03 07:30", "04 07:30"]
    assert "Bootstrap aggregating" in (rounds[1][1].title or "")
    # Moved to later the same day after today's post: no second round today.
    await h.ok("mod", "/studymod config daily-time 18:00")
    await sched.run_until(h.clock, datetime(2026, 3, 5, 12, tzinfo=UTC))
    assert len(rounds_of(poster)) == 2
    # Moved earlier, to a time already past today and not yet posted: it goes out now.
    await h.ok("mod", "/studymod config daily-time 10:00")
    await sched.run_due()
    rounds = rounds_of(poster)
    assert [at.strftime("%d %H:%M") for at, _ in rounds][-1] == "05 12:00"
    assert rounds[-1][1].key == "daily:2026-03-05"
    # No channel, no posts; setting one resumes them.
    text = await h.ok("mod", "/studymod config show")
    assert "Next round: Fri 2026-03-06 10:00 UTC" in text


async def test_crash_between_claim_and_send_sends_once_at_start(db: Database) -> None:
    h, _ = await clocked(db)

    class DiesOnSend(FakePoster):
        async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
            raise Crash

    dying = Scheduler(h.db, h.clock, DiesOnSend(), grace=GRACE)
    h.clock.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    with pytest.raises(Crash):
        await dying.run_due()
    rows = await ledger(h.db)
    assert [(r.kind, r.period, r.status) for r in rows] == [("daily", "2026-03-03", "sending")]
    # A new process, later that minute: it holds the election, so the send is its to finish.
    h.clock.advance(timedelta(seconds=20))
    fresh = scheduler_for(h)
    assert await fresh.recover(exclusive=True) == 1
    await fresh.run_due()
    await fresh.run_due()
    assert [p.key for p in h.poster.posts] == ["daily:2026-03-03"]
    # The Poster is told the platform may have it already (Slack looks in the history).
    assert [p.resend for p in h.poster.posts] == [True]
    async with h.db.unit_of_work() as s:
        assert len((await s.exec(select(Round))).all()) == 1  # no second round for the day
    assert [r.status for r in await ledger(h.db)] == ["sent"]


async def test_crash_inside_the_claim_transaction_leaves_nothing_half_done(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    h, _ = await clocked(db)
    opens = daily.open_rounds

    async def dies_while_claiming(*args: Any, **kwargs: Any) -> int:
        await opens(*args, **kwargs)
        raise Crash

    h.clock.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    with monkeypatch.context() as m:
        m.setattr(daily, "open_rounds", dies_while_claiming)
        with pytest.raises(Crash):
            await scheduler_for(h).run_due()
    assert await ledger(h.db) == []
    async with h.db.unit_of_work() as s:
        assert (await s.exec(select(Round))).all() == []
    await scheduler_for(h).run_due()
    assert [p.key for p in h.poster.posts] == ["daily:2026-03-03"]


async def test_a_crash_after_the_send_resends_with_the_same_key(db: Database) -> None:
    """The one window left: the platform took the post, the ledger never heard. The post goes
    again on restart with the same key, for a platform (Discord's nonce) to recognise."""
    h, _ = await clocked(db)

    class DiesAfterSending(Delivery):
        async def _deliver_group(
            self, claims: list[Claim], now: datetime, report: TickReport
        ) -> None:
            for claim in claims:
                await self.poster.send(claim.platform, claim.workspace, claim.post)
            raise Crash

    h.clock.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    dying = scheduler_for(h)
    dying.delivery = DiesAfterSending(h.db, h.poster)
    with pytest.raises(Crash):
        await dying.run_due()
    fresh = scheduler_for(h)
    await fresh.recover(exclusive=True)
    await fresh.run_due()
    assert [p.key for p in h.poster.posts] == ["daily:2026-03-03", "daily:2026-03-03"]
    first, again = h.poster.posts
    assert again == replace(first, resend=True)  # the same post, flagged as maybe delivered


async def test_downtime_within_the_grace_sends_late_once_and_beyond_it_skips(db: Database) -> None:
    h, _ = await clocked(db)
    sched = scheduler_for(h)
    h.clock.set(datetime(2026, 3, 3, 14, tzinfo=UTC))  # down from 09:00 to 14:00: 5 h late
    await sched.run_due()
    await sched.run_due()
    assert [p.key for p in h.poster.posts] == ["daily:2026-03-03"]
    h.clock.set(datetime(2026, 3, 4, 15, 30, tzinfo=UTC))  # 6.5 h after Wednesday's time
    await sched.run_due()
    assert len(h.poster.posts) == 1
    rows = await ledger(h.db)
    assert [(r.period, r.status) for r in rows] == [
        ("2026-03-03", "sent"),
        ("2026-03-04", "skipped"),
    ]
    await sched.run_until(h.clock, datetime(2026, 3, 5, 12, tzinfo=UTC))  # running again
    assert [p.key for p in h.poster.posts] == ["daily:2026-03-03", "daily:2026-03-05"]
    stats = await h.ok("mod", "/studymod stats")
    assert "Scheduled posts: 2 sent, 0 waiting, 0 failed, 1 skipped" in stats
    # Days of downtime: only today goes out, once; the rest are skipped.
    h.clock.set(datetime(2026, 3, 9, 10, tzinfo=UTC))
    report = await sched.run_due()
    assert report.claimed["daily"] == 1
    assert report.skipped["daily"] == 3
    assert h.poster.posts[-1].key == "daily:2026-03-09"


async def test_a_failing_platform_is_retried_with_backoff_then_recovers(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    poster.fail = True
    h.clock.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    with caplog.at_level(logging.WARNING, logger="bot.scheduling.scheduler"):
        report = await sched.run_due()
    assert report.retrying == 1
    assert "retrying in 0:00:30" in caplog.text
    assert "waiting" in await h.ok("mod", "/studymod stats")
    assert await sched.next_wakeup() == datetime(2026, 3, 3, 9, 0, 30, tzinfo=UTC)
    await sched.run_until(h.clock, datetime(2026, 3, 3, 9, 1, tzinfo=UTC))  # second try fails
    poster.fail = False
    await sched.run_until(h.clock, datetime(2026, 3, 3, 9, 10, tzinfo=UTC))
    assert [p.key for p in poster.posts] == ["daily:2026-03-03"]
    row = (await ledger(h.db))[0]
    assert (row.status, row.attempts) == ("sent", 3)
    assert poster.at == [datetime(2026, 3, 3, 9, 2, 30, tzinfo=UTC)]  # 30 s, then 2 min


async def test_a_platform_that_never_recovers_is_recorded_as_failed(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    poster.fail = True
    with caplog.at_level(logging.ERROR, logger="bot.scheduling.scheduler"):
        await sched.run_until(h.clock, datetime(2026, 3, 3, 12, tzinfo=UTC))
    row = (await ledger(h.db))[0]
    assert (row.status, row.attempts) == ("failed", 5)
    assert "giving up on daily:2026-03-03 after 5 tries" in caplog.text
    stats = await h.ok("mod", "/studymod stats")
    assert "0 sent, 0 waiting, 1 failed" in stats
    assert "last problem: daily 2026-03-03 (failed): ConnectionError: platform unavailable" in stats
    async with h.db.unit_of_work() as s:  # the round is open all the same
        assert (await s.exec(select(Round.status))).all() == ["open"]


async def test_streak_reminders_only_when_at_risk_and_once_a_day(db: Database) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    for user in ("alice", "bob", "chen"):
        await h.ok(user, "/study join Europe/Berlin")
        await h.ok(user, "/study remind 20:00")
    await h.ok("alice", "/study log 30 statistics")  # Monday: alice and bob study, chen not
    await h.ok("bob", "/study log 30 statistics")
    await sched.run_until(h.clock, datetime(2026, 3, 3, 12, tzinfo=UTC))
    assert [p for p in poster.posts if p.kind == "reminder"] == []  # chen has no streak to lose
    await h.ok("alice", "/study log 30 trees")  # Tuesday: only alice studies
    await h.ok("mod", "/studymod config timezone Europe/Berlin")
    await sched.run_until(h.clock, datetime(2026, 3, 3, 19, 30, tzinfo=UTC))
    dms = [(at, p) for at, p in zip(poster.at, poster.posts, strict=True) if p.kind == "reminder"]
    assert [(p.user, at) for at, p in dms] == [("bob", datetime(2026, 3, 3, 19, tzinfo=UTC))]
    assert "1-day study streak" in dms[0][1].body
    # Changing the time after today's nudge does not nudge twice.
    await h.ok("bob", "/study remind 20:20")
    await sched.run_until(h.clock, datetime(2026, 3, 3, 22, tzinfo=UTC))
    assert sum(p.kind == "reminder" for p in poster.posts) == 1
    await h.ok("bob", "/study remind off")
    await sched.run_until(h.clock, datetime(2026, 3, 5, 22, tzinfo=UTC))
    dms = [(at, p) for at, p in zip(poster.at, poster.posts, strict=True) if p.kind == "reminder"]
    # Wednesday: alice (2 days) has not studied, bob is off. Thursday: alice's streak is
    # already broken (no freeze), so there is nothing left to remind her of.
    assert [(p.user, at) for at, p in dms][1:] == [("alice", datetime(2026, 3, 4, 19, tzinfo=UTC))]


async def test_the_posted_standings_are_kept_as_posted(db: Database) -> None:
    h, poster = await clocked(db)
    sched = scheduler_for(h)
    for user in ("alice", "bob"):
        await h.ok(user, "/study join")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")
    await h.ok("bob", "/study submit B")
    await sched.run_until(h.clock, datetime(2026, 3, 9, 12, tzinfo=UTC))
    boards = [p for p in poster.posts if p.kind == "leaderboard"]
    assert len(boards) == 1
    # alice's one-day streak has lapsed by Monday; bob's wrong answer scored nothing.
    assert boards[0].body.startswith("🥇 Alice — 15 pts\n")
    assert "Active members: 1" in boards[0].body
    assert "Most solved: #1 Two heads in two tosses (1 solved)" in boards[0].body
    assert "Least solved: #2 " in boards[0].body
    async with h.db.unit_of_work() as s:  # a later correction of that week's points
        await s.exec(sa.update(Score).values(points=999))  # type: ignore[call-overload]
    last = await h.ok("bob", "/study leaderboard last")
    assert "Alice — 15 pts" in last
    assert "999" not in last
    live = await h.ok("bob", "/study leaderboard all")
    assert "999" in live


async def test_the_apscheduler_service_arms_the_next_wake_up(db: Database) -> None:
    h, _ = await clocked(db)

    class Always:
        async def acquire(self) -> bool:
            return True

        async def release(self) -> None:
            return None

    service = SchedulerService(scheduler_for(h), Always())
    await service.start()
    try:
        await service.poll()
        assert service.leader
        assert service.next_wake() == datetime(2026, 3, 3, 9, tzinfo=UTC) + SLACK
        assert {j.id for j in service.aps.get_jobs()} == {"poll", "wake"}
        service.notify()  # a command changed a schedule: run now
        job = service.aps.get_job("wake")
        assert job is not None
        assert job.next_run_time <= datetime.now(UTC) + timedelta(seconds=1)
    finally:
        await service.stop()


async def test_one_process_holds_the_sqlite_scheduler_lock(tmp_path: Any) -> None:
    first, second = FileElection(str(tmp_path / "x.db")), FileElection(str(tmp_path / "x.db"))
    assert await first.acquire()
    assert not await second.acquire()
    await first.release()
    assert await second.acquire()
    await second.release()


async def test_two_schedulers_on_one_postgres_database_post_each_item_once() -> None:
    async with postgres_schema() as connect_args:
        dbs = [Database.from_url(PG_URL, connect_args=connect_args) for _ in range(2)]
        try:
            await dbs[0].upgrade()
            clock = SimulatedClock(MONDAY)
            async with dbs[0].unit_of_work() as s:
                await sync_bank(s, load_bank(FIXTURE_CONTENT), clock.now())
            setup = Dispatcher(dbs[0], build_registry(), FakePoster())
            h = Harness(dbs[0], clock, FakePoster(), setup)
            for n in range(12):
                h.workspace = f"guild-{n}"
                await h.ok("mod", "/studymod config channel #study")
                await h.ok("mod", f"/studymod config daily-time 0{n % 3}:00")
            posters = [FakePoster(), FakePoster()]
            # No election here: both tick at every instant, and the ledger alone decides.
            scheds = [
                Scheduler(d, clock, p, grace=GRACE) for d, p in zip(dbs, posters, strict=True)
            ]
            end = MONDAY + timedelta(days=8)
            while (wake := await scheds[0].next_wakeup()) is not None and wake <= end:
                clock.set(max(wake, clock.now()))
                await asyncio.gather(*(s.tick() for s in scheds))
                scheds.reverse()  # each gets to start first in turn
            keys = [(ws, p.key) for poster in posters for ws, p in poster.sent]
            assert len(keys) == len(set(keys))  # nothing twice
            daily = Counter(ws for ws, key in keys if key and key.startswith("daily:"))
            assert daily == dict.fromkeys((f"guild-{n}" for n in range(12)), 8)  # nothing missing
            assert sum("leaderboard" in (k or "") for _, k in keys) == 12
            assert all(p.sent for p in posters), "both schedulers took part"
            # With the election, only one of them is the scheduler.
            a, b = PostgresElection(dbs[0]), PostgresElection(dbs[1])
            assert await a.acquire()
            assert not await b.acquire()
            await a.release()
            assert await b.acquire()
            await b.release()
        finally:
            for d in dbs:
                await d.dispose()


async def test_new_groups_owe_nothing_from_before_they_existed(db: Database) -> None:
    h, poster = await clocked(db, datetime(2026, 3, 2, 14, tzinfo=UTC))  # after 09:00
    sched = scheduler_for(h)
    await sched.run_due()
    assert poster.posts == []
    assert await sched.next_wakeup() == datetime(2026, 3, 3, 9, tzinfo=UTC)


async def test_no_weekly_leaderboard_for_a_week_before_the_group_existed(db: Database) -> None:
    # Created Monday 08:00; the 09:00 leaderboard would report the week before: none is posted.
    h, poster = await clocked(db, datetime(2026, 3, 2, 8, tzinfo=UTC))
    await scheduler_for(h).run_until(h.clock, datetime(2026, 3, 9, 12, tzinfo=UTC))
    boards = [p.key for p in poster.posts if p.kind == "leaderboard"]
    assert boards == ["leaderboard:2026-03-02"]  # the group's first week, a week later
