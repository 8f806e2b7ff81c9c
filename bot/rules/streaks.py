"""Study streaks as pure rules.

A streak counts study days (days with an accepted answer or a study log). Every 7th day of a
running streak earns a freeze (at most `MAX_FREEZES` held). A gap of missed days is covered
automatically when the member holds enough freezes for all of it; a covered (frozen) day keeps
the streak alive but does not add to it. A gap larger than the freezes held breaks the streak and
keeps the freezes. The same `apply_day` drives the incremental update and the full recompute, so
the two agree by construction whenever days arrive in order; the service falls back to a
recompute for the rare out-of-order day (a repair, a timezone moved backwards).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

FREEZE_EVERY = 7
ONE_DAY = timedelta(days=1)
MAX_FREEZES = 2


@dataclass(frozen=True, slots=True)
class StreakState:
    current: int = 0
    longest: int = 0
    freezes: int = 0
    last_day: date | None = None


def apply_day(state: StreakState, day: date) -> StreakState:
    """The state after one more study day; a day at or before `last_day` changes nothing."""
    if state.last_day is not None and day <= state.last_day:
        return state
    freezes = state.freezes
    if state.last_day is None:
        current = 1
    else:
        missed = (day - state.last_day).days - 1
        if missed == 0:
            current = state.current + 1
        elif missed <= freezes:
            freezes -= missed
            current = state.current + 1
        else:
            current = 1
    if current % FREEZE_EVERY == 0 and freezes < MAX_FREEZES:
        freezes += 1
    return replace(
        state, current=current, longest=max(state.longest, current), freezes=freezes, last_day=day
    )


def recompute(days: Iterable[date]) -> StreakState:
    """The streak from the stored activity days alone (order and duplicates do not matter)."""
    state = StreakState()
    for day in sorted(set(days)):
        state = apply_day(state, day)
    return state


@dataclass(frozen=True, slots=True)
class StreakView:
    """What a member sees on `today`: a streak broken since the last activity reads as 0."""

    current: int
    longest: int
    freezes: int
    studied_today: bool
    frozen_days: int


def view(state: StreakState, today: date) -> StreakView:
    """Lazy expiry: judge the stored state against the member's current study day."""
    if state.last_day is None:
        return StreakView(0, state.longest, state.freezes, False, 0)
    if today <= state.last_day:
        return StreakView(state.current, state.longest, state.freezes, today == state.last_day, 0)
    missed = (today - state.last_day).days - 1
    if missed <= state.freezes:
        return StreakView(state.current, state.longest, state.freezes - missed, False, missed)
    return StreakView(0, state.longest, state.freezes, False, 0)


def frozen_days(days: Iterable[date], today: date) -> list[date]:
    """The missed days a freeze covered (or is covering up to `today`), by the same rules as
    `apply_day` and `view`: what the calendar marks as frozen."""
    covered: list[date] = []
    state = StreakState()
    for day in sorted(set(days)):
        after = apply_day(state, day)
        last = state.last_day
        if last is not None and after.current == state.current + 1 and day - last > ONE_DAY:
            covered.extend(last + timedelta(days=n) for n in range(1, (day - last).days))
        state = after
    pending = view(state, today)
    if state.last_day is not None and pending.frozen_days:
        covered.extend(
            state.last_day + timedelta(days=n) for n in range(1, pending.frozen_days + 1)
        )
    return covered
