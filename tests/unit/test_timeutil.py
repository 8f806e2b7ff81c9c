from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.edge.clock import parse_duration, parse_instant
from bot.edge.errors import UserError
from bot.rules.timeutil import (
    canonical_timezone,
    local_time_utc,
    local_week_start,
    parse_date,
    parse_hhmm,
    parse_weekday,
    study_day,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_rollover_hour_keeps_late_night_on_the_previous_day() -> None:
    # 02:30 in Berlin on Tuesday is still Monday's study day with a 04:00 rollover.
    assert study_day(utc(2026, 3, 3, 1, 30), "Europe/Berlin", 4) == date(2026, 3, 2)
    assert study_day(utc(2026, 3, 3, 3, 0), "Europe/Berlin", 4) == date(2026, 3, 3)
    assert study_day(utc(2026, 3, 3, 1, 30), "Europe/Berlin", 0) == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("tz", "dst_day", "hours"),
    [
        ("America/New_York", date(2026, 3, 8), 23),  # 02:00 -> 03:00
        ("Europe/Berlin", date(2026, 3, 29), 23),  # 02:00 -> 03:00
        ("Australia/Lord_Howe", date(2026, 10, 4), 23.5),  # 02:00 -> 02:30
        ("Europe/Berlin", date(2026, 10, 25), 25),  # 03:00 -> 02:00
    ],
)
def test_study_days_follow_wall_clock_across_dst(tz: str, dst_day: date, hours: float) -> None:
    """Study days are whole local days, never skipped or repeated; the DST one is shorter or
    longer. With a 04:00 rollover a 02:00 transition falls in the previous study day."""
    start = local_time_utc(dst_day - timedelta(days=2), time(4, 0), tz)
    quarters: dict[date, int] = {}
    t = start
    while t < start + timedelta(days=4):
        d = study_day(t, tz, 4)
        quarters[d] = quarters.get(d, 0) + 1
        t += timedelta(minutes=15)
    seen = sorted(quarters)
    assert seen == [seen[0] + timedelta(days=i) for i in range(len(seen))]
    lengths = {d: quarters[d] / 4 for d in seen[:-1]}  # the last day is cut off by the loop
    assert lengths[dst_day - timedelta(days=1)] == hours
    assert all(h == 24 for d, h in lengths.items() if d != dst_day - timedelta(days=1))


def test_local_time_skipped_by_dst_moves_to_first_valid_instant() -> None:
    # New York skips 02:00-03:00 on 2026-03-08: 02:30 does not exist; 03:00 EDT = 07:00 UTC.
    assert local_time_utc(date(2026, 3, 8), time(2, 30), "America/New_York") == utc(2026, 3, 8, 7)
    # Lord Howe skips 02:00-02:30 on 2026-10-04: 02:15 -> 02:30 (+11) = 15:30 UTC the day before.
    got = local_time_utc(date(2026, 10, 4), time(2, 15), "Australia/Lord_Howe")
    assert got == utc(2026, 10, 3, 15, 30)


def test_local_time_repeated_by_dst_takes_the_first() -> None:
    # Berlin repeats 02:00-03:00 on 2026-10-25; the first 02:30 is CEST (+2) = 00:30 UTC.
    assert local_time_utc(date(2026, 10, 25), time(2, 30), "Europe/Berlin") == utc(
        2026, 10, 25, 0, 30
    )


def test_week_starts_monday_in_the_workspace_zone() -> None:
    # Sunday 23:30 in New York is Monday in UTC.
    instant = utc(2026, 3, 9, 3, 30)
    assert local_week_start(instant, "America/New_York") == date(2026, 3, 2)
    assert local_week_start(instant, "UTC") == date(2026, 3, 9)


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "../etc/passwd", "/etc/localtime", "Europe"])
def test_unknown_timezones_are_refused(bad: str) -> None:
    with pytest.raises(UserError):
        canonical_timezone(bad)


def test_timezone_case_is_fixed() -> None:
    assert canonical_timezone("europe/berlin") == "Europe/Berlin"


@pytest.mark.parametrize("bad", ["24:00", "9", "09:60", "noon", "09:00:00", ""])
def test_bad_times(bad: str) -> None:
    with pytest.raises(UserError):
        parse_hhmm(bad)


def test_good_values() -> None:
    assert parse_hhmm("9:05") == time(9, 5)
    assert parse_date("2026-03-09") == date(2026, 3, 9)
    assert parse_weekday("Sun") == 6
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_instant("2026-03-06T00:00:00Z") == utc(2026, 3, 6)
    assert parse_instant("2026-03-06T01:00:00+01:00") == utc(2026, 3, 6)


@pytest.mark.parametrize("bad", ["2026-02-30", "09/03/2026", "2026-3-9", "tomorrow"])
def test_bad_dates(bad: str) -> None:
    with pytest.raises(UserError):
        parse_date(bad)
