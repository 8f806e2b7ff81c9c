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
            answer = await fake.wait_callback(profile)
            assert "1 answered" in text_of(answer.data)
            # Drawn by the real worker processes: in the answer, or just after it when late.
            files = answer.files or (await fake.wait_followup(profile, timeout=30)).files
            assert [name for name, _ in files] == ["profile.png"]
            assert files[0][1].startswith(b"\x89PNG")
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        logs = out.decode() + err.decode()
        assert "really-secret" not in logs
        assert "logged in to Discord as StudyBot" in logs
        assert "PyNaCl" not in logs


def _cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    import subprocess

    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_"))}
    proc = subprocess.run(
        [str(STUDYBOT), *args], env={**keep, **env}, capture_output=True, text=True, timeout=60
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_invite_url_names_scopes_and_exact_permissions() -> None:
    code, out = _cli({"DISCORD_TOKEN": TOKEN}, "discord", "invite-url")
    assert code == 0
    assert out.strip() == (
        "https://discord.com/oauth2/authorize?client_id=1111"
        "&scope=bot+applications.commands&permissions=52224"
    )  # view channel, send messages, embed links, attach files
    code, out = _cli({}, "discord", "invite-url", "--application-id", "42")
    assert code == 0
    assert "client_id=42&" in out
    code, out = _cli({}, "discord", "invite-url")
    assert code == 2
    assert "DISCORD_TOKEN is not set" in out


def test_bad_discord_settings_stop_start_up_in_one_line(tmp_path: Path) -> None:
    env = {
        "DISCORD_TOKEN": TOKEN,
        "STUDYBOT_DISCORD_SHARD_IDS": "0,5",
        "STUDYBOT_DISCORD_SHARD_COUNT": "2",
        "STUDYBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    code, out = _cli(env, "run")
    assert code == 2
    assert out.count("\n") == 1
    assert "STUDYBOT_DISCORD_SHARD_IDS" in out
    assert "really-secret" not in out
    # Nothing answers at the API URL: one line, no token, no traceback.
    env = {**env, "STUDYBOT_DISCORD_SHARD_IDS": "", "STUDYBOT_DISCORD_SHARD_COUNT": "",
           "STUDYBOT_DISCORD_API_URL": "http://127.0.0.1:9/api/v10"}  # fmt: skip
    del env["STUDYBOT_DISCORD_SHARD_IDS"], env["STUDYBOT_DISCORD_SHARD_COUNT"]
    code, out = _cli(env, "run")
    assert code == 2, out
    assert "Traceback" not in out
    assert "really-secret" not in out
