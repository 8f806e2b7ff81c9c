"""The fake's state: guilds, DM channels, messages, registered commands, interactions,
injected failures and every record, plus the notifier the waiters use. No I/O here."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Literal

from . import payloads
from .models import (
    JSON,
    CommandSync,
    FailureRule,
    FakeChannel,
    FakeGuild,
    FakeUser,
    Followup,
    IdentifyRecord,
    InteractionCallback,
    InteractionState,
    Notifier,
    RecordedRequest,
    Snowflakes,
)

Origin = Literal["channel", "interaction", "ephemeral", "synthetic"]
EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class ChannelRef:
    """Where a channel id points: a guild text channel or the DM channel of a user."""

    channel_id: int
    guild: FakeGuild | None
    channel: FakeChannel | None
    dm_user: FakeUser | None

    def payload(self) -> JSON:
        if self.dm_user is not None:
            return payloads.dm_channel_payload(self.channel_id, self.dm_user)
        assert self.guild is not None
        assert self.channel is not None
        return payloads.channel_payload(self.channel, self.guild.id)


class FakeState:
    def __init__(
        self,
        *,
        application_id: int,
        bot_user: FakeUser,
        owner: FakeUser,
        token: str,
        guilds: list[FakeGuild],
        ack_deadline: float,
    ) -> None:
        self.application_id = application_id
        self.bot_user = bot_user
        self.owner = owner
        self.token = token
        self.ack_deadline = ack_deadline
        self.ids = Snowflakes()
        self.notifier = Notifier()
        self.guilds: dict[int, FakeGuild] = {g.id: g for g in guilds}
        self.users: dict[int, FakeUser] = {bot_user.id: bot_user, owner.id: owner}
        self.guild_members: dict[int, set[int]] = {}
        self.dm_by_user: dict[int, int] = {}
        self.dm_user_by_channel: dict[int, int] = {}
        self.message_store: dict[int, JSON] = {}
        self.origins: dict[int, Origin] = {}
        self.channel_order: dict[int, list[int]] = {}
        self.deleted: set[int] = set()
        self.nonces: dict[tuple[int, str], int] = {}
        self.registered: dict[str, list[JSON]] = {}
        self.command_ids: dict[tuple[str, int, str], int] = {}
        self.interactions: dict[str, InteractionState] = {}
        self.by_token: dict[str, str] = {}
        self.failures: list[FailureRule] = []
        self.denied_channels: set[int] = set()
        self.closed_dms: set[int] = set()
        self.requests: list[RecordedRequest] = []
        self.command_syncs: list[CommandSync] = []
        self.callbacks: list[InteractionCallback] = []
        self.followups: list[Followup] = []
        self.identifies: list[IdentifyRecord] = []
        for guild in guilds:
            self._index_guild(guild)

    # -- model -----------------------------------------------------------------------------

    def _index_guild(self, guild: FakeGuild) -> None:
        members = self.guild_members.setdefault(guild.id, set())
        members.update({self.bot_user.id, guild.owner_id, *(u.id for u in guild.members)})
        for user in guild.members:
            self.users.setdefault(user.id, user)

    def add_guild(self, guild: FakeGuild) -> None:
        self.guilds[guild.id] = guild
        self._index_guild(guild)
        self.notifier.notify()

    def remove_guild(self, guild_id: int) -> FakeGuild | None:
        guild = self.guilds.pop(guild_id, None)
        self.notifier.notify()
        return guild

    def note_user(self, user: FakeUser, guild_id: int | None) -> None:
        self.users[user.id] = user
        if guild_id is not None:
            self.guild_members.setdefault(guild_id, set()).add(user.id)

    def user(self, user_id: int) -> FakeUser:
        """A known user, or one made up: Discord answers for any real account id."""
        return self.users.get(user_id) or FakeUser(user_id, f"user{user_id}")

    def channel(self, channel_id: int) -> ChannelRef | None:
        for guild in self.guilds.values():
            for channel in guild.channels:
                if channel.id == channel_id:
                    return ChannelRef(channel_id, guild, channel, None)
        user_id = self.dm_user_by_channel.get(channel_id)
        if user_id is not None:
            return ChannelRef(channel_id, None, None, self.user(user_id))
        return None

    def open_dm(self, user_id: int) -> int:
        channel_id = self.dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self.ids.next()
            self.dm_by_user[user_id] = channel_id
            self.dm_user_by_channel[channel_id] = user_id
            self.notifier.notify()
        return channel_id

    # -- messages --------------------------------------------------------------------------

    def attachments(
        self, data: JSON, files: list[tuple[str, bytes]], existing: list[JSON] | None = None
    ) -> list[JSON]:
        """New files become attachments; `attachments` entries naming old ids keep those."""
        described = {str(a.get("id")): a for a in data.get("attachments") or []}
        kept = [a for a in existing or [] if str(a.get("id")) in described]
        for index, (filename, content) in enumerate(files):
            meta = described.get(str(index), {})
            attachment_id = self.ids.next()
            name = meta.get("filename") or filename
            url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{name}"
            kept.append(
                {
                    "id": str(attachment_id),
                    "filename": name,
                    "size": len(content),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/octet-stream",
                    "description": meta.get("description"),
                }
            )
        return kept

    def create_message(
        self,
        channel_id: int,
        data: JSON,
        files: list[tuple[str, bytes]],
        *,
        origin: Origin,
        msg_type: int = 0,
        webhook_id: int | None = None,
        message_id: int | None = None,
    ) -> JSON:
        mid = message_id or self.ids.next()
        message = payloads.message_payload(
            mid,
            channel_id,
            self.bot_user,
            data,
            self.attachments(data, files),
            msg_type=msg_type,
            webhook_id=webhook_id,
        )
        self.message_store[mid] = message
        self.origins[mid] = origin
        self.channel_order.setdefault(channel_id, []).append(mid)
        self.notifier.notify()
        return message

    def edit_message(self, mid: int, data: JSON, files: list[tuple[str, bytes]]) -> JSON:
        message = self.message_store[mid]
        if "content" in data:
            message["content"] = data["content"] or ""
        if "embeds" in data:
            message["embeds"] = [{"type": "rich", **e} for e in data["embeds"] or []]
        if "components" in data:
            message["components"] = list(data["components"] or [])
        flags = message_flags(message)
        if "flags" in data:
            flags = int(data["flags"] or 0) | (flags & EPHEMERAL)
        message["flags"] = flags & ~LOADING
        if "attachments" in data or files:
            message["attachments"] = self.attachments(data, files, message["attachments"])
        message["edited_timestamp"] = payloads.iso()
        self.notifier.notify()
        return message

    def delete_message(self, mid: int) -> None:
        self.deleted.add(mid)
        self.notifier.notify()

    def live_message(self, mid: int, channel_id: int | None = None) -> JSON | None:
        message = self.message_store.get(mid)
        if message is None or mid in self.deleted:
            return None
        if channel_id is not None and message["channel_id"] != str(channel_id):
            return None
        return message

    def messages(self, channel_id: int, *, include_interactions: bool = False) -> list[JSON]:
        wanted: set[Origin] = {"channel", "interaction"} if include_interactions else {"channel"}
        return [
            copy.deepcopy(self.message_store[mid])
            for mid in self.channel_order.get(channel_id, [])
            if self.origins[mid] in wanted and mid not in self.deleted
        ]

    # -- commands --------------------------------------------------------------------------

    def set_commands(self, scope: str, commands: list[JSON]) -> list[JSON]:
        stored = [self._command(scope, c) for c in commands]
        self.registered[scope] = stored
        self.notifier.notify()
        return copy.deepcopy(stored)

    def upsert_command(self, scope: str, command: JSON) -> JSON:
        stored = self._command(scope, command)
        current = [
            c
            for c in self.registered.get(scope, [])
            if (c["type"], c["name"]) != (stored["type"], stored["name"])
        ]
        self.registered[scope] = [*current, stored]
        self.notifier.notify()
        return copy.deepcopy(stored)

    def _command(self, scope: str, command: JSON) -> JSON:
        ctype = int(command.get("type", 1))
        key = (scope, ctype, str(command.get("name")))
        if key not in self.command_ids:
            self.command_ids[key] = self.ids.next()
        permissions = command.get("default_member_permissions")
        stored: JSON = {
            "id": str(self.command_ids[key]),
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "type": ctype,
            "name": command.get("name"),
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations"),
            "options": copy.deepcopy(command.get("options") or []),
            "default_member_permissions": None if permissions is None else str(permissions),
            "dm_permission": command.get("dm_permission", True),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
            "nsfw": bool(command.get("nsfw", False)),
        }
        if scope != "global":
            stored["guild_id"] = scope
        return stored

    def find_command(self, name: str, guild_id: int | None, ctype: int) -> tuple[str, JSON] | None:
        scopes = ([str(guild_id)] if guild_id is not None else []) + ["global"]
        for scope in scopes:
            for command in self.registered.get(scope, []):
                if command["name"] == name and command["type"] == ctype:
                    return scope, command
        return None

    # -- interactions and failures ---------------------------------------------------------

    def register_interaction(self, st: InteractionState) -> None:
        self.interactions[st.id] = st
        self.by_token[st.token] = st.id

    def mark_dispatched(self, st: InteractionState) -> None:
        if st.dispatched_at is None:
            st.dispatched_at = time.monotonic()
            self.notifier.notify()

    def take_failure(self, method: str, path: str) -> FailureRule | None:
        for rule in self.failures:
            if rule.matches(method, path):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.failures.remove(rule)
                return rule
        return None

    def response_for(self, interaction_id: str) -> JSON | None:
        st = self.interactions.get(interaction_id)
        if st is None or st.ack_type is None:
            return None
        original = None
        if st.original_id is not None:
            original = self.live_message(st.original_id)
        if st.ack_type in (4, 7):
            return copy.deepcopy(original)
        if st.ack_type in (5, 6):
            if st.original_resolved and original is not None:
                return copy.deepcopy(original)
            for mid in st.followup_ids:
                found = self.live_message(mid)
                if found is not None:
                    return copy.deepcopy(found)
            return None
        return copy.deepcopy(st.callback_data)


def message_flags(message: JSON) -> int:
    return int(message.get("flags") or 0)
