"""The pictures' data as plain rules: shades, frozen days (by the streak's own rules), alt text
that carries the figures, JSON round trips, and the export's spreadsheet safety."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.edge.messages import Reply
from bot.edge.stored import reply_from_dict, reply_to_dict
from bot.pictures.data import (
    ALT_MAX,
    ActivityCard,
    BoardCard,
    BoardRow,
    Calendar,
    CalendarDay,
    DayActivity,
    ProfileCard,
    TrackAccuracy,
    TrackBar,
    digest,
    dump,
    load,
    shade,
)
from bot.rules.streaks import frozen_days, recompute, view
from bot.services.export import Row, safe, to_csv

TODAY = date(2026, 3, 15)  # a Sunday
LONG = "Zoë 🚀 Ångström-" + "x" * 44  # 60 characters


def test_shades_grow_with_minutes_and_answers() -> None:
    assert shade(0, 0) == 1  # a studied day is never blank
    assert shade(15, 0) == 1
    assert shade(30, 0) == shade(0, 2) == 2
    assert shade(60, 0) == shade(0, 4) == 3
    assert shade(120, 0) == shade(30, 6) == 4
    assert CalendarDay(day=TODAY, mark="frozen", minutes=90).level == 0


@given(st.sets(st.integers(min_value=0, max_value=60), max_size=30), st.integers(0, 10))
def test_frozen_days_fill_whole_gaps_by_the_streak_rules(offsets: set[int], ahead: int) -> None:
    start = date(2026, 1, 1)
    days = sorted(start + timedelta(days=n) for n in offsets)
    today = (days[-1] if days else start) + timedelta(days=ahead)
    frozen = set(frozen_days(days, today))
    assert not frozen & set(days)
    assert all(d < today for d in frozen)
    # Each gap between two studied days is frozen whole, or not at all.
    for a, b in itertools.pairwise(days):
        gap = {a + timedelta(days=n) for n in range(1, (b - a).days)}
        assert gap <= frozen or not gap & frozen
    if days:
        pending = view(recompute(days), today).frozen_days
        tail = {days[-1] + timedelta(days=n) for n in range(1, (today - days[-1]).days)}
        assert (tail & frozen) == (tail if pending else set())
        assert len(tail & frozen) == pending


def test_a_gap_too_long_for_the_freezes_is_not_frozen() -> None:
    week = [date(2026, 3, 1) + timedelta(days=n) for n in range(7)]  # earns one freeze
    assert frozen_days([*week, date(2026, 3, 9)], date(2026, 3, 9)) == [date(2026, 3, 8)]
    assert frozen_days([*week, date(2026, 3, 10)], date(2026, 3, 10)) == []


def _calendar(**kw: object) -> Calendar:
    days = (
        CalendarDay(day=TODAY - timedelta(days=3), mark="studied", minutes=30, answers=2),
        CalendarDay(day=TODAY - timedelta(days=2), mark="repaired"),
        CalendarDay(day=TODAY - timedelta(days=1), mark="frozen"),
        CalendarDay(day=TODAY, mark="studied", minutes=15, answers=1),
    )
    base: dict[str, object] = {
        "name": "alice",
        "timezone": "Europe/Berlin",
        "today": TODAY,
        "days": days,
        "current": 3,
        "longest": 9,
        "freezes": 1,
    }
    return Calendar.model_validate(base | kw)


def test_calendar_alt_text_says_the_figures() -> None:
    cal = _calendar()
    assert cal.start == date(2025, 9, 15)  # a Monday, 25 weeks before this week's
    alt = cal.alt()
    assert "alice's study calendar, 26 weeks from 15 Sep to 15 Mar 2026" in alt
    assert "3 days studied, 45 minutes, 3 answers" in alt
    assert "1 frozen day (14 Mar)" in alt
    assert "1 repaired day (13 Mar)" in alt
    assert "current streak 3 days, longest 9, 1 freeze held. Today studied." in alt


def test_alt_texts_fit_every_platform_whatever_the_names() -> None:
    rows = tuple(BoardRow(rank=n, name=LONG, points=1000 - n, streak=n) for n in range(1, 11))
    board = BoardCard(title=f"Leaderboard · {LONG}", rows=(*rows, BoardRow(rank=40, name=LONG,
                      points=3, me=True)), entrants=400)  # fmt: skip
    tracks = tuple(TrackBar(track=f"t{n}", name=LONG, right=n, answered=9) for n in range(6))
    profile = ProfileCard(calendar=_calendar(name=LONG), tracks=tracks, points=5, week_points=1)
    for picture in (board, profile, _calendar(name=LONG)):
        assert 0 < len(picture.alt()) <= ALT_MAX
    assert "40. " + LONG + " (you) 3 pts" in board.alt() or len(board.alt()) == ALT_MAX


def test_board_and_activity_alt_texts() -> None:
    board = BoardCard(
        title="Leaderboard · all time",
        rows=(
            BoardRow(rank=1, name="alice", points=260, streak=14),
            BoardRow(rank=2, name="bob", points=240, streak=13, me=True),
        ),
        entrants=2,
    )
    assert board.alt() == (
        "Leaderboard · all time: 1. alice 260 pts, 14-day streak; "
        "2. bob (you) 240 pts, 13-day streak."
    )
    assert BoardCard(title="T", rows=()).alt() == "T: no points yet."
    days = tuple(
        DayActivity(day=TODAY - timedelta(days=55 - n), active=n % 3, answers=n % 5)
        for n in range(56)
    )
    group = ActivityCard(
        group="ML Study",
        timezone="UTC",
        days=days,
        tracks=(TrackAccuracy(track="a", name="CS fundamentals", right=3, answered=4),),
        members=5,
    )
    alt = group.alt()
    assert "ML Study, 56 days from 19 Jan to 15 Mar 2026 (UTC): 5 members" in alt
    assert f"{sum(d.answers for d in days)} answers to rounds" in alt
    assert "CS fundamentals 75% (3 of 4)" in alt


def test_pictures_round_trip_as_json_and_key_by_what_they_show() -> None:
    cal = _calendar()
    assert load(dump(cal)) == cal
    assert load(cal.model_dump(mode="json")) == cal
    assert digest(dump(cal)) == digest(dump(load(dump(cal))))
    assert digest(dump(cal)) != digest(dump(_calendar(current=4)))
    reply = Reply("3-day streak", title="alice's streak", picture=cal)
    assert reply_from_dict(reply_to_dict(reply)) == reply


def test_export_cells_never_run_as_formulas() -> None:
    for evil in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe(evil) == "'" + evil
    assert safe("alice") == "alice"
    assert safe("Etc/GMT-5") == "Etc/GMT-5"
    row = Row("=cmd|' /C calc'!A0", "U1", "UTC", "2026-03-02", 1, 2, 0, 5, 15, 3, "67%", 45, "")
    text = to_csv([row])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1][0] == "'=cmd|' /C calc'!A0"
    assert text.splitlines()[1].startswith("\"'=cmd")
    assert parsed[1][4:7] == ["1", "2", "0"]


def test_a_quiet_group_says_so() -> None:
    days = tuple(DayActivity(day=TODAY - timedelta(days=55 - n)) for n in range(56))
    quiet = ActivityCard(group="New group", timezone="UTC", days=days, tracks=(), members=1)
    alt = quiet.alt()
    assert "1 member;" in alt
    assert "someone studied on 0 days; 0 answers to rounds; nobody active yet." in alt
