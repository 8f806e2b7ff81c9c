"""Errors the core raises on purpose; each carries the friendly text shown to the user."""


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
