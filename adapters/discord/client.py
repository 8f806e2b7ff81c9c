"""The discord.py client: no privileged intents, no pings, and the events studybot uses.

One process runs a plain client, or, with STUDYBOT_DISCORD_SHARD_COUNT set, an
AutoShardedClient for the shards in STUDYBOT_DISCORD_SHARD_IDS (all of them by default).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import yarl

from adapters.discord.interactions import PLATFORM, Interactions
from adapters.discord.settings import DiscordSettings
from adapters.discord.sync import sync_commands
from adapters.runtime import Runtime

log = logging.getLogger(__name__)

# A 429 asking for a longer wait than this raises discord.RateLimited (a RetryAfter for the
# scheduler) instead of sleeping inside the request; discord.py's floor is 30 s.
MAX_RATELIMIT_WAIT = 30.0


def point_at(settings: DiscordSettings) -> None:
    """Where discord.py connects: Discord, a REST proxy, or a fake in the tests. These are
    discord.py's own class attributes, so they hold for every client in the process."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


class StudyEvents:
    """The events studybot handles, mixed into a discord.py client class."""

    studybot: Studybot

    async def setup_hook(self) -> None:
        await self.studybot.setup()

    async def on_ready(self) -> None:
        client = self.studybot.client
        log.info("connected to Discord as %s in %d server(s)", client.user, len(client.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.studybot.interactions.handle(interaction)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.studybot.runtime.workspace_joined(PLATFORM, str(guild.id), guild.name)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.studybot.runtime.workspace_joined(PLATFORM, str(guild.id), guild.name)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        log.info("removed from server %s: its posts stop, its data stays", guild.id)
        await self.studybot.runtime.workspace_left(PLATFORM, str(guild.id))


class StudyClient(StudyEvents, discord.Client):
    pass


class ShardedStudyClient(StudyEvents, discord.AutoShardedClient):
    pass


def make_client(settings: DiscordSettings) -> discord.Client:
    # studybot never joins voice: no warning about voice libraries it does not need.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    options: dict[str, Any] = {
        "intents": discord.Intents.default(),  # guilds and the like; nothing privileged
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
        "enable_debug_events": False,
    }
    if settings.shard_count is not None:
        if settings.shard_ids:
            options["shard_ids"] = settings.shard_ids
        return ShardedStudyClient(shard_count=settings.shard_count, **options)
    return StudyClient(**options)


class Studybot:
    """The client, the runtime and the interaction handler, wired together."""

    def __init__(self, client: discord.Client, runtime: Runtime, settings: DiscordSettings):
        self.client = client
        self.runtime = runtime
        self.settings = settings
        self.interactions = Interactions(runtime, settings.defer_after)
        assert isinstance(client, StudyEvents)
        client.studybot = self

    async def setup(self) -> None:
        """After login, before the gateway: the commands (in setup_hook, not on_ready, which
        fires again after every reconnect). The runtime has started already."""
        await sync_commands(self.client, self.runtime, self.settings.guild_ids)
        log.info(
            "logged in to Discord as %s (application %s)",
            self.client.user,
            self.client.application_id,
        )
