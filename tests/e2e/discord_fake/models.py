"""The fake's vocabulary: the guild/channel/user model the tests declare, the records the fake
keeps of what discord.py sent it, snowflakes, and a notifier that every waiter waits on."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

JSON = dict[str, Any]
T = TypeVar("T")

DISCORD_EPOCH_MS = 1_420_070_400_000

# The permissions a bot invited with the usual scopes gets from its managed role: view channel,
# send messages, embed links, attach files, read message history, use external emojis, add
# reactions, use application commands.
DEFAULT_BOT_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 6) | (1 << 31)
)


class Snowflakes:
    """Discord-style ids: milliseconds since the Discord epoch in the high bits, strictly rising."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


class Notifier:
    """Wakes every waiter whenever the fake's records change; waiters re-check a predicate."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(self, probe: Callable[[], T | None], limit: float | None) -> T:
        """The first non-None value of probe(); TimeoutError after `limit` seconds."""
        async with asyncio.timeout(limit):
            while True:
                value = probe()
                if value is not None:
                    return value
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter


@dataclass(frozen=True)
class FakeUser:
    id: int
    name: str
    global_name: str | None = None
    bot: bool = False


@dataclass(frozen=True)
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 1


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = 0
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None


@dataclass
class FakeGuild:
    id: int
    name: str
    channels: list[FakeChannel] = field(default_factory=list)
    owner_id: int = 0
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeUser] = field(default_factory=list)
    everyone_permissions: int = 0
    bot_permissions: int = DEFAULT_BOT_PERMISSIONS
    locale: str = "en-US"

    @property
    def bot_role_id(self) -> int:
        """The id of the bot's managed role (derived, so it never clashes with the guild id)."""
        return self.id + 1_000_000


@dataclass
class RecordedRequest:
    """One REST request, as discord.py sent it; `status` is what the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    at: float
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CommandSync:
    scope: str
    payload: list[JSON]
    at: float
    status: int = 200


@dataclass
class InteractionCallback:
    """POST /interactions/{id}/{token}/callback. `late` callbacks came after the ack deadline."""

    interaction_id: str
    type: int | None
    data: JSON | None
    at: float
    latency: float
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 204
    late: bool = False
    error_code: int | None = None

    @property
    def accepted(self) -> bool:
        return self.status < 300


@dataclass
class Followup:
    """A webhook call with an interaction token: POST (followup) or PATCH/DELETE of a message."""

    interaction_id: str
    method: str
    message_id: str | None
    data: JSON | None
    at: float
    latency: float
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 200
    error_code: int | None = None

    @property
    def accepted(self) -> bool:
        return self.status < 300


@dataclass
class IdentifyRecord:
    session_id: str
    intents: int | None
    shard: tuple[int, int]
    at: float


@dataclass
class FailureRule:
    method: str | None
    pattern: re.Pattern[str]
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.pattern.search(path) is not None


@dataclass
class InteractionState:
    """What the fake knows about one interaction it dispatched."""

    id: str
    token: str
    type: int
    payload: JSON
    guild_id: int | None
    channel_id: int
    message_id: int | None = None
    dispatched_at: float | None = None
    ack_type: int | None = None
    late: bool = False
    callback_data: JSON | None = None
    original_id: int | None = None
    original_resolved: bool = False
    followup_ids: list[int] = field(default_factory=list)
