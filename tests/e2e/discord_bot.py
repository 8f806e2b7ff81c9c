"""Run the real studybot Discord adapter (discord.py unmodified) against the fake Discord, on a
simulated clock whose scheduled posts the test sends by hand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from adapters.discord.client import Studybot
from adapters.discord.runner import DiscordAdapter
from adapters.discord.settings import DiscordSettings
from adapters.runtime import Runtime
from adapters.serve import serve
from bot.edge import SimulatedClock
from bot.settings import load_settings
from tests.conftest import FIXTURE_CONTENT
from tests.e2e.discord_fake import FakeChannel, FakeDiscord, FakeGuild, FakeUser

GUILD, CHANNEL, OTHER_CHANNEL = 1001, 2001, 2002
MANAGE_GUILD = 1 << 5
MOD = FakeUser(id=5001, name="mod")
ALICE = FakeUser(id=5002, name="alice")
BOB = FakeUser(id=5003, name="bob")
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday; daily posts at 09:00 UTC


def guild(gid: int = GUILD, name: str = "ML Study") -> FakeGuild:
    return FakeGuild(
        id=gid,
        name=name,
        channels=[FakeChannel(CHANNEL, "study"), FakeChannel(OTHER_CHANNEL, "general")],
        owner_id=MOD.id,
    )


@asynccontextmanager
async def fake_discord(*guilds: FakeGuild, **kwargs: Any) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=list(guilds) or [guild()], **kwargs) as fake:
        yield fake


@asynccontextmanager
async def running(
    fake: FakeDiscord,
    db_url: str,
    *,
    clock: SimulatedClock | None = None,
    shards: int = 1,
    content_dir: Path = FIXTURE_CONTENT,
    core: dict[str, Any] | None = None,
    **discord_settings: Any,
) -> AsyncIterator[Studybot]:
    """The bot connected to the fake (`shards` new gateway sessions), stopped cleanly after.
    `core`: settings of the bot itself (say, `image_wait`)."""
    ready = fake.identify_count + shards
    old = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    settings = load_settings(database_url=db_url, content_dir=content_dir, **(core or {}))
    ds = DiscordSettings(
        token=fake.token, api_url=fake.api_url, gateway_url=fake.gateway_url, **discord_settings
    )
    adapter = DiscordAdapter(ds)
    runtime = Runtime.build(
        settings, clock or SimulatedClock(START), {"discord": adapter.poster}, drive="manual"
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(runtime, [adapter], stop))
    try:
        waiting = asyncio.create_task(fake.wait_ready(timeout=10, count=ready))
        done, _ = await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            waiting.cancel()
            task.result()  # the start-up failure
        await waiting
        assert adapter.bot is not None
        yield adapter.bot
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old


def sub(name: str, **values: Any) -> list[dict[str, Any]]:
    """A `/study <name> k:v …` option list."""
    return [{"type": 1, "name": name, "options": _values(values)}]


def grouped(group: str, name: str, **values: Any) -> list[dict[str, Any]]:
    """A `/studymod <group> <name> k:v …` option list."""
    return [{"type": 2, "name": group, "options": sub(name, **values)}]


def _values(values: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for k, v in values.items():
        kind = 4 if isinstance(v, int) else 3
        out.append({"type": kind, "name": k, "value": v})
    return out


def text_of(message: dict[str, Any] | None) -> str:
    """Everything a member reads in a message: content, embed titles, descriptions, fields."""
    if message is None:
        return ""
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title", ""), e.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields", [])]
    return "\n".join(p for p in parts if p)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components", [])]


def dump(value: Any) -> str:
    return json.dumps(value, default=str)[:2000]


def sqlite_url(tmp_path: Path, name: str = "discord.db") -> str:
    return f"sqlite:///{tmp_path / name}"


MOD_KW: dict[str, Any] = {"user": MOD, "permissions": MANAGE_GUILD}


async def say(fake: FakeDiscord, root: str, options: list[dict[str, Any]], **kw: Any) -> str:
    """Run a command and return what its answer says (it must be accepted in time)."""
    cb = await fake.wait_callback(await fake.send_command(root, options, **kw))
    assert cb.accepted
    assert cb.latency < 3
    return text_of(cb.data)


async def open_round(fake: FakeDiscord, challenge_id: str, **kw: Any) -> dict[str, Any]:
    """A moderator sets the channel and posts `challenge_id` there; the round's message."""
    before = len(fake.messages(CHANNEL))
    await say(fake, "studymod", grouped("config", "channel", channel=str(CHANNEL)), **MOD_KW, **kw)
    posted = await say(
        fake,
        "studymod",
        grouped("challenge", "post-now", challenge_id=challenge_id),
        **MOD_KW,
        **kw,
    )
    assert "Posted round" in posted, posted
    return await fake.wait_message(CHANNEL, n=before + 1)
