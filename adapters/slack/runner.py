"""The Slack adapter as `studybot run` drives it: the HTTP endpoint on STUDYBOT_SLACK_HOST and
STUDYBOT_SLACK_PORT, or Socket Mode with SLACK_APP_TOKEN; on stop, the requests in flight are
answered before the server closes."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.runtime import Runtime
from adapters.slack.app import SingleTeam, build_app, web_app, web_client
from adapters.slack.handlers import PLATFORM, Handlers
from adapters.slack.members import Admins
from adapters.slack.poster import SlackPoster
from adapters.slack.settings import SlackSettings
from bot.edge import ConfigError, PermanentSendError

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0


class SlackAdapter:
    name = PLATFORM

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        self.client = web_client(settings, token)
        self._clients: dict[str, AsyncWebClient] = {}
        self.runtime: Runtime | None = None
        self.poster = SlackPoster(self.client_for, settings.channel_posts_per_second)
        self.handlers: Handlers | None = None
        self._site: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._stopped = asyncio.Event()
        self.ready = asyncio.Event()  # set once requests are being served
        self.port: int | None = None  # the port bound (STUDYBOT_SLACK_PORT=0 picks one)

    async def client_for(self, team: str) -> AsyncWebClient:
        """The Web API client for a team: the one bot token, or the team's installation's."""
        if not self.settings.oauth:
            return self.client
        assert self.runtime is not None
        found = await self.runtime.installation(PLATFORM, team)
        token = (found or {}).get("bot_token")
        if not token:
            raise PermanentSendError(f"the app is not installed in Slack team {team}")
        client = self._clients.get(token)
        if client is None:
            client = self._clients[token] = web_client(self.settings, token)
        return client

    async def start(self, runtime: Runtime) -> asyncio.Task[None]:
        self.runtime = runtime
        self.handlers = Handlers(runtime, Admins(self.settings.admin_cache_seconds),
                                 self.settings.ack_after)  # fmt: skip
        single = None if self.settings.oauth else SingleTeam(self.client)
        if single is not None:
            try:
                who = await single.prime()
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else "?"
                raise ConfigError(f"Slack refused SLACK_BOT_TOKEN ({error})") from None
            await runtime.workspace_joined(PLATFORM, str(who.team_id or ""))
            log.info("Slack: the bot of team %s (%s)", who.team_id, who.bot_user_id)
        # bolt gets a client of its own: each request gets the team's token from `authorize`.
        app = build_app(self.settings, runtime, web_client(self.settings), self.handlers, single)
        if self.settings.app_token is not None:
            self._socket = AsyncSocketModeHandler(
                app,
                self.settings.app_token.get_secret_value(),
                web_client=web_client(self.settings),
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack: connected in Socket Mode")
        else:
            self._site = web.AppRunner(web_app(app, runtime, self.settings), access_log=None)
            await self._site.setup()
            site = web.TCPSite(self._site, self.settings.host, self.settings.port)
            await site.start()
            server = getattr(site, "_server", None)
            sockets = getattr(server, "sockets", None) or []
            self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
            log.info("Slack: listening on %s:%s", self.settings.host, self.port)
        self.ready.set()
        return asyncio.create_task(self._until_stopped(), name="slack")

    async def _until_stopped(self) -> None:
        await self._stopped.wait()

    async def stop(self) -> None:
        if self.handlers is not None:
            await self.handlers.drain(DRAIN_SECONDS)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._site is not None:
            await self._site.cleanup()
        self._stopped.set()
