"""Ports: what the core needs from the outside world, as Protocols."""

from __future__ import annotations

from typing import Protocol

from bot.edge.messages import Post


class Poster(Protocol):
    """Sends a Post to a channel, or a DM to a member when `post.user` is set."""

    async def send(self, workspace_external_id: str, post: Post) -> None: ...
