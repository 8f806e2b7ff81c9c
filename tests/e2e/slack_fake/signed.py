"""SignedSlackClient: the requests Slack sends to an app's HTTP endpoint (slash commands and
interactivity as form posts, Events API as JSON), signed as Slack signs them:
X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp

from .models import JSON
from .payloads import Interaction, PayloadBuilder

if TYPE_CHECKING:
    from .fake import FakeSlack

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
SIGNATURE_HEADERS = {"X-Slack-Signature", "X-Slack-Request-Timestamp"}


def sign(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SentRequest:
    url: str
    body: bytes
    headers: dict[str, str]
    signed: bool
    forged: bool


@dataclass
class SignedResponse:
    status: int
    body: str
    headers: dict[str, str]
    elapsed: float  # seconds from sending to the whole answer read
    request: SentRequest
    interaction: Interaction
    deadline: float = 3.0  # Slack shows the user an error when the ack takes longer
    extra: JSON = field(default_factory=dict)

    @property
    def json(self) -> Any | None:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def response_id(self) -> str | None:
        return self.interaction.response_id

    @property
    def trigger_id(self) -> str | None:
        return self.interaction.trigger_id

    @property
    def payload(self) -> JSON:
        return self.interaction.payload

    @property
    def late(self) -> bool:
        return self.elapsed > self.deadline


class SignedSlackClient:
    def __init__(
        self,
        url: str,
        signing_secret: str,
        fake: FakeSlack,
        team_id: str | None = None,
        *,
        api_app_id: str | None = None,
        verification_token: str = "fake-verification-token",
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        """`session`: reuse one (the caller closes it); by default each request opens its own."""
        self.url = url
        self.signing_secret = signing_secret
        self.fake = fake
        self.builder = PayloadBuilder(
            fake.state,
            fake.hooks,
            team_id=team_id,
            api_app_id=api_app_id,
            verification_token=verification_token,
        )
        self.session = session
        self.timeout = timeout

    # -- what Slack sends --------------------------------------------------------------------

    async def command(
        self, command: str, text: str = "", *, user: str, channel: str, **options: Any
    ) -> SignedResponse:
        interaction = self.builder.command(command, text, user=user, channel=channel)
        body = urlencode(interaction.payload).encode()
        return await self._send(body, FORM, interaction, **options)

    async def block_action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str,
        channel: str,
        message_ts: str | None = None,
        message: JSON | None = None,
        block_id: str | None = None,
        **options: Any,
    ) -> SignedResponse:
        interaction = self.builder.block_actions(
            action_id,
            value,
            user=user,
            channel=channel,
            message_ts=message_ts,
            message=message,
            block_id=block_id,
        )
        return await self._send(self._payload_form(interaction), FORM, interaction, **options)

    async def view_submission(
        self,
        callback_id: str,
        values: Mapping[str, Any] | None = None,
        *,
        user: str,
        private_metadata: str | None = None,
        view_id: str | None = None,
        **options: Any,
    ) -> SignedResponse:
        interaction = self.builder.view_submission(
            callback_id,
            values or {},
            user=user,
            private_metadata=private_metadata,
            view_id=view_id,
        )
        return await self._send(self._payload_form(interaction), FORM, interaction, **options)

    async def event(
        self, event: JSON, *, event_id: str | None = None, **options: Any
    ) -> SignedResponse:
        interaction = self.builder.event(event, event_id=event_id)
        return await self._send(self._json(interaction), JSON_TYPE, interaction, **options)

    async def url_verification(
        self,
        challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        **options: Any,
    ) -> SignedResponse:
        interaction = self.builder.url_verification(challenge)
        return await self._send(self._json(interaction), JSON_TYPE, interaction, **options)

    async def ssl_check(self, **options: Any) -> SignedResponse:
        interaction = Interaction("ssl_check", {"ssl_check": "1", "token": self.builder.token})
        return await self._send(
            urlencode(interaction.payload).encode(), FORM, interaction, **options
        )

    async def replay(
        self,
        response: SignedResponse,
        *,
        resign: bool = True,
        timestamp: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SignedResponse:
        """Sends the same request again (a Slack retry): same body and headers, re-signed with a
        fresh timestamp unless `resign` is False (then the old signature headers go as they were)."""
        sent = response.request
        out = dict(sent.headers)
        if resign and sent.signed:
            out.update(self._signature(sent.body, timestamp, sent.forged))
        out.update(headers or {})
        request = SentRequest(sent.url, sent.body, out, sent.signed, sent.forged)
        return await self._post(request, response.interaction)

    # -- plumbing ----------------------------------------------------------------------------

    @staticmethod
    def _payload_form(interaction: Interaction) -> bytes:
        return urlencode({"payload": json.dumps(interaction.payload)}).encode()

    @staticmethod
    def _json(interaction: Interaction) -> bytes:
        return json.dumps(interaction.payload).encode()

    def _signature(self, body: bytes, timestamp: int | None, forge: bool) -> dict[str, str]:
        ts = int(time.time()) if timestamp is None else int(timestamp)
        secret = self.signing_secret + "-forged" if forge else self.signing_secret
        return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(secret, ts, body)}

    async def _send(
        self,
        body: bytes,
        content_type: str,
        interaction: Interaction,
        *,
        headers: Mapping[str, str] | None = None,
        sign: bool = True,
        forge: bool = False,
        timestamp: int | None = None,
        body_override: bytes | str | None = None,
    ) -> SignedResponse:
        if body_override is not None:
            body = body_override.encode() if isinstance(body_override, str) else body_override
        out = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
        }
        if sign:
            out.update(self._signature(body, timestamp, forge))
        out.update(headers or {})
        request = SentRequest(self.url, body, out, sign, forge)
        return await self._post(request, interaction)

    async def _post(self, request: SentRequest, interaction: Interaction) -> SignedResponse:
        session = self.session or aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout)
        )
        try:
            started = time.monotonic()
            async with session.post(request.url, data=request.body, headers=request.headers) as r:
                text = await r.text()
                elapsed = time.monotonic() - started
                return SignedResponse(
                    r.status, text, dict(r.headers), elapsed, request, interaction
                )
        finally:
            if self.session is None:
                await session.close()
