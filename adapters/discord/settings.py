"""The Discord adapter's settings: the token (from the environment only), where discord.py
connects (a REST proxy, or a fake Discord in the tests), guilds to sync to, and shards."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.edge import ConfigError
from bot.settings import config_error

API_URL = "https://discord.com/api/v10"
GATEWAY_URL = "wss://gateway.discord.gg/"


def _ids(value: object) -> object:
    """`1,2, 3` (an environment variable) as a list of ints."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(";", ",").split(",")]
        try:
            return [int(p) for p in parts if p]
        except ValueError:
            raise ValueError("expected comma-separated numeric ids, e.g. 1,2") from None
    return value


class DiscordSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STUDYBOT_DISCORD_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # The name Discord's guides and hosts use first; the STUDYBOT_ form also works.
    token: SecretStr = Field(
        min_length=1, validation_alias=AliasChoices("DISCORD_TOKEN", "STUDYBOT_DISCORD_TOKEN")
    )
    api_url: str = API_URL
    gateway_url: str = GATEWAY_URL
    # Sync the commands to these guilds instead of globally (development: instant updates).
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Several processes split the gateway: shard_count in all, shard_ids this process runs.
    shard_count: int | None = Field(default=None, ge=1, le=10_000)
    shard_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Defaults to the id in the token (a bot's user id is its application's id).
    application_id: int | None = None
    # An interaction not answered within this many seconds is deferred (Discord allows 3).
    defer_after: float = Field(default=2.0, gt=0, lt=3)
    # Scheduled posts and DMs per second, under Discord's global 50 requests/s.
    posts_per_second: float = Field(default=40.0, gt=0, le=50)

    _split = field_validator("guild_ids", "shard_ids", mode="before")(_ids)

    @field_validator("api_url", "gateway_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("expected an http(s):// or ws(s):// URL")
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shards(cls, value: list[int]) -> list[int]:
        if any(i < 0 for i in value):
            raise ValueError("shard ids start at 0")
        return sorted(set(value))

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    def check(self) -> DiscordSettings:
        """Cross-field checks, as a ConfigError naming the variable."""
        if self.shard_ids and self.shard_count is None:
            raise ConfigError(
                "invalid setting STUDYBOT_DISCORD_SHARD_IDS: set STUDYBOT_DISCORD_SHARD_COUNT too"
            )
        if self.shard_count is not None and any(i >= self.shard_count for i in self.shard_ids):
            raise ConfigError(
                "invalid setting STUDYBOT_DISCORD_SHARD_IDS: every id must be below "
                f"STUDYBOT_DISCORD_SHARD_COUNT ({self.shard_count})"
            )
        return self

    def app_id(self) -> int:
        """The application (client) id: set, or read from the token's first part."""
        if self.application_id is not None:
            return self.application_id
        head = self.token.get_secret_value().split(".")[0]
        try:
            return int(base64.b64decode(head + "=" * (-len(head) % 4), validate=True))
        except (binascii.Error, ValueError):
            raise ConfigError(
                "the Discord token does not name its application; set "
                "STUDYBOT_DISCORD_APPLICATION_ID (the application's id in the developer portal)"
            ) from None


def load_discord_settings(**overrides: object) -> DiscordSettings:
    """The settings, or ConfigError naming the first bad variable (never its value)."""
    try:
        return DiscordSettings(**overrides).check()  # type: ignore[arg-type]
    except ValidationError as exc:
        raise config_error(exc, _env_name) from None


def _env_name(field: str) -> str:
    field = field.removeprefix("studybot_discord_").removeprefix("discord_") or "token"
    return "DISCORD_TOKEN" if field == "token" else f"STUDYBOT_DISCORD_{field.upper()}"
