"""The data behind each picture, checked against the database: right days, right shades, frozen
and repaired days, DST weeks, a member who changed time zone; the group's activity; the export;
and a forgotten member's name leaving stored weekly boards."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.edge.messages import reply_text
from bot.edge.stored import post_from_dict
from bot.pictures.data import Calendar, Picture, shade
from bot.pictures.queries import activity_card, calendar_for, profile_card
from bot.pictures.renderer import Renderer
from bot.scheduling.scheduler import Scheduler
from bot.services.views import profile_view
from bot.services.weekly import FORMER
from bot.store.models import Member, PostLedger, Workspace
from commands import build_registry
from commands.dispatcher import Dispatcher
from tests.conftest import Harness


async def _calendar(h: Harness, user: str) -> Calendar:
    async with h.db.unit_of_work() as session:
        ws = (await session.exec(select(Workspace))).one()
        member = (await session.exec(select(Member).where(Member.user_id == user))).one()
        return await calendar_for(session, ws, member, h.clock.now())


def draw_pictures(h: Harness, renderer: Renderer, wait: float) -> None:
    """The harness's commands answer with pictures, waiting `wait` seconds at most."""
    h.dispatcher = Dispatcher(h.db, build_registry(), h.poster, renderer=renderer, image_wait=wait)


def _marks(cal: Calendar) -> dict[date, str]:
    return {d.day: d.mark for d in cal.days}


async def test_calendar_days_shades_frozen_and_repaired(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join UTC")
    d0 = h.clock.now().date()  # Monday 2 March 2026, noon UTC
    await h.ok("alice", "/study log 15 reading")
    h.clock.advance(timedelta(days=2))  # d1 missed: a moderator repairs it below
    for n in range(6):  # d2..d7
        await h.ok("alice", f"/study log {15 * (n + 1)} reading")
        h.clock.advance(timedelta(days=1))
    h.clock.advance(timedelta(days=1))  # d8 missed: the freeze earned on the 7th day covers it
    await h.ok("alice", "/study log 20 reading")
    await h.ok("mod", f"/studymod streak repair alice {d0 + timedelta(days=1)} power cut")
    cal = await _calendar(h, "alice")
    day = {n: d0 + timedelta(days=n) for n in range(10)}
    assert _marks(cal) == {
        day[0]: "studied",
        day[1]: "repaired",
        **{day[n]: "studied" for n in range(2, 8)},
        day[8]: "frozen",
        day[9]: "studied",
    }
    by_day = {d.day: d for d in cal.days}
    assert by_day[day[0]].minutes == 15
    assert by_day[day[0]].level == shade(15, 0) == 1
    assert by_day[day[7]].minutes == 90
    assert by_day[day[7]].level == 3
    assert by_day[day[8]].level == 0
    assert cal.today == day[9]
    assert cal.start.weekday() == 0
    assert (cal.today - cal.start).days == cal.today.weekday() + 7 * 25
    assert cal.current == 9  # eight days, a frozen one that does not add, and today
    assert cal.longest == 9
    assert cal.freezes == 0
    alt = cal.alt()
    assert "9 days studied" in alt
    assert "1 frozen day (10 Mar)" in alt
    assert "1 repaired day (3 Mar)" in alt
    assert "current streak 9 days" in alt


async def test_pending_frozen_days_and_answers_on_the_calendar(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join UTC")
    for _ in range(7):
        await h.ok("alice", "/study log 30 x")
        h.clock.advance(timedelta(days=1))
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")  # day 8: a right answer and no log
    h.clock.advance(timedelta(days=2))  # day 9 missed, day 10 today: covered so far
    cal = await _calendar(h, "alice")
    day8 = cal.today - timedelta(days=2)
    by_day = {d.day: d for d in cal.days}
    assert by_day[day8].answers == 1
    assert by_day[day8].minutes == 0
    assert by_day[cal.today - timedelta(days=1)].mark == "frozen"
    assert cal.today not in by_day
    assert "not studied yet" in cal.alt()


async def test_calendar_across_dst_in_the_members_own_days(harness: Harness) -> None:
    """New York springs forward on 8 March 2026: 07:30 UTC is 03:30 EDT, before the 04:00
    rollover (study day 7 March); 08:30 UTC is 04:30 EDT, study day 8 March."""
    h = harness
    h.clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))
    await h.ok("alice", "/study join America/New_York")
    h.clock.set(datetime(2026, 3, 8, 7, 30, tzinfo=UTC))
    await h.ok("alice", "/study log 25 before the rollover")
    h.clock.set(datetime(2026, 3, 8, 8, 30, tzinfo=UTC))
    await h.ok("alice", "/study log 40 after the rollover")
    h.clock.set(datetime(2026, 3, 9, 3, 0, tzinfo=UTC))  # 23:00 EDT on the 8th
    cal = await _calendar(h, "alice")
    by_day = {d.day: d for d in cal.days}
    assert by_day[date(2026, 3, 7)].minutes == 25
    assert by_day[date(2026, 3, 8)].minutes == 40
    assert cal.today == date(2026, 3, 8)
    assert cal.start == date(2025, 9, 8)  # 8 March is a Sunday: 25 weeks before its Monday
    assert cal.timezone == "America/New_York"


