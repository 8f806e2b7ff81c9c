"""The vocabulary of commands: typed parameters and command specs.

A spec names its path (`study submit`), help, typed parameters and permission. Every path is a
leaf (no path is a prefix of another), so the same tree maps onto Discord's command / group /
subcommand levels and onto a text command line alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from bot.edge.messages import Reply
from commands.context import Context

Complete = Literal["challenge", "kaggle"]


class Kind(Enum):
    WORD = "word"  # one token
    REST = "rest"  # the rest of the line, as typed
    INT = "int"
    HHMM = "hhmm"
    DATE = "date"
    TIMEZONE = "timezone"
    CHOICE = "choice"
    PAIRS = "pairs"  # key=value pairs
    USER = "user"  # a member: the platform's user id (adapters hand the core ids), or a name
    CHANNEL = "channel"  # a channel: the platform's channel id
    ROLE = "role"  # a platform role: its id (or `off`)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: Kind
    help: str
    required: bool = True
    # CHOICE: the only values accepted. Any other kind: values a platform may offer in a menu.
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    keys: tuple[str, ...] = ()
    # False: not read from a typed command line, only from structured options (a button's
    # preset, a form, a platform's own option). Not shown in the text usage either.
    positional: bool = True
    # Offered as a platform's own option (a Discord slash-command option); by default when
    # positional. Key=value pairs are for typed lines only.
    option: bool | None = None
    max_length: int = 2000
    # How the usage line shows it, when its name would not say (`HH:MM|off`).
    label: str | None = None
    # What a platform may suggest as the member types (autocomplete): see commands/suggest.py.
    complete: Complete | None = None

    @property
    def is_option(self) -> bool:
        return self.positional if self.option is None else self.option

    @property
    def usage(self) -> str:
        if self.label is not None:
            label = self.label
        elif self.kind is Kind.CHOICE and len(self.choices) <= 4:
            label = "|".join(self.choices)
        elif self.kind is Kind.PAIRS:
            label = "key=value …"
        else:
            label = self.name.replace("_", "-")
        return f"<{label}>" if self.required else f"[{label}]"


Handler = Callable[[Context, dict[str, Any]], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    path: tuple[str, ...]
    help: str
    handler: Handler
    params: tuple[Param, ...] = ()
    moderator: bool = False
    needs_member: bool = True
    # The reply is shown in the channel (a streak, a leaderboard), not only to the caller.
    # Errors stay private whatever this says.
    public: bool = False

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(p.usage for p in self.params if p.positional)])
