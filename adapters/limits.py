"""Fitting text into a platform's limits: cut with an ellipsis, or split at line ends."""

from __future__ import annotations


def cut(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(text: str, size: int) -> list[str]:
    """Text in pieces of at most `size`, broken at a line end where one is near."""
    pieces = []
    while len(text) > size:
        at = text.rfind("\n", size // 2, size)
        at = size if at < 0 else at
        pieces.append(text[:at])
        text = text[at:].lstrip("\n")
    return [*pieces, text] if text else pieces
