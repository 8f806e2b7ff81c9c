"""Slack's requests in, answers out, within Slack's three seconds.

A slash command's text goes through the same registry and parser as every platform; a
button press and a modal submission become a Press and a Submit. The answer goes in the
acknowledgement when it is ready within `ack_after` seconds, else the request is acknowledged
and the answer follows through `respond()`. A form opens as a modal (trigger ids live 3 s, so
it opens at once); a refused submission comes back as `response_action: errors` on the form.
Every delivery has an id (the trigger id, or the view's), so a retry or a replay is answered
from the stored reply and counts once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.runtime import Runtime
from adapters.slack.blocks import Message, modal, render_reply, view_channel, view_values
from adapters.slack.members import Admins
from adapters.slack.poster import upload
from adapters.slack.text import from_slack
from bot.edge import (
    Action,
    CommandLine,
    Form,
    Invocation,
    Press,
    Reply,
    Submit,
)
from commands.dispatcher import Outcome, target

log = logging.getLogger(__name__)

PLATFORM = "slack"
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
FORM_AGAIN = "That opens a form, which took too long to open: run the command again."
Body = dict[str, Any]


def _team(body: Body) -> str:
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    return str(body.get("team_id") or body.get("user", {}).get("team_id") or "")


class Handlers:
    def __init__(self, runtime: Runtime, admins: Admins, ack_after: float) -> None:
        self.runtime = runtime
        self.admins = admins
        self.ack_after = ack_after
        self.in_flight: set[asyncio.Task[Any]] = set()

    # -- shared --------------------------------------------------------------------------

    def _moderator_only(self, action: Action) -> bool:
        """Whether the answer depends on moderator rights (worth a users.info lookup)."""
        spec = target(self.runtime.dispatcher.registry, action)
        return bool(spec and (spec.moderator or spec.path[-1] == "help"))

    async def _invocation(
        self, client: AsyncWebClient, body: Body, action: Action, channel: str, delivery: str
    ) -> Invocation:
        team = _team(body)
        user = body.get("user") if isinstance(body.get("user"), dict) else None
        user_id = str(user["id"] if user else body.get("user_id", ""))
        name = str(
            (user or {}).get("username")
            or (user or {}).get("name")
            or body.get("user_name")
            or user_id
        )
        admin = self._moderator_only(action) and await self.admins.is_admin(client, team, user_id)
        domain = body.get("team_domain") or (body.get("team") or {}).get("domain") or ""
        return Invocation(
            platform=PLATFORM,
            workspace=team,
            channel=channel,
            user_id=user_id,
            user_name=name,
            action=action,
            now=self.runtime.clock.now(),
            is_moderator=admin,
            delivery_id=delivery[:200],
            workspace_name=str(domain),
        )

    def _start(self, inv: Invocation) -> asyncio.Future[Outcome]:
        return asyncio.ensure_future(self.runtime.dispatcher.handle(inv))

    async def _ready(self, work: asyncio.Future[Outcome]) -> Outcome | None:
        """The outcome, or None if it is not ready within `ack_after` (the work goes on)."""
        try:
            return await asyncio.wait_for(asyncio.shield(work), self.ack_after)
        except TimeoutError:
            return None

    def track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def drain(self, within: float) -> None:
        pending = [t for t in self.in_flight if t is not asyncio.current_task()]
        if pending:
            await asyncio.wait(pending, timeout=within)

    async def _open(self, client: AsyncWebClient, trigger: str, form: Form, channel: str) -> bool:
        try:
            await client.views_open(trigger_id=trigger, view=modal(form, channel or None))
        except SlackApiError as exc:
            log.warning("could not open the form: %s", exc.response.get("error"))
            return False
        return True

    async def _files(
        self, client: AsyncWebClient, msg: Message, user: str, channel: str, public: bool
    ) -> None:
        """Files too big for the message, and pictures: in the channel when the answer is
        public, else in the member's DM. The answer went out already: a refused upload is
        logged, not apologised for."""
        if not msg.files:
            return
        try:
            target = channel
            if not public:
                opened = await client.conversations_open(users=user)
                target = str(opened["channel"]["id"])
            for file in msg.files:
                await upload(client, target, file)
        except SlackApiError as exc:
            log.warning("could not upload beside an answer: %s", exc.response.get("error"))

    async def _picture(self, client: AsyncWebClient, inv: Invocation, outcome: Outcome) -> None:
        """A picture that was not drawn in time follows the answer, where its files go."""
        if outcome.later is None:
            return
        reply = await outcome.later
        if reply is None:
            return
        await self._files(
            client, render_reply(reply), inv.user_id, inv.channel, not reply.ephemeral
        )

    # -- listeners -----------------------------------------------------------------------

    async def command(self, ack: Any, body: Body, respond: Any, client: AsyncWebClient) -> None:
        self.track()
        line = f"{body.get('command', '/study')} {from_slack(str(body.get('text') or ''))}"
        channel = str(body.get("channel_id") or "")
        trigger = str(body.get("trigger_id") or "")
        acked = False
        try:
            delivery = f"command:{trigger or body.get('response_url')}"
            inv = await self._invocation(client, body, CommandLine(line), channel, delivery)
            work = self._start(inv)
            outcome = await self._ready(work)
            if outcome is None:
                await ack()
                acked = True
                outcome = await work
                await self._answer_later(respond, client, inv, outcome.reply)
                await self._picture(client, inv, outcome)
                return
            reply = outcome.reply
            if reply.form is not None:
                await ack()
                acked = True
                if not await self._open(client, trigger, reply.form, channel):
                    await respond(text=FORM_AGAIN, response_type="ephemeral")
                return
            msg = render_reply(reply)
            kind = "ephemeral" if reply.ephemeral else "in_channel"
            await ack(text=msg.text, blocks=msg.blocks, response_type=kind)
            acked = True
            await self._files(client, msg, inv.user_id, channel, not reply.ephemeral)
            await self._picture(client, inv, outcome)
        except Exception:
            log.exception("slash command failed (%s)", trigger)
            await self._apologise(None if acked else ack, respond)

    async def _answer_later(
        self, respond: Any, client: AsyncWebClient, inv: Invocation, reply: Reply
    ) -> None:
        if reply.form is not None:
            reply = Reply(FORM_AGAIN, title=reply.form.title)
        msg = render_reply(reply)
        kind = "ephemeral" if reply.ephemeral else "in_channel"
        await respond(text=msg.text, blocks=msg.blocks, response_type=kind, replace_original=False)
        await self._files(client, msg, inv.user_id, inv.channel, not reply.ephemeral)

    async def action(self, ack: Any, body: Body, respond: Any, client: AsyncWebClient) -> None:
        self.track()
        await ack()
        try:
            act = (body.get("actions") or [{}])[0]
            container = body.get("container") or {}
            channel = str(
                (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
            )
            ts = container.get("message_ts")
            trigger = str(body.get("trigger_id") or "")
            press = Press(str(act.get("action_id") or ""), str(ts) if ts else None)
            delivery = f"action:{trigger or act.get('action_ts')}"
            inv = await self._invocation(client, body, press, channel, delivery)
            outcome = await self.runtime.dispatcher.handle(inv)
            reply = outcome.reply
            if reply.form is not None and trigger:
                if await self._open(client, trigger, reply.form, channel):
                    return
                reply = Reply("That form took too long to open; press the button again.")
            msg = render_reply(reply)
            await respond(
                text=msg.text,
                blocks=msg.blocks,
                response_type="ephemeral" if reply.ephemeral else "in_channel",
                replace_original=reply.replace,
            )
            await self._files(client, msg, inv.user_id, channel, not reply.ephemeral)
            await self._picture(client, inv, outcome)
        except Exception:
            log.exception("button press failed")
            await self._apologise(None, respond)

    async def view(self, ack: Any, body: Body, client: AsyncWebClient) -> None:
        self.track()
        view: Body = body.get("view") or {}
        channel = view_channel(view) or ""
        first = next(
            (b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"),
            "answer",
        )
        acked = False
        try:
            submit = Submit(str(view.get("callback_id") or ""), view_values(view))
            delivery = f"view:{view.get('id')}:{view.get('hash') or body.get('trigger_id')}"
            inv = await self._invocation(client, body, submit, channel, delivery)
            work = self._start(inv)
            outcome = await self._ready(work)
            if outcome is not None and outcome.reply.error:
                await ack(response_action="errors", errors={str(first): outcome.reply.body[:300]})
                return
            await ack()
            acked = True
            outcome = outcome or await work
            await self._tell(client, inv, outcome.reply)
            await self._picture(client, inv, outcome)
        except Exception:
            log.exception("form submission failed")
            if not acked:
                await self._apologise(ack, None)

    async def _tell(self, client: AsyncWebClient, inv: Invocation, reply: Reply) -> None:
        """A submission's answer: privately in the channel the form came from, else a DM."""
        msg = render_reply(reply)
        if inv.channel and reply.ephemeral:
            try:
                await client.chat_postEphemeral(
                    channel=inv.channel, user=inv.user_id, text=msg.text, blocks=msg.blocks
                )
                await self._files(client, msg, inv.user_id, inv.channel, False)
                return
            except SlackApiError as exc:
                log.info("ephemeral answer refused (%s); sending a DM", exc.response.get("error"))
        target = inv.channel if not reply.ephemeral and inv.channel else None
        if target is None:
            target = str((await client.conversations_open(users=inv.user_id))["channel"]["id"])
        await client.chat_postMessage(channel=target, text=msg.text, blocks=msg.blocks)
        await self._files(client, msg, inv.user_id, target, True)

    async def left(self, body: Body) -> None:
        """The app was uninstalled or its tokens revoked: the team's posts stop."""
        team = _team(body)
        if team:
            log.info("Slack team %s removed the app: its posts stop, its data stays", team)
            await self.runtime.workspace_left(PLATFORM, team)

    @staticmethod
    async def _apologise(ack: Any, respond: Any) -> None:
        try:
            if ack is not None:
                await ack(text=APOLOGY, response_type="ephemeral")
            elif respond is not None:
                await respond(text=APOLOGY, response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not send the apology either", exc_info=True)
