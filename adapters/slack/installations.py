"""The OAuth install flow's stores, in the bot's own database: installations (so every process
behind a load balancer can answer every team) and signed, single-use states."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.runtime import Runtime

log = logging.getLogger(__name__)
PLATFORM = "slack"
STATE_SECONDS = 600


def _stored(installation: Installation) -> dict[str, Any]:
    """The installation as JSON (times as Unix seconds)."""
    data = installation.to_dict()
    for key, value in list(data.items()):
        if isinstance(value, datetime):
            data[key] = value.timestamp()
    return data


def _installation(data: dict[str, Any]) -> Installation:
    known = dict(data)
    for key in ("bot_token_expires_at", "user_token_expires_at"):
        if known.get(key) is not None:
            known[key] = int(known[key])
    return Installation(**known)


class DatabaseInstallationStore(AsyncInstallationStore):
    """One installation per team (the latest), through the runtime's unit of work."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        team = installation.team_id or installation.enterprise_id or ""
        await self.runtime.save_installation(
            PLATFORM, team, installation.enterprise_id, _stored(installation)
        )
        log.info("installed in Slack team %s", team)

    async def async_save_bot(self, bot: Bot) -> None:
        return None  # the installation holds the bot's token

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        data = await self.runtime.installation(PLATFORM, team_id or enterprise_id or "")
        return _installation(data) if data is not None else None

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.async_find_installation(enterprise_id=enterprise_id, team_id=team_id)
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.runtime.forget_installation(PLATFORM, team_id or enterprise_id or "")

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.runtime.forget_installation(PLATFORM, team_id or enterprise_id or "")


class SignedStateStore(AsyncOAuthStateStore):
    """A state is `expiry.nonce.signature` (HMAC with SLACK_STATE_SECRET); consumed once (the
    nonce is written down), refused when forged or older than ten minutes."""

    def __init__(self, runtime: Runtime, secret: str) -> None:
        self.runtime = runtime
        self.secret = secret.encode()

    @property
    def logger(self) -> logging.Logger:
        return log

    def _sign(self, body: str) -> str:
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        body = f"{int(time.time()) + STATE_SECONDS}.{secrets.token_hex(12)}"
        return f"{body}.{self._sign(body)}"

    async def async_consume(self, state: str) -> bool:
        expires, _, rest = state.partition(".")
        nonce, _, signature = rest.partition(".")
        body = f"{expires}.{nonce}"
        if not (expires.isdigit() and nonce and hmac.compare_digest(signature, self._sign(body))):
            return False
        if int(expires) < time.time():
            return False
        key = f"slack.oauth-state/{nonce}"
        if await self.runtime.state(key) is not None:
            return False  # used already
        await self.runtime.keep_state(key, "used")
        return True
