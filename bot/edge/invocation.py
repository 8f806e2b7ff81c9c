"""What an adapter hands the core: who acted, where, and what they did.

Three kinds of action: a command (a typed command line, or a path with structured options, as
Discord sends them), a button press (the id of the choice pressed and the message it sat on),
and a form submission (the form's id and the values typed into it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A command as typed: `/study submit B`."""

    text: str


@dataclass(frozen=True, slots=True)
class Command:
    """A command with its options already apart: path `("study", "submit")`, options by
    parameter name (as strings; the core converts and checks them)."""

    path: tuple[str, ...]
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Press:
    """A button pressed: the choice's id, and the platform's id of the message it sat on."""

    choice_id: str
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Submit:
    """A form submitted: the form's id and the value of each input, by input id."""

    form_id: str
    fields: Mapping[str, str] = field(default_factory=dict)


Action = CommandLine | Command | Press | Submit


@dataclass(frozen=True, slots=True)
class Invocation:
    """One action from one user, already stripped of its platform.

    `delivery_id` is the platform's id for this delivery (a Slack retry or a Discord
    interaction id), so a retried delivery gets the first reply back. `is_moderator`: the
    platform says so (Discord's Manage Server); `roles`: the user's platform role ids, for a
    group's moderator role.
    """

    platform: str
    workspace: str
    channel: str
    user_id: str
    user_name: str
    action: Action
    now: datetime
    is_moderator: bool = False
    delivery_id: str | None = None
    workspace_name: str = ""
    roles: tuple[str, ...] = ()
