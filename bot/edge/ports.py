"""Ports: what the core needs from the outside world, and the errors a Poster may raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.edge.messages import Post


@dataclass(frozen=True, slots=True)
class SentRef:
    """Where a sent post landed: the platform's message id (and channel), so a later edit or a
    history lookup can find it."""

    message_id: str
    channel: str | None = None

    def encode(self) -> str:
        return f"{self.channel or ''}/{self.message_id}"

    @classmethod
    def decode(cls, text: str) -> SentRef:
        channel, _, message = text.rpartition("/")
        return cls(message, channel or None)


class RetryAfter(Exception):  # noqa: N818  (a signal, not a failure)
    """The platform asked us to wait `seconds` before trying again (a rate limit)."""

    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(f"{reason}; retry after {seconds:g} s")
        self.seconds = max(0.0, float(seconds))
        self.reason = reason


class PermanentSendError(Exception):
    """The post can never go out as it is: no channel, no permission, DMs closed. It is
    recorded, counted and told to the moderators once; never retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Poster(Protocol):
    """Sends a Post on one platform: to a channel, or a DM to a member when `post.user` is set.

    Returns where it landed, when the platform says. Raises RetryAfter or PermanentSendError
    when those apply; any other exception is a transient failure, retried with backoff.
    """

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None: ...
