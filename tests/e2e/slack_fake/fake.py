"""FakeSlack: one aiohttp app on 127.0.0.1 serving the Web API (/api/<method>), response URLs
(/hooks/response/...), file upload URLs (/upload/v1/...) and Socket Mode (/socket), plus the
tests' side: records, waits, failures to inject, triggers and OAuth codes to issue."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Self, TypeVar

from aiohttp import web

from .hooks import Hooks
from .models import (
    JSON,
    ApiCall,
    FailureRule,
    FakeSlackChannel,
    FakeSlackUser,
    SocketConnection,
    UploadedFile,
)
from .socket_mode import SocketModeServer
from .state import SlackState, Workspace
from .web_api import WebApi

T = TypeVar("T")
DEFAULT_APP_TOKEN = "xapp-1-A0001-1-fake"
DEFAULT_SCOPES = "commands,chat:write,chat:write.public,im:write,users:read,files:write"


class FakeSlack:
    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "ML Study",
        bot_user_id: str = "UBOT",
        bot_token: str = "xoxb-fake",
        users: Sequence[FakeSlackUser] = (),
        channels: Sequence[FakeSlackChannel] = (),
        bot_id: str = "B0001",
        bot_name: str = "studybot",
        app_id: str = "A0001",
        app_token: str | None = None,
        client_id: str = "1111.2222",
        client_secret: str = "fake-client-secret",
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`app_token` None: any xapp- token opens Socket Mode (`fake.app_token` is one to use);
        `clock` gives the epoch seconds behind message ts and event_time."""
        workspace = Workspace(
            team_id=team_id,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_token=bot_token,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            app_token=app_token,
            client_id=client_id,
            client_secret=client_secret,
            trigger_ttl=trigger_ttl,
        )
        self.state = SlackState(workspace, users, channels, clock)
        if app_token is not None:
            self.state.add_token(app_token, "app", team_id, team_name)
        self.hooks = Hooks(self.state)
        self._web_api = WebApi(self.state)
        self._socket = SocketModeServer(self.state)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/api/{method}", self._web_api.handle)
        app.router.add_route("POST", "/api/{method}", self._web_api.handle)
        app.router.add_post("/hooks/response/{team}/{response_id}", self.hooks.response_url)
        app.router.add_post("/upload/v1/{file_id}", self.hooks.upload)
        app.router.add_get("/socket", self._socket.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self.state.base_url = self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._socket.close()
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

    # -- addresses and identity ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """AsyncWebClient(base_url=fake.api_url): with the trailing slash slack-sdk joins onto."""
        return f"{self.base_url}/api/"

    @property
    def bot_token(self) -> str:
        return self.state.ws.bot_token

    @property
    def app_token(self) -> str:
        return self.state.ws.app_token or DEFAULT_APP_TOKEN

    @property
    def team_id(self) -> str:
        return self.state.ws.team_id

    @property
    def bot_user_id(self) -> str:
        return self.state.ws.bot_user_id

    # -- records -------------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        return self.state.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.state.calls if c.method == method]

    def messages(self, channel: str) -> list[JSON]:
        """Messages in a channel, oldest first (bot posts, shared files, in_channel responses);
        chat.update edits them in place, chat.delete removes them."""
        return list(self.state.messages.get(channel, []))

    def ephemerals(self, channel: str) -> list[JSON]:
        return list(self.state.ephemerals.get(channel, []))

    @property
    def files(self) -> list[UploadedFile]:
        return self.state.files

    @property
    def response_urls(self) -> dict[str, list[JSON]]:
        return self.state.response_urls

    @property
    def views_opened(self) -> list[JSON]:
        return self.state.views_opened

    @property
    def views(self) -> dict[str, JSON]:
        """Every view the bot opened, pushed, updated or published, by view id, as Slack holds it."""
        return self.state.views

    @property
    def socket_connections(self) -> list[SocketConnection]:
        return self.state.socket.connections

    # -- waits -----------------------------------------------------------------------------------

    async def wait_until(
        self,
        found: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> T:
        """Waits (without polling the clock) until `found()` returns something other than None."""
        return await self.state.changes.wait_until(found, timeout, lambda: f"no {what}")

    async def wait_call(self, method: str, n: int = 1, timeout: float = 5.0) -> ApiCall:  # noqa: ASYNC109
        """The n-th call (1-based) to `method`, once it has been answered."""

        def found() -> ApiCall | None:
            calls = self.calls_to(method)
            return calls[n - 1] if len(calls) >= n else None

        return await self.state.changes.wait_until(
            found, timeout, lambda: f"{method} called {len(self.calls_to(method))} times, not {n}"
        )

    async def wait_response(self, response_id: str, n: int = 1, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        """The n-th post the bot made to a response_url."""

        def found() -> JSON | None:
            posts = self.state.response_urls.get(response_id, [])
            return posts[n - 1] if len(posts) >= n else None

        def describe() -> str:
            posts = self.state.response_urls.get(response_id, [])
            return f"response_url {response_id} got {len(posts)} posts, not {n}"

        return await self.state.changes.wait_until(found, timeout, describe)

    async def wait_message(self, channel: str, n: int = 1, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        """The n-th message in a channel."""

        def found() -> JSON | None:
            messages = self.state.messages.get(channel, [])
            return messages[n - 1] if len(messages) >= n else None

        return await self.state.changes.wait_until(
            found, timeout, lambda: f"{channel} has {len(self.messages(channel))} messages, not {n}"
        )

    # -- what the tests inject and issue ---------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        headers: Mapping[str, str] | None = None,
        body: JSON | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` answer `status` (429 with Retry-After: 1 and
        ratelimited unless told), or e.g. status=200, body={"ok": False, "error": "..."}.
        method "response_url" fails response_url posts instead."""
        if headers is None:
            headers = {"Retry-After": "1"} if status == 429 else {}
        self.state.failures.append(FailureRule(method, status, dict(headers), body or {}, times))

    def new_response_id(self) -> str:
        return self.state.new_response_id()

    def response_url(self, response_id: str) -> str:
        """A URL on the fake the bot can POST to like Slack's response_url (5 posts at most)."""
        return self.state.response_url(response_id)

    def issue_trigger_id(self, user: str = "", age: float = 0.0) -> str:
        """A trigger_id as if Slack had just sent one; `age` seconds old (3+ s: expired)."""
        return self.state.issue_trigger(user, age)

    def issue_oauth_code(
        self,
        team_id: str | None = None,
        team_name: str | None = None,
        user_id: str = "U0INSTALLER",
        scope: str = DEFAULT_SCOPES,
    ) -> str:
        """A one-time code oauth.v2.access exchanges for xoxb-installed-<team_id>."""
        ws = self.state.ws
        return self.state.issue_oauth_code(
            team_id or ws.team_id, team_name or ws.team_name, user_id, scope
        )

    def revoke_token(self, token: str) -> None:
        """Later calls with this token answer token_revoked."""
        self.state.token_info(token).revoked = True

    # -- Socket Mode -----------------------------------------------------------------------------

    async def socket_send(
        self,
        envelope_type: str,
        payload: JSON,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        """Sends an envelope over the newest open connection (waiting up to `timeout` for one);
        returns its envelope_id."""
        return await self._socket.send(
            envelope_type,
            payload,
            accepts_response=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            timeout=timeout,
        )

    async def wait_socket_ack(self, envelope_id: str, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        acks = self.state.socket.acks
        return await self.state.changes.wait_until(
            lambda: acks[envelope_id][1] if envelope_id in acks else None,
            timeout,
            lambda: f"no ack for envelope {envelope_id}",
        )

    async def wait_socket_connected(self, timeout: float = 5.0, n: int = 1) -> SocketConnection:  # noqa: ASYNC109
        """The n-th Socket Mode connection (n=2: the one after a reconnect), once it is open."""

        def found() -> SocketConnection | None:
            connections = self.state.socket.connections
            return connections[n - 1] if len(connections) >= n else None

        return await self.state.changes.wait_until(
            found, timeout, lambda: f"{len(self.socket_connections)} connections, not {n}"
        )

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        await self._socket.disconnect(reason)

    async def socket_drop(self) -> None:
        await self._socket.drop()
