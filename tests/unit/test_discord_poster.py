"""The Discord Poster's rules without a network: nonces, pacing, and which refusals are
permanent."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord.poster import NONCE_MAX, nonce_for, refusal
from adapters.discord.settings import load_discord_settings
from adapters.pacing import Pacer
from bot.edge import ConfigError


class _Response:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "x"


def _error(cls: type[discord.HTTPException], status: int, code: int) -> discord.HTTPException:
    return cls(_Response(status), {"code": code, "message": "refused"})  # type: ignore[arg-type]


def test_nonce_is_stable_short_and_per_guild() -> None:
    a = nonce_for("1001", "reminder:123456/2026-03-08")
    assert a == nonce_for("1001", "reminder:123456/2026-03-08")
    assert len(a) <= NONCE_MAX
    assert a != nonce_for("1002", "reminder:123456/2026-03-08")


@pytest.mark.parametrize(
    ("cls", "status", "code", "permanent"),
    [
        (discord.Forbidden, 403, 50001, True),
        (discord.Forbidden, 403, 50013, True),
        (discord.Forbidden, 403, 50007, True),
        (discord.NotFound, 404, 10003, True),
        (discord.HTTPException, 400, 50035, True),
        (discord.DiscordServerError, 500, 0, False),
        (discord.DiscordServerError, 503, 0, False),
    ],
)
def test_which_refusals_are_permanent(
    cls: type[discord.HTTPException], status: int, code: int, permanent: bool
) -> None:
    found = refusal(_error(cls, status, code), "<#2001>")
    assert (found is not None) == permanent
    if found is not None:
        assert found.reason.startswith("<#2001>: ")


async def test_pacer_spaces_sends_without_real_sleep() -> None:
    clock = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = Pacer(40.0, now=lambda: clock[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait()
    assert slept == pytest.approx([0.025] * 4)


def test_settings_names_the_variable_never_the_token(monkeypatch: Any) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("STUDYBOT_DISCORD_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        load_discord_settings()
    monkeypatch.setenv("STUDYBOT_DISCORD_TOKEN", "MTIzNA.secret-part.zzz")
    s = load_discord_settings()
    assert s.app_id() == 1234
    assert "secret-part" not in repr(s)
    assert "secret-part" not in str(s)
    monkeypatch.setenv("STUDYBOT_DISCORD_SHARD_IDS", "0,3")
    monkeypatch.setenv("STUDYBOT_DISCORD_SHARD_COUNT", "2")
    with pytest.raises(ConfigError, match="below STUDYBOT_DISCORD_SHARD_COUNT"):
        load_discord_settings()
    monkeypatch.setenv("STUDYBOT_DISCORD_SHARD_COUNT", "4")
    assert load_discord_settings().shard_ids == [0, 3]
    monkeypatch.setenv("STUDYBOT_DISCORD_GUILD_IDS", "1, x")
    with pytest.raises(ConfigError, match="STUDYBOT_DISCORD_GUILD_IDS"):
        load_discord_settings()
