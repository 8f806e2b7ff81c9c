"""The competency tracks: the one place they are listed, in their rotation order."""

from __future__ import annotations

TRACK_NAMES: dict[str, str] = {
    "cs-fundamentals": "CS fundamentals",
    "probability-statistics": "Probability & statistics",
    "data-modeling-evaluation": "Data modelling & evaluation",
    "ml-algorithms-libraries": "ML algorithms & libraries",
    "software-engineering-systems": "Software engineering & systems",
    "math-foundations": "Math foundations",
}
TRACKS: tuple[str, ...] = tuple(TRACK_NAMES)
