"""Driving interactions: builds Discord v10 INTERACTION_CREATE payloads for slash commands,
autocomplete, button/select clicks and modal submits, and delivers them over the gateway to
the session whose shard owns the guild (waiting for one, up to the timeout)."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Sequence

from . import payloads
from .gateway import Gateway
from .models import JSON, FakeChannel, FakeGuild, FakeUser, InteractionState
from .store import FakeState

DEFAULT_USER = FakeUser(id=5002, name="alice")
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


class InteractionDriver:
    state: FakeState
    _gateway: Gateway

    def _where(
        self, user: FakeUser, guild_id: int | None, channel_id: int | None, dm: bool
    ) -> tuple[FakeGuild | None, int, JSON]:
        """The guild (None in a DM), channel id and channel payload of an interaction."""
        state = self.state
        if dm:
            cid = channel_id or state.open_dm(user.id)
            return None, cid, payloads.dm_channel_payload(cid, user)
        gid = guild_id if guild_id is not None else next(iter(state.guilds), None)
        guild = None if gid is None else state.guilds.get(gid)
        if guild is None:
            raise ValueError(f"fake Discord: the bot is in no guild {gid}; pass dm=True for a DM")
        if channel_id is None:
            if not guild.channels:
                raise ValueError(f"fake Discord: guild {guild.id} has no channel")
            channel_id = guild.channels[0].id
        ref = state.channel(channel_id)
        if ref is not None and ref.dm_user is None:
            return guild, channel_id, ref.payload()
        channel = FakeChannel(channel_id, f"channel-{channel_id}")
        return guild, channel_id, payloads.channel_payload(channel, guild.id)

    async def _interact(
        self,
        itype: int,
        data: JSON,
        *,
        user: FakeUser | None,
        guild_id: int | None,
        channel_id: int | None,
        dm: bool,
        permissions: int,
        roles: Sequence[int],
        app_permissions: int | None,
        interaction_id: int | str | None,
        message: JSON | None,
        locale: str,
        within: float,
    ) -> str:
        state = self.state
        user = user or DEFAULT_USER
        if message is not None and channel_id is None:
            channel_id = int(message["channel_id"])
        guild, cid, channel = self._where(user, guild_id, channel_id, dm)
        iid = str(interaction_id if interaction_id is not None else state.ids.next())
        token = f"fake-{iid}-{secrets.token_urlsafe(32)}"
        payload = payloads.interaction_payload(
            interaction_id=iid,
            token=token,
            application_id=state.application_id,
            itype=itype,
            data=data,
            guild=guild,
            channel=channel,
            user=user,
            permissions=permissions,
            app_permissions=permissions if app_permissions is None else app_permissions,
            roles=roles,
            message=message,
            locale=locale,
        )
        gid = None if guild is None else guild.id
        message_id = None if message is None else int(message["id"])
        st = InteractionState(iid, token, itype, payload, gid, cid, message_id)
        state.register_interaction(st)
        state.note_user(user, gid)
        await self._deliver(st, within)
        return iid

    async def _deliver(self, st: InteractionState, within: float) -> None:
        try:
            await self._gateway.deliver(
                st.guild_id,
                "INTERACTION_CREATE",
                copy.deepcopy(st.payload),
                within=within,
                on_sent=lambda: self.state.mark_dispatched(st),
            )
        except TimeoutError:
            where = "DMs (shard 0)" if st.guild_id is None else f"guild {st.guild_id}"
            raise TimeoutError(
                f"fake Discord: interaction {st.id} not delivered within {within}s: no gateway "
                f"session for {where} connected or resumed"
            ) from None

    def _command_data(
        self, name: str, options: list[JSON] | None, guild_id: int | None, dm: bool, ctype: int
    ) -> JSON:
        gid = (
            None
            if dm
            else (guild_id if guild_id is not None else next(iter(self.state.guilds), None))
        )
        found = self.state.find_command(name, gid, ctype)
        data: JSON = {
            "id": found[1]["id"] if found else str(self.state.ids.next()),
            "name": name,
            "type": ctype,
        }
        if options:
            data["options"] = copy.deepcopy(options)
        if found and found[0] != "global":
            data["guild_id"] = found[0]
        return data

    def _clicked(
        self, message_id: int | None, channel_id: int | None, user: FakeUser | None, dm: bool
    ) -> JSON:
        """The message a component sits on: the recorded one, else a minimal bot message."""
        state = self.state
        if message_id is not None and message_id in state.message_store:
            return copy.deepcopy(state.message_store[message_id])
        _, cid, _ = self._where(user or DEFAULT_USER, None, channel_id, dm)
        made = state.create_message(
            cid, {"content": ""}, [], origin="synthetic", message_id=message_id
        )
        return copy.deepcopy(made)

    async def send_command(
        self,
        name: str,
        options: list[JSON] | None = None,
        *,
        user: FakeUser | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int = 0,
        roles: Sequence[int] = (),
        resolved: JSON | None = None,
        interaction_id: int | str | None = None,
        app_permissions: int | None = None,
        dm: bool = False,
        command_type: int = 1,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        """A slash command (type 2); `data.id`/`guild_id` follow the registered command."""
        data = self._command_data(name, options, guild_id, dm, command_type)
        if resolved is not None:
            data["resolved"] = copy.deepcopy(resolved)
        return await self._interact(
            APPLICATION_COMMAND,
            data,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            permissions=permissions,
            roles=roles,
            app_permissions=app_permissions,
            interaction_id=interaction_id,
            message=None,
            locale=locale,
            within=timeout,
        )

    async def send_autocomplete(
        self,
        name: str,
        options: list[JSON],
        *,
        user: FakeUser | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int = 0,
        roles: Sequence[int] = (),
        interaction_id: int | str | None = None,
        dm: bool = False,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        """Autocomplete (type 4): one option should carry "focused": True."""
        data = self._command_data(name, options, guild_id, dm, 1)
        return await self._interact(
            AUTOCOMPLETE,
            data,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            permissions=permissions,
            roles=roles,
            app_permissions=None,
            interaction_id=interaction_id,
            message=None,
            locale=locale,
            within=timeout,
        )

    async def click(
        self,
        custom_id: str,
        message_id: int | None = None,
        *,
        user: FakeUser | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int = 0,
        roles: Sequence[int] = (),
        interaction_id: int | str | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        dm: bool = False,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        """A button click (component_type 2) or a select (3, with `values`) on a message."""
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        message = self._clicked(message_id, channel_id, user, dm)
        return await self._interact(
            COMPONENT,
            data,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            permissions=permissions,
            roles=roles,
            app_permissions=None,
            interaction_id=interaction_id,
            message=message,
            locale=locale,
            within=timeout,
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        user: FakeUser | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int = 0,
        roles: Sequence[int] = (),
        interaction_id: int | str | None = None,
        message_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        """A modal submit (type 5): each value in an action row holding one text input."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data: JSON = {"custom_id": custom_id, "components": rows}
        message = None
        if message_id is not None and message_id in self.state.message_store:
            message = copy.deepcopy(self.state.message_store[message_id])
        return await self._interact(
            MODAL_SUBMIT,
            data,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            permissions=permissions,
            roles=roles,
            app_permissions=None,
            interaction_id=interaction_id,
            message=message,
            locale=locale,
            within=timeout,
        )

    async def redeliver(self, interaction_id: str | int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Sends the same INTERACTION_CREATE again (same id and token): a duplicate delivery."""
        await self._deliver(self.state.interactions[str(interaction_id)], timeout)
