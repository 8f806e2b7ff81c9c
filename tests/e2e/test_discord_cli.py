"""`studybot run` as a user starts it: only DISCORD_TOKEN, the two Discord URLs and the
database set, against a fake Discord on 127.0.0.1. It connects, syncs, answers within three
seconds, lets a Manage Server member set the channel and post a round, counts a click
delivered twice once, refuses a member's /studymod, keeps working across a gateway drop, never
shows its token, and stops on SIGTERM with exit 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.discord_bot import (
    ALICE,
    BOB,
    CHANNEL,
    MANAGE_GUILD,
    MOD,
    buttons,
    fake_discord,
    grouped,
    sub,
    text_of,
)

STUDYBOT = Path(sys.executable).parent / "studybot"
TOKEN = "MTExMQ.fake-token.really-secret"


def _env(fake_api: str, fake_gateway: str, db: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_"))}
    return {
        **keep,
        "DISCORD_TOKEN": TOKEN,
        "STUDYBOT_DISCORD_API_URL": fake_api,
        "STUDYBOT_DISCORD_GATEWAY_URL": fake_gateway,
        "STUDYBOT_DATABASE_URL": f"sqlite:///{db}",
    }


async def test_studybot_run_on_discord(tmp_path: Path) -> None:
    async with fake_discord(token=TOKEN) as fake:
        proc = await asyncio.create_subprocess_exec(
            str(STUDYBOT), "run",
            env=_env(fake.api_url, fake.gateway_url, tmp_path / "run.db"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_ready(timeout=60)
            assert {c["name"] for c in fake.commands("global")} == {"study", "studymod"}

            join = await fake.send_command(
                "study", sub("join", timezone="Europe/Berlin"), user=ALICE
            )
            cb = await fake.wait_callback(join)
            assert cb.latency < 3
            assert "Europe/Berlin" in text_of(cb.data)

            mod = {"user": MOD, "permissions": MANAGE_GUILD}
            channel = await fake.send_command(
                "studymod", grouped("config", "channel", channel=str(CHANNEL)), **mod
            )
            assert "Saved" in text_of((await fake.wait_callback(channel)).data)
            refused = await fake.send_command("studymod", [{"type": 1, "name": "stats"}], user=BOB)
            assert "Only moderators" in text_of((await fake.wait_callback(refused)).data)
            post = await fake.send_command(
                "studymod", grouped("challenge", "post-now", challenge_id="two-sigma-rule"), **mod
            )
            assert "Posted round" in text_of((await fake.wait_callback(post)).data)
            round_post = await fake.wait_message(CHANNEL)
            choice = buttons(round_post)[0]["custom_id"]

            await fake.drop_connection(code=4000)
            click = await fake.click(choice, int(round_post["id"]), user=ALICE)
            first = await fake.wait_callback(click)
            assert first.accepted
            await fake.redeliver(click)
            await fake.wait_resumed(timeout=30)
            profile = await fake.send_command("study", sub("profile"), user=ALICE)
            assert "1 answered" in text_of((await fake.wait_callback(profile)).data)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        logs = out.decode() + err.decode()
        assert "really-secret" not in logs
        assert "logged in to Discord as StudyBot" in logs
        assert "PyNaCl" not in logs
