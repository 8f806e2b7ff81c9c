"""Issue 9's defects, each through the real dispatcher on SQLite and PostgreSQL: a friendly
reply, nothing written, and the database still consistent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import SQLModel, select

from bot.edge import Command, Invocation
from bot.scheduling.scheduler import Scheduler
from bot.store.models import Round
from commands import build_registry
from commands.spec import Kind
from tests.conftest import Harness, row_counts
from tests.integration.test_learning import NOTEBOOK, kaggle_task


async def refused(h: Harness, user: str, line: str, says: str) -> str:
    before = await row_counts(h.db)
    reply = await h.run(user, line)
    assert reply.error, f"{line[:80]!r} was accepted: {reply.body}"
    assert says in reply.body, reply.body
    assert await row_counts(h.db) == before
    return reply.body


async def test_a_broken_kaggle_url_is_refused_not_a_traceback(harness: Harness) -> None:
    task = await kaggle_task(harness.db)
    await harness.ok("alice", "/study join")
    await refused(
        harness, "alice", f"/study kaggle submit {task} https://[www.kaggle.com/code/a/b 0.8",
        "Send the https://www.kaggle.com/",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (f"/study kaggle submit kaggle-titanic-test https://www.kaggle.com/code/a/{'b' * 5000} 0.8", "`url` is too long (at most 300"),
        (f"/studymod config channel #{'c' * 5000}", "`channel` is too long (at most 100"),
        (f"/study log 30 {'t' * 201}", "`topic` is too long (at most 200"),
        (f"/study submit {'x' * 201}", "`answer` is too long"),
        (f"/studymod review reject 1 {'r' * 301}", "`reason` is too long (at most 300"),
        (f"/studymod streak repair {'m' * 101} 2026-03-01 why", "`member` is too long"),
    ],
)  # fmt: skip
async def test_limits_are_enforced_where_values_are_parsed(
    harness: Harness, line: str, says: str
) -> None:
    await kaggle_task(harness.db)
    await harness.ok("alice", "/study join")
    await harness.ok("mod", "/studymod challenge post-now two-heads")
    user = "mod" if line.startswith("/studymod") else "alice"
    await refused(harness, user, line, says)


# Every string column a member or moderator writes, and the parameter that feeds it.
COLUMN_PARAMS = {
    ("kaggle_submission", "url"): ("study", "kaggle", "submit", "url"),
    ("kaggle_submission", "reason"): ("studymod", "review", "reject", "reason"),
    ("workspace", "post_channel"): ("studymod", "config", "channel", "channel"),
    ("study_log", "topic"): ("study", "log", "topic"),
    ("submission", "answer"): ("study", "submit", "answer"),
    ("member", "display_name"): ("study", "streak", "member"),
    ("challenge", "id"): ("studymod", "challenge", "schedule", "challenge_id"),
    ("challenge", "title"): ("studymod", "challenge", "add", "title"),
}


def test_every_parameter_fits_the_column_it_feeds() -> None:
    registry = build_registry()
    tables = SQLModel.metadata.tables
    for (table, column), where in COLUMN_PARAMS.items():
        *path, name = where
        spec = registry.get(tuple(path))
        assert spec is not None, path
        param = next(p for p in spec.params if p.name == name)
        length = tables[table].c[column].type.length
        assert length is not None
        assert param.max_length <= length, (table, column, param.max_length, length)
    for spec in registry.specs.values():
        for p in spec.params:
            if p.kind in (Kind.WORD, Kind.REST, Kind.USER, Kind.CHANNEL, Kind.PAIRS):
                assert p.max_length <= 4000, (spec.name, p.name)


async def test_a_structured_option_is_held_to_the_same_limit(harness: Harness) -> None:
    before = await row_counts(harness.db)
    inv = Invocation(
        "test", harness.workspace, "#c", "mod", "Mod",
        Command(("studymod", "config", "channel"), {"channel": "c" * 5001}),
        harness.clock.now(), is_moderator=True,
    )  # fmt: skip
    reply = (await harness.dispatcher.handle(inv)).reply
    assert reply.error
    assert "too long" in reply.body
    assert await row_counts(harness.db) == before


async def test_a_rejected_kaggle_result_leaves_no_zero_point_rows(harness: Harness) -> None:
    h = harness
    task = await kaggle_task(h.db)
    await h.ok("alice", "/study join")
    await h.ok("bob", "/study join")
    await h.ok("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.70")
    await h.ok("mod", "/studymod review reject 1 copied")
    for period in ("week", "all"):
        board = await h.ok("bob", f"/study leaderboard {period}")
        assert "0 pts" not in board
        assert "No points on this board yet" in board
    assert "no points on this board" in (await h.ok("alice", "/study leaderboard")).lower()


async def test_scheduling_today_after_todays_round_went_out_is_refused(harness: Harness) -> None:
    h = harness  # Monday 12:00 UTC; the daily post went out at 09:00? not yet: run it
    h.clock.set(h.clock.now() + timedelta(days=1))  # Tuesday 12:00, past 09:00
    await Scheduler(h.db, h.clock, h.poster, grace=timedelta(hours=6)).run_due()
    assert any(p.key == "daily:2026-03-03" for p in h.poster.posts)
    body = await refused(
        h, "mod", "/studymod challenge schedule two-heads 2026-03-03", "already gone out"
    )
    assert "2026-03-04" in body
    assert "post-now two-heads" in body
    assert "scheduled for 2026-03-04" in await h.ok(
        "mod", "/studymod challenge schedule two-heads 2026-03-04"
    )


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/studymod challenge schedule two-heads 9999-01-01", "at most a year ahead"),
        ("/studymod config timezone localtime", "not a time zone"),
        ("/studymod config timezone Factory", "not a time zone"),
        ("/studymod config timezone posix/Europe/Berlin", "not a time zone"),
        ("/study timezone right/UTC", "not a time zone"),
        ("/studymod config channel <!channel>", "name one channel"),
        ("/studymod config channel @everyone", "name one channel"),
        ("/studymod config channel #a\x07b", "name one channel"),
        ("/studymod streak repair alice 2026-03-01 missed it", "joined on 2026-03-02"),
        ("/studymod streak repair alice 2026-03-09 early", "hasn't happened yet"),
        ("/studymod challenge cancel 0", "must be at least 1, not 0"),
        ('/studymod challenge add kind=text track=cs-fundamentals difficulty=2 points=-5 title="Tt t" prompt="Why?" answer=x explanation="Because."', "from 1 to 1000"),
    ],
)  # fmt: skip
async def test_what_should_not_be_accepted_is_refused(
    harness: Harness, line: str, says: str
) -> None:
    await harness.ok("alice", "/study join")
    user = "mod" if line.startswith("/studymod") else "alice"
    await refused(harness, user, line, says)


async def test_errors_quote_an_excerpt_not_the_whole_input(harness: Harness) -> None:
    huge = "x" * 50_000
    for line in (f"/study remind {huge}", f"/study frobnicate {huge}", f"/study today {huge}"):
        reply = await harness.run("alice", line)
        assert reply.error
        assert len(reply.body) < 600, len(reply.body)


async def test_kaggle_score_errors_read_well(harness: Harness) -> None:
    task = await kaggle_task(harness.db)
    await harness.ok("alice", "/study join")
    body = await refused(harness, "alice", f"/study kaggle submit {task} {NOTEBOOK} 7", "score")
    assert body.startswith("An accuracy score")


async def test_single_quoted_values_with_spaces(harness: Harness) -> None:
    text = await harness.ok(
        "mod",
        "/studymod challenge add kind=text track=cs-fundamentals difficulty=1 "
        "title='Last in first out' prompt='Which structure is LIFO?' answer='stack' "
        "explanation='The newest item leaves first.'",
    )
    assert "`last-in-first-out`" in text


async def test_no_most_solved_when_nobody_solved_anything(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.run("alice", "/study submit B")  # wrong: nobody solved it
    h.clock.set(h.clock.now() + timedelta(days=7))
    await Scheduler(h.db, h.clock, h.poster, grace=timedelta(hours=6)).run_due()
    board = next(p for p in h.poster.posts if p.kind == "leaderboard")
    assert "solved" not in board.body
    async with h.db.unit_of_work() as s:
        assert len((await s.exec(select(Round))).all()) >= 1


@pytest.mark.parametrize("junk", ["\x00", "\ud800", "a\udfffb"])
async def test_nul_and_broken_unicode_are_refused_before_the_database(
    harness: Harness, junk: str
) -> None:
    await harness.ok("alice", "/study join")
    await refused(harness, "alice", f"/study log 30 topic{junk}", "can't store")
    before = await row_counts(harness.db)
    inv = Invocation(
        "test", harness.workspace, "#c", "alice", "Alice",
        Command(("study", "log"), {"minutes": "30", "topic": f"x{junk}"}), harness.clock.now(),
    )  # fmt: skip
    reply = (await harness.dispatcher.handle(inv)).reply
    assert reply.error
    assert await row_counts(harness.db) == before
