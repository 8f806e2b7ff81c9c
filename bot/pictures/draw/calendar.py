"""The study calendar: 26 weeks a column (Monday on top), a square a day, GitHub style.

A studied day is shaded by how much was done (viridis, light to dark); a repaired day keeps its
shade and gets a white dot; a frozen day (not studied, streak kept) is sky blue with white
hatching; today is outlined; days after today are not drawn. So no mark relies on colour alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from bot.pictures.data import WEEKS, Calendar, CalendarDay
from bot.pictures.draw.theme import (
    EMPTY,
    FG,
    FROZEN,
    LEVELS,
    MUTED,
    boxes,
    clamp,
    fit,
    label,
    new_figure,
    style,
    to_png,
)

PITCH = 28  # a day's column and row, in pixels
CELL = 23  # its square
LEFT = 104  # x of the first column (the weekday labels sit left of it)
RIGHT = LEFT + WEEKS * PITCH - (PITCH - CELL)  # x where the last column ends
CAPTION_Y = 30
MONTHS_Y = 60
GRID_Y = 70
LEGEND_Y = GRID_Y + 7 * PITCH + 16
SWATCH = 13
WEEKDAYS = {0: "Mon", 2: "Wed", 4: "Fri"}


def _plural(n: int, word: str) -> str:
    """'1 day', '2 days'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def streaks(cal: Calendar) -> str:
    """'current streak 14 days · longest 14 · 2 freezes'."""
    return (
        f"current streak {_plural(cal.current, 'day')} · longest {cal.longest} · "
        f"{_plural(cal.freezes, 'freeze')}"
    )


def _month_labels(start: date) -> list[tuple[int, str]]:
    """(column, 'Jan') at the first week of each month; the first column's month too when
    there is room before the next label."""
    cols = [
        c
        for c in range(1, WEEKS)
        if (start + timedelta(7 * c)).month != (start + timedelta(7 * (c - 1))).month
    ]
    out = [(c, (start + timedelta(7 * c)).strftime("%b")) for c in cols]
    if not cols or cols[0] >= 3:
        out.insert(0, (0, start.strftime("%b")))
    return out


def _cell(x: float, y: float, col: int, row: int) -> tuple[float, float, float, float]:
    return (x + LEFT + col * PITCH, y + GRID_Y + row * PITCH, CELL, CELL)


def draw_calendar(ax: Axes, cal: Calendar, x: float = 0, y: float = 0, named: bool = True) -> None:
    """The calendar into the 900 x 300 pixel region at (x, y) of a pixel axes (see
    theme.new_figure): a caption (the name, or 'Last 26 weeks' when `named` is False), month
    and weekday labels, the squares, and the legend."""
    stats = label(ax, x + RIGHT, y + CAPTION_Y, streaks(cal), size=11, color=MUTED, ha="right")
    if named:
        name = label(ax, x + LEFT - 36, y + CAPTION_Y, fit(cal.name, 30), size=15, bold=True)
        clamp(name, RIGHT - (LEFT - 36) - stats.get_window_extent().width - 24)
    else:
        label(ax, x + LEFT - 36, y + CAPTION_Y, f"Last {WEEKS} weeks", size=12, bold=True)
    for col, month in _month_labels(cal.start):
        label(ax, x + LEFT + col * PITCH, y + MONTHS_Y, month, size=9.5, color=MUTED)
    for row, weekday in WEEKDAYS.items():
        mid = y + GRID_Y + row * PITCH + CELL / 2
        label(ax, x + LEFT - 8, mid, weekday, size=9.5, color=MUTED, ha="right", va="center")

    marks: dict[date, CalendarDay] = {d.day: d for d in cal.days}
    plain: list[tuple[float, float, float, float]] = []
    colors: list[str] = []
    frozen: list[tuple[float, float, float, float]] = []
    dots: list[tuple[float, float]] = []
    for i in range((cal.today - cal.start).days + 1):
        rect = _cell(x, y, i // 7, i % 7)
        mark = marks.get(cal.start + timedelta(i))
        if mark is None:
            plain.append(rect)
            colors.append(EMPTY)
        elif mark.mark == "frozen":
            frozen.append(rect)
        else:
            plain.append(rect)
            colors.append(LEVELS[min(max(mark.level, 1), 4) - 1])
            if mark.mark == "repaired":
                dots.append((rect[0] + CELL / 2, rect[1] + CELL / 2))

    legend_dots = _legend(ax, x, y, plain, colors, frozen)
    dots.extend(legend_dots)
    boxes(ax, plain, colors, linewidths=0)
    if frozen:
        boxes(ax, frozen, FROZEN, linewidths=0, hatch="////", hatchcolors="white")
    if dots:
        xs, ys = zip(*dots, strict=True)
        ax.plot(
            xs,
            ys,
            linestyle="none",
            marker="o",
            markersize=5.5,
            markerfacecolor="white",
            markeredgecolor=FG,
            markeredgewidth=0.9,
        )

    offset = (cal.today - cal.start).days
    tx, ty, _, _ = _cell(x, y, offset // 7, offset % 7)
    ax.add_patch(
        Rectangle((tx - 2, ty - 2), CELL + 4, CELL + 4, fill=False, edgecolor=FG, linewidth=2)
    )


def _legend(
    ax: Axes,
    x: float,
    y: float,
    plain: list[tuple[float, float, float, float]],
    colors: list[str],
    frozen: list[tuple[float, float, float, float]],
) -> list[tuple[float, float]]:
    """The legend row under the grid: its swatches join the day collections (one draw each);
    returns where the repaired swatch wants its dot."""
    ly = y + LEGEND_Y
    top = ly - SWATCH / 2
    lx = x + LEFT
    label(ax, lx, ly, "less", size=9.5, color=MUTED, va="center")
    for k, color in enumerate((EMPTY, *LEVELS)):
        plain.append((lx + 30 + k * (SWATCH + 4), top, SWATCH, SWATCH))
        colors.append(color)
    label(ax, lx + 30 + 5 * (SWATCH + 4) + 3, ly, "more", size=9.5, color=MUTED, va="center")

    fx = lx + 300
    frozen.append((fx, top, SWATCH, SWATCH))
    label(
        ax,
        fx + SWATCH + 6,
        ly,
        "frozen (no study, streak kept)",
        size=9.5,
        color=MUTED,
        va="center",
    )
    rx = fx + 250
    plain.append((rx, top, SWATCH, SWATCH))
    colors.append(LEVELS[1])
    label(ax, rx + SWATCH + 6, ly, "repaired", size=9.5, color=MUTED, va="center")
    tx = rx + 110
    plain.append((tx, top, SWATCH, SWATCH))
    colors.append(EMPTY)
    ax.add_patch(
        Rectangle(
            (tx - 1.5, top - 1.5), SWATCH + 3, SWATCH + 3, fill=False, edgecolor=FG, linewidth=1.5
        )
    )
    label(ax, tx + SWATCH + 6, ly, "today", size=9.5, color=MUTED, va="center")
    return [(rx + SWATCH / 2, ly)]


def render(cal: Calendar) -> bytes:
    """The calendar as a PNG of `cal.size`."""
    with style():
        fig, ax = new_figure(cal.size)
        draw_calendar(ax, cal)
        return to_png(fig)
