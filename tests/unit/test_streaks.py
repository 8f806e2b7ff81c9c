from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.streaks import MAX_FREEZES, StreakState, apply_day, recompute, view

D0 = date(2026, 3, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=o) for o in offsets]


def test_consecutive_days_grow_the_streak() -> None:
    s = recompute(days(0, 1, 2))
    assert (s.current, s.longest, s.freezes, s.last_day) == (3, 3, 0, D0 + timedelta(days=2))


def test_same_day_twice_counts_once() -> None:
    s = apply_day(apply_day(StreakState(), D0), D0)
    assert s.current == 1


def test_gap_without_freeze_restarts_and_keeps_longest() -> None:
    s = recompute(days(0, 1, 2, 4))
    assert (s.current, s.longest) == (1, 3)


def test_seventh_day_earns_a_freeze_that_covers_one_missed_day() -> None:
    s = recompute(days(*range(7)))
    assert s.freezes == 1
    s = apply_day(s, D0 + timedelta(days=8))  # day 7 missed, covered
    assert (s.current, s.freezes) == (8, 0)


def test_freezes_are_capped() -> None:
    s = recompute(days(*range(28)))
    assert s.freezes == MAX_FREEZES


def test_two_freezes_cover_two_missed_days_but_not_three() -> None:
    base = recompute(days(*range(14)))
    assert base.freezes == 2
    covered = apply_day(base, D0 + timedelta(days=16))
    assert (covered.current, covered.freezes) == (15, 0)
    broken = apply_day(base, D0 + timedelta(days=17))
    assert (broken.current, broken.freezes, broken.longest) == (1, 2, 14)


def test_view_expires_lazily() -> None:
    s = recompute(days(0, 1, 2))
    last = D0 + timedelta(days=2)
    assert view(s, last).current == 3
    assert view(s, last).studied_today
    assert view(s, last + timedelta(days=1)).current == 3  # today still open
    assert view(s, last + timedelta(days=2)).current == 0  # yesterday missed, no freeze


def test_view_counts_a_pending_freeze() -> None:
    s = recompute(days(*range(7)))
    v = view(s, D0 + timedelta(days=8))
    assert (v.current, v.freezes, v.frozen_days) == (7, 0, 1)


@given(st.lists(st.integers(min_value=0, max_value=120), max_size=80))
def test_incremental_in_order_equals_recompute(offsets: list[int]) -> None:
    """Feeding days one by one in time order (duplicates included) equals the recompute."""
    state = StreakState()
    for d in sorted(days(*offsets)):
        state = apply_day(state, d)
    assert state == recompute(days(*offsets))


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40))
def test_streak_invariants(offsets: list[int]) -> None:
    s = recompute(days(*offsets))
    assert 1 <= s.current <= s.longest <= len(set(offsets))
    assert 0 <= s.freezes <= MAX_FREEZES
    assert s.last_day == D0 + timedelta(days=max(offsets))
