"""Scheduled posts on Discord, through the real discord.py client and the scheduler: the daily
round, the weekly leaderboard and a reminder DM; a nonce on each so a resend shows once; rate
limits, server errors and refusals (no permission, closed DMs); a server that removes the bot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from adapters.discord.client import Studybot
from adapters.discord.poster import nonce_for
from bot.edge import SimulatedClock
from bot.store.models import PostLedger
from tests.e2e.discord_bot import (
    ALICE,
    CHANNEL,
    GUILD,
    MOD_KW,
    OTHER_CHANNEL,
    START,
    buttons,
    fake_discord,
    grouped,
    guild,
    running,
    say,
    sqlite_url,
    sub,
    text_of,
)


async def _ledger(bot: Studybot) -> list[tuple[str, str, str, int, str | None]]:
    async with bot.runtime.core.db.unit_of_work() as s:
        rows = await s.exec(select(PostLedger).order_by(col(PostLedger.id)))
        return [(r.kind, r.period, r.status, r.attempts, r.last_error) for r in rows.all()]


def _guild_events(bot: Studybot) -> dict[str, asyncio.Event]:
    """Events set once the gateway's guild removal / addition reached the store (the client
    handles them in its own task)."""
    events = {"left": asyncio.Event(), "joined": asyncio.Event()}
    runtime = bot.runtime
    left, joined = runtime.workspace_left, runtime.workspace_joined

    async def on_left(platform: str, external_id: str) -> None:
        await left(platform, external_id)
        if external_id == str(GUILD):
            events["left"].set()

    async def on_joined(platform: str, external_id: str, name: str = "") -> None:
        await joined(platform, external_id, name)
        if external_id == str(GUILD):
            events["joined"].set()

    runtime.workspace_left = on_left  # type: ignore[method-assign]
    runtime.workspace_joined = on_joined  # type: ignore[method-assign]
    return events


async def _tick(bot: Studybot, clock: SimulatedClock, at: datetime) -> None:
    clock.set(at)
    await bot.runtime.run_due()


async def test_round_leaderboard_and_reminder_through_the_scheduler(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), clock=clock) as bot:
        await say(fake, "studymod", grouped("config", "channel", channel=str(CHANNEL)), **MOD_KW)
        await say(fake, "study", sub("join"), user=ALICE)
        await say(fake, "study", sub("remind", when="20:00"), user=ALICE)
        await say(
            fake, "studymod", grouped("challenge", "schedule", challenge_id="two-heads",
            date="2026-03-02"), **MOD_KW,
        )  # fmt: skip
        await bot.runtime.start_scheduling()

        await _tick(bot, clock, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        daily = await fake.wait_message(CHANNEL)
        assert daily["nonce"] == nonce_for(str(GUILD), "daily:2026-03-02")
        assert "Round #1" in text_of(daily)
        right = next(b for b in buttons(daily) if b["label"].startswith("A)"))
        await fake.wait_callback(await fake.click(right["custom_id"], int(daily["id"]), user=ALICE))

        # The next day alice has not studied by 20:00: a DM, which may name her.
        await _tick(bot, clock, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        await _tick(bot, clock, datetime(2026, 3, 3, 20, 0, tzinfo=UTC))
        dm = fake.dm_channel_for(ALICE.id)
        assert dm is not None
        reminder = await fake.wait_message(dm)
        assert "streak" in text_of(reminder).lower()
        assert reminder["nonce"] == nonce_for(str(GUILD), "reminder:1/2026-03-03")

        await _tick(bot, clock, datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
        posts = [text_of(m) for m in fake.messages(CHANNEL)]
        assert any("weekly leaderboard" in p.lower() and "alice" in p for p in posts), posts
        kinds = {(k, s) for k, _, s, _, _ in await _ledger(bot) if s != "skipped"}
        assert kinds == {("daily", "sent"), ("reminder", "sent"), ("leaderboard", "sent")}
        # Every message the bot sent allows no pings but the DM's own member.
        for req in fake.requests:
            if req.method == "POST" and req.path.endswith("/messages") and req.json:
                allowed = req.json.get("allowed_mentions", {})
                assert not allowed.get("parse"), req.json
                assert not allowed.get("roles"), req.json


async def test_a_resend_with_the_same_key_shows_once(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), clock=clock) as bot:
        await say(fake, "studymod", grouped("config", "channel", channel=str(CHANNEL)), **MOD_KW)
        await bot.runtime.start_scheduling()
        await _tick(bot, clock, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        daily = await fake.wait_message(CHANNEL)
        # A crash after Discord took the post but before the ledger said so: sent again.
        from bot.edge import Post

        again = Post(body="resent", channel=str(CHANNEL), kind="round", key="daily:2026-03-02")
        ref = await bot.runtime.posters.send("discord", str(GUILD), again)
        assert ref is not None
        assert ref.message_id == daily["id"]
        assert len(fake.messages(CHANNEL)) == 1


async def test_rate_limits_and_server_errors_on_posting(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), clock=clock) as bot:
        await say(fake, "studymod", grouped("config", "channel", channel=str(CHANNEL)), **MOD_KW)
        await bot.runtime.start_scheduling()
        route = r"^/channels/\d+/messages$"
        # A short 429 is waited out inside discord.py; a 500 is retried; one message results.
        fake.fail_next("POST", route, status=429, body={
            "message": "You are being rate limited.", "retry_after": 0.05, "global": False},
            headers={"Retry-After": "1", "Via": "1.1 google"})  # fmt: skip
        fake.fail_next("POST", route, status=500)
        await _tick(bot, clock, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        assert len(fake.messages(CHANNEL)) == 1
        assert [r[:4] for r in await _ledger(bot)] == [("daily", "2026-03-02", "sent", 1)]

        # A long one comes back to the scheduler as a wait: nothing lost, nothing doubled.
        fake.fail_next("POST", route, status=429, body={
            "message": "You are being rate limited.", "retry_after": 120.0, "global": False},
            headers={"Retry-After": "120", "Via": "1.1 google"})  # fmt: skip
        await _tick(bot, clock, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        assert len(fake.messages(CHANNEL)) == 1
        assert (await _ledger(bot))[-1][:3] == ("daily", "2026-03-03", "pending")
        await _tick(bot, clock, datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
        assert len(fake.messages(CHANNEL)) == 1  # still waiting out the 120 s
        await _tick(bot, clock, datetime(2026, 3, 3, 9, 2, 1, tzinfo=UTC))
        assert len(fake.messages(CHANNEL)) == 2
        assert (await _ledger(bot))[-1][:3] == ("daily", "2026-03-03", "sent")


async def test_refusals_are_recorded_told_once_and_not_retried(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), clock=clock) as bot:
        fake.deny_channel(OTHER_CHANNEL)
        fake.close_dms(ALICE.id)
        await say(
            fake, "studymod", grouped("config", "channel", channel=str(OTHER_CHANNEL)), **MOD_KW
        )
        await say(fake, "study", sub("join"), user=ALICE)
        await say(fake, "study", sub("log", minutes=30, topic="pandas"), user=ALICE)
        await say(fake, "study", sub("remind", when="20:00"), user=ALICE)
        await bot.runtime.start_scheduling()
        for at in (datetime(2026, 3, 2, 9), datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 20)):
            await _tick(bot, clock, at.replace(tzinfo=UTC))
        rows = sorted(r for r in await _ledger(bot) if r[2] != "skipped")
        assert [(k, s, n) for k, _, s, n, _ in rows] == [
            ("daily", "undeliverable", 1), ("daily", "undeliverable", 1),
            ("reminder", "undeliverable", 1),
        ]  # fmt: skip
        assert "Missing Permissions" in (rows[0][4] or "")
        assert "does not accept DMs" in (rows[2][4] or "")
        tries = len(fake.requests)
        await _tick(bot, clock, datetime(2026, 3, 3, 23, 0, tzinfo=UTC))
        assert len(fake.requests) == tries  # nothing retried
        first = await say(fake, "studymod", [{"type": 1, "name": "stats"}], **MOD_KW)
        assert "3 undeliverable" in first
        assert "⚠️" in first
        second = await say(fake, "studymod", [{"type": 1, "name": "stats"}], **MOD_KW)
        assert "⚠️" not in second


async def test_a_server_that_removes_the_bot_gets_no_posts(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    second = guild(3001, "Other group")
    async with (
        fake_discord(guild(), second) as fake,
        running(fake, sqlite_url(tmp_path), clock=clock) as bot,
    ):
        await say(fake, "studymod", grouped("config", "channel", channel=str(CHANNEL)), **MOD_KW)
        await bot.runtime.start_scheduling()
        seen = _guild_events(bot)
        await fake.remove_guild(GUILD)
        await asyncio.wait_for(seen["left"].wait(), 5)
        await _tick(bot, clock, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        assert fake.messages(CHANNEL) == []
        assert await _ledger(bot) == []
        await fake.add_guild(guild())  # added back: posts from now on
        await asyncio.wait_for(seen["joined"].wait(), 5)
        await _tick(bot, clock, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        assert len(await fake.wait_message(CHANNEL) or {}) > 0
        assert [r[1] for r in await _ledger(bot)] == ["2026-03-03"]
