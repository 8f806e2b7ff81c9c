"""The order auto-pick walks the bank in: tracks take turns, a stable hash orders each track."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.tracks import TRACKS
from bot.store.models import Challenge


def _stable_order(challenge_id: str) -> str:
    return hashlib.sha256(challenge_id.encode()).hexdigest()


def bank_sequence(rows: Iterable[tuple[str, str]]) -> list[str]:
    """The order auto-pick walks the bank in, from (id, track) pairs; the same everywhere.

    Tracks take turns (one of each before any comes back, while each has challenges left);
    within a track the order is a stable hash of the id, so adding a challenge moves no other.
    """
    by_track: dict[str, list[str]] = {}
    for cid, track in rows:
        by_track.setdefault(track, []).append(cid)
    tracks = [t for t in TRACKS if t in by_track] + sorted(set(by_track) - set(TRACKS))
    lists = [sorted(by_track[t], key=_stable_order) for t in tracks]
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def next_pick(sequence: list[str], cursor: str | None) -> str | None:
    """The challenge after `cursor` in the sequence, wrapping round; the first if unknown."""
    if not sequence:
        return None
    try:
        return sequence[(sequence.index(cursor) + 1) % len(sequence)] if cursor else sequence[0]
    except ValueError:
        return sequence[0]


_BANK = (
    select(Challenge.id, Challenge.track)
    .where(col(Challenge.workspace_id).is_(None), col(Challenge.active), Challenge.kind != "kaggle")
    .order_by(col(Challenge.id))
)


async def load_sequence(session: AsyncSession) -> list[str]:
    """The bank's auto-pick order, read from the database (the synced, active bank)."""
    return bank_sequence((await session.exec(_BANK)).all())


async def order_bank(session: AsyncSession) -> None:
    """Store the auto-pick walk: each active bank challenge names the one after it."""
    from bot.catalog.sequence import bank_sequence

    rows = (await session.exec(select(Challenge))).all()
    sequence = bank_sequence(
        (c.id, c.track) for c in rows if c.workspace_id is None and c.active and c.kind != "kaggle"
    )
    after = {cid: sequence[(i + 1) % len(sequence)] for i, cid in enumerate(sequence)}
    for c in rows:
        if c.pick_next != after.get(c.id):
            c.pick_next = after.get(c.id)
            session.add(c)