async def test_a_member_who_moved_keeps_their_days(harness: Harness) -> None:
    """Answered at 20:00 UTC on 3 March from Tokyo (05:00 on the 4th there: study day 4 March);
    then moved to Los Angeles, where that instant is the 3rd. The calendar keeps the 4th."""
    h = harness
    await h.ok("alice", "/study join Asia/Tokyo")
    h.clock.set(datetime(2026, 3, 3, 20, 0, tzinfo=UTC))
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")
    await h.ok("alice", "/study timezone America/Los_Angeles")
    h.clock.set(datetime(2026, 3, 5, 20, 0, tzinfo=UTC))
    cal = await _calendar(h, "alice")
    by_day = {d.day: d for d in cal.days}
    assert set(by_day) == {date(2026, 3, 4)}
    assert by_day[date(2026, 3, 4)].answers == 1
    assert cal.timezone == "America/Los_Angeles"
    assert cal.today == date(2026, 3, 5)


async def test_profile_tracks_and_group_activity(harness: Harness) -> None:
    h = harness
    for user in ("alice", "bob"):
        await h.ok(user, "/study join UTC")
    await h.ok("mod", "/studymod challenge post-now two-heads")  # probability-statistics mcq
    await h.ok("alice", "/study submit A")  # right
    await h.ok("bob", "/study submit B")  # wrong (one attempt)
    h.clock.advance(timedelta(days=1))
    await h.ok("mod", "/studymod challenge post-now lifo-structure")  # cs-fundamentals text
    await h.ok("alice", "/study submit queue")
    await h.ok("alice", "/study submit stack")  # right on the 2nd attempt
    async with h.db.unit_of_work() as session:
        ws = (await session.exec(select(Workspace))).one()
        alice = (await session.exec(select(Member).where(Member.user_id == "alice"))).one()
        now = h.clock.now()
        card = await profile_card(
            session, ws, alice, now, await profile_view(session, ws, alice, now)
        )
        group = await activity_card(session, ws, h.clock.now())
    bars = {t.track: t for t in card.tracks}
    assert (bars["probability-statistics"].right, bars["probability-statistics"].answered) == (
        1,
        1,
    )
    assert (bars["cs-fundamentals"].right, bars["cs-fundamentals"].answered) == (1, 1)
    assert bars["ml-algorithms-libraries"].answered == 0
    assert card.points == bars["probability-statistics"].points + bars["cs-fundamentals"].points
    assert "Probability & statistics 100% (1 of 1)" in card.alt()
    assert len(group.days) == 56
    assert group.days[-1].day == h.clock.now().date()
    yesterday, today = group.days[-2], group.days[-1]
    assert (yesterday.active, yesterday.answers) == (1, 2)  # bob's wrong answer is no study day
    assert (today.active, today.answers) == (1, 2)
    acc = {t.track: (t.right, t.answered) for t in group.tracks}
    assert acc["probability-statistics"] == (1, 2)
    assert acc["cs-fundamentals"] == (1, 1)
    assert group.members == 2
    assert "Probability & statistics 50% (1 of 2)" in group.alt()


