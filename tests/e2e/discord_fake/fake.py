"""FakeDiscord: one aiohttp app on 127.0.0.1 serving the REST API under /api/v10 and the
gateway at /gateway, plus the tests' side of it: records, waits, interactions to drive, and
failures to inject."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self, TypeVar

from aiohttp import web

from . import payloads, routes, webhooks
from .driver import InteractionDriver
from .gateway import Gateway
from .models import (
    JSON,
    CommandSync,
    FailureRule,
    FakeGuild,
    FakeUser,
    Followup,
    IdentifyRecord,
    InteractionCallback,
    RecordedRequest,
)
from .rest import RateLimits, RestApi
from .store import FakeState

DEFAULT_TOKEN = "fake-token.abc.def"
T = TypeVar("T")


def _default_body(status: int) -> JSON:
    if status == 429:
        return {
            "message": "You are being rate limited.",
            "retry_after": 0.05,
            "global": False,
            "code": 0,
        }
    if status >= 500:
        return {"message": f"{status}: Internal Server Error", "code": 0}
    return {"message": f"{status}: injected failure", "code": 0}


class FakeDiscord(InteractionDriver):
    def __init__(
        self,
        *,
        application_id: int = 111,
        bot_user_id: int | None = None,
        bot_name: str = "StudyBot",
        guilds: Sequence[FakeGuild] = (),
        token: str = DEFAULT_TOKEN,
        owner: FakeUser | None = None,
        shard_count: int = 1,
        ack_deadline: float = 3.0,
        rate_limit: int = 50,
        rate_window: float = 1.0,
    ) -> None:
        """`shard_count` is what GET /gateway/bot recommends; `ack_deadline` is the 3-second
        interaction window; `rate_limit` requests per `rate_window` seconds per bucket are
        reported in the X-RateLimit-* headers (discord.py waits when Remaining reaches 0)."""
        bot = FakeUser(bot_user_id or application_id, bot_name, bot=True)
        self.state = FakeState(
            application_id=application_id,
            bot_user=bot,
            owner=owner or FakeUser(9001, "owner"),
            token=token,
            guilds=list(guilds),
            ack_deadline=ack_deadline,
        )
        self._gateway = Gateway(self.state)
        self._rest = RestApi(self.state, [*routes.ROUTES, *webhooks.ROUTES], shard_count)
        self._rest.rate_limits = RateLimits(rate_limit, rate_window)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self._gateway.url = self._rest.gateway_url = self.gateway_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._gateway.close()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def bot_user(self) -> FakeUser:
        return self.state.bot_user

    @property
    def shard_count(self) -> int:
        return self._rest.shard_count

    @shard_count.setter
    def shard_count(self, value: int) -> None:
        self._rest.shard_count = value

    @property
    def ack_deadline(self) -> float:
        return self.state.ack_deadline

    @ack_deadline.setter
    def ack_deadline(self, value: float) -> None:
        self.state.ack_deadline = value

    # -- records -----------------------------------------------------------------------------

    @property
    def identify_count(self) -> int:
        return self._gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self._gateway.resume_count

    @property
    def sessions(self) -> int:
        """How many websocket connections are open."""
        return self._gateway.open_connections

    @property
    def identifies(self) -> list[IdentifyRecord]:
        return self.state.identifies

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests

    @property
    def command_syncs(self) -> list[CommandSync]:
        return self.state.command_syncs

    @property
    def callbacks(self) -> list[InteractionCallback]:
        return self.state.callbacks

    @property
    def followups(self) -> list[Followup]:
        return self.state.followups

    def commands(self, scope: str = "global") -> list[JSON]:
        return copy.deepcopy(self.state.registered.get(scope, []))

    def messages(self, channel_id: int, *, include_interactions: bool = False) -> list[JSON]:
        """Messages created in the channel by POST /channels/{id}/messages (not deleted); with
        include_interactions also the non-ephemeral interaction responses and follow-ups."""
        return self.state.messages(channel_id, include_interactions=include_interactions)

    def dm_channel_for(self, user_id: int) -> int | None:
        return self.state.dm_by_user.get(user_id)

    def response_for(self, interaction_id: str | int) -> JSON | None:
        return self.state.response_for(str(interaction_id))

    def interaction_payload(self, interaction_id: str | int) -> JSON:
        return copy.deepcopy(self.state.interactions[str(interaction_id)].payload)

    # -- waiting -----------------------------------------------------------------------------

    async def _wait(self, probe: Callable[[], T | None], within: float, what: str) -> T:
        try:
            return await self.state.notifier.wait_until(probe, within)
        except TimeoutError:
            raise TimeoutError(f"fake Discord: no {what} within {within}s") from None

    async def wait_ready(self, timeout: float = 5.0, count: int = 1) -> None:  # noqa: ASYNC109
        await self._wait(lambda: self._gateway.ready_count >= count or None, timeout, "READY")

    async def wait_resumed(self, timeout: float = 5.0, count: int = 1) -> None:  # noqa: ASYNC109
        await self._wait(lambda: self._gateway.resume_count >= count or None, timeout, "RESUME")

    async def wait_callback(
        self,
        interaction_id: str | int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> InteractionCallback:
        iid = str(interaction_id)

        def probe() -> InteractionCallback | None:
            return next((c for c in self.state.callbacks if c.interaction_id == iid), None)

        return await self._wait(probe, timeout, f"callback for {iid}")

    async def wait_followup(
        self,
        interaction_id: str | int,
        timeout: float = 5.0,  # noqa: ASYNC109
        n: int = 1,
    ) -> Followup:
        iid = str(interaction_id)

        def probe() -> Followup | None:
            mine = [f for f in self.state.followups if f.interaction_id == iid]
            return mine[n - 1] if len(mine) >= n else None

        return await self._wait(probe, timeout, f"follow-up #{n} for {iid}")

    async def wait_message(
        self,
        channel_id: int,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JSON:
        def probe() -> JSON | None:
            mine = self.state.messages(channel_id)
            return mine[n - 1] if len(mine) >= n else None

        return await self._wait(probe, timeout, f"message #{n} in {channel_id}")

    # -- failure injection -----------------------------------------------------------------

    def fail_next(
        self,
        method: str | None = None,
        path_regex: str = ".*",
        status: int = 500,
        body: JSON | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests matching method and path (without /api/v10) fail."""
        rule = FailureRule(
            method,
            re.compile(path_regex),
            status,
            body if body is not None else _default_body(status),
            dict(headers or {}),
            times,
        )
        self.state.failures.append(rule)

    def deny_channel(self, channel_id: int) -> None:
        self.state.denied_channels.add(channel_id)

    def allow_channel(self, channel_id: int) -> None:
        self.state.denied_channels.discard(channel_id)

    def close_dms(self, user_id: int) -> None:
        self.state.closed_dms.add(user_id)

    def open_dms(self, user_id: int) -> None:
        self.state.closed_dms.discard(user_id)

    # -- gateway controls --------------------------------------------------------------------

    async def drop_connection(self, code: int = 4000, shard_id: int | None = None) -> None:
        await self._gateway.drop(code, shard_id)

    async def send_reconnect(self, shard_id: int | None = None) -> None:
        await self._gateway.reconnect(shard_id)

    async def add_guild(self, guild: FakeGuild) -> None:
        self.state.add_guild(guild)
        owner = self._gateway.owner(guild.id)
        if owner is not None:
            data = payloads.guild_create_payload(guild, self.state.bot_user)
            del data["unavailable"]  # no "unavailable" key: discord.py's cue for on_guild_join
            await self._gateway.dispatch(owner, "GUILD_CREATE", data)

    async def remove_guild(self, guild_id: int) -> None:
        owner = self._gateway.owner(guild_id)
        self.state.remove_guild(guild_id)
        if owner is not None:
            await self._gateway.dispatch(owner, "GUILD_DELETE", {"id": str(guild_id)})
