"""The Clock port: the only way the core learns what time it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.edge.errors import UserError


class Clock(Protocol):
    """Tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that only moves when told to (console `--start`, tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("a clock never goes backwards")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> None:
        """Move to `instant`, which must not be earlier than now."""
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise ValueError("a clock never goes backwards")
        self._now = instant


# -- reading and writing instants at the edge --------------------------------------------

_DURATION = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
MAX_DURATION = timedelta(days=366)


def parse_duration(text: str) -> timedelta:
    """`1d`, `3h`, `90m`, `30s` to a timedelta, at most a year (366 days)."""
    m = _DURATION.match(text)
    if not m or len(m.group(1)) > 9:
        raise UserError(f"`{text}` is not a duration. Use e.g. `1d`, `3h`, `90m`.")
    n, unit = int(m.group(1)), m.group(2)
    seconds = n * {"d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
    if seconds > MAX_DURATION.total_seconds():
        raise UserError("At most a year (`366d`) at a time.")
    return timedelta(seconds=seconds)


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)  # room for a year's `:advance` and any time zone


def parse_instant(text: str) -> datetime:
    """ISO 8601 instant from 2000 to 2199; a value without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise UserError(f"`{text}` is not an ISO 8601 time, e.g. `2026-03-06T00:00:00Z`.") from exc
    if not EARLIEST <= value < LATEST - timedelta(days=400):
        raise UserError("Pick a time from the year 2000 to 2199, e.g. `2026-03-06T00:00:00Z`.")
    return value


def iso(instant: datetime) -> str:
    """ISO 8601 in UTC with a `Z`."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")
