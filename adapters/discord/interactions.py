"""Interactions in, answers out, within Discord's three seconds.

An interaction becomes an Invocation (a slash command with its options, a button press, a
modal submission) and goes through the same dispatcher as every platform. If the answer is not
ready after `defer_after` seconds, the interaction is deferred with the ephemerality the answer
will have and the answer follows. A repeated interaction id gets the stored reply and counts
once (the dispatcher keys on it). Nothing raises to the member: an unexpected error is logged
with the interaction id and the member gets a short apology.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.render import modal_of, render_reply, to_discord
from adapters.discord.tree import command_of, modal_values
from adapters.runtime import Runtime
from bot.edge import Action, Choice, Command, Invocation, Press, Reply, Submit, action_id
from commands.dispatcher import target

log = logging.getLogger(__name__)

PLATFORM = "discord"
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
SERVERS_ONLY = "studybot works inside a server: use it in your study group's server."
NO_MENTIONS = discord.AllowedMentions.none()
# Discord's answers that mean this interaction was already answered, or is too old to answer.
GONE = {10062, 40060}


def action_of(interaction: discord.Interaction) -> Action | None:
    data: dict[str, Any] = dict(interaction.data or {})
    kind = interaction.type
    if kind is discord.InteractionType.application_command:
        path, options, _ = command_of(data)
        return Command(path, options)
    if kind is discord.InteractionType.component:
        message = interaction.message
        return Press(str(data.get("custom_id", "")), str(message.id) if message else None)
    if kind is discord.InteractionType.modal_submit:
        return Submit(str(data.get("custom_id", "")), modal_values(data.get("components") or []))
    return None


def role_ids(user: discord.User | discord.Member) -> tuple[str, ...]:
    """The member's role ids, from the interaction itself (no member cache needed)."""
    raw = getattr(user, "_roles", None)  # discord.Member keeps the payload's ids here
    if raw is None:
        return ()
    return tuple(str(r) for r in raw)


def manages_server(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator): as Discord resolved it in the interaction, else from
    the member's roles in the guild cache; the owner always."""
    resolved = interaction.permissions
    if resolved.administrator or resolved.manage_guild:
        return True
    user = interaction.user
    if isinstance(user, discord.Member) and user.guild is not None:
        if user.guild.owner_id == user.id:
            return True
        cached = user.guild_permissions
        return cached.administrator or cached.manage_guild
    return False


