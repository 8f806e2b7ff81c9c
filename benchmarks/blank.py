"""The drawing baseline: a blank figure of a picture's size, saved as PNG the same way."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100


def blank_png(width: int, height: int) -> bytes:
    """A PNG of one empty axes, the size given in pixels."""
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.add_subplot()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
