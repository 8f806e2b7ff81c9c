"""(d) Discord: from the fake gateway dispatching `/study submit` to the first callback it
receives, for studybot's adapter and for a bare discord.py handler on the same fake, in the
same run. 500 members each answer the open round once (the real path: a submission written,
points and streak updated in one transaction)."""

from __future__ import annotations

import logging
from pathlib import Path
from time import perf_counter

from benchmarks.common import Figure, banner, percentile, ratio, say, scratch_dir, sqlite_url
from bot.edge import Invocation
from bot.settings import DEFAULT_CONTENT_DIR
from commands.dispatcher import Outcome
from tests.e2e.discord_bot import (
    fake_discord,
    open_round,
    running,
    sub,
)
from tests.e2e.discord_fake import FakeDiscord, FakeUser
from tests.e2e.discord_fake.bare import bare_client


async def _latencies(fake: FakeDiscord, users: list[FakeUser], answer: str) -> list[float]:
    out = []
    for user in users:
        iid = await fake.send_command("study", sub("submit", answer=answer), user=user)
        cb = await fake.wait_callback(iid, timeout=10)
        out.append(cb.latency)
    return out


async def _studybot(
    fake: FakeDiscord, db: Path, users: list[FakeUser]
) -> tuple[list[float], list[float]]:
    """Latencies, and the time each spent in the core's unit of work (the dispatcher)."""
    # The real bank; the bench's members join first (not measured).
    url = sqlite_url(db)
    async with running(fake, url, content_dir=DEFAULT_CONTENT_DIR) as bot:
        await open_round(fake, "two-sigma-rule")
        for user in users:
            await fake.wait_callback(await fake.send_command("study", sub("join"), user=user))
        dispatcher = bot.runtime.dispatcher
        handle, core = dispatcher.handle, []

        async def timed(inv: Invocation) -> Outcome:
            t0 = perf_counter()
            try:
                return await handle(inv)
            finally:
                core.append(perf_counter() - t0)

        dispatcher.handle = timed  # type: ignore[method-assign]
        return await _latencies(fake, users, "C"), core


async def bench_discord(interactions: int) -> list[Figure]:
    banner(f"(d) Discord: /study submit, dispatch to first callback, {interactions} members")
    logging.getLogger("discord").setLevel(logging.ERROR)
    users = [FakeUser(id=100_000 + i, name=f"member{i}") for i in range(interactions)]
    warm = [FakeUser(id=900_000 + i, name=f"warm{i}") for i in range(20)]
    async with fake_discord() as fake:
        async with bare_client(fake):
            await _latencies(fake, warm, "A")
            bare = await _latencies(fake, users, "A")
        with scratch_dir("discord") as tmp:
            ours, core = await _studybot(fake, tmp / "discord.db", users)
    b50, b99 = percentile(bare, 50) * 1000, percentile(bare, 99) * 1000
    s50, s99 = percentile(ours, 50) * 1000, percentile(ours, 99) * 1000
    r = ratio(s50, b50)
    c50 = percentile(core, 50) * 1000
    edge = percentile([a - b for a, b in zip(ours, core, strict=True)], 50) * 1000
    say(f"bare discord.py: p50 {b50:.2f} ms, p99 {b99:.2f} ms")
    say(f"studybot:        p50 {s50:.2f} ms, p99 {s99:.2f} ms ({r:.2f}x the bare p50)")
    say(f"  of which the core's unit of work p50 {c50:.2f} ms; the rest p50 {edge:.2f} ms")
    return [
        Figure("bare handler p50", b50, "ms"),
        Figure("studybot submit p50", s50, "ms"),
        Figure("studybot / bare, p50", r, "x", "< 1.5x", r < 1.5),
        Figure("core unit of work p50", c50, "ms"),
        Figure("adapter without the core, p50", edge, "ms"),
        Figure("studybot submit p99", s99, "ms", "< 3000 ms", s99 < 3000),
    ]
