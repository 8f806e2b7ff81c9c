"""A fake Discord (REST under /api/v10 and the gateway at /gateway, one aiohttp app on
127.0.0.1) for running the real discord.py client in tests:

    async with FakeDiscord(guilds=[FakeGuild(1001, "ML Study", [FakeChannel(2001, "study")])]) as fake:
        discord.http.Route.BASE = fake.api_url            # or bare.pointed_at(fake) / monkeypatch
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        ...start the client with fake.token, then:
        iid = await fake.send_command("study", options, user=FakeUser(5002, "alice"))
        callback = await fake.wait_callback(iid)

Modules: models (model and records), payloads (Discord JSON), limits (400/50035 checks),
store (state), rest + routes + webhooks (REST), gateway (websocket), driver (interactions to
send), fake (FakeDiscord), bare (a bare discord.py client that answers "ok")."""

from .driver import DEFAULT_USER
from .fake import DEFAULT_TOKEN, FakeDiscord
from .models import (
    CommandSync,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    Followup,
    IdentifyRecord,
    InteractionCallback,
    RecordedRequest,
)

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USER",
    "CommandSync",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "Followup",
    "IdentifyRecord",
    "InteractionCallback",
    "RecordedRequest",
]
