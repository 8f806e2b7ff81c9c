"""A bare slack-bolt AsyncApp pointed at a FakeSlack: no studybot code, a /study handler that
only acks. The baseline the studybot adapter is benchmarked against, and (through `serve_bolt`)
how the fake's self-test serves its own bolt apps on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from .fake import FakeSlack


def bolt_client(fake: FakeSlack, **options: Any) -> AsyncWebClient:
    """An AsyncWebClient on the fake (no session passed: each call opens and closes its own)."""
    return AsyncWebClient(base_url=fake.api_url, token=fake.bot_token, **options)


def bare_app(fake: FakeSlack, signing_secret: str) -> AsyncApp:
    app = AsyncApp(signing_secret=signing_secret, client=bolt_client(fake))

    @app.command("/study")
    async def study(ack: AsyncAck) -> None:
        await ack()

    return app


@contextlib.asynccontextmanager
async def serve_bolt(app: AsyncApp, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serves `app.web_app()` on 127.0.0.1 (a free port); yields the events URL."""
    runner = web.AppRunner(
        app.web_app(path=path), handle_signals=False, access_log=None, shutdown_timeout=1
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = int(runner.addresses[0][1])
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def bare_bolt_app(fake: FakeSlack, signing_secret: str) -> AsyncIterator[str]:
    """`async with bare_bolt_app(fake, secret) as url:` a bare AsyncApp whose /study only acks.
    Bolt calls auth.test on the first request that needs authorization (then caches it), so
    the first /study pays one extra round trip to the fake: warm up before timing."""
    async with serve_bolt(bare_app(fake, signing_secret)) as url:
        yield url
