"""The fake Slack's data: the workspace it is given (users, channels) and the records it keeps
(Web API calls, uploaded files, Socket Mode connections), plus the error type handlers raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class FakeSlackUser:
    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    real_name: str = ""
    display_name: str = ""
    tz: str = "Europe/London"
    tz_offset: int = 0
    deleted: bool = False

    def __post_init__(self) -> None:
        self.real_name = self.real_name or self.name.title()


@dataclass
class FakeSlackChannel:
    id: str
    name: str
    bot_is_member: bool = True
    is_private: bool = False
    members: list[str] | None = None  # None: every workspace user is a member
    is_archived: bool = False

    def has_member(self, user_id: str) -> bool:
        return self.members is None or user_id in self.members


@dataclass
class ApiCall:
    """One Web API request as the fake saw it and answered it."""

    method: str  # "chat.postMessage"
    args: JSON  # query, form and JSON body merged; JSON strings (blocks, metadata...) decoded
    token: str | None  # from Authorization: Bearer, else the token argument
    at: float  # time.monotonic() on arrival
    status: int = 200
    response: JSON = field(default_factory=dict)
    http_verb: str = "POST"
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass
class UploadedFile:
    filename: str
    content: bytes
    title: str | None
    channel_id: str | None
    initial_comment: str | None
    file_id: str
    thread_ts: str | None = None
    declared_length: int | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None


@dataclass
class PendingUpload:
    """A files.getUploadURLExternal grant; `content` is set once the bot POSTs the bytes."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False


@dataclass
class FailureRule:
    method: str
    status: int
    headers: dict[str, str]
    body: JSON
    times: int


@dataclass
class TokenInfo:
    token: str
    kind: str  # "bot" | "app"
    team_id: str
    team_name: str
    revoked: bool = False


@dataclass
class Trigger:
    trigger_id: str
    issued_at: float  # time.monotonic()
    user_id: str
    exchanged: bool = False


@dataclass
class SocketConnection:
    """One Socket Mode websocket the client opened."""

    number: int  # 1 for the first connection, 2 after a reconnect...
    ticket: str
    opened_at: float
    hello: JSON
    closed_at: float | None = None
    pings: int = 0  # websocket PING frames the client sent
    received: list[JSON] = field(default_factory=list)  # every JSON text message the client sent

    @property
    def open(self) -> bool:
        return self.closed_at is None


class SlackError(Exception):
    """Raised by a Web API handler: answered as {"ok": false, "error": code, **extra}."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra

    def body(self) -> JSON:
        return {"ok": False, "error": self.code, **self.extra}
