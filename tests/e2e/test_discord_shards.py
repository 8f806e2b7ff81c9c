"""Scaling out: two processes' worth of clients split the gateway (two shards), on one
database. Each server's interactions reach the client holding its shard; one scheduler is
elected and sends each scheduled post once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import discord

from adapters.discord.client import ShardedStudyClient
from bot.edge import SimulatedClock
from tests.e2e.discord_bot import (
    ALICE,
    CHANNEL,
    MANAGE_GUILD,
    MOD,
    START,
    fake_discord,
    grouped,
    guild,
    running,
    sqlite_url,
    sub,
    text_of,
)

EVEN, ODD = 2 << 22, 3 << 22  # (id >> 22) % 2: shard 0 and shard 1


async def test_two_shards_split_the_servers_and_one_scheduler_posts(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    clock = SimulatedClock(START)
    async with (
        fake_discord(guild(EVEN, "Even"), guild(ODD, "Odd"), shard_count=2) as fake,
        running(fake, db, clock=clock, shard_count=2, shard_ids=[0]) as first,
        running(fake, db, clock=clock, shard_count=2, shard_ids=[1]) as second,
    ):
        assert isinstance(first.client, ShardedStudyClient)
        assert sorted(r.shard for r in fake.identifies) == [(0, 2), (1, 2)]
        seen: dict[str, list[int]] = {"first": [], "second": []}
        for name, bot in (("first", first), ("second", second)):
            handle = bot.interactions.handle

            async def spy(
                interaction: discord.Interaction, name: str = name, handle: object = handle
            ) -> None:
                seen[name].append(interaction.guild_id or 0)
                await handle(interaction)  # type: ignore[operator]

            bot.interactions.handle = spy  # type: ignore[method-assign]
        for gid in (EVEN, ODD):
            mod = {"user": MOD, "permissions": MANAGE_GUILD, "guild_id": gid}
            cb = await fake.wait_callback(
                await fake.send_command(
                    "studymod", grouped("config", "channel", channel=str(CHANNEL)), **mod
                )
            )
            assert "Saved" in text_of(cb.data)
            join = await fake.send_command("study", sub("join"), user=ALICE, guild_id=gid)
            assert (await fake.wait_callback(join)).accepted
        assert seen == {"first": [EVEN, EVEN], "second": [ODD, ODD]}

        await first.runtime.start_scheduling()
        await second.runtime.start_scheduling()
        assert [first.runtime.leader, second.runtime.leader] == [True, False]
        clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        await first.runtime.run_due()
        await second.runtime.run_due()
        # Both servers' rounds went out once, from the elected process (REST is not
        # bound to a shard).
        assert len(fake.messages(CHANNEL)) == 2
