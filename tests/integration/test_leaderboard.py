"""Leaderboards: order, ties to the earlier achiever, top 10 plus the caller, weeks, tracks."""

from datetime import timedelta

from bot.services.members import ensure_workspace
from bot.services.scores import ALL, add_points, leaderboard, week_board
from bot.store.db import Database
from bot.store.models import Member
from tests.conftest import START, Harness


async def _members(db: Database, n: int) -> tuple[int, list[int]]:
    async with db.unit_of_work() as s:
        ws = await ensure_workspace(s, "test", "lb", START)
        rows = [
            Member(
                workspace_id=ws.id or 0,
                user_id=f"u{i:02d}",
                display_name=f"U{i:02d}",
                joined_at=START,
            )
            for i in range(n)
        ]
        s.add_all(rows)
        await s.flush()
        return ws.id or 0, [m.id or 0 for m in rows]


async def test_ties_go_to_the_earlier_achiever_then_rank_of_the_caller(db: Database) -> None:
    ws, ids = await _members(db, 15)
    async with db.unit_of_work() as s:
        # Everyone gets 10 points, one minute apart, in reverse member order; u03 and u07 add 5.
        for k, mid in enumerate(reversed(ids)):
            await add_points(
                s,
                workspace_id=ws,
                member_id=mid,
                track="cs-fundamentals",
                points=10,
                now=START + timedelta(minutes=k),
                workspace_tz="UTC",
            )
        await add_points(
            s,
            workspace_id=ws,
            member_id=ids[7],
            track="cs-fundamentals",
            points=5,
            now=START + timedelta(hours=1),
            workspace_tz="UTC",
        )
        await add_points(
            s,
            workspace_id=ws,
            member_id=ids[3],
            track="probability-statistics",
            points=5,
            now=START + timedelta(hours=2),
            workspace_tz="UTC",
        )
    async with db.unit_of_work() as s:
        board = await leaderboard(s, ws, ALL, member_id=ids[0])
        tracked = await leaderboard(s, ws, ALL, "cs-fundamentals", limit=3)
    names = [st.display_name for st in board.top]
    # 15 points: u07 reached it first (1h), then u03 (2h). Then the 10s by who got there first:
    # the reversed order means u14 first.
    assert names[:4] == ["U07", "U03", "U14", "U13"]
    assert [st.rank for st in board.top] == list(range(1, 11))
    assert len(board.top) == 10
    assert board.entrants == 15
    assert board.me is not None
    assert (board.me.rank, board.me.points) == (15, 10)  # u00 was the last to reach 10
    assert [st.display_name for st in tracked.top] == ["U07", "U14", "U13"]  # u03's 5 were stats


async def test_weekly_board_uses_the_workspace_week(harness: Harness) -> None:
    h = harness
    await h.ok("mod", "/studymod config timezone America/New_York")
    await h.ok("alice", "/study join")
    h.clock.set(START + timedelta(days=6, hours=15))  # Mon 02:00 UTC = Sun 22:00 in New York
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit stack")
    assert "alice — 15 pts" in (await h.ok("alice", "/study leaderboard week")).lower()
    assert "week of 2026-03-02" in await h.ok("alice", "/study leaderboard week")
    h.clock.advance(timedelta(hours=3))  # Monday 01:00 in New York: a new week
    assert "No points" in await h.ok("alice", "/study leaderboard week")
    assert "15 pts" in await h.ok("alice", "/study leaderboard all")
    assert "15 pts" in await h.ok("alice", "/study leaderboard all cs-fundamentals")
    assert "No points" in await h.ok("alice", "/study leaderboard all probability-statistics")


async def test_leaderboard_shows_the_callers_rank_outside_the_top_ten(harness: Harness) -> None:
    h = harness
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    users = [f"m{i:02d}" for i in range(12)]
    for user in users:
        await h.ok(user, "/study join")
        await h.ok(user, "/study submit stack")
        h.clock.advance(timedelta(seconds=1))
    text = await h.ok("m11", "/study leaderboard")
    assert "You: #12 of 12, 15 pts" in text
    assert "You:" not in await h.ok("m00", "/study leaderboard")
    assert week_board(START.date()) == "w2026-03-02"


async def test_profile_shows_points_ranks_and_study_time(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join Europe/Berlin")
    await h.ok("mod", "/studymod challenge post-now binomial-two-of-four")
    await h.ok("alice", "/study submit 0.375")
    await h.ok("alice", "/study log 90 bayes")
    await h.ok("alice", "/study remind 20:30")
    await h.ok("bob", "/study join")
    text = await h.ok("bob", "/study profile alice")
    assert "25 all time (#1); 25 this week (#1)" in text
    assert "1 solved of 1 answered" in text
    assert "1 h 30 min in 1 log" in text
    assert "Probability & statistics 25" in text
    assert "Reminder: 20:30" in text
    assert "Europe/Berlin" in text
