"""Members, rounds, answers, points and streaks through the real command layer and database."""

from datetime import date, time, timedelta

import pytest
from sqlmodel import col, select

from bot.store.models import Member, Round, Submission
from tests.conftest import Harness, row_counts


async def test_join_then_today_then_correct_answer(harness: Harness) -> None:
    h = harness
    assert "Welcome" in await h.ok("alice", "/study join Europe/Berlin")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    assert "two fair coin tosses" in await h.ok("alice", "/study today")
    text = await h.ok("alice", "/study submit A")
    assert "+15 points" in text  # 10 base + 5 first-try bonus
    assert "1-day streak" in text
    assert "1/2 * 1/2" in text  # the explanation, now that alice answered


async def test_member_commands_need_join_and_write_nothing(harness: Harness) -> None:
    h = harness
    before = await row_counts(h.db)
    for line in (
        "/study today",
        "/study submit A",
        "/study log 30 x",
        "/study export",
        "/study streak",
    ):
        reply = await h.run("bob", line)
        assert reply.error
        assert "/study join" in reply.body
    assert await row_counts(h.db) == before


@pytest.mark.parametrize(
    "line",
    [
        "/study join Mars/Olympus",
        "/study log ten minutes",
        "/study log 0 reading",
        "/study remind 25:00",
        "/study submit " + "x" * 501,
        "/studymod challenge schedule no-such-id 2026-03-10",
        "/studymod challenge schedule two-heads 2026-13-01",
        "/studymod challenge post-now no-such-id",
        "/studymod config timezone Nowhere/City",
        "/studymod config daily-time 7pm",
        "/studymod challenge cancel 999",
        "/studymod streak repair nobody 2026-03-01 lost",
        "/studymod challenge add kind=mcq track=nope difficulty=1 title=T prompt=P answer=A explanation=E",
    ],
)
async def test_bad_input_gets_a_friendly_reply_and_writes_nothing(
    harness: Harness, line: str
) -> None:
    h = harness
    await h.ok("alice", "/study join UTC")
    await h.ok("mod", "/study join UTC")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    before = await row_counts(h.db)
    user = "mod" if line.startswith("/studymod") else "alice"
    reply = await h.run(user, line)
    assert reply.error, reply.body
    assert 0 < len(reply.body) < 400
    assert await row_counts(h.db) == before


