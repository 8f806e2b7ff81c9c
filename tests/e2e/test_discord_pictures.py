"""Pictures on Discord, through the real discord.py client: each arrives as an attachment shown
in the embed (`attachment://`), described by its alt text; a picture that is late follows as a
second message; pictures turned off leave the text alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.edge import SimulatedClock
from tests.e2e.discord_bot import (
    ALICE,
    CHANNEL,
    MOD_KW,
    START,
    fake_discord,
    grouped,
    open_round,
    running,
    say,
    sqlite_url,
    sub,
    text_of,
)
from tests.e2e.discord_fake import FakeDiscord

PNG = b"\x89PNG\r\n\x1a\n"


def picture(data: dict[str, Any] | None, files: list[tuple[str, bytes]]) -> tuple[str, str]:
    """The picture a message shows: its file name and its description (the alt text)."""
    assert data is not None
    url = data["embeds"][-1]["image"]["url"]
    assert url.startswith("attachment://")
    name = url.removeprefix("attachment://")
    described = {a["filename"]: a.get("description") for a in data.get("attachments", [])}
    assert name in described, data.get("attachments")
    sent = dict(files)
    assert sent[name].startswith(PNG)
    return name, str(described[name])


async def _answer(fake: FakeDiscord, root: str, options: list[dict[str, Any]], **kw: Any) -> Any:
    cb = await fake.wait_callback(await fake.send_command(root, options, **kw))
    assert cb.accepted
    assert cb.latency < 3
    return cb


async def test_each_picture_arrives_as_an_attachment_with_its_alt_text(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    core = {"image_wait": 10.0}
    async with (
        fake_discord() as fake,
        running(fake, sqlite_url(tmp_path), clock=clock, core=core, defer_after=2.5) as bot,
    ):
        await say(fake, "study", sub("join", timezone="Europe/Berlin"), user=ALICE)
        post = await open_round(fake, "two-heads")
        right = next(
            c["custom_id"]
            for row in post["components"]
            for c in row["components"]
            if c["label"].startswith("A)")
        )
        await fake.wait_callback(await fake.click(right, int(post["id"]), user=ALICE))
        await say(fake, "study", sub("log", minutes=45, topic="bayes"), user=ALICE)

        streak = await _answer(fake, "study", sub("streak"), user=ALICE)
        name, alt = picture(streak.data, streak.files)
        assert name == "study-calendar.png"
        assert "alice's study calendar" in alt
        assert "1 day studied, 45 minutes, 1 answer" in alt
        assert "current streak 1 day" in alt

        profile = await _answer(fake, "study", sub("profile"), user=ALICE)
        name, alt = picture(profile.data, profile.files)
        assert name == "profile.png"
        assert "15 points all time" in alt
        assert "Probability & statistics 100% (1 of 1)" in alt
        assert "Points" in text_of(profile.data)  # the text is all still there

        board = await _answer(fake, "study", sub("leaderboard", period="all"), user=ALICE)
        name, alt = picture(board.data, board.files)
        assert name == "leaderboard.png"
        assert "1. alice (you) 15 pts, 1-day streak" in alt

        stats = await _answer(fake, "studymod", sub("stats"), **MOD_KW)
        name, alt = picture(stats.data, stats.files)
        assert name == "group-activity.png"
        assert "1 member;" in alt
        assert "Probability & statistics 100% (1 of 1)" in alt

        # The weekly leaderboard post carries its card too.
        clock.set(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
        await bot.runtime.start_scheduling()
        await bot.runtime.run_due()
        weekly = next(m for m in fake.messages(CHANNEL) if "Weekly leaderboard" in text_of(m))
        attachment = next(a for a in weekly["attachments"] if a["filename"] == "leaderboard.png")
        assert weekly["embeds"][-1]["image"]["url"] == "attachment://leaderboard.png"
        assert "1. alice 15 pts" in attachment["description"]


async def test_a_late_picture_follows_and_pictures_can_be_turned_off(tmp_path: Path) -> None:
    core = {"image_wait": 0.0}  # never waited for: every picture follows its answer
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), core=core):
        await say(fake, "study", sub("join"), user=ALICE)
        interaction = await fake.send_command("study", sub("streak"), user=ALICE)
        cb = await fake.wait_callback(interaction)
        assert cb.accepted
        assert cb.files == []
        assert "streak" in text_of(cb.data).lower()
        follow = await fake.wait_followup(interaction)
        name, alt = picture(follow.data, follow.files)
        assert name == "study-calendar.png"
        assert "0 days studied" in alt

        off = await say(fake, "studymod", grouped("config", "images", state="off"), **MOD_KW)
        assert "Pictures: off" in off
        quiet = await fake.send_command("study", sub("profile"), user=ALICE)
        cb = await fake.wait_callback(quiet)
        assert cb.files == []
        assert cb.data is not None
        assert all("image" not in e for e in cb.data["embeds"])
        assert "Streak" in text_of(cb.data)
