"""Pacing sends under a platform's rate: a token bucket on an injectable clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """At most `rate` sends a second across this process (a token bucket)."""

    def __init__(
        self,
        rate: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.now, self.sleep = now, sleep
        self.next_at = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            at = self.now()
            if self.next_at > at:
                await self.sleep(self.next_at - at)
                at = self.next_at
            self.next_at = at + self.interval


class ChannelPacers:
    """One Pacer per channel (Slack: about one message a second in each channel)."""

    def __init__(self, rate: float, **clock: object) -> None:
        self.rate = rate
        self.clock = clock
        self._pacers: dict[str, Pacer] = {}

    async def wait(self, channel: str) -> None:
        pacer = self._pacers.get(channel)
        if pacer is None:
            if len(self._pacers) > 10_000:  # forget idle channels rather than grow forever
                self._pacers.clear()
            pacer = self._pacers[channel] = Pacer(self.rate, **self.clock)  # type: ignore[arg-type]
        await pacer.wait()
