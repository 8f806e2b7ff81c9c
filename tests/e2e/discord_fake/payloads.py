"""Discord API v10 JSON objects built from the fake's model: users, members, roles, channels,
guilds, messages, the application and interactions, shaped as discord.py parses them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from .models import JSON, FakeChannel, FakeGuild, FakeRole, FakeUser

JOINED_AT = "2026-01-05T10:00:00.000000+00:00"


def iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if ts is None else ts, UTC).isoformat()


def user_payload(user: FakeUser) -> JSON:
    global_name = user.global_name if user.global_name or user.bot else user.name
    payload: JSON = {
        "id": str(user.id),
        "username": user.name,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }
    if user.bot:
        payload["bot"] = True
    return payload


def me_payload(user: FakeUser) -> JSON:
    """GET /users/@me and READY's user: the bot account itself."""
    return {**user_payload(user), "verified": True, "mfa_enabled": False, "locale": "en-US"}


def member_payload(
    user: FakeUser, roles: Sequence[int] = (), permissions: int | None = None
) -> JSON:
    payload: JSON = {
        "user": user_payload(user),
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in roles],
        "joined_at": JOINED_AT,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def role_payload(role: FakeRole, *, managed: bool = False, bot_id: int | None = None) -> JSON:
    payload: JSON = {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": managed,
        "mentionable": False,
        "flags": 0,
    }
    if bot_id is not None:
        payload["tags"] = {"bot_id": str(bot_id)}
    return payload


def guild_roles(guild: FakeGuild, bot: FakeUser) -> list[JSON]:
    everyone = FakeRole(guild.id, "@everyone", guild.everyone_permissions, position=0)
    bot_role = FakeRole(guild.bot_role_id, bot.name, guild.bot_permissions, position=1)
    return [
        role_payload(everyone),
        role_payload(bot_role, managed=True, bot_id=bot.id),
        *(role_payload(r) for r in guild.roles),
    ]


def channel_payload(channel: FakeChannel, guild_id: int) -> JSON:
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": channel.topic,
        "parent_id": None if channel.parent_id is None else str(channel.parent_id),
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel_payload(channel_id: int, user: FakeUser) -> JSON:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(user)],
    }


def guild_members(guild: FakeGuild, bot: FakeUser) -> list[JSON]:
    members = [member_payload(bot, [guild.bot_role_id])]
    members += [member_payload(u) for u in guild.members if u.id != bot.id]
    return members


def guild_payload(guild: FakeGuild, bot: FakeUser) -> JSON:
    """GET /guilds/{id}: the guild without the gateway-only lists."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": guild_roles(guild, bot),
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.locale,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "approximate_member_count": len(guild_members(guild, bot)),
        "approximate_presence_count": 1,
    }


def guild_create_payload(guild: FakeGuild, bot: FakeUser) -> JSON:
    """GUILD_CREATE: the full guild with channels, members and the gateway-only lists."""
    members = guild_members(guild, bot)
    return {
        **guild_payload(guild, bot),
        "joined_at": JOINED_AT,
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "members": members,
        "channels": [channel_payload(c, guild.id) for c in guild.channels],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
    }


def application_payload(app_id: int, bot: FakeUser, owner: FakeUser, guilds: int) -> JSON:
    return {
        "id": str(app_id),
        "name": bot.name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "x",
        "flags": 0,
        "team": None,
        "owner": user_payload(owner),
        "bot": user_payload(bot),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "event_webhooks_url": None,
        "tags": [],
        "install_params": None,
        "integration_types_config": {"0": {}},
        "approximate_guild_count": guilds,
    }


def message_payload(
    message_id: int,
    channel_id: int,
    author: FakeUser,
    data: JSON,
    attachments: list[JSON],
    *,
    msg_type: int = 0,
    webhook_id: int | None = None,
) -> JSON:
    embeds = [{"type": "rich", **e} for e in data.get("embeds") or [] if isinstance(e, dict)]
    payload: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": user_payload(author),
        "content": data.get("content") or "",
        "timestamp": iso(),
        "edited_timestamp": None,
        "tts": bool(data.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": embeds,
        "components": list(data.get("components") or []),
        "reactions": [],
        "pinned": False,
        "type": msg_type,
        "flags": int(data.get("flags") or 0),
    }
    payload["nonce"] = data.get("nonce")
    if data.get("message_reference"):
        payload["message_reference"] = data["message_reference"]
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
        payload["application_id"] = str(webhook_id)
    return payload


def interaction_payload(
    *,
    interaction_id: str,
    token: str,
    application_id: int,
    itype: int,
    data: JSON | None,
    guild: FakeGuild | None,
    channel: JSON,
    user: FakeUser,
    permissions: int,
    app_permissions: int,
    roles: Sequence[int],
    message: JSON | None,
    locale: str,
) -> JSON:
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": str(application_id),
        "type": itype,
        "channel_id": channel["id"],
        "channel": channel,
        "token": token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if guild is not None:
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
        payload["guild_locale"] = guild.locale
        payload["member"] = member_payload(user, roles, permissions)
        payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        payload["context"] = 0
    else:
        payload["user"] = user_payload(user)
        payload["authorizing_integration_owners"] = {"0": "0"}
        payload["context"] = 1
    if message is not None:
        payload["message"] = message
    return payload
