"""Picture data to PNG bytes, meant to run in a worker process.

`render_png` takes the picture as `dump()` JSON (what crosses a process boundary) and is a
top-level function, so a `ProcessPoolExecutor` with the spawn start method can pickle it;
`warm` is the pool's initializer. Both import matplotlib only when called, so the process that
merely submits work never loads it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from bot.pictures.data import ActivityCard, BoardCard, Calendar, Picture, ProfileCard, load


@contextmanager
def _collect_after() -> Iterator[None]:
    """No garbage collection while drawing, then a young-generation one: a figure is a web of
    cycles, and collected mid-drawing it would survive into the old generation, whose full
    collections (tens of ms) were the slowest 1% of drawings."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)


def render_png(payload: str) -> bytes:
    """The PNG of the picture `payload` (as `bot.pictures.data.dump` wrote it), `picture.size`
    pixels."""
    picture = load(payload)
    with _collect_after():
        return _render(picture)


def _render(picture: Picture) -> bytes:
    """Dispatch on the picture's kind (each drawing module is imported on first use)."""
    if isinstance(picture, Calendar):
        from bot.pictures.draw import calendar

        return calendar.render(picture)
    if isinstance(picture, ProfileCard):
        from bot.pictures.draw import profile

        return profile.render(picture)
    if isinstance(picture, BoardCard):
        from bot.pictures.draw import board

        return board.render(picture)
    if isinstance(picture, ActivityCard):
        from bot.pictures.draw import activity

        return activity.render(picture)
    raise TypeError(f"no drawing for {type(picture).__name__}")


def warm() -> None:
    """Load matplotlib (Agg), the drawing modules and the fonts: render one tiny figure with
    regular and bold text, so the first real picture does not pay for it."""
    import matplotlib

    matplotlib.use("Agg")
    from bot.pictures.draw import activity, board, calendar, profile, theme

    del activity, board, calendar, profile
    with theme.style():
        fig, ax = theme.new_figure((40, 20))
        theme.label(ax, 2, 10, "Ab 1", size=9)
        theme.label(ax, 2, 10, "Ab 1", size=9, bold=True)
        theme.boxes(ax, [(0, 0, 4, 4)], theme.EMPTY, hatch="//")
        theme.to_png(fig)
