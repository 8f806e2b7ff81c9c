"""A bare discord.py client pointed at a FakeDiscord: no studybot code, an on_interaction that
answers every interaction with an ephemeral "ok" (autocomplete with no choices). The baseline
the adapter is compared against, and the client the fake's self-test drives."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import discord
import yarl

from .fake import FakeDiscord

InteractionHandler = Callable[[discord.Interaction], Awaitable[None]]

# discord.py fires on_ready guild_ready_timeout seconds after the last GUILD_CREATE (default
# 2.0); the fake sends every GUILD_CREATE at once, so a short wait loses nothing.
FAST_GUILD_READY = 0.05


async def reply_ok(interaction: discord.Interaction) -> None:
    if interaction.type is discord.InteractionType.autocomplete:
        await interaction.response.autocomplete([])
    else:
        await interaction.response.send_message("ok", ephemeral=True)


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Points discord.py's REST base and default gateway at the fake, restoring them after."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def start_client(
    client: discord.Client, token: str, *, ready_within: float = 5.0
) -> asyncio.Task[None]:
    """Logs in, connects in a task and waits for on_ready; returns the connect task."""
    try:
        await client.login(token)
    except BaseException:
        await client.close()
        raise
    task = asyncio.create_task(client.connect())
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=ready_within, return_when="FIRST_COMPLETED")
    if ready in done:
        return task
    ready.cancel()
    await stop_client(client, task)
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise RuntimeError("discord.py stopped before on_ready") from task.exception()
    raise TimeoutError(f"discord.py was not ready within {ready_within}s")


async def stop_client(client: discord.Client, task: asyncio.Task[None]) -> None:
    """Closes the client (websocket, HTTP session) and waits for its connect task to end."""
    await client.close()
    with contextlib.suppress(discord.DiscordException, OSError):
        await asyncio.wait_for(task, 5.0)


@contextlib.asynccontextmanager
async def bare_client(
    fake: FakeDiscord,
    *,
    handler: InteractionHandler | None = reply_ok,
    intents: discord.Intents | None = None,
    ready_within: float = 5.0,
    **options: Any,
) -> AsyncIterator[discord.Client]:
    """A connected, ready bare client; `handler` answers every interaction (None: no handler)."""
    options.setdefault("guild_ready_timeout", FAST_GUILD_READY)
    with pointed_at(fake):
        client = discord.Client(intents=intents or discord.Intents.default(), **options)
        if handler is not None:

            async def on_interaction(interaction: discord.Interaction) -> None:
                await handler(interaction)

            client.event(on_interaction)
        task = await start_client(client, fake.token, ready_within=ready_within)
        try:
            yield client
        finally:
            await stop_client(client, task)
