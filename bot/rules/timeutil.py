"""Time rules: study days, weeks, and parsing of the time values users type.

Everything is stored in UTC and converted at the edges. A study day is a local calendar date,
shifted back by the workspace's rollover hour, so 02:00 on Tuesday still counts for Monday.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.edge.errors import UserError, excerpt

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; raises UserError for an unknown one."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name or "\0" in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError) as exc:
        raise unknown_zone(name) from exc


def unknown_zone(name: str) -> UserError:
    return UserError(
        f"`{excerpt(name)}` is not a time zone I know. Use an IANA name such as "
        "`Europe/Berlin`, `America/New_York` or `UTC`."
    )


# Names tzdata ships that are not places: the host's own zone, tzdata's placeholder, and the
# duplicate trees of POSIX and leap-second variants.
_NOT_PLACES = ("localtime", "Factory")
_NOT_PLACE_TREES = ("posix/", "right/", "SystemV/")


@lru_cache(maxsize=1)
def _zone_names_by_lower() -> dict[str, str]:
    return {
        n.lower(): n
        for n in available_timezones()
        if n not in _NOT_PLACES and not n.startswith(_NOT_PLACE_TREES)
    }


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA place name, sorted."""
    return tuple(sorted(_zone_names_by_lower().values()))


def match_timezones(typed: str, limit: int = 25) -> list[str]:
    """Zone names containing `typed` anywhere (case and `_`/space blind), best first: a match
    at the start of the name, then at the start of a part (`York` in `America/New_York`),
    then anywhere."""
    key = typed.strip().lower().replace(" ", "_")
    if not key:
        popular = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
        return list(popular[:limit])
    ranked: list[tuple[int, str]] = []
    for name in zone_names():
        low = name.lower()
        at = low.find(key)
        if at < 0:
            continue
        rank = 0 if at == 0 else 1 if low[at - 1] in "/_-" else 2
        ranked.append((rank, name))
    ranked.sort()
    return [name for _, name in ranked[:limit]]


def canonical_timezone(name: str) -> str:
    """An IANA time zone name, its case fixed (`europe/berlin` -> `Europe/Berlin`); UserError
    for anything else (including `localtime`, `Factory` and the `posix/` copies)."""
    fixed = _zone_names_by_lower().get(name.strip().lower())
    if fixed is None:
        raise unknown_zone(name.strip())
    return fixed


def study_day(instant: datetime, tz: str, rollover_hour: int) -> date:
    """The study day an instant falls on: local wall-clock time minus the rollover hour."""
    local = instant.astimezone(zone(tz)).replace(tzinfo=None)
    return (local - timedelta(hours=rollover_hour)).date()


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def local_week_start(instant: datetime, tz: str) -> date:
    """Monday of the workspace-local calendar week containing `instant` (no rollover shift)."""
    return week_start(instant.astimezone(zone(tz)).date())


def local_midnight_utc(day: date, tz: str) -> datetime:
    """The UTC instant at which local `day` starts (00:00, or the first valid instant after)."""
    return local_time_utc(day, time(0, 0), tz)


def local_time_utc(day: date, at: time, tz: str) -> datetime:
    """UTC instant of local wall time `at` on `day`.

    A wall time skipped by a DST jump resolves to the first valid instant after it; a repeated
    one resolves to its first occurrence.
    """
    z = zone(tz)
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=z, fold=0)
    # Round-trip check: a skipped wall time does not survive UTC -> local.
    back = candidate.astimezone(UTC).astimezone(z).replace(tzinfo=None)
    if back != naive:
        # Skipped: walk forward minute by minute to the first wall time that exists.
        probe = naive
        for _ in range(24 * 60):
            probe += timedelta(minutes=1)
            cand = probe.replace(tzinfo=z, fold=0)
            if cand.astimezone(UTC).astimezone(z).replace(tzinfo=None) == probe:
                return cand.astimezone(UTC)
    return candidate.astimezone(UTC)


def parse_hhmm(text: str) -> time:
    """`HH:MM` (24-hour) to a time; UserError otherwise."""
    m = _HHMM.match(text.strip())
    if not m:
        raise UserError(f"`{text}` is not a time. Use 24-hour `HH:MM`, e.g. `09:00` or `20:30`.")
    return time(int(m.group(1)), int(m.group(2)))


def format_hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` to a date; UserError otherwise."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(f"`{text}` is not a date. Use `YYYY-MM-DD`, e.g. `2026-03-09`.") from exc


def parse_weekday(text: str) -> int:
    """A weekday name or 3-letter abbreviation to 0 (Monday) .. 6 (Sunday)."""
    t = text.strip().lower()
    for i, name in enumerate(WEEKDAYS):
        if t in (name, name[:3]):
            return i
    raise UserError(f"`{text}` is not a weekday. Use a name such as `monday` or `sun`.")