class Interactions:
    def __init__(self, runtime: Runtime, defer_after: float) -> None:
        self.runtime = runtime
        self.defer_after = defer_after
        self.in_flight: set[asyncio.Task[Any]] = set()

    def invocation(self, interaction: discord.Interaction, action: Action) -> Invocation:
        guild = interaction.guild
        return Invocation(
            platform=PLATFORM,
            workspace=str(interaction.guild_id),
            channel=str(interaction.channel_id or ""),
            user_id=str(interaction.user.id),
            user_name=interaction.user.display_name,
            action=action,
            now=self.runtime.clock.now(),
            is_moderator=manages_server(interaction),
            delivery_id=str(interaction.id),
            workspace_name=guild.name if guild is not None and guild.name else "",
            roles=role_ids(interaction.user),
        )

    def public(self, action: Action) -> bool:
        """Whether the answer will show in the channel (so a deferral matches it)."""
        spec = target(self.runtime.dispatcher.registry, action)
        return bool(spec and spec.public)

    async def handle(self, interaction: discord.Interaction) -> None:
        """One interaction, start to finish; tracked so a graceful stop can wait for it."""
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        try:
            await self._handle(interaction)
        except discord.HTTPException as exc:
            if exc.code in GONE:
                log.info("interaction %s was already answered or expired", interaction.id)
            else:
                log.exception("interaction %s: Discord refused the answer", interaction.id)
                await self._apologise(interaction)
        except Exception:
            log.exception("interaction %s failed", interaction.id)
            await self._apologise(interaction)
        finally:
            if task is not None:
                self.in_flight.discard(task)

    async def drain(self, within: float) -> None:
        """Wait for the interactions in flight (a graceful stop), at most `within` seconds."""
        pending = [t for t in self.in_flight if t is not asyncio.current_task()]
        if pending:
            await asyncio.wait(pending, timeout=within)

    async def _handle(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction)
            return
        action = action_of(interaction)
        if action is None:
            return
        if interaction.guild_id is None:
            await interaction.response.send_message(SERVERS_ONLY, ephemeral=True)
            return
        started = asyncio.get_running_loop().time()
        inv = self.invocation(interaction, action)
        public = self.public(action)
        work = asyncio.ensure_future(self.runtime.dispatcher.handle(inv))
        left = self.defer_after - (asyncio.get_running_loop().time() - started)
        try:
            outcome = await asyncio.wait_for(asyncio.shield(work), max(0.0, left))
        except TimeoutError:
            await interaction.response.defer(ephemeral=not public, thinking=True)
            outcome = await work
            await self._follow_up(interaction, outcome.reply, action, public)
        else:
            await self._answer(interaction, outcome.reply, action)
        if outcome.later is not None:
            await self._picture(interaction, outcome.later)

    async def _picture(
        self, interaction: discord.Interaction, later: asyncio.Future[Reply | None]
    ) -> None:
        """A picture that was not drawn in time follows the answer as a message of its own."""
        reply = await later
        if reply is None:
            return
        try:
            await interaction.followup.send(
                ephemeral=reply.ephemeral,
                allowed_mentions=NO_MENTIONS,
                **to_discord(render_reply(reply)),
            )
        except discord.HTTPException as exc:  # the answer went out: only the picture is lost
            log.warning("interaction %s: the late picture was refused: %s", interaction.id, exc)

    async def _answer(self, interaction: discord.Interaction, reply: Reply, action: Action) -> None:
        response = interaction.response
        if reply.form is not None and not isinstance(action, Submit):
            await response.send_modal(modal_of(reply.form))
            return
        kwargs = to_discord(render_reply(_without_form(reply, action)))
        if reply.replace and interaction.type is discord.InteractionType.component:
            if "files" in kwargs:  # an edit names its files as attachments
                kwargs["attachments"] = kwargs.pop("files")
            await response.edit_message(allowed_mentions=NO_MENTIONS, **kwargs)
            return
        await response.send_message(
            ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS, **kwargs
        )

    async def _follow_up(
        self, interaction: discord.Interaction, reply: Reply, action: Action, public: bool
    ) -> None:
        reply = _without_form(reply, action)
        kwargs = to_discord(render_reply(reply))
        if public and reply.ephemeral:
            # Deferred in public, but the answer is private (a refusal): swap the public
            # "thinking…" message for a private one.
            await interaction.delete_original_response()
        await interaction.followup.send(
            ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS, **kwargs
        )

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        path, options, focused = command_of(dict(interaction.data or {}))
        found = []
        if focused is not None and interaction.guild_id is not None:
            found = await asyncio.wait_for(
                self.runtime.suggest(
                    PLATFORM, str(interaction.guild_id), path, focused, options.get(focused, "")
                ),
                self.defer_after,
            )
        await interaction.response.autocomplete(
            [app_commands.Choice(name=s.label, value=s.value) for s in found[:25]]
        )

    async def _apologise(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(APOLOGY, ephemeral=True)
            elif interaction.type is not discord.InteractionType.autocomplete:
                await interaction.response.send_message(APOLOGY, ephemeral=True)
        except discord.HTTPException:
            log.warning("interaction %s: could not send the apology either", interaction.id)


def _without_form(reply: Reply, action: Action) -> Reply:
    """A form that cannot open here (after a deferral, or in answer to a form): a button
    that asks for it again."""
    if reply.form is None:
        return reply
    again: tuple[Choice, ...] = ()
    if isinstance(action, Press):
        again = (Choice(action.choice_id, "Open the form", "primary"),)
    elif isinstance(action, Command):
        try:
            again = (Choice(action_id(action.path, **action.options), "Open the form", "primary"),)
        except ValueError:
            again = ()
    body = "Press the button to open the form." if again else "Run the command again."
    return Reply(body, title=reply.form.title, choices=again, ephemeral=True)
