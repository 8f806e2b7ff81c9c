"""The profile card: a header (name, points), the study calendar, then a bar a track giving
its accuracy with the figures beside it."""

from __future__ import annotations

from matplotlib.axes import Axes

from bot.pictures.data import ProfileCard, TrackBar
from bot.pictures.draw.calendar import LEFT, RIGHT, draw_calendar
from bot.pictures.draw.theme import (
    FG,
    RULE,
    accuracy,
    bar_rows,
    clamp,
    fit,
    label,
    new_figure,
    style,
    thousands,
    to_png,
)

HEADER_Y = 34
CALENDAR_Y = 46  # the calendar's 300-pixel region starts here, under the header
TRACKS_Y = CALENDAR_Y + 300 + 4
PITCH = 44
MARGIN = LEFT - 36  # the left edge of the text, lined up with the calendar's caption


def track_text(t: TrackBar) -> str:
    """'80% (8/10) · 3 learnt · 120 pts'; 'no answers yet' (and what else there is)."""
    parts = [accuracy(t.right, t.answered)]
    if t.answered or t.learnt:
        parts.append(f"{t.learnt} learnt")
    if t.answered or t.points:
        parts.append(f"{thousands(t.points)} pts")
    return " · ".join(parts)


def _header(ax: Axes, card: ProfileCard) -> None:
    """The member's name on the left, their points on the right, a rule under both."""
    points = f"{thousands(card.points)} pts all time · {thousands(card.week_points)} this week"
    right = label(ax, RIGHT, HEADER_Y, points, size=12, color=FG, ha="right")
    name = label(ax, MARGIN, HEADER_Y, fit(card.calendar.name, 30), size=17, bold=True)
    clamp(name, RIGHT - MARGIN - right.get_window_extent().width - 24)
    ax.plot([MARGIN, RIGHT], [HEADER_Y + 16, HEADER_Y + 16], color=RULE, linewidth=1)


def draw_profile(ax: Axes, card: ProfileCard) -> None:
    """The whole card into a pixel axes of `card.size`."""
    _header(ax, card)
    draw_calendar(ax, card.calendar, 0, CALENDAR_Y, named=False)
    rows = [(t.name, t.accuracy, track_text(t)) for t in card.tracks]
    bar_rows(
        ax,
        rows,
        top=TRACKS_Y,
        pitch=PITCH,
        left=MARGIN,
        bar_x=322,
        bar_w=220,
        text_x=556,
        name_chars=30,
    )


def render(card: ProfileCard) -> bytes:
    """The profile card as a PNG of `card.size`."""
    with style():
        fig, ax = new_figure(card.size)
        draw_profile(ax, card)
        return to_png(fig)
