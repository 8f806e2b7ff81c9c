"""The Discord adapter as `studybot run` drives it: log in (which syncs the commands), keep the
gateway in a task, and on stop answer the interactions in flight before closing it."""

from __future__ import annotations

import asyncio
import logging

from adapters.discord.client import Studybot, make_client, point_at
from adapters.discord.interactions import Interactions
from adapters.discord.poster import DiscordPoster
from adapters.discord.settings import DiscordSettings
from adapters.runtime import Runtime

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0


class DiscordAdapter:
    name = "discord"

    def __init__(self, settings: DiscordSettings) -> None:
        point_at(settings)
        self.settings = settings
        self.client = make_client(settings)
        self.poster = DiscordPoster(self.client, settings.posts_per_second)
        self.bot: Studybot | None = None

    @property
    def interactions(self) -> Interactions:
        assert self.bot is not None, "not started"
        return self.bot.interactions

    async def start(self, runtime: Runtime) -> asyncio.Task[None]:
        self.bot = Studybot(self.client, runtime, self.settings)
        token = self.settings.token.get_secret_value()
        try:
            await self.client.login(token)  # runs setup_hook: the commands are synced
        except BaseException:
            await self.client.close()
            raise
        return asyncio.create_task(self.client.connect(), name="discord gateway")

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.interactions.drain(DRAIN_SECONDS)
        await self.client.close()
