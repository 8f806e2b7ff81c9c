"""`studybot run` with a Discord token: the runtime, the client, and a graceful stop.

SIGTERM or Ctrl-C closes the gateway after the interactions in flight are answered, stops
the scheduler (a post being sent finishes; the ledger has the rest), and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from adapters.discord.client import Studybot, make_client, point_at
from adapters.discord.interactions import PLATFORM
from adapters.discord.poster import DiscordPoster
from adapters.discord.settings import DiscordSettings
from adapters.runtime import Drive, Runtime
from bot.edge import Clock
from bot.settings import Settings

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0


def build(
    settings: Settings, discord_settings: DiscordSettings, clock: Clock, drive: Drive = "service"
) -> Studybot:
    """The bot, not yet connected. `drive`: how scheduled posts are driven (the tests step a
    simulated clock by hand)."""
    point_at(discord_settings)
    client = make_client(discord_settings)
    poster = DiscordPoster(client, discord_settings.posts_per_second)
    runtime = Runtime.build(settings, clock, {PLATFORM: poster}, drive=drive)
    return Studybot(client, runtime, discord_settings)


async def serve(bot: Studybot, stop: asyncio.Event) -> None:
    """Run until the gateway fails for good or `stop` is set."""
    token = bot.settings.token.get_secret_value()
    client = bot.client
    try:
        async with client:
            running = asyncio.create_task(client.start(token))
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if stopping not in done:
                await running  # the gateway failed for good: re-raise why
                return
            log.info("stopping: answering the interactions in flight")
            await bot.interactions.drain(DRAIN_SECONDS)
            await client.close()
            try:
                await running
            except Exception:  # a start cut short by the stop itself
                log.debug("the Discord client stopped while starting", exc_info=True)
    finally:
        await bot.runtime.stop()


async def run_discord(settings: Settings, discord_settings: DiscordSettings, clock: Clock) -> None:
    bot = build(settings, discord_settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await serve(bot, stop)
