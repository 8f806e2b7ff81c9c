"""When scheduled posts fall due: pure rules over workspace and member settings.

Each kind of post recurs at a local wall time, and each occurrence names a period, the ledger's
key: the daily round's local date, the Monday of the week a leaderboard reports, a member's
study day for a reminder. A wall time skipped by a DST jump falls due at the first valid instant
after it; a repeated one falls due once, at its first occurrence (`timeutil.local_time_utc`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.timeutil import local_time_utc, parse_hhmm, study_day, week_start, zone
from bot.store.models import Member, Workspace

DAILY, LEADERBOARD, REMINDER = "daily", "leaderboard", "reminder"
KINDS = (DAILY, LEADERBOARD, REMINDER)
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8), timedelta(minutes=30))


@dataclass(frozen=True, slots=True)
class Occurrence:
    due_at: datetime
    period: str


def _days_from(after: datetime, tz: str) -> Iterator[date]:
    """Local dates from the day before `after`'s, onwards (covers every instant after it)."""
    day = after.astimezone(zone(tz)).date() - timedelta(days=1)
    while True:
        yield day
        day += timedelta(days=1)


def daily_occurrences(tz: str, hhmm: str, after: datetime) -> Iterator[Occurrence]:
    """The daily round's occurrences strictly after `after`, in time order."""
    at = parse_hhmm(hhmm)
    for day in _days_from(after, tz):
        due = local_time_utc(day, at, tz)
        if due > after:
            yield Occurrence(due, day.isoformat())


def leaderboard_occurrences(
    tz: str, weekday: int, hhmm: str, after: datetime
) -> Iterator[Occurrence]:
    """Weekly leaderboard occurrences after `after`; each reports the last complete week."""
    at = parse_hhmm(hhmm)
    for day in _days_from(after, tz):
        if day.weekday() != weekday:
            continue
        due = local_time_utc(day, at, tz)
        if due > after:
            yield Occurrence(due, reported_week(day).isoformat())


def reported_week(post_day: date) -> date:
    """The Monday of the last Monday-Sunday week complete before local date `post_day`."""
    return week_start(post_day) - timedelta(days=7)


def reminder_occurrences(
    member_id: int, tz: str, hhmm: str, rollover_hour: int, after: datetime
) -> Iterator[Occurrence]:
    """A member's reminder occurrences after `after`; the period is their study day then."""
    at = parse_hhmm(hhmm)
    for day in _days_from(after, tz):
        due = local_time_utc(day, at, tz)
        if due > after:
            yield Occurrence(due, f"{member_id}/{study_day(due, tz, rollover_hour)}")


def workspace_daily(ws: Workspace, after: datetime) -> Iterator[Occurrence]:
    return daily_occurrences(ws.timezone, ws.daily_post_time, after)


def workspace_leaderboard(ws: Workspace, after: datetime) -> Iterator[Occurrence]:
    return leaderboard_occurrences(ws.timezone, ws.leaderboard_weekday, ws.leaderboard_time, after)


def member_reminders(member: Member, ws: Workspace, after: datetime) -> Iterator[Occurrence]:
    assert member.id is not None
    assert member.reminder_time is not None
    tz = member.timezone or ws.timezone
    return reminder_occurrences(member.id, tz, member.reminder_time, ws.rollover_hour, after)


@dataclass(frozen=True, slots=True)
class Due:
    """What a due schedule entry asks for at `now`."""

    post: Occurrence | None  # the one occurrence to claim now, if any
    skipped: list[Occurrence]  # earlier ones: superseded, or older than the grace window
    next: Occurrence  # when the entry falls due again


def resolve(
    occurrences: Iterator[Occurrence], now: datetime, grace: timedelta, *, limit: int = 1000
) -> Due:
    """Split the occurrences up to `now`: only the latest may post, and only within the grace.

    After downtime the latest missed occurrence is sent once if it fell due less than `grace`
    ago; the earlier ones (and it too, when older) are skipped. Two rounds never go out for
    one catch-up. `limit` bounds the walk after very long downtime (the skipped list keeps the
    most recent `limit`).
    """
    passed: list[Occurrence] = []
    for occ in occurrences:
        if occ.due_at > now:
            nxt = occ
            break
        passed.append(occ)
        if len(passed) > limit:
            del passed[0]
    if not passed:
        return Due(None, [], nxt)
    latest = passed[-1]
    if now - latest.due_at <= grace:
        return Due(latest, passed[:-1], nxt)
    return Due(None, passed, nxt)


def rearm_floor(created_at: datetime, now: datetime, grace: timedelta) -> datetime:
    """After a settings change, occurrences later than this are still owed.

    Within the grace window a post whose new time has just passed still goes out today (the
    ledger stops a second one for a period already posted); nothing is owed from before the
    row existed.
    """
    return max(now - grace, created_at)


def rearm_workspace(ws: Workspace, now: datetime, grace: timedelta) -> None:
    """Derive the workspace's next daily and leaderboard due times from its settings."""
    floor = rearm_floor(ws.created_at, now, grace)
    ws.daily_due_at = next(workspace_daily(ws, floor)).due_at
    ws.leaderboard_due_at = next(workspace_leaderboard(ws, floor)).due_at


def rearm_member(member: Member, ws: Workspace, now: datetime) -> None:
    """Derive a member's next reminder time: the next one from now (never a late nudge)."""
    if member.reminder_time is None:
        member.reminder_due_at = None
    else:
        member.reminder_due_at = next(member_reminders(member, ws, now)).due_at


def backoff(attempts: int) -> timedelta | None:
    """The wait before try `attempts + 1`, or None when `attempts` was the last."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else None
