"""Errors the core raises on purpose; each carries the friendly text shown to the user."""

EXCERPT = 40  # characters of a member's input an error may quote back


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short piece of what a member typed, to quote back (never the whole 50 KB line)."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_quotes(message: str) -> str:
    """Every `quoted` piece of a message cut to an excerpt (the text between the 1st and 2nd
    backtick, the 3rd and 4th, and so on)."""
    parts = message.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: its tail is quoted too
        parts.append("")
    for i in range(1, len(parts), 2):
        if len(parts[i]) > EXCERPT:
            parts[i] = excerpt(parts[i])
    return "`".join(parts).removesuffix("`") if message.count("`") % 2 else "`".join(parts)


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