async def test_commands_carry_pictures_when_on_and_none_when_off(harness: Harness) -> None:
    h = harness
    renderer = Renderer(workers=0)
    draw_pictures(h, renderer, wait=30)
    try:
        await h.ok("alice", "/study join UTC")
        await h.ok("alice", "/study log 30 x")
        await h.ok("mod", "/studymod challenge post-now two-heads")
        await h.ok("alice", "/study submit A")
        for line, kind in (
            ("/study streak", "study-calendar.png"),
            ("/study profile", "profile.png"),
            ("/study leaderboard all", "leaderboard.png"),
            ("/studymod stats", "group-activity.png"),
        ):
            user = "mod" if "studymod" in line else "alice"
            reply = await h.run(user, line)
            assert reply.image is not None, line
            assert reply.image.filename == kind
            assert reply.image.data.startswith(b"\x89PNG\r\n\x1a\n")
            assert reply.image.alt
        streak = await h.run("alice", "/study streak")
        assert streak.image is not None
        assert "alice" in streak.image.alt.lower()
        drawn = renderer.drawn
        await h.run("alice", "/study streak")  # the same data: drawn once
        assert renderer.drawn == drawn
        await h.ok("mod", "/studymod config images off")
        assert (await h.run("alice", "/study profile")).image is None
        assert "Pictures: off" in await h.ok("mod", "/studymod config show")
        await h.ok("mod", "/studymod config images on")
        assert (await h.run("alice", "/study profile")).image is not None
    finally:
        await renderer.close()


async def test_group_export_is_spreadsheet_safe(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join Europe/Berlin")
    await h.ok("=cmd", "/study join UTC")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")
    await h.ok("alice", "/study log 45 bayes")
    reply = await h.run("mod", "/studymod export")
    assert not reply.error
    attachment = reply.attachment
    assert attachment is not None
    assert attachment.mime == "text/csv"
    assert attachment.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(attachment.content)))
    assert rows[0][:3] == ["member", "user id", "time zone"]
    by_id = {r[1]: r for r in rows[1:]}
    alice = dict(zip(rows[0], by_id["alice"], strict=True))
    assert alice["time zone"] == "Europe/Berlin"
    assert alice["current streak"] == "1"
    assert alice["points all time"] == "15"
    assert alice["points this week"] == "15"
    assert alice["answers"] == "1"
    assert alice["accuracy"] == "100%"
    assert alice["minutes studied"] == "45"
    assert alice["last active"] == h.clock.now().date().isoformat()
    evil = by_id["'=cmd"]
    assert evil[0] == "'=Cmd"  # the display name, defused
    assert '"\'=Cmd"' in attachment.content  # and quoted
    assert (await h.run("alice", "/studymod export")).error


