"""SocketSlackClient: the same interactions as SignedSlackClient, delivered as Socket Mode
envelopes over the fake's websocket; each call waits for the app's ack and returns it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import JSON
from .payloads import Interaction, PayloadBuilder

if TYPE_CHECKING:
    from .fake import FakeSlack


@dataclass
class SocketAck:
    envelope_id: str
    envelope: JSON  # what the fake sent
    ack: JSON  # what the app answered: {"envelope_id", "payload"?}
    elapsed: float  # seconds from sending the envelope to the ack
    interaction: Interaction
    deadline: float = 3.0

    @property
    def payload(self) -> JSON | None:
        """The ack's response payload (a slash command's reply, a view's response_action)."""
        payload = self.ack.get("payload")
        return payload if isinstance(payload, dict) else None

    @property
    def response_id(self) -> str | None:
        return self.interaction.response_id

    @property
    def trigger_id(self) -> str | None:
        return self.interaction.trigger_id

    @property
    def late(self) -> bool:
        return self.elapsed > self.deadline


class SocketSlackClient:
    def __init__(
        self,
        fake: FakeSlack,
        team_id: str | None = None,
        *,
        api_app_id: str | None = None,
        ack_timeout: float = 5.0,
    ) -> None:
        self.fake = fake
        self.builder = PayloadBuilder(
            fake.state, fake.hooks, team_id=team_id, api_app_id=api_app_id
        )
        self.ack_timeout = ack_timeout

    async def command(
        self, command: str, text: str = "", *, user: str, channel: str, **options: Any
    ) -> SocketAck:
        interaction = self.builder.command(command, text, user=user, channel=channel)
        return await self.deliver("slash_commands", interaction, **options)

    async def block_action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str,
        channel: str,
        message_ts: str | None = None,
        message: JSON | None = None,
        **options: Any,
    ) -> SocketAck:
        interaction = self.builder.block_actions(
            action_id, value, user=user, channel=channel, message_ts=message_ts, message=message
        )
        return await self.deliver("interactive", interaction, **options)

    async def view_submission(
        self,
        callback_id: str,
        values: Mapping[str, Any] | None = None,
        *,
        user: str,
        private_metadata: str | None = None,
        **options: Any,
    ) -> SocketAck:
        interaction = self.builder.view_submission(
            callback_id, values or {}, user=user, private_metadata=private_metadata
        )
        return await self.deliver("interactive", interaction, **options)

    async def event(self, event: JSON, *, event_id: str | None = None, **options: Any) -> SocketAck:
        interaction = self.builder.event(event, event_id=event_id)
        return await self.deliver("events_api", interaction, **options)

    async def deliver(
        self,
        envelope_type: str,
        interaction: Interaction,
        *,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> SocketAck:
        envelope_id = await self.fake.socket_send(
            envelope_type,
            interaction.payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        ack = await self.fake.wait_socket_ack(envelope_id, timeout=self.ack_timeout)
        acked_at = self.fake.state.socket.acks[envelope_id][0]
        sent_at, envelope = self.fake.state.socket.sent[envelope_id]
        return SocketAck(envelope_id, envelope, ack, acked_at - sent_at, interaction)
