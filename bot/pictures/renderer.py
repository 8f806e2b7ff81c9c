"""Pictures into PNG images, off the event loop, each drawn once.

Drawing runs in a small pool of worker processes (matplotlib holds the GIL while it draws, so a
thread would stall the event loop); `workers=0` draws in one background thread of this process
instead (for tests and tiny deployments). Equal data gives the same picture, so images are cached
by what they show, and twin requests in flight share one drawing.

`attach` is how a reply gets its image without waiting long for it: the image if it is ready
within `wait` seconds; otherwise the reply without it, and a follow-up that brings the image
when it is drawn. A drawing that fails is logged and the reply goes out without a picture: its
text is complete on its own.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from bot.edge.messages import Image, Post, Reply
from bot.pictures.data import Picture, digest, dump

log = logging.getLogger(__name__)

CACHE_SIZE = 128


class Renderer:
    def __init__(self, workers: int = 2, cache_size: int = CACHE_SIZE) -> None:
        self.workers = workers
        self.cache_size = cache_size
        self._pool: Executor | None = None
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, asyncio.Future[bytes]] = {}
        self.drawn = 0  # drawings actually made (cache misses), for tests and benchmarks

    def _executor(self) -> Executor:
        if self._pool is None:
            from bot.pictures import draw

            if self.workers > 0:
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=draw.warm,
                )
            else:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="studybot-pictures")
        return self._pool

    def start(self) -> None:
        """Start the workers now (they load matplotlib), so the first picture is not slow."""
        from bot.pictures import draw

        pool = self._executor()
        for _ in range(max(1, self.workers)):  # a process pool starts a worker per task waiting
            pool.submit(draw.warm)

    def _broken(self, pool: Executor) -> None:
        """A worker of `pool` died (killed, out of memory): that pool is done for; the next
        picture starts a new one (a pool started since is left alone)."""
        if self._pool is pool:
            self._pool = None
            log.warning("a picture worker died; starting new ones for the next picture")
            pool.shutdown(wait=False, cancel_futures=True)

    async def png(self, picture: Picture) -> bytes:
        payload = dump(picture)
        key = digest(payload)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        pending = self._drawing.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._draw(payload))
            self._drawing[key] = pending
            pending.add_done_callback(lambda f: self._done(key, f))
        return await asyncio.shield(pending)

    async def _draw(self, payload: str) -> bytes:
        from bot.pictures import draw

        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            try:
                drawing = loop.run_in_executor(pool, draw.render_png, payload)
            except BrokenProcessPool:  # broken since the last picture: a new pool, once
                self._broken(pool)
                pool = self._executor()
                drawing = loop.run_in_executor(pool, draw.render_png, payload)
            return await drawing
        except BrokenProcessPool:
            self._broken(pool)
            raise

    def _done(self, key: str, future: asyncio.Future[bytes]) -> None:
        self._drawing.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self.drawn += 1
        self._cache[key] = future.result()
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def cached(self, picture: Picture) -> Image | None:
        """The picture's image when it was drawn before (no waiting at all)."""
        png = self._cache.get(digest(dump(picture)))
        return None if png is None else Image(png, picture.filename, picture.alt())

    async def image(self, picture: Picture) -> Image:
        return Image(await self.png(picture), picture.filename, picture.alt())

    async def attach(
        self, reply: Reply, wait: float
    ) -> tuple[Reply, asyncio.Future[Reply | None] | None]:
        """The reply with its image when drawn within `wait` seconds; else the reply alone and
        a follow-up reply that carries the image."""
        if reply.picture is None or reply.image is not None:
            return reply, None
        ready = self.cached(reply.picture)
        if ready is not None:
            return replace(reply, image=ready), None
        drawing = asyncio.ensure_future(self.image(reply.picture))
        try:
            image = await asyncio.wait_for(asyncio.shield(drawing), wait)
        except TimeoutError:
            log.info("%s is not drawn within %.1f s: it follows", reply.picture.kind, wait)
            return reply, asyncio.ensure_future(_follow_up(reply, drawing))
        except Exception:
            log.exception("could not draw %s; the reply goes without it", reply.picture.kind)
            return reply, None
        return replace(reply, image=image), None

    async def drawn_post(self, post: Post) -> Post:
        """A post with its image (drawn now, however long it takes), or without it on error."""
        if post.picture is None or post.image is not None:
            return post
        try:
            return replace(post, image=await self.image(post.picture))
        except Exception:
            log.exception("could not draw %s; the post goes without it", post.picture.kind)
            return post

    async def close(self) -> None:
        """Stop the workers (a drawing in progress is finished, queued ones are dropped)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


async def _follow_up(reply: Reply, drawing: asyncio.Future[Image]) -> Reply | None:
    """The late image as a reply of its own (None when it could not be drawn)."""
    try:
        image = await drawing
    except Exception:
        log.exception("could not draw a picture; the reply went without it")
        return None
    return Reply("", title=None, image=image, ephemeral=reply.ephemeral)
