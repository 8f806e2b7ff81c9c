"""Errors the core raises on purpose; each carries the friendly text shown to the user."""

import re

EXCERPT = 40  # characters of a member's input an error may quote back
_QUOTED = re.compile(rf"`([^`]{{{EXCERPT + 1},}})`")


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short piece of what a member typed, to quote back (never the whole 50 KB line)."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_quotes(message: str) -> str:
    """Every `quoted` piece of a message cut to an excerpt."""
    return _QUOTED.sub(lambda m: f"`{excerpt(m.group(1))}`", message)


class UserError(Exception):
    """Bad input or a forbidden action: the user sees `message`, nothing is written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAMemberError(UserError):
    """A member-only command from someone who has not joined."""

    def __init__(self) -> None:
        super().__init__("You haven't joined yet. Start with `/study join [timezone]`.")


class ConfigError(Exception):
    """A setting is missing or malformed; start-up stops with this one line."""
