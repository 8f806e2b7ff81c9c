"""Settings from STUDYBOT_* environment variables and an optional `.env` file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.edge.errors import ConfigError

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything the bot can be told at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="STUDYBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default="sqlite:///studybot.db")
    log_level: LogLevel = "INFO"
    content_dir: Path = DEFAULT_CONTENT_DIR
    console_workspace: str = Field(default="console", min_length=1, max_length=64)
    console_channel: str = Field(default="#study", min_length=1, max_length=100)
    rate_limit_per_minute: int = Field(default=30, ge=1, le=10_000)
    # A post that fell due while the bot was down goes out late only within this window.
    grace_hours: float = Field(default=6.0, ge=0, le=168)
    # False: this process never sends scheduled posts (another one does).
    scheduler: bool = True
    console_timezone: str = Field(default="UTC", min_length=1, max_length=64)
    # Pictures (study calendar, profile, leaderboard and group cards): false turns them off.
    images: bool = True
    # Worker processes that draw them (0: one background thread of the bot's own process).
    image_workers: int = Field(default=2, ge=0, le=16)
    # How long a reply waits for its picture before it goes without (the picture follows).
    image_wait: float = Field(default=1.0, ge=0, le=10)
    # Where the console writes the pictures it shows.
    image_dir: Path = Path("studybot-images")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        from bot.store.db import (
            async_url,  # local: keeps settings importable without SQLAlchemy set-up
        )

        async_url(value)
        return value

    @field_validator("console_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from bot.edge.errors import UserError
        from bot.rules.timeutil import canonical_timezone

        try:
            return canonical_timezone(value)
        except UserError as exc:
            raise ValueError(exc.message.replace("`", "")) from None

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.grace_hours)


def config_error(exc: ValidationError, name_of: Callable[[str], str]) -> ConfigError:
    """The first problem pydantic found, as one line naming the variable (never its value);
    `name_of` turns the field (lower case, "" when pydantic names none) into the variable."""
    err = exc.errors()[0]
    name = name_of("_".join(str(p) for p in err["loc"]).lower())
    if err["type"] == "missing":
        return ConfigError(f"{name} is not set")
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return ConfigError(f"invalid setting {name}: {msg}")


def load_settings(**overrides: object) -> Settings:
    """Settings, or ConfigError naming the first bad variable in one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise config_error(exc, lambda field: f"STUDYBOT_{field.upper()}") from None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if level != "DEBUG":
        # Alembic narrates every start-up at INFO; its news matters only when debugging.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        # APScheduler logs every job it runs; the scheduler's own log says what matters.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
