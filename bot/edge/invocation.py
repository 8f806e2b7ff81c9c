"""What an adapter hands the core for one command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Invocation:
    """One slash command from one user, already stripped of its platform.

    `text` is the whole command line (`/study submit B`); structured platforms may also pass
    `options` by parameter name. `delivery_id` is the platform's id for this delivery (a Slack
    retry or a Discord interaction id), so a retried delivery gets the first reply back.
    """

    platform: str
    workspace: str
    channel: str
    user_id: str
    user_name: str
    text: str
    now: datetime
    is_moderator: bool = False
    delivery_id: str | None = None
    options: Mapping[str, str] | None = None
    workspace_name: str = ""
