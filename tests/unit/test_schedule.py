"""When scheduled posts fall due: DST, skipped and repeated wall times, downtime and grace."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.schedule import (
    backoff,
    daily_occurrences,
    leaderboard_occurrences,
    rearm_floor,
    reminder_occurrences,
    reported_week,
    resolve,
)

GRACE = timedelta(hours=6)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def month_of_posts(tz: str, hhmm: str, start: datetime) -> list[datetime]:
    return [o.due_at for o in islice(daily_occurrences(tz, hhmm, start), 31)]


def test_nine_oclock_stays_nine_oclock_through_each_dst_change() -> None:
    # Europe/Berlin springs forward 2026-03-29, America/New_York 2026-03-08,
    # Australia/Lord_Howe (a 30-minute shift) falls back 2026-04-05 and springs forward 2026-10-04.
    for tz, start in [
        ("Europe/Berlin", utc(2026, 3, 15)),
        ("America/New_York", utc(2026, 2, 25)),
        ("Australia/Lord_Howe", utc(2026, 3, 20)),
        ("Australia/Lord_Howe", utc(2026, 9, 20)),
        ("Europe/Berlin", utc(2026, 10, 10)),
    ]:
        posts = month_of_posts(tz, "09:00", start)
        days = [local(p, tz).date() for p in posts]
        assert days == [days[0] + timedelta(days=i) for i in range(31)], tz  # one per local date
        assert {local(p, tz).time() for p in posts} == {time(9, 0)}, tz
        gaps = {posts[i + 1] - posts[i] for i in range(30)}
        assert timedelta(hours=24) in gaps
        assert len(gaps) == 2, (tz, gaps)  # 24 h, and one 23 h / 23.5 h / 24.5 h / 25 h day


def test_lord_howe_days_are_half_an_hour_short_or_long() -> None:
    spring = month_of_posts("Australia/Lord_Howe", "09:00", utc(2026, 9, 20))
    fall = month_of_posts("Australia/Lord_Howe", "09:00", utc(2026, 3, 20))
    assert min(b - a for a, b in pairwise(spring)) == timedelta(hours=23, minutes=30)
    assert max(b - a for a, b in pairwise(fall)) == timedelta(hours=24, minutes=30)


def test_a_skipped_wall_time_posts_at_the_first_valid_instant_after_it() -> None:
    # 02:30 does not exist on spring-forward night: the post goes out at 03:00, once.
    for tz, day, expected in [
        ("Europe/Berlin", date(2026, 3, 29), "03:00"),
        ("America/New_York", date(2026, 3, 8), "03:00"),
    ]:
        posts = [
            p for p in month_of_posts(tz, "02:30", utc(2026, 3, 1)) if local(p, tz).date() == day
        ]
        assert [local(p, tz).strftime("%H:%M") for p in posts] == [expected]
    # Lord Howe skips 02:00-02:30 on 2026-10-04: a 02:15 post goes out at 02:30.
    posts = month_of_posts("Australia/Lord_Howe", "02:15", utc(2026, 9, 20))
    on_day = [p for p in posts if local(p, "Australia/Lord_Howe").date() == date(2026, 10, 4)]
    assert [local(p, "Australia/Lord_Howe").strftime("%H:%M") for p in on_day] == ["02:30"]


def test_a_repeated_wall_time_posts_once_at_its_first_occurrence() -> None:
    # New York repeats 01:00-02:00 on 2026-11-01; Lord Howe repeats 01:30-02:00 on 2026-04-05.
    ny = month_of_posts("America/New_York", "01:30", utc(2026, 10, 20))
    on_day = [p for p in ny if local(p, "America/New_York").date() == date(2026, 11, 1)]
    assert on_day == [utc(2026, 11, 1, 5, 30)]  # 01:30 EDT, not 01:30 EST an hour later
    lh = month_of_posts("Australia/Lord_Howe", "01:45", utc(2026, 3, 25))
    on_day = [p for p in lh if local(p, "Australia/Lord_Howe").date() == date(2026, 4, 5)]
    assert len(on_day) == 1
    assert local(on_day[0], "Australia/Lord_Howe").utcoffset() == timedelta(hours=11)


@settings(max_examples=150, deadline=None)
@given(
    tz=st.sampled_from(
        ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
         "America/Santiago", "Pacific/Chatham", "Africa/Casablanca", "America/St_Johns"]
    ),
    hh=st.integers(0, 23),
    mm=st.sampled_from([0, 15, 30, 45, 59]),
    start=st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
)  # fmt: skip
def test_one_post_per_local_date_in_time_order(tz: str, hh: int, mm: int, start: datetime) -> None:
    """Whatever the zone and time: strictly increasing, one per local date, at the wall time
    asked for or (when DST skips it) within the skipped hour after it."""
    posts = list(islice(daily_occurrences(tz, f"{hh:02d}:{mm:02d}", start), 60))
    assert all(o.due_at > start for o in posts)
    assert all(a.due_at < b.due_at for a, b in pairwise(posts))
    periods = [date.fromisoformat(o.period) for o in posts]
    assert periods == [periods[0] + timedelta(days=i) for i in range(60)]
    for o in posts:
        wall = local(o.due_at, tz).replace(tzinfo=None)
        asked = datetime.combine(date.fromisoformat(o.period), time(hh, mm))
        assert timedelta(0) <= wall - asked <= timedelta(hours=1), (o, wall, asked)


def test_the_weekly_leaderboard_reports_the_last_complete_week() -> None:
    assert reported_week(date(2026, 3, 9)) == date(2026, 3, 2)  # Monday: the week just ended
    assert reported_week(date(2026, 3, 15)) == date(2026, 3, 2)  # Sunday: that week is not over
    occ = next(leaderboard_occurrences("America/New_York", 0, "09:00", utc(2026, 3, 6)))
    assert occ.due_at == utc(2026, 3, 9, 13, 0)  # 09:00 EDT, the day after the change
    assert occ.period == "2026-03-02"


def test_reminders_name_the_study_day() -> None:
    # 02:00 is before the 04:00 rollover: that reminder belongs to the previous study day.
    occ = next(reminder_occurrences(7, "Europe/Berlin", "02:00", 4, utc(2026, 3, 2, 12)))
    assert occ.due_at == utc(2026, 3, 3, 1, 0)
    assert occ.period == "7/2026-03-02"


def test_downtime_shorter_than_the_grace_posts_the_latest_once() -> None:
    occ = daily_occurrences("UTC", "09:00", utc(2026, 3, 1, 9) - timedelta(microseconds=1))
    due = resolve(occ, utc(2026, 3, 1, 14), GRACE)
    assert due.post is not None
    assert due.post.period == "2026-03-01"
    assert due.skipped == []
    assert due.next.period == "2026-03-02"


def test_downtime_longer_than_the_grace_skips() -> None:
    occ = daily_occurrences("UTC", "09:00", utc(2026, 3, 1, 9) - timedelta(microseconds=1))
    due = resolve(occ, utc(2026, 3, 1, 15, 0, 1), GRACE)
    assert due.post is None
    assert [o.period for o in due.skipped] == ["2026-03-01"]


def test_days_of_downtime_post_only_today_and_skip_the_rest() -> None:
    occ = daily_occurrences("UTC", "09:00", utc(2026, 3, 1, 9) - timedelta(microseconds=1))
    due = resolve(occ, utc(2026, 3, 4, 10), GRACE)
    assert due.post is not None
    assert due.post.period == "2026-03-04"
    assert [o.period for o in due.skipped] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    # A grace longer than a day still never sends two rounds for one catch-up.
    occ = daily_occurrences("UTC", "09:00", utc(2026, 3, 1, 9) - timedelta(microseconds=1))
    due = resolve(occ, utc(2026, 3, 2, 10), timedelta(hours=48))
    assert due.post is not None
    assert due.post.period == "2026-03-02"
    assert [o.period for o in due.skipped] == ["2026-03-01"]


def test_rearm_never_owes_posts_from_before_the_group_existed() -> None:
    now = utc(2026, 3, 2, 12)
    assert rearm_floor(now, now, GRACE) == now
    assert rearm_floor(now - timedelta(days=30), now, GRACE) == now - GRACE


def test_backoff_grows_then_gives_up() -> None:
    waits = [backoff(n) for n in range(1, 6)]
    assert waits[:4] == sorted(waits[:4])  # type: ignore[type-var]
    assert waits[4] is None
