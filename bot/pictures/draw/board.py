"""The leaderboard card: a title, then a row a member (rank, name, points, streak); the
caller's own row is a highlighted band in bold, set apart when it comes after the top 10."""

from __future__ import annotations

from matplotlib.axes import Axes

from bot.pictures.data import BOARD_ROWS, BoardCard, BoardRow
from bot.pictures.draw.theme import (
    FG,
    HIGHLIGHT,
    MEDALS,
    MUTED,
    ORANGE,
    RULE,
    STRIPE,
    boxes,
    clamp,
    fit,
    label,
    new_figure,
    style,
    thousands,
    to_png,
)

MARGIN = 32
TITLE_Y = 40
HEAD_Y = 78
ROWS_Y = 90
PITCH = 48
GAP = 14  # before the caller's row when it is not in the top 10
RANK_X = 60
NAME_X = 100
POINTS_X = 600  # right edge
STREAK_X = 768  # right edge
MEDAL_PT = 21  # a medal's diameter, in points


def streak_text(days: int) -> str:
    """'14-day streak', or a dash."""
    return f"{days}-day streak" if days else "—"


def _apart(rows: tuple[BoardRow, ...], i: int) -> bool:
    """Whether row i is the caller's own, below the top 10, so it stands apart."""
    return i > 0 and rows[i].me and rows[i].rank > BOARD_ROWS


def _row(ax: Axes, row: BoardRow, top: float) -> None:
    """One member's rank, name, points and streak, centred in the band at `top`."""
    mid = top + PITCH / 2
    weight = row.me
    rank = label(
        ax,
        RANK_X,
        mid,
        str(row.rank),
        size=13,
        bold=weight or row.rank <= 3,
        ha="center",
        va="center",
    )
    if row.rank > 3 and not row.me:
        rank.set_color(MUTED)
    points = label(
        ax,
        POINTS_X,
        mid,
        f"{thousands(row.points)} pts",
        size=13,
        bold=weight,
        ha="right",
        va="center",
    )
    name = label(ax, NAME_X, mid, fit(row.name, 34), size=13, bold=weight, va="center")
    room = POINTS_X - points.get_window_extent().width - NAME_X - 28
    clamp(name, room)
    label(
        ax,
        STREAK_X,
        mid,
        streak_text(row.streak),
        size=11.5,
        bold=weight,
        color=FG if row.streak else MUTED,
        ha="right",
        va="center",
    )


def draw_board(ax: Axes, card: BoardCard) -> None:
    """The whole card into a pixel axes of `card.size`."""
    width = card.size[0]
    title = label(ax, MARGIN, TITLE_Y, fit(card.title, 48), size=17, bold=True)
    used = 0.0
    if card.entrants:
        count = f"{card.entrants} {'member' if card.entrants == 1 else 'members'} with points"
        used = (
            label(ax, width - MARGIN, TITLE_Y, count, size=11, color=MUTED, ha="right")
            .get_window_extent()
            .width
            + 24
        )
    clamp(title, width - 2 * MARGIN - used)
    if not card.rows:
        label(
            ax,
            width / 2,
            ROWS_Y + PITCH / 2,
            "No points yet",
            size=13,
            color=MUTED,
            ha="center",
            va="center",
        )
        return

    for text, x, ha in (
        ("rank", RANK_X, "center"),
        ("member", NAME_X, "left"),
        ("points", POINTS_X, "right"),
        ("streak", STREAK_X, "right"),
    ):
        label(ax, x, HEAD_Y, text, size=9, color=MUTED, ha=ha)
    stripes: list[tuple[float, float, float, float]] = []
    mine: list[tuple[float, float, float, float]] = []
    medals: list[tuple[float, float, str]] = []
    top = float(ROWS_Y)
    for i, row in enumerate(card.rows):
        if _apart(card.rows, i):
            ax.plot(
                [MARGIN, width - MARGIN],
                [top + GAP / 2] * 2,
                color=RULE,
                linewidth=1.2,
                linestyle=(0, (2, 3)),
            )
            top += GAP
        band = (MARGIN - 8, top, width - 2 * MARGIN + 16, PITCH)
        if row.me:
            mine.append(band)
        elif i % 2 == 0:
            stripes.append(band)
        if 1 <= row.rank <= 3:
            medals.append((RANK_X, top + PITCH / 2, MEDALS[row.rank - 1]))
        _row(ax, row, top)
        top += PITCH
    boxes(ax, stripes, STRIPE, linewidths=0, zorder=0.5)
    if mine:
        boxes(ax, mine, HIGHLIGHT, linewidths=0, zorder=0.6)
        boxes(ax, [(b[0], b[1], 5, b[3]) for b in mine], ORANGE, linewidths=0, zorder=0.7)
    if medals:
        xs, ys, colors = zip(*medals, strict=True)
        ax.scatter(xs, ys, s=MEDAL_PT**2, c=list(colors), linewidths=0, zorder=0.8)


def render(card: BoardCard) -> bytes:
    """The leaderboard as a PNG of `card.size`."""
    with style():
        fig, ax = new_figure(card.size)
        draw_board(ax, card)
        return to_png(fig)
