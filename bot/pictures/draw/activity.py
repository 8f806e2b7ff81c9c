"""The group activity card (`/studymod stats`): answers a day as bars and active members a day
as a line, in two stacked panels over the same 56 days, then round accuracy a track."""

from __future__ import annotations

from datetime import date

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.pictures.data import ActivityCard, TrackAccuracy
from bot.pictures.draw.theme import (
    BLUE,
    MUTED,
    RULE,
    VERMILLION,
    accuracy,
    bar_rows,
    boxes,
    clamp,
    fit,
    label,
    new_figure,
    style,
    thousands,
    to_png,
)

MARGIN = 48
PLOT_X, PLOT_RIGHT = 88, 860  # the day panels' plotting area, in pixels
ANSWERS = (112, 120)  # (top, height) of the answers panel
ACTIVE = (274, 86)
TRACKS_Y = 426  # the first track row's top
TRACKS_BOTTOM = 606


def _d(day: date) -> str:
    """'3 Mar'."""
    return f"{day.day} {day:%b}"


def _panel(fig: Figure, size: tuple[int, int], top: int, height: int) -> Axes:
    """An axes at pixel rows top..top+height over the day columns, styled quietly."""
    width, full = size
    ax = fig.add_axes(
        (
            PLOT_X / width,
            1 - (top + height) / full,
            (PLOT_RIGHT - PLOT_X) / width,
            height / full,
        )
    )
    ax.set_facecolor("none")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(RULE)
    ax.tick_params(axis="both", labelsize=9, labelcolor=MUTED, color=RULE, length=3)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
    ax.grid(axis="y", color=RULE, linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def _days(fig: Figure, ax: Axes, card: ActivityCard) -> None:
    """The two day panels with their headings, weekly ticks on Mondays."""
    days = card.days
    n = len(days)
    xs = list(range(n))
    mondays = [i for i, d in enumerate(days) if d.day.weekday() == 0]
    answers = [d.answers for d in days]
    active = [d.active for d in days]

    top, height = ANSWERS
    label(ax, PLOT_X, top - 14, "Answers to rounds per day", size=11, bold=True)
    label(
        ax,
        PLOT_RIGHT,
        top - 14,
        f"{thousands(sum(answers))} in total",
        size=10,
        color=MUTED,
        ha="right",
    )
    bars = _panel(fig, card.size, top, height)
    boxes(bars, [(i - 0.38, 0, 0.76, v) for i, v in enumerate(answers) if v], BLUE, linewidths=0)
    bars.set_ylim(0, max(1, max(answers)) * 1.08)

    top, height = ACTIVE
    busiest = max(range(n), key=lambda i: (active[i], answers[i]))
    label(ax, PLOT_X, top - 14, "Members active per day", size=11, bold=True)
    peak = (
        f"busiest {active[busiest]} on {_d(days[busiest].day)}"
        if active[busiest]
        else "nobody active yet"
    )
    label(
        ax,
        PLOT_RIGHT,
        top - 14,
        f"{card.members} members · {peak}",
        size=10,
        color=MUTED,
        ha="right",
    )
    line = _panel(fig, card.size, top, height)
    line.fill_between(xs, active, color=VERMILLION, alpha=0.12, linewidth=0)
    line.plot(xs, active, color=VERMILLION, linewidth=1.6, marker="o", markersize=3)
    line.set_ylim(0, max(1, max(active)) * 1.15)

    for panel in (bars, line):
        panel.set_xlim(-0.6, n - 0.4)
        panel.set_xticks(mondays, [_d(days[i].day) for i in mondays])
        panel.grid(axis="x", color=RULE, linewidth=0.6, linestyle=(0, (2, 3)))
    bars.tick_params(axis="x", labelbottom=False)


def _track_text(t: TrackAccuracy) -> str:
    """'80% (8/10)' or 'no answers'."""
    return accuracy(t.right, t.answered) if t.answered else "no answers"


def _tracks(ax: Axes, card: ActivityCard) -> None:
    """Round accuracy a track, as bars of right / answered."""
    label(ax, MARGIN, TRACKS_Y - 16, "Round accuracy by track", size=11, bold=True)
    if not card.tracks:
        label(ax, MARGIN, TRACKS_Y + 16, "No tracks", size=10.5, color=MUTED)
        return
    pitch = min(30.0, (TRACKS_BOTTOM - TRACKS_Y) / len(card.tracks))
    rows = [
        (t.name, t.right / t.answered if t.answered else None, _track_text(t)) for t in card.tracks
    ]
    bar_rows(
        ax,
        rows,
        top=TRACKS_Y,
        pitch=pitch,
        left=MARGIN,
        bar_x=330,
        bar_w=360,
        text_x=704,
        name_chars=32,
        bar_h=min(16.0, pitch - 8),
        size=10.5,
    )


def draw_activity(fig: Figure, ax: Axes, card: ActivityCard) -> None:
    """The whole card: `ax` is the pixel axes over `fig` (see theme.new_figure)."""
    width = card.size[0]
    title = label(ax, MARGIN, 34, fit(card.group, 48), size=17, bold=True)
    clamp(title, width - 2 * MARGIN)
    sub = f"Study days in {card.timezone}"
    zone = f"study days in {card.timezone}"
    if card.days:
        first, last = card.days[0].day, card.days[-1].day
        span = f"{_d(first)} {first.year} – " if first.year != last.year else f"{_d(first)} – "
        sub = f"Last {len(card.days)} days · {span}{_d(last)} {last.year} · {zone}"
    label(ax, MARGIN, 60, fit(sub, 110), size=11, color=MUTED)
    if card.days:
        _days(fig, ax, card)
    else:
        label(ax, width / 2, 240, "No activity yet", size=13, color=MUTED, ha="center")
    _tracks(ax, card)


def render(card: ActivityCard) -> bytes:
    """The activity card as a PNG of `card.size`."""
    with style():
        fig, ax = new_figure(card.size)
        draw_activity(fig, ax, card)
        return to_png(fig)
