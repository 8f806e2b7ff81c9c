"""`studybot run` on Slack as a user starts it: only SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, the
API URL, the port and the database set, against a fake Slack on 127.0.0.1; and Discord and
Slack together from one `studybot run`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from tests.e2e.discord_bot import MANAGE_GUILD, MOD, fake_discord, sub
from tests.e2e.discord_bot import text_of as discord_text
from tests.e2e.slack_bot import ADMIN, ALICE, BOB, SECRET, STUDY, buttons, fake_slack, text_of
from tests.e2e.slack_fake import SignedSlackClient

STUDYBOT = Path(sys.executable).parent / "studybot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Output:
    """The process's stderr, read as it comes: `listening` is set when the HTTP endpoint is
    up (its log line), or when the process ends."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.lines: list[str] = []
        self.listening = asyncio.Event()
        self.task = asyncio.create_task(self._read(proc))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            if "Slack: listening on" in line:
                self.listening.set()
        self.listening.set()

    async def ready(self, proc: asyncio.subprocess.Process, port: int) -> None:
        await asyncio.wait_for(self.listening.wait(), 60)
        assert proc.returncode is None, "".join(self.lines)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as r,
        ):
            assert r.status == 200


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}  # fmt: skip
    return {**keep, **extra}


async def _stop(proc: asyncio.subprocess.Process, output: Output) -> str:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(output.task, 30)
    assert proc.stdout is not None
    out = await proc.stdout.read()
    await asyncio.wait_for(proc.wait(), 30)
    logs = out.decode() + "".join(output.lines)
    assert proc.returncode == 0, logs
    return logs


async def test_studybot_run_on_slack(tmp_path: Path) -> None:
    port = _free_port()
    async with fake_slack() as fake:
        proc = await asyncio.create_subprocess_exec(
            str(STUDYBOT), "run",
            env=_env(SLACK_BOT_TOKEN=fake.bot_token, SLACK_SIGNING_SECRET=SECRET,
                     STUDYBOT_SLACK_API_URL=fake.api_url, STUDYBOT_SLACK_PORT=str(port),
                     STUDYBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        output = Output(proc)
        try:
            await output.ready(proc, port)
            slack = SignedSlackClient(f"http://127.0.0.1:{port}/slack/events", SECRET, fake)
            r = await slack.command("/study", "join Europe/Berlin", user=ALICE, channel=STUDY)
            assert r.elapsed < 3
            assert "Europe/Berlin" in text_of(r.json)
            forged = await slack.command("/study", "join", user=BOB, channel=STUDY, forge=True)
            stale = await slack.command(
                "/study", "join", user=BOB, channel=STUDY, timestamp=int(time.time()) - 600
            )
            assert (forged.status, stale.status) == (401, 401)
            refused = await slack.command("/studymod", "stats", user=BOB, channel=STUDY)
            assert "Only moderators" in text_of(refused.json)
            r = await slack.command(
                "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
            )
            assert "Saved" in text_of(r.json)
            fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"})
            r = await slack.command("/studymod", "challenge post-now two-sigma-rule",
                                    user=ADMIN, channel=STUDY)  # fmt: skip
            assert "Posted round" in text_of(r.json)
            post = await fake.wait_message(STUDY)
            assert len(fake.messages(STUDY)) == 1  # once, after the 429
            choice = buttons(post)[0]["action_id"]
            click = await slack.block_action(choice, user=ALICE, channel=STUDY, message=post)
            await slack.replay(click)  # delivered twice
            profile = await slack.command("/study", "profile", user=ALICE, channel=STUDY)
            assert "of 1 answered" in text_of(profile.json)
        finally:
            logs = await _stop(proc, output)
        assert fake.bot_token not in logs
        assert SECRET not in logs


async def test_discord_and_slack_run_together(tmp_path: Path) -> None:
    port = _free_port()
    token = "MTExMQ.fake-token.really-secret"
    async with fake_slack() as fake, fake_discord(token=token) as discord:
        proc = await asyncio.create_subprocess_exec(
            str(STUDYBOT), "run",
            env=_env(SLACK_BOT_TOKEN=fake.bot_token, SLACK_SIGNING_SECRET=SECRET,
                     STUDYBOT_SLACK_API_URL=fake.api_url, STUDYBOT_SLACK_PORT=str(port),
                     DISCORD_TOKEN=token, STUDYBOT_DISCORD_API_URL=discord.api_url,
                     STUDYBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
                     STUDYBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'both.db'}"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        output = Output(proc)
        try:
            await output.ready(proc, port)
            await discord.wait_ready(timeout=30)
            slack = SignedSlackClient(f"http://127.0.0.1:{port}/slack/events", SECRET, fake)
            r = await slack.command("/study", "join", user=ALICE, channel=STUDY)
            assert "Welcome" in text_of(r.json) or "joined" in text_of(r.json).lower()
            iid = await discord.send_command(
                "study", sub("join"), user=MOD, permissions=MANAGE_GUILD
            )
            assert (await discord.wait_callback(iid)).accepted
            assert "join" in discord_text((await discord.wait_callback(iid)).data).lower()
        finally:
            await _stop(proc, output)
