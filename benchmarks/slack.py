"""(e) Slack: the round trip of a signed `/study submit` through the real HTTP endpoint, 20
clients at once, for studybot's adapter and for a bare bolt app that only acks, on the same
fake Slack in the same run. Each member answers the open round once (the real path: graded,
stored, points and streak in one transaction, then the answer in the ack)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp

from benchmarks.common import Figure, banner, percentile, ratio, say, scratch_dir, sqlite_url
from bot.settings import DEFAULT_CONTENT_DIR
from tests.e2e.slack_bot import ADMIN, SECRET, STUDY, fake_slack, running
from tests.e2e.slack_fake import FakeSlack, SignedSlackClient
from tests.e2e.slack_fake.bare import bare_bolt_app

CLIENTS = 20


async def _round_trips(client: SignedSlackClient, users: list[str], text: str) -> list[float]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in users:
        queue.put_nowait(u)
    out: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            user = queue.get_nowait()
            r = await client.command("/study", text, user=user, channel=STUDY)
            assert r.status == 200, r.body
            out.append(r.elapsed)

    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return out


async def _studybot(
    fake: FakeSlack, db: Path, users: list[str], session: aiohttp.ClientSession
) -> list[float]:
    async with running(fake, sqlite_url(db), content_dir=DEFAULT_CONTENT_DIR) as run:
        slack = SignedSlackClient(run.slack.url, SECRET, fake, session=session)
        await slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
        )
        await slack.command(
            "/studymod", "challenge post-now two-sigma-rule", user=ADMIN, channel=STUDY
        )
        for user in users:
            await slack.command("/study", "join", user=user, channel=STUDY)
        return await _round_trips(slack, users, "submit C")


async def bench_slack(requests: int) -> list[Figure]:
    banner(f"(e) Slack: signed /study submit round trip, {CLIENTS} clients, {requests} members")
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    users = [f"U{100000 + i}" for i in range(requests)]
    async with fake_slack() as fake, aiohttp.ClientSession() as session:
        async with bare_bolt_app(fake, SECRET) as url:
            bare_client = SignedSlackClient(url, SECRET, fake, session=session)
            await _round_trips(bare_client, [f"W{i}" for i in range(40)], "submit C")  # warm up
            bare = await _round_trips(bare_client, users, "submit C")
        with scratch_dir("slack") as tmp:
            ours = await _studybot(fake, tmp / "slack.db", users, session)
    b50, s50 = percentile(bare, 50) * 1000, percentile(ours, 50) * 1000
    b99, s99 = percentile(bare, 99) * 1000, percentile(ours, 99) * 1000
    r = ratio(s50, b50)
    say(f"bare bolt app (ack only): p50 {b50:.1f} ms, p99 {b99:.1f} ms")
    say(f"studybot:                 p50 {s50:.1f} ms, p99 {s99:.1f} ms ({r:.2f}x the bare p50)")
    return [
        Figure("bare bolt ack p50", b50, "ms"),
        Figure("studybot submit p50 (Slack)", s50, "ms"),
        Figure("studybot / bare bolt, p50", r, "x", "< 1.5x", r < 1.5),
        Figure("studybot submit p99 (Slack)", s99, "ms", "< 100 ms", s99 < 100),
    ]
