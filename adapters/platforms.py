"""The chat platforms studybot knows, and the credentials that turn each on.

Each platform reads its own settings from the environment (under its vendor's usual names, and
the `STUDYBOT_`-prefixed ones); a platform is enabled only when all its credentials are set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    label: str
    # Each credential: the names it may be set under, the vendor's first.
    credentials: tuple[tuple[str, ...], ...]

    def configured(self, env: Mapping[str, str]) -> bool:
        return all(any(env.get(n) for n in names) for names in self.credentials)

    def credential_names(self) -> str:
        return ", ".join(names[0] for names in self.credentials)


PLATFORMS: tuple[Platform, ...] = (
    Platform("discord", "Discord", (("DISCORD_TOKEN", "STUDYBOT_DISCORD_TOKEN"),)),
    Platform(
        "slack",
        "Slack",
        (
            # A bot token for one workspace, or an OAuth client id for installs.
            (
                "SLACK_BOT_TOKEN",
                "STUDYBOT_SLACK_BOT_TOKEN",
                "SLACK_CLIENT_ID",
                "STUDYBOT_SLACK_CLIENT_ID",
            ),
            ("SLACK_SIGNING_SECRET", "STUDYBOT_SLACK_SIGNING_SECRET"),
        ),
    ),
)


def configured_platforms(env: Mapping[str, str] | None = None) -> list[Platform]:
    """The platforms whose credentials are all set."""
    env = os.environ if env is None else env
    return [p for p in PLATFORMS if p.configured(env)]
