"""The renderer: worker processes draw, twins share one drawing, the cache keeps the recent
pictures, and a reply waits for its picture no longer than it is told."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool

from bot.edge.messages import Reply
from bot.pictures.data import BoardCard, BoardRow
from bot.pictures.renderer import Renderer


def board(points: int) -> BoardCard:
    return BoardCard(title="This week", rows=(BoardRow(rank=1, name="alice", points=points),))


async def test_worker_processes_draw_the_png() -> None:
    renderer = Renderer(workers=1)
    try:
        renderer.start()
        image = await renderer.image(board(10))
        assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert image.filename == "leaderboard.png"
        assert image.alt == "This week: 1. alice 10 pts."
    finally:
        await renderer.close()


async def test_twins_share_one_drawing_and_the_cache_keeps_the_recent() -> None:
    renderer = Renderer(workers=0, cache_size=2)
    try:
        first = await asyncio.gather(*(renderer.png(board(10)) for _ in range(5)))
        assert len(set(first)) == 1
        assert renderer.drawn == 1
        await renderer.png(board(20))
        await renderer.png(board(10))  # still cached
        assert renderer.drawn == 2
        await renderer.png(board(30))  # evicts 20, the least recently used
        await renderer.png(board(20))
        assert renderer.drawn == 4
        assert renderer.cached(board(30)) is not None
        assert renderer.cached(board(99)) is None
    finally:
        await renderer.close()


async def test_a_reply_waits_only_as_long_as_it_is_told() -> None:
    renderer = Renderer(workers=0)
    try:
        reply = Reply("1-day streak", picture=board(10), ephemeral=False)
        alone, later = await renderer.attach(reply, wait=0)
        assert alone.image is None
        assert later is not None
        follow = await later
        assert follow is not None
        assert follow.image is not None
        assert not follow.ephemeral
        whole, none = await renderer.attach(reply, wait=0)  # drawn now: no wait, no follow-up
        assert whole.image == follow.image
        assert none is None
        plain, nothing = await renderer.attach(Reply("text only"), wait=5)
        assert plain.image is None
        assert nothing is None
    finally:
        await renderer.close()


async def test_a_dead_worker_is_replaced_for_the_next_picture() -> None:
    renderer = Renderer(workers=1)
    try:
        await renderer.png(board(1))
        for child in multiprocessing.active_children():  # the worker, killed (OOM, SIGKILL)
            os.kill(child.pid or 0, signal.SIGKILL)
            child.join(10)
        with contextlib.suppress(BrokenProcessPool):
            await renderer.png(board(2))  # may be the one that finds the pool broken
        png = await renderer.png(board(3))
        assert png.startswith(b"\x89PNG")
    finally:
        await renderer.close()
