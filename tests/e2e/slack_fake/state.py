"""The fake Slack's state: the workspace, the tokens it knows, and every record (calls, messages,
files, views, response_url posts, Socket Mode traffic), with waits that wake on each change."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .models import (
    JSON,
    ApiCall,
    FailureRule,
    FakeSlackChannel,
    FakeSlackUser,
    PendingUpload,
    SlackError,
    SocketConnection,
    TokenInfo,
    Trigger,
    UploadedFile,
)

T = TypeVar("T")


class Changes:
    """Wakes every waiter whenever a record is added; waits poll a predicate, never the clock."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(
        self,
        found: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109
        describe: Callable[[], str],
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = found()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{describe()} (waited {timeout}s)")
            waiter = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)


@dataclass
class Workspace:
    team_id: str
    team_name: str
    bot_user_id: str
    bot_token: str
    bot_id: str = "B0001"
    bot_name: str = "studybot"
    app_id: str = "A0001"
    app_token: str | None = None  # None: any xapp- token opens Socket Mode connections
    client_id: str = "1111.2222"
    client_secret: str = "fake-client-secret"
    trigger_ttl: float = 3.0
    response_url_limit: int = 5

    @property
    def domain(self) -> str:
        return "-".join(self.team_name.lower().split()) or self.team_id.lower()


@dataclass
class SocketRecords:
    tickets: set[str] = field(default_factory=set)
    connections: list[SocketConnection] = field(default_factory=list)
    sent: dict[str, tuple[float, JSON]] = field(default_factory=dict)  # envelope_id -> (at, env)
    acks: dict[str, tuple[float, JSON]] = field(default_factory=dict)  # envelope_id -> (at, ack)


class SlackState:
    def __init__(
        self,
        workspace: Workspace,
        users: Sequence[FakeSlackUser],
        channels: Sequence[FakeSlackChannel],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ws = workspace
        self.clock = clock  # epoch seconds: message ts, event_time
        bot = FakeSlackUser(workspace.bot_user_id, workspace.bot_name, is_bot=True)
        self.users: dict[str, FakeSlackUser] = {u.id: u for u in [bot, *users]}
        self.channels: dict[str, FakeSlackChannel] = {c.id: c for c in channels}
        self.dms: dict[str, str] = {}  # user id -> D channel id
        self.tokens: dict[str, TokenInfo] = {}
        self.add_token(workspace.bot_token, "bot", workspace.team_id, workspace.team_name)
        self.calls: list[ApiCall] = []
        self.messages: dict[str, list[JSON]] = {}
        self.ephemerals: dict[str, list[JSON]] = {}
        self.files: list[UploadedFile] = []
        self.uploads: dict[str, PendingUpload] = {}
        self.response_urls: dict[str, list[JSON]] = {}
        self.views_opened: list[JSON] = []
        self.views: dict[str, JSON] = {}  # view id -> current view (as answered)
        self.triggers: dict[str, Trigger] = {}
        self.oauth_codes: dict[
            str, tuple[str, str, str, str]
        ] = {}  # code -> team, name, user, scope
        self.failures: list[FailureRule] = []
        self.socket = SocketRecords()
        self.base_url = ""  # http://127.0.0.1:<port>, set when the server starts
        self.changes = Changes()
        self._ids = itertools.count(1)
        self._last_ts = 0

    # -- ids and time ------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def next_ts(self) -> str:
        """Message ts "1700000000.000100": the clock in microseconds, strictly increasing."""
        now = int(self.clock() * 1_000_000)
        self._last_ts = max(now, self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.notify()

    def notify(self) -> None:
        self.changes.notify()

    # -- tokens, channels, users ----------------------------------------------------------------

    def add_token(self, token: str, kind: str, team_id: str, team_name: str) -> TokenInfo:
        info = TokenInfo(token, kind, team_id, team_name)
        self.tokens[token] = info
        return info

    def token_info(self, token: str | None) -> TokenInfo:
        if not token:
            raise SlackError("not_authed")
        info = self.tokens.get(token)
        if info is None and token.startswith("xapp-") and self.ws.app_token is None:
            info = self.add_token(token, "app", self.ws.team_id, self.ws.team_name)
        if info is None:
            raise SlackError("invalid_auth")
        if info.revoked:
            raise SlackError("token_revoked")
        return info

    def user(self, user_id: str) -> FakeSlackUser:
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    def open_dm(self, user_id: str) -> str:
        self.user(user_id)
        if user_id not in self.dms:
            self.dms[user_id] = self.new_id("D")
        return self.dms[user_id]

    def dm_user(self, channel_id: str) -> str | None:
        return next((u for u, d in self.dms.items() if d == channel_id), None)

    def postable_channel(self, channel: str) -> str:
        """The channel id a bot post lands in: a member channel, an opened DM, or a user's DM."""
        if channel in self.channels:
            found = self.channels[channel]
            if found.is_archived:
                raise SlackError("is_archived")
            if not found.bot_is_member:
                raise SlackError("not_in_channel")
            return channel
        if self.dm_user(channel) is not None:
            return channel
        if channel in self.users:  # Slack posts to the app's DM with that user
            return self.open_dm(channel)
        raise SlackError("channel_not_found")

    def channel_name(self, channel_id: str) -> str:
        if channel_id in self.channels:
            return self.channels[channel_id].name
        return "directmessage" if self.dm_user(channel_id) else "privategroup"

    def find_message(self, channel: str, ts: str) -> JSON | None:
        pool = [*self.messages.get(channel, []), *self.ephemerals.get(channel, [])]
        return next((m for m in pool if m.get("ts") == ts), None)

    # -- triggers, response URLs, oauth codes, failures ---------------------------------------

    def issue_trigger(self, user_id: str, age: float = 0.0) -> str:
        trigger_id = f"{next(self._ids)}.{int(self.clock())}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(trigger_id, time.monotonic() - age, user_id)
        return trigger_id

    def exchange_trigger(self, trigger_id: object) -> Trigger:
        if not isinstance(trigger_id, str) or trigger_id.count(".") != 2:
            raise SlackError("invalid_trigger_id")
        trigger = self.triggers.get(trigger_id)
        if trigger is None or time.monotonic() - trigger.issued_at > self.ws.trigger_ttl:
            raise SlackError("expired_trigger_id")
        if trigger.exchanged:
            raise SlackError("exchanged_trigger_id")
        trigger.exchanged = True
        return trigger

    def new_response_id(self) -> str:
        response_id = self.new_id("R")
        self.response_urls.setdefault(response_id, [])
        return response_id

    def response_url(self, response_id: str) -> str:
        self.response_urls.setdefault(response_id, [])
        return f"{self.base_url}/hooks/response/{self.ws.team_id}/{response_id}"

    def issue_oauth_code(self, team_id: str, team_name: str, user_id: str, scope: str) -> str:
        code = f"{next(self._ids)}.{secrets.token_hex(12)}"
        self.oauth_codes[code] = (team_id, team_name, user_id, scope)
        return code

    def take_failure(self, method: str) -> FailureRule | None:
        for rule in self.failures:
            if rule.method == method and rule.times > 0:
                rule.times -= 1
                if rule.times == 0:
                    self.failures.remove(rule)
                return rule
        return None
