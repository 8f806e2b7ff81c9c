"""Who moderates on Slack: workspace admins and owners (users.info, cached for a few minutes),
beside the core's own grants."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class Admins:
    def __init__(self, ttl: float, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.now = now
        self._seen: dict[tuple[str, str], tuple[bool, float]] = {}

    async def is_admin(self, client: AsyncWebClient, team: str, user: str) -> bool:
        key = (team, user)
        cached = self._seen.get(key)
        if cached is not None and cached[1] > self.now():
            return cached[0]
        try:
            found = await client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user, exc.response.get("error"))
            return False
        info = found.get("user") or {}
        admin = bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
        if len(self._seen) > 50_000:
            self._seen.clear()
        self._seen[key] = (admin, self.now() + self.ttl)
        return admin
