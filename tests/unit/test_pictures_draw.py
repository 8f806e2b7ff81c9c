"""bot/pictures/draw: every kind of picture becomes a valid PNG of exactly its size, the same
data gives the same bytes, and awkward names (emoji, right-to-left scripts, 60 characters, a
stray `$`) draw without an exception or a warning."""

from __future__ import annotations

import io
import pickle
import struct
import warnings
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from bot.pictures.data import (
    WEEKS,
    ActivityCard,
    BoardCard,
    BoardRow,
    Calendar,
    CalendarDay,
    DayActivity,
    Picture,
    ProfileCard,
    TrackAccuracy,
    TrackBar,
    dump,
)
from bot.pictures.draw import render_png, theme
from bot.rules.tracks import TRACK_NAMES

TODAY = date(2026, 3, 11)  # a Wednesday
LONG = "Bartholomew Alexander Fitzgerald-Montgomery of Little Whinging"[:60]
NAMES = ["Zoë 🚀 Ångström", "مريم", "שרה", LONG, "$\\frac{1}{$ dollars", "陈伟", "a\nb\tc"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def two_weeks(name: str = "alice") -> Calendar:
    days = []
    for i in range(13, -1, -1):
        mark = "frozen" if i == 4 else "repaired" if i == 8 else "studied"
        days.append(CalendarDay(day=TODAY - timedelta(i), mark=mark, minutes=10 * i, answers=i))
    return Calendar(
        name=name,
        timezone="Europe/Berlin",
        today=TODAY,
        days=tuple(days),
        current=14,
        longest=14,
        freezes=2,
    )


def busy(name: str = "Zoë 🚀 Ångström") -> Calendar:
    start = TODAY - timedelta(days=TODAY.weekday() + 7 * (WEEKS - 1))
    days = []
    for i in range((TODAY - start).days + 1):
        mark = "frozen" if i % 11 == 5 else "repaired" if i % 17 == 3 else "studied"
        days.append(CalendarDay(day=start + timedelta(i), mark=mark, minutes=i % 90, answers=i % 9))
    return Calendar(
        name=name,
        timezone="UTC",
        today=TODAY,
        days=tuple(days),
        current=182,
        longest=182,
        freezes=3,
    )


def profile(cal: Calendar) -> ProfileCard:
    tracks = tuple(
        TrackBar(track=t, name=n, right=3 * i, answered=4 * i, learnt=i, points=100 * i)
        for i, (t, n) in enumerate(TRACK_NAMES.items())
    )
    return ProfileCard(calendar=cal, tracks=tracks, points=12345, week_points=85)


def board(names: list[str] = NAMES, me_rank: int | None = 14) -> BoardCard:
    rows = [
        BoardRow(rank=i + 1, name=names[i % len(names)], points=2000 - 100 * i, streak=i % 4)
        for i in range(10)
    ]
    if me_rank is not None:
        rows.append(BoardRow(rank=me_rank, name="me", points=400, streak=4, me=True))
    return BoardCard(title="This week · ML study group", rows=tuple(rows), entrants=37)


def activity(group: str = "ML study group", days: int = 56) -> ActivityCard:
    first = TODAY - timedelta(days - 1)
    return ActivityCard(
        group=group,
        timezone="Europe/Berlin",
        days=tuple(
            DayActivity(day=first + timedelta(i), active=i % 7, answers=(i * 5) % 23)
            for i in range(days)
        ),
        tracks=tuple(
            TrackAccuracy(track=t, name=n, right=2 * i, answered=3 * i)
            for i, (t, n) in enumerate(TRACK_NAMES.items())
        ),
        members=24,
    )


SAMPLES: dict[str, Picture] = {
    "calendar": two_weeks(),
    "calendar-busy": busy(),
    "calendar-empty": Calendar(name="bob", timezone="UTC", today=TODAY),
    "profile": profile(busy()),
    "profile-no-tracks": ProfileCard(calendar=two_weeks(), tracks=()),
    "leaderboard": board(),
    "leaderboard-me-in-top": board(me_rank=None),
    "leaderboard-empty": BoardCard(title="This week", rows=()),
    "activity": activity(),
    "activity-empty": ActivityCard(group="Quiet group", timezone="UTC", days=(), tracks=()),
}


def render_strict(picture: Picture) -> bytes:
    """render_png with every warning that escapes it turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return render_png(dump(picture))


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_kind_is_a_png_of_its_size(kind: str) -> None:
    picture = SAMPLES[kind]
    png = render_strict(picture)
    assert png_size(png) == picture.size
    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (picture.size[1], picture.size[0])
    assert float(pixels[..., :3].std()) > 0.01  # something is drawn on the card
    if pixels.shape[2] == 4:
        assert float(pixels[..., 3].min()) == 1.0  # an opaque card, on any chat theme


def test_same_data_same_bytes() -> None:
    for picture in (SAMPLES["profile"], SAMPLES["leaderboard"]):
        assert render_png(dump(picture)) == render_png(dump(picture))


@pytest.mark.parametrize("name", NAMES)
def test_awkward_names_render_everywhere(name: str) -> None:
    for picture in (profile(two_weeks(name)), activity(group=name)):
        assert png_size(render_strict(picture)) == picture.size
    card = board(names=[name])
    assert png_size(render_strict(card)) == card.size


def test_odd_sizes_are_exact() -> None:
    """Agg truncates width * dpi: a height like 57 / 100 * 100 = 56.999... must not lose a row."""
    for tracks in range(8):
        card = profile(two_weeks())
        card = card.model_copy(update={"tracks": card.tracks[:tracks]})
        assert png_size(render_png(dump(card))) == card.size


def test_the_callers_row_is_highlighted() -> None:
    highlight = np.array(to_rgb(theme.HIGHLIGHT))

    def has_highlight(card: BoardCard) -> bool:
        pixels = imread(io.BytesIO(render_png(dump(card))), format="png")[..., :3]
        return bool((np.abs(pixels - highlight).max(axis=2) < 0.01).sum() > 1000)

    assert has_highlight(board(me_rank=14))
    assert not has_highlight(board(me_rank=None))


def test_a_frozen_day_shows_in_its_own_colour() -> None:
    sky = np.array(to_rgb(theme.FROZEN))
    pixels = imread(io.BytesIO(render_png(dump(two_weeks()))), format="png")[..., :3]
    # Under the legend (y > 270) there is the legend's swatch too; the grid has the day.
    grid = pixels[60:260]
    assert (np.abs(grid - sky).max(axis=2) < 0.01).sum() > 50


def test_fit_shortens_with_an_ellipsis() -> None:
    assert theme.fit("alice", 10) == "alice"
    cut = theme.fit(LONG, 20)
    assert cut.endswith("…")
    assert len(cut) <= 20
    assert LONG.startswith(cut[:-1])
    assert theme.fit("🚀" * 10, 10) == "🚀" * 4 + "…"  # an emoji counts as two
    assert theme.fit("a\nb", 10) == "a b"
    assert theme.fit("  ", 10) == "?"


def test_render_png_pickles_for_a_spawned_pool() -> None:
    assert pickle.loads(pickle.dumps(render_png)) is render_png