async def test_non_moderators_are_refused_and_nothing_changes(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    before = await row_counts(h.db)
    for line in (
        "/studymod config channel #elsewhere",
        "/studymod challenge post-now",
        "/studymod stats",
        "/studymod challenge add kind=text track=cs-fundamentals difficulty=1 title=T prompt=Prompt answer=x explanation=Because",
    ):
        reply = await h.run("alice", line)
        assert reply.error
        assert "moderators" in reply.body
    assert await row_counts(h.db) == before


async def test_wrong_then_right_numeric_has_no_bonus_and_three_attempts(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now binomial-two-of-four")
    assert "2 attempts left" in await h.ok("alice", "/study submit 0.5")
    not_a_number = await h.run("alice", "/study submit about half")
    assert not_a_number.error  # not an attempt
    assert "+20 points" in await h.ok("alice", "/study submit 3/8")
    again = await h.run("alice", "/study submit 0.375")
    assert again.error
    assert "already solved" in again.body


async def test_running_out_of_attempts_reveals_the_answer(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit queue")
    await h.ok("alice", "/study submit heap")
    last = await h.ok("alice", "/study submit chair")
    assert "last attempt" in last
    assert "Answer: stack" in last
    refused = await h.run("alice", "/study submit stack")
    assert refused.error
    assert "no attempts left" in refused.body


async def test_mcq_allows_one_attempt_only(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    assert "last attempt" in await h.ok("alice", "/study submit B")
    assert (await h.run("alice", "/study submit A")).error


async def test_answer_is_hidden_before_and_shown_after_close(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    assert "Answer:" not in await h.ok("alice", "/study today")
    assert "Answer:" not in h.poster.posts[-1].body
    await h.ok("mod", "/studymod challenge post-now two-heads")
    assert "Previous round #1" in h.poster.posts[-1].body
    assert "Answer: stack" in h.poster.posts[-1].body
    # No open round any more after cancelling: /study today shows the closed one's answer.
    await h.ok("mod", "/studymod challenge cancel 2")
    assert "Answer: A) 1/4" in await h.ok("alice", "/study today")


async def test_only_the_open_round_takes_answers(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    reply = await h.run("alice", "/study submit A")
    assert reply.error
    assert "No challenge is open" in reply.body


async def test_a_retried_delivery_is_handled_once(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    first = await h.run("alice", "/study log 30 statistics", delivery_id="evt-1")
    second = await h.run("alice", "/study log 30 statistics", delivery_id="evt-1")
    assert first == second
    export = await h.ok("alice", "/study export")
    assert export.count('"minutes": 30') == 1


async def test_concurrent_double_submit_counts_once(db, harness: Harness) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    replies = await asyncio.gather(*(h.run("alice", "/study submit stack") for _ in range(4)))
    assert sum(not r.error for r in replies) == 1
    async with db.unit_of_work() as s:
        rows = (await s.exec(select(Submission).where(Submission.correct))).all()
    assert len(rows) == 1


async def test_study_log_and_streak_with_rollover(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join UTC")
    assert "No streak right now" in await h.ok("alice", "/study streak")
    await h.ok("alice", "/study log 30 linear algebra")  # Mon 12:00
    h.clock.advance(timedelta(hours=15))  # Tue 03:00 UTC: still Monday's study day
    assert "Today counts" not in await h.ok("alice", "/study log 20 probability")
    h.clock.advance(timedelta(hours=2))  # Tue 05:00
    assert "2-day streak" in await h.ok("alice", "/study log 20 probability")


async def test_timezone_change_moves_the_study_day(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join Pacific/Kiritimati")  # UTC+14
    await h.ok("alice", "/study log 10 a")  # Tue 02:00 local -> Monday's study day
    await h.ok("alice", "/study timezone Pacific/Pago_Pago")  # UTC-11
    await h.ok("alice", "/study log 10 b")  # Mon 01:00 local -> Sunday's study day (earlier!)
    async with h.db.unit_of_work() as s:
        alice = (await s.exec(select(Member).where(Member.user_id == "alice"))).one()
    # The out-of-order day triggered a recompute: two consecutive days.
    assert (alice.current_streak, alice.longest_streak) == (2, 2)


async def test_forget_deletes_after_confirmation(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit stack")
    await h.ok("alice", "/study log 30 graphs")
    ask = await h.run("alice", "/study forget")
    assert "confirm" in ask.body
    assert ask.choices
    async with h.db.unit_of_work() as s:
        assert (await s.exec(select(Member).where(Member.user_id == "alice"))).first() is not None
    assert "deleted" in await h.ok("alice", "/study forget confirm")
    counts = await row_counts(h.db)
    assert (
        counts["submission"]
        == counts["study_log"]
        == counts["activity_day"]
        == counts["score"]
        == 0
    )
    assert "No points" in await h.ok("mod", "/study leaderboard all")


async def test_export_has_the_documented_keys(harness: Harness) -> None:
    import json

    h = harness
    await h.ok("alice", "/study join Asia/Tokyo")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit stack")
    await h.ok("alice", "/study log 45 trees")
    reply = await h.run("alice", "/study export")
    assert reply.attachment is not None
    data = json.loads(reply.attachment.content)
    for key in (
        "member",
        "timezone",
        "current_streak",
        "longest_streak",
        "freezes",
        "points",
        "submissions",
        "study_logs",
    ):
        assert key in data
    assert data["timezone"] == "Asia/Tokyo"
    assert data["points"] == 15
    assert data["current_streak"] == 1
    assert data["submissions"][0]["answer"] == "stack"
    assert data["study_logs"][0]["minutes"] == 45


async def test_schedule_wins_over_auto_pick_and_cancel(harness: Harness) -> None:
    h = harness
    await h.ok("mod", "/studymod challenge schedule bagging-name 2026-03-03")
    dup = await h.run("mod", "/studymod challenge schedule two-heads 2026-03-03")
    assert dup.error
    assert "already has" in dup.body
    past = await h.run("mod", "/studymod challenge schedule two-heads 2026-03-01")
    assert past.error
    assert "#1" in await h.ok("mod", "/studymod challenge list upcoming")
    h.clock.advance(timedelta(days=1))
    await h.ok("mod", "/studymod challenge post-now")
    assert "Bootstrap aggregating" in (h.poster.posts[-1].title or "")
    async with h.db.unit_of_work() as s:
        rnd = await s.get(Round, 1)
        assert rnd is not None
        assert (rnd.status, rnd.source) == ("open", "scheduled")


async def test_auto_pick_rotates_tracks_and_never_repeats_until_used_up(harness: Harness) -> None:
    from bot.store.models import Challenge

    h = harness
    async with h.db.unit_of_work() as s:  # the fixture bank's 7 challenges and the generators
        size = len(
            (
                await s.exec(
                    select(Challenge).where(
                        col(Challenge.workspace_id).is_(None), Challenge.kind != "kaggle"
                    )
                )
            ).all()
        )
    picked: list[Challenge] = []
    for _ in range(size + 1):
        await h.ok("mod", "/studymod challenge post-now")
        async with h.db.unit_of_work() as s:
            rnd = (await s.exec(select(Round).where(Round.status == "open"))).one()
            challenge = await s.get(Challenge, rnd.challenge_id)
            assert challenge is not None
            picked.append(challenge)
    assert len({c.id for c in picked[:size]}) == size  # no repeat until the bank is used up
    assert len({c.track for c in picked[:5]}) == 5  # every track before any comes back
    assert picked[size].id == picked[0].id  # then it starts over


async def test_custom_challenge_add_then_post(harness: Harness) -> None:
    h = harness
    text = await h.ok(
        "mod",
        '/studymod challenge add kind=mcq track=probability-statistics difficulty=2 title="Fair coin" '
        'prompt="P(two heads in two tosses)?" options="1/4|1/2|3/4" answer=A '
        'explanation="Independent tosses: 1/2 * 1/2."',
    )
    assert "`fair-coin`" in text
    text2 = await h.ok(
        "mod",
        '/studymod challenge add kind=text track=data-modeling-evaluation difficulty=1 title="Fair coin" '
        'prompt="Name it" answer="overfitting|over-fitting" explanation="Memorising noise."',
    )
    assert "`fair-coin-2`" in text2
    await h.ok(
        "mod",
        "/studymod challenge add kind=numeric track=probability-statistics difficulty=1 title=Quarter "
        'prompt="1/4 as a decimal?" answer=0.25 tolerance=0.01 explanation="One quarter."',
    )
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now fair-coin-2")
    assert "+15" in await h.ok("alice", "/study submit Over fitting")


async def test_streak_repair_adds_the_day_and_audits(harness: Harness) -> None:
    from bot.store.models import AuditLog

    h = harness
    await h.ok("alice", "/study join UTC")
    await h.ok("alice", "/study log 30 a")  # Monday
    h.clock.advance(timedelta(days=2))
    await h.ok("alice", "/study log 30 b")  # Wednesday: streak restarts at 1
    assert "1-day streak" in await h.ok("alice", "/study streak")
    text = await h.ok("mod", "/studymod streak repair alice 2026-03-03 outage on Tuesday")
    assert "3-day streak" in text
    async with h.db.unit_of_work() as s:
        entry = (await s.exec(select(AuditLog).where(AuditLog.action == "streak.repair"))).one()
    assert entry.detail["reason"] == "outage on Tuesday"
    assert (entry.detail["before"], entry.detail["after"]) == (1, 3)
    future = await h.run("mod", "/studymod streak repair alice 2026-03-09 later")
    assert future.error


async def test_config_changes_are_saved_and_audited(harness: Harness) -> None:
    h = harness
    text = await h.ok("mod", "/studymod config timezone america/new_york")
    assert "America/New_York" in text
    text = await h.ok("mod", "/studymod config leaderboard sunday 18:30")
    assert "Sunday 18:30" in text
    text = await h.ok("mod", "/studymod config daily-time 7:05")
    assert "07:05" in text
    bad = await h.run("mod", "/studymod config leaderboard someday 18:30")
    assert bad.error
    assert "Sunday 18:30" in await h.ok("mod", "/studymod config show")


async def test_workspaces_do_not_see_each_other(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit stack")
    h.workspace = "guild-2"
    await h.ok("mod", "/studymod config channel #other")
    await h.ok("carol", "/study join")
    assert "No points" in await h.ok("carol", "/study leaderboard all")
    assert (await h.run("carol", "/study submit stack")).error  # guild-2 has no open round
    assert (await h.run("carol", "/study streak alice")).error  # alice is not in guild-2
    stats = await h.ok("mod", "/studymod stats")
    assert "Members: 1" in stats


async def test_a_failing_poster_does_not_undo_the_round(harness: Harness) -> None:
    h = harness
    h.poster.fail = True
    text = await h.ok("mod", "/studymod challenge post-now lifo-structure")
    assert "Posted round #1" in text
    h.poster.fail = False
    await h.ok("alice", "/study join")
    assert "Last in, first out" in await h.ok("alice", "/study today")


async def test_rate_limited_commands_write_nothing(db) -> None:  # type: ignore[no-untyped-def]
    from commands import build_registry
    from commands.dispatcher import Dispatcher, RateLimiter
    from tests.conftest import make_harness

    h = await make_harness(db)
    h.dispatcher = Dispatcher(
        db, build_registry(), h.poster, rate_limiter=RateLimiter(per_minute=2)
    )
    await h.ok("alice", "/study join")
    await h.ok("alice", "/study log 5 a")
    before = await row_counts(db)
    reply = await h.run("alice", "/study log 5 b")
    assert reply.error
    assert "Too many" in reply.body
    assert await row_counts(db) == before


async def test_daily_study_at_the_same_local_time_across_dst_keeps_the_streak(db) -> None:  # type: ignore[no-untyped-def]
    """23:30 every evening in New York across the 2026-03-08 change: 7 days, a 7-day streak."""
    from bot.rules.timeutil import local_time_utc
    from tests.conftest import make_harness

    first = local_time_utc(date(2026, 3, 5), time(23, 30), "America/New_York")
    h = await make_harness(db, first)
    await h.ok("nyc", "/study join America/New_York")
    for i in range(7):
        h.clock.set(
            local_time_utc(date(2026, 3, 5) + timedelta(days=i), time(23, 30), "America/New_York")
        )
        await h.ok("nyc", "/study log 20 flashcards")
    assert "7-day streak (longest 7, 1 freeze)" in await h.ok("nyc", "/study streak")


async def test_structured_options_parse_like_text(harness: Harness) -> None:
    """Platforms with typed parameters pass options by name; they parse and fail the same way."""
    from bot.edge.invocation import Command, Invocation

    h = harness

    async def run(text: str, options: dict[str, str]) -> str:
        path = tuple(text.removeprefix("/").split())
        action = Command(path, options)
        inv = Invocation("test", h.workspace, "#c", "olga", "Olga", action, h.clock.now())
        reply = (await h.dispatcher.handle(inv)).reply
        return ("ERROR " if reply.error else "") + reply.body

    assert "Welcome" in await run("/study join", {"timezone": "europe/paris"})
    assert "Logged 25 min of graphs" in await run(
        "/study log", {"minutes": "25", "topic": "graphs"}
    )
    assert (await run("/study log", {"minutes": "many", "topic": "x"})).startswith(
        "ERROR `minutes`"
    )
    assert (await run("/study log", {"minutes": "5"})).startswith("ERROR Missing `topic`")
