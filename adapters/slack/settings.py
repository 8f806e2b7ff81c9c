"""The Slack adapter's settings: Slack's own variable names first (as in bolt's guides), the
`STUDYBOT_SLACK_` forms too; secrets from the environment only, never shown."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.edge import ConfigError
from bot.settings import config_error

API_URL = "https://slack.com/api/"


def _names(name: str) -> AliasChoices:
    return AliasChoices(name, f"STUDYBOT_{name}")


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STUDYBOT_SLACK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    signing_secret: SecretStr = Field(min_length=1, validation_alias=_names("SLACK_SIGNING_SECRET"))
    # One workspace: its bot token. Distribution: the OAuth install flow stores one per team.
    bot_token: SecretStr | None = Field(default=None, validation_alias=_names("SLACK_BOT_TOKEN"))
    # Socket Mode (no public URL) when set: an app-level `xapp-` token.
    app_token: SecretStr | None = Field(default=None, validation_alias=_names("SLACK_APP_TOKEN"))
    client_id: str | None = Field(default=None, validation_alias=_names("SLACK_CLIENT_ID"))
    client_secret: SecretStr | None = Field(
        default=None, validation_alias=_names("SLACK_CLIENT_SECRET")
    )
    state_secret: SecretStr | None = Field(
        default=None, validation_alias=_names("SLACK_STATE_SECRET")
    )
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    api_url: str = API_URL
    # A request not answered within this many seconds is acknowledged first (Slack allows 3).
    ack_after: float = Field(default=2.0, gt=0, lt=3)
    # Posts to one channel a second (Slack allows about one, with short bursts).
    channel_posts_per_second: float = Field(default=1.0, gt=0, le=100)
    # How long a member's admin status (users.info) is trusted.
    admin_cache_seconds: float = Field(default=300.0, ge=0, le=86_400)

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s):// URL")
        return value if value.endswith("/") else value + "/"  # slack-sdk joins method names

    @property
    def oauth(self) -> bool:
        return self.client_id is not None

    def check(self) -> SlackSettings:
        if self.oauth:
            missing = [
                n
                for n, v in (
                    ("SLACK_CLIENT_SECRET", self.client_secret),
                    ("SLACK_STATE_SECRET", self.state_secret),
                )
                if v is None
            ]
            if missing:
                raise ConfigError(f"{missing[0]} is not set (SLACK_CLIENT_ID is)")
        elif self.bot_token is None:
            raise ConfigError("SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID for installs)")
        if self.app_token is not None and not self.app_token.get_secret_value().startswith("xapp-"):
            raise ConfigError("invalid setting SLACK_APP_TOKEN: an app-level token starts xapp-")
        return self


_ENV_NAME = {
    "signing_secret": "SLACK_SIGNING_SECRET",
    "bot_token": "SLACK_BOT_TOKEN",
    "app_token": "SLACK_APP_TOKEN",
    "client_id": "SLACK_CLIENT_ID",
    "client_secret": "SLACK_CLIENT_SECRET",
    "state_secret": "SLACK_STATE_SECRET",
}


def load_slack_settings(**overrides: object) -> SlackSettings:
    """The settings, or ConfigError naming the first bad variable (never its value)."""
    try:
        return SlackSettings(**overrides).check()  # type: ignore[arg-type]
    except ValidationError as exc:
        raise config_error(exc, _env_name) from None


def _env_name(field: str) -> str:
    field = field.removeprefix("studybot_").removeprefix("slack_") or "signing_secret"
    return _ENV_NAME.get(field, f"STUDYBOT_SLACK_{field.upper()}")
