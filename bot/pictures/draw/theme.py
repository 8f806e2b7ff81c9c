"""The look shared by every picture: an opaque light card (legible pasted into Discord's dark
theme and Slack's light one), a viridis-like sequential scale and the Okabe-Ito categorical
colours (both safe for the common colour-vision deficiencies), one font, a figure laid out in
pixels, PNG output with the same bytes for the same data, and names cut to fit.

Everything here uses matplotlib's object-oriented API: no pyplot, no global rcParams changes
(`style()` is a context manager the render call enters).
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.pictures.data import DPI

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# The card and its text (GitHub's light palette: dark text on a light grey card).
BG = "#f6f8fa"
FG = "#1f2328"
MUTED = "#59636e"
RULE = "#d0d7de"
EMPTY = "#e1e5ea"  # a day with nothing on it, an empty bar
STRIPE = "#eef1f4"  # every other board row
HIGHLIGHT = "#fdecc8"  # the caller's own row

# Studied days, shade 1 (a little) to 4 (a lot): viridis sampled light to dark.
LEVELS = ("#bddf26", "#2fb47c", "#2a788e", "#472a7a")

# Okabe-Ito.
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"

FROZEN = SKY
BAR = BLUE
MEDALS = ("#f2c14e", "#c3cad3", "#dba676")  # gold, silver, bronze (the number is the cue)

FONT = "DejaVu Sans"
ELLIPSIS = "…"

_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "text.parse_math": False,
    "text.usetex": False,
    "axes.unicode_minus": False,
    "text.hinting": "none",  # as legible at these sizes, and faster to draw
}


@contextmanager
def style() -> Iterator[None]:
    """The picture's settings and no glyph warnings, for the length of one render."""
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from")
        warnings.filterwarnings("ignore", message=r".*[Ff]ont.*not found")
        yield


def new_figure(size: tuple[int, int]) -> tuple[Figure, Axes]:
    """A figure of exactly `size` pixels and an axes over all of it in pixel coordinates:
    x from 0 (left) to width, y from 0 (top) to height."""
    width, height = size
    # A hair over the size: Agg truncates width * dpi, and 57 / 100 * 100 is 56.99999...
    fig = Figure(figsize=((width + 0.01) / DPI, (height + 0.01) / DPI), dpi=DPI, facecolor=BG)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.patch.set_visible(False)
    return fig, ax


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes: its own size, opaque, and no software/date metadata."""
    out = io.BytesIO()
    fig.savefig(
        out,
        format="png",
        dpi=DPI,
        facecolor=BG,
        metadata={"Software": None},
        pil_kwargs={"compress_level": 3},  # flat colours: as small as level 6, faster
    )
    return out.getvalue()


def _units(char: str) -> int:
    """How wide a character draws, roughly: 2 for wide (CJK, emoji), 0 for combining marks."""
    if unicodedata.combining(char) or char in "\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def clean(text: str) -> str:
    """One line of text: control characters (newlines, tabs) become spaces."""
    out = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(out.split())


def fit(name: str, max_chars: int) -> str:
    """`name` on one line, cut with an ellipsis when longer than `max_chars` (a wide character
    such as an emoji counts as two)."""
    name = clean(name) or "?"
    if sum(_units(c) for c in name) <= max_chars:
        return name
    kept: list[str] = []
    used = 0
    for char in name:
        used += _units(char)
        if used > max_chars - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip(" \u200d·,-") + ELLIPSIS


def clamp(text: Text, max_px: float) -> Text:
    """Cut `text` further (with an ellipsis) until it is at most `max_px` wide as drawn: the
    exact check after `fit`'s estimate, for wide glyphs and unusual scripts."""
    if text.get_window_extent().width <= max_px:
        return text
    full = text.get_text().removesuffix(ELLIPSIS)
    lo, hi = 0, len(full) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        text.set_text(full[:mid].rstrip() + ELLIPSIS)
        if text.get_window_extent().width <= max_px:
            lo = mid
        else:
            hi = mid - 1
    text.set_text(full[:lo].rstrip() + ELLIPSIS)
    return text


def label(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    size: float = 11,
    color: str = FG,
    bold: bool = False,
    ha: str = "left",
    va: str = "center_baseline",
) -> Text:
    """Plain text at pixel (x, y): never mathtext, so a `$` in a name is just a dollar."""
    return ax.text(
        x,
        y,
        text,
        fontsize=size,
        color=color,
        fontweight="bold" if bold else "normal",
        ha=ha,
        va=va,
        parse_math=False,
        fontfamily=FONT,
    )


def boxes(
    ax: Axes,
    rects: Sequence[tuple[float, float, float, float]],
    colors: Sequence[str] | str,
    **kwargs: Any,
) -> PolyCollection:
    """Many filled rectangles (x, y, width, height) as one collection: one draw call."""
    verts = [((x, y), (x + w, y), (x + w, y + h), (x, y + h)) for x, y, w, h in rects]
    coll = PolyCollection(verts, facecolors=colors, **kwargs)
    ax.add_collection(coll, autolim=False)
    return coll


def accuracy(right: int, answered: int) -> str:
    """'80% (8/10)', or 'no answers yet'."""
    if not answered:
        return "no answers yet"
    return f"{round(100 * right / answered)}% ({right}/{answered})"


def thousands(n: int) -> str:
    """1240 -> '1,240'."""
    return f"{n:,}"


def bar_rows(
    ax: Axes,
    rows: Sequence[tuple[str, float | None, str]],
    *,
    top: float,
    pitch: float,
    left: float,
    bar_x: float,
    bar_w: float,
    text_x: float,
    name_chars: int,
    bar_h: float = 16,
    size: float = 10.5,
) -> None:
    """One row a (name, share 0..1 or None, text): the name, an empty bar filled to the share
    (nothing for None), and the text after the bar; all bars as two collections."""
    backs: list[tuple[float, float, float, float]] = []
    fills: list[tuple[float, float, float, float]] = []
    for i, (name, share, text) in enumerate(rows):
        mid = top + pitch * (i + 0.5)
        clamp(
            label(ax, left, mid, fit(name, name_chars), size=size, va="center"), bar_x - left - 12
        )
        backs.append((bar_x, mid - bar_h / 2, bar_w, bar_h))
        if share:
            fills.append((bar_x, mid - bar_h / 2, bar_w * min(1.0, share), bar_h))
        label(
            ax,
            text_x,
            mid,
            text,
            size=size - 0.5,
            color=FG if share is not None else MUTED,
            va="center",
        )
    boxes(ax, backs, EMPTY, linewidths=0)
    if fills:
        boxes(ax, fills, BAR, linewidths=0)
