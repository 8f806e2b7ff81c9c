"""Push the command tree to Discord only when it changed: its hash is kept in the database,
so a restart with the same tree makes no call (Discord limits command creations a day)."""

from __future__ import annotations

import logging

import discord

from adapters.discord.tree import build_commands, tree_hash
from adapters.runtime import Runtime

log = logging.getLogger(__name__)


async def sync_commands(client: discord.Client, runtime: Runtime, guild_ids: list[int]) -> int:
    """Sync globally, or to `guild_ids` (development); returns how many scopes were pushed."""
    app_id = client.application_id
    if app_id is None:
        raise RuntimeError("sync before login: no application id")
    payload = build_commands(runtime.dispatcher.registry)
    scopes = [str(g) for g in guild_ids] or ["global"]
    pushed = 0
    for scope in scopes:
        key = f"discord.commands/{app_id}/{scope}"
        digest = tree_hash(payload, scope)
        if await runtime.state(key) == digest:
            log.info("Discord commands (%s) unchanged; not synced", scope)
            continue
        if scope == "global":
            await client.http.bulk_upsert_global_commands(app_id, payload)
        else:
            await client.http.bulk_upsert_guild_commands(app_id, int(scope), payload)
        await runtime.keep_state(key, digest)
        pushed += 1
        log.info("Discord commands synced (%s): %d top-level commands", scope, len(payload))
    return pushed
