"""A fake Slack (Web API under /api/, response URLs, file upload URLs and Socket Mode, one aiohttp
app on 127.0.0.1) for running the real slack-bolt AsyncApp and slack-sdk AsyncWebClient in tests:

    async with FakeSlack(users=[FakeSlackUser("U0BOB", "bob")],
                         channels=[FakeSlackChannel("C0STUDY", "study")]) as fake:
        client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
        slack = SignedSlackClient(url, signing_secret, fake)       # HTTP mode: signed requests
        r = await slack.command("/study", "join", user="U0BOB", channel="C0STUDY")
        post = await fake.wait_response(r.response_id)
        ack = await SocketSlackClient(fake).command("/study", "join", ...)   # Socket Mode

Modules: models (records), limits (what Slack rejects), state (records and waits), api, messaging
and surfaces (Web API methods), web_api (the endpoint), hooks (response_url, uploads),
socket_mode (the websocket), payloads (what Slack sends apps), signed (the HTTP client),
socket_driver (the Socket Mode driver), fake (FakeSlack), bare (a bare bolt app)."""

from .fake import DEFAULT_APP_TOKEN, DEFAULT_SCOPES, FakeSlack
from .models import (
    ApiCall,
    FakeSlackChannel,
    FakeSlackUser,
    SlackError,
    SocketConnection,
    UploadedFile,
)
from .payloads import Interaction, PayloadBuilder
from .signed import SentRequest, SignedResponse, SignedSlackClient, sign
from .socket_driver import SocketAck, SocketSlackClient

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_SCOPES",
    "ApiCall",
    "FakeSlack",
    "FakeSlackChannel",
    "FakeSlackUser",
    "Interaction",
    "PayloadBuilder",
    "SentRequest",
    "SignedResponse",
    "SignedSlackClient",
    "SlackError",
    "SocketAck",
    "SocketConnection",
    "SocketSlackClient",
    "UploadedFile",
    "sign",
]
