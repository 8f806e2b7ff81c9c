"""Run the real studybot Slack adapter (slack-bolt unmodified) on an ephemeral port, its Web
API pointed at the fake Slack, on a simulated clock whose scheduled posts the test sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.runtime import Runtime
from adapters.serve import serve
from adapters.slack.runner import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.edge import SimulatedClock
from bot.settings import load_settings
from tests.conftest import FIXTURE_CONTENT
from tests.e2e.discord_bot import START
from tests.e2e.slack_fake import FakeSlack, FakeSlackChannel, FakeSlackUser, SignedSlackClient

SECRET = "s3cr3t-signing"
STUDY, OTHER = "C0STUDY", "C0OTHER"
ADMIN, ALICE, BOB = "U0ADMIN", "U0ALICE", "U0BOB"


def fake_slack(**kwargs: Any) -> FakeSlack:
    return FakeSlack(
        users=[
            FakeSlackUser(ADMIN, "ann", is_admin=True),
            FakeSlackUser(ALICE, "alice"),
            FakeSlackUser(BOB, "bob"),
        ],
        channels=[
            FakeSlackChannel(STUDY, "study", bot_is_member=True),
            FakeSlackChannel(OTHER, "general", bot_is_member=False),
        ],
        **kwargs,
    )


@dataclass
class SlackRun:
    adapter: SlackAdapter
    runtime: Runtime
    slack: SignedSlackClient
    clock: SimulatedClock

    async def tick(self, at: Any) -> None:
        self.clock.set(at)
        await self.runtime.run_due()


@asynccontextmanager
async def running(
    fake: FakeSlack,
    db_url: str,
    *,
    clock: SimulatedClock | None = None,
    content_dir: Path = FIXTURE_CONTENT,
    core: dict[str, Any] | None = None,
    **slack_settings: Any,
) -> AsyncIterator[SlackRun]:
    """`core`: settings of the bot itself (say, `image_wait`)."""
    settings = load_settings(database_url=db_url, content_dir=content_dir, **(core or {}))
    # Pacing is tested on its own clock (tests/unit); here it would only slow the suite.
    options: dict[str, Any] = {"bot_token": fake.bot_token, "channel_posts_per_second": 100}
    options |= slack_settings
    ss = SlackSettings(
        signing_secret=SECRET, api_url=fake.api_url, host="127.0.0.1", port=0, **options
    ).check()
    adapter = SlackAdapter(ss)
    clock = clock or SimulatedClock(START)
    runtime = Runtime.build(settings, clock, {"slack": adapter.poster}, drive="manual")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(runtime, [adapter], stop))
    try:
        ready = asyncio.create_task(adapter.ready.wait())
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when="FIRST_COMPLETED")
        if task in done:
            ready.cancel()
            task.result()  # the start-up failure
        assert ready in done, "the Slack adapter did not start"
        url = f"http://127.0.0.1:{adapter.port}/slack/events"
        yield SlackRun(adapter, runtime, SignedSlackClient(url, SECRET, fake), clock)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def text_of(payload: Any) -> str:
    """What a member reads in a message or an ack: text and every block's text and fields."""
    if not isinstance(payload, dict):
        return str(payload or "")
    parts = [str(payload.get("text") or "")]
    for block in payload.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
        parts += [str(f.get("text", "")) for f in block.get("fields") or []]
        parts += [str(e.get("text", {}).get("text", "")) for e in block.get("elements") or []
                  if isinstance(e.get("text"), dict)]  # fmt: skip
    return "\n".join(p for p in parts if p)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b.get("type") == "actions"
            for e in b.get("elements", [])]  # fmt: skip


def sqlite_url(tmp_path: Path, name: str = "slack.db") -> str:
    return f"sqlite:///{tmp_path / name}"
