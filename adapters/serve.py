"""`studybot run` on the chat platforms: one runtime, one database, every configured adapter.

The core starts first (migrations, the bank), then each adapter (Discord logs in and syncs;
Slack binds its HTTP endpoint or opens Socket Mode), then scheduled posts. SIGTERM or Ctrl-C
stops the adapters (each answers what is in flight), then the scheduler, and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Protocol

from adapters.runtime import Runtime
from bot.edge import Poster

log = logging.getLogger(__name__)


class Adapter(Protocol):
    """A platform adapter as the runner drives it: its name, its Poster, start and stop."""

    name: str

    @property
    def poster(self) -> Poster: ...

    async def start(self, runtime: Runtime) -> asyncio.Task[None]:
        """Connect and return the task that runs until the adapter stops (or fails)."""
        ...

    async def stop(self) -> None:
        """Answer what is in flight, then disconnect."""
        ...


async def serve(runtime: Runtime, adapters: Sequence[Adapter], stop: asyncio.Event) -> None:
    """Run the adapters until `stop` is set or one of them fails for good (re-raised)."""
    await runtime.start_core()
    running: list[asyncio.Task[None]] = []
    started: list[Adapter] = []
    try:
        for adapter in adapters:
            starting = asyncio.create_task(adapter.start(runtime))
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if starting not in done:  # stopped while starting
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await starting
                return
            running.append(starting.result())
            started.append(adapter)
        await runtime.start_scheduling()
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({stopping, *running}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        for task in running:
            if task in done:
                task.result()  # an adapter that ended by itself: re-raise why
        log.info("stopping: answering what is in flight")
    finally:
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.name)
        for task in running:
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await runtime.stop()


async def serve_until_signalled(runtime: Runtime, adapters: Sequence[Adapter]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await serve(runtime, adapters, stop)