async def test_forgotten_member_leaves_the_stored_weekly_boards(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join UTC")
    await h.ok("bob", "/study join UTC")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")
    await h.ok("bob", "/study submit A")
    h.clock.advance(timedelta(days=7))  # Monday 9 March, noon: last week's board is due
    await Scheduler(h.db, h.clock, h.poster, grace=timedelta(hours=6)).run_due()
    async with h.db.unit_of_work() as session:
        board = (
            await session.exec(select(PostLedger).where(PostLedger.kind == "leaderboard"))
        ).one()
    assert board.payload is not None
    assert "Alice" in board.payload["body"]
    assert post_from_dict(board.payload).picture is not None
    await h.ok("alice", "/study forget confirm")
    async with h.db.unit_of_work() as session:
        board = (
            await session.exec(select(PostLedger).where(PostLedger.kind == "leaderboard"))
        ).one()
    assert board.payload is not None
    assert "Alice" not in str(board.payload)
    assert FORMER in board.payload["body"]
    post = post_from_dict(board.payload)
    assert post.picture is not None
    assert "Alice" not in post.picture.alt()
    assert FORMER in post.picture.alt()
    assert "Bob" in post.body
    last = await h.run("bob", "/study leaderboard last")
    assert "Alice" not in last.body
    assert FORMER in last.body


async def test_weekly_boards_are_drawn_ahead_and_sent_with_their_card(harness: Harness) -> None:
    h = harness
    for n, guild in enumerate(("guild-1", "guild-2", "guild-3")):
        h.workspace = guild
        await h.ok("mod", "/studymod config channel #study")
        await h.ok(f"member{n}", "/study join UTC")
        await h.ok("mod", "/studymod challenge post-now two-heads")
        await h.ok(f"member{n}", "/study submit A")
    await h.ok("mod", "/studymod config images off")  # guild-3 wants none
    h.clock.advance(timedelta(days=7))
    renderer = Renderer(workers=0)
    try:
        scheduler = Scheduler(h.db, h.clock, h.poster, grace=timedelta(hours=6), renderer=renderer)
        await scheduler.run_due()
    finally:
        await renderer.close()
    boards = {ws: p for ws, p in h.poster.sent if p.kind == "leaderboard"}
    assert set(boards) == {"guild-1", "guild-2", "guild-3"}
    for guild, n in (("guild-1", 0), ("guild-2", 1)):
        image = boards[guild].image
        assert image is not None
        assert image.data.startswith(b"\x89PNG")
        assert f"1. Member{n} 15 pts" in image.alt
    assert boards["guild-3"].picture is None
    assert boards["guild-3"].image is None
    assert renderer.drawn == 2


class BrokenRenderer(Renderer):
    """Every drawing fails (a bug in a drawing, a worker that died)."""

    async def png(self, picture: Picture) -> bytes:
        raise RuntimeError("the drawing broke")


async def test_a_drawing_that_fails_never_loses_the_reply_or_the_post(harness: Harness) -> None:
    h = harness
    broken = BrokenRenderer(workers=0)
    draw_pictures(h, broken, wait=5)
    await h.ok("alice", "/study join UTC")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit A")
    outcome = await h.outcome("alice", "/study profile")
    assert not outcome.reply.error
    assert outcome.reply.image is None
    assert outcome.later is None
    assert "Points" in reply_text(outcome.reply)
    h.clock.advance(timedelta(days=7))
    await Scheduler(h.db, h.clock, h.poster, grace=timedelta(hours=6), renderer=broken).run_due()
    board = next(p for _, p in h.poster.sent if p.kind == "leaderboard")
    assert board.image is None
    assert "Alice" in board.body


async def test_a_late_picture_comes_as_a_reply_of_its_own(harness: Harness) -> None:
    h = harness
    renderer = Renderer(workers=0)
    draw_pictures(h, renderer, wait=0)
    try:
        await h.ok("alice", "/study join UTC")
        outcome = await h.outcome("alice", "/study streak")
        assert outcome.reply.image is None
        assert outcome.later is not None
        late = await outcome.later
        assert late is not None
        assert late.image is not None
        assert late.image.filename == "study-calendar.png"
        assert not late.ephemeral  # a streak is shown in the channel: so is its picture
        again = await h.outcome("alice", "/study streak")  # drawn by now: no waiting at all
        assert again.reply.image is not None
        assert again.later is None
    finally:
        await renderer.close()


async def test_names_in_any_script_and_of_any_length_draw(harness: Harness) -> None:
    h = harness
    renderer = Renderer(workers=0)
    draw_pictures(h, renderer, wait=30)
    names = ("zoë-🚀-ångström", "مريم", "שרה", "m" * 60)
    try:
        for name in names:
            await h.ok(name, "/study join UTC")
        await h.ok("mod", "/studymod challenge post-now two-heads")
        for name in names:
            await h.ok(name, "/study submit A")
        for name in names:
            for line in ("/study profile", "/study streak", "/study leaderboard"):
                reply = await h.run(name, line)
                assert reply.image is not None, (name, line)
                assert reply.image.data.startswith(b"\x89PNG")
                assert name.title() in reply.image.alt
    finally:
        await renderer.close()
