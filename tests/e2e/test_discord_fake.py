"""The fake Discord's self-test: a bare discord.py client (no studybot code) logs in, connects
over the gateway, answers interactions and sends messages against it, proving the fake speaks
the protocol discord.py expects and enforces what real Discord enforces."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands

from tests.e2e.discord_fake import FakeChannel, FakeDiscord, FakeGuild, FakeUser
from tests.e2e.discord_fake.bare import FAST_GUILD_READY, bare_client, start_client, stop_client

GUILD, CHANNEL, LOCKED = 1001, 2001, 2002
SHARD_ONE_GUILD = (1 << 22) | 7  # (id >> 22) % 2 == 1
ALICE = FakeUser(id=5002, name="alice")
JOIN = [
    {
        "type": 1,
        "name": "join",
        "options": [{"type": 3, "name": "timezone", "value": "Europe/Berlin"}],
    }
]
MESSAGES = r"^/channels/\d+/messages$"

Handler = Callable[[discord.Interaction], Awaitable[None]]
Connect = Callable[..., Awaitable[discord.Client]]


def study_guild() -> FakeGuild:
    channels = [FakeChannel(id=CHANNEL, name="study"), FakeChannel(id=LOCKED, name="locked")]
    return FakeGuild(id=GUILD, name="ML Study", channels=channels, owner_id=5001)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(application_id=111, bot_user_id=111, guilds=[study_guild()]) as fake:
        yield fake


@pytest.fixture
async def connect(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Connect]:
    """Starts bare clients against the fake; closes them all (before the fake) at teardown."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_url)
    gateway = yarl.URL(fake.gateway_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)
    started: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def make(
        handler: Handler | None = None, client: discord.Client | None = None
    ) -> discord.Client:
        if client is None:
            client = discord.Client(
                intents=discord.Intents.default(), guild_ready_timeout=FAST_GUILD_READY
            )
        if handler is not None:

            async def on_interaction(interaction: discord.Interaction) -> None:
                await handler(interaction)

            client.event(on_interaction)
        started.append((client, await start_client(client, fake.token)))
        return client

    yield make
    for client, task in reversed(started):
        await stop_client(client, task)


async def reply(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("hi", ephemeral=True)


def text_channel(client: discord.Client, channel_id: int = CHANNEL) -> discord.TextChannel:
    channel = client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_ready_and_guild_cache(fake: FakeDiscord, connect: Connect) -> None:
    client = await connect()
    guild = client.get_guild(GUILD)
    assert guild is not None
    assert guild.name == "ML Study"
    assert guild.owner_id == 5001
    assert text_channel(client).name == "study"
    assert guild.me is not None
    assert client.user is not None
    assert client.user.id == 111
    assert client.application_id == 111
    assert (fake.identify_count, fake.resume_count, fake.sessions) == (1, 0, 1)
    assert fake.identifies[0].intents == discord.Intents.default().value
    assert fake.identifies[0].shard == (0, 1)
    paths = [r.path for r in fake.requests]
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert all(r.status == 200 for r in fake.requests)


async def test_ephemeral_reply_is_a_type_4_callback(fake: FakeDiscord, connect: Connect) -> None:
    await connect(reply)
    iid = await fake.send_command("study", JOIN, user=ALICE, guild_id=GUILD, channel_id=CHANNEL)
    cb = await fake.wait_callback(iid, timeout=3)
    assert (cb.type, cb.status, cb.late) == (4, 200, False)
    assert cb.data is not None
    assert cb.data["content"] == "hi"
    assert cb.data["flags"] == 64
    assert cb.latency < 3.0
    response = fake.response_for(iid)
    assert response is not None
    assert response["content"] == "hi"
    assert fake.messages(CHANNEL, include_interactions=True) == []  # ephemeral


async def test_interaction_payload_parses(fake: FakeDiscord, connect: Connect) -> None:
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    async def handler(interaction: discord.Interaction) -> None:
        seen.put_nowait(interaction)
        await reply(interaction)

    await connect(handler)
    await fake.send_command("study", JOIN, user=ALICE, permissions=1 << 5, roles=[3001])
    interaction = await asyncio.wait_for(seen.get(), 3)
    assert isinstance(interaction.user, discord.Member)
    assert interaction.user.id == ALICE.id
    assert interaction.permissions.manage_guild
    assert not interaction.permissions.administrator
    assert interaction.guild_id == GUILD
    assert interaction.channel_id == CHANNEL
    assert interaction.data is not None
    assert interaction.data.get("options") == JOIN

    dm_iid = await fake.send_command("study", user=ALICE, dm=True)
    dm = await asyncio.wait_for(seen.get(), 3)
    assert dm.guild is None
    assert isinstance(dm.user, discord.User)
    assert isinstance(dm.channel, discord.DMChannel)
    assert dm.channel.id == fake.dm_channel_for(ALICE.id)
    assert (await fake.wait_callback(dm_iid)).accepted


async def test_defer_then_followup(fake: FakeDiscord, connect: Connect) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("working")
        await interaction.edit_original_response(content="done")

    await connect(handler)
    iid = await fake.send_command("study", JOIN, user=ALICE)
    cb = await fake.wait_callback(iid)
    assert cb.type == 5
    first = await fake.wait_followup(iid)
    assert (first.method, first.status) == ("POST", 200)
    edit = await fake.wait_followup(iid, n=2)
    assert (edit.method, edit.message_id, edit.status) == ("PATCH", "@original", 200)
    response = fake.response_for(iid)
    assert response is not None
    assert response["content"] == "done"
    assert [m["content"] for m in fake.messages(CHANNEL, include_interactions=True)] == ["done"]


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer", custom_id="answer"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got {self.answer.value}", ephemeral=True)


async def test_modal_and_its_submit(fake: FakeDiscord, connect: Connect) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.send_modal(AnswerModal(custom_id="study.submit?round=1"))

    await connect(handler)
    iid = await fake.send_command("study", JOIN, user=ALICE)
    cb = await fake.wait_callback(iid)
    assert cb.type == 9
    assert cb.data is not None
    assert cb.data["title"] == "Your answer"
    assert cb.data["components"][0]["components"][0]["type"] == 4
    sid = await fake.submit_modal("study.submit?round=1", {"answer": "42"}, user=ALICE)
    submitted = await fake.wait_callback(sid)
    assert submitted.type == 4
    assert submitted.data is not None
    assert submitted.data["content"] == "got 42"


async def test_autocomplete_choices(fake: FakeDiscord, connect: Connect) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        choices = [app_commands.Choice(name=f"zone {i}", value=f"z{i}") for i in range(count)]
        with contextlib.suppress(discord.HTTPException):  # 26 choices: 400, checked below
            await interaction.response.autocomplete(choices)

    count = 3
    await connect(handler)
    options = [{"type": 3, "name": "timezone", "value": "Eur", "focused": True}]
    iid = await fake.send_autocomplete("study", options, user=ALICE)
    cb = await fake.wait_callback(iid)
    assert (cb.type, cb.status) == (8, 200)  # discord.py always asks ?with_response=1
    assert cb.data is not None
    assert len(cb.data["choices"]) == 3
    count = 26
    too_many = await fake.wait_callback(await fake.send_autocomplete("study", options, user=ALICE))
    assert (too_many.status, too_many.error_code) == (400, 50035)


async def test_button_click_updates_the_message(fake: FakeDiscord, connect: Connect) -> None:
    class Round(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="B", custom_id="study.submit?round=1&answer=B")
        async def pick(
            self, interaction: discord.Interaction, button: discord.ui.Button[Round]
        ) -> None:
            await interaction.response.edit_message(content="answered B", view=None)

    client = await connect()
    sent = await text_channel(client).send("Round 1", view=Round())
    assert fake.messages(CHANNEL)[0]["components"][0]["components"][0]["label"] == "B"
    iid = await fake.click("study.submit?round=1&answer=B", message_id=sent.id, user=ALICE)
    cb = await fake.wait_callback(iid)
    assert (cb.type, cb.status) == (7, 200)
    assert fake.messages(CHANNEL)[0]["content"] == "answered B"
    assert fake.messages(CHANNEL)[0]["components"] == []
    response = fake.response_for(iid)
    assert response is not None
    assert response["id"] == str(sent.id)


async def test_nonce_makes_a_resend_show_once(fake: FakeDiscord, connect: Connect) -> None:
    channel = text_channel(await connect())
    first = await channel.send("round 1", nonce="abc")
    again = await channel.send("round 1", nonce="abc")
    assert first.id == again.id
    assert len(fake.messages(CHANNEL)) == 1
    assert fake.messages(CHANNEL)[0]["nonce"] == "abc"
    posts = [
        r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL}/messages"
    ]
    assert [r.json["enforce_nonce"] for r in posts] == [True, True]


async def test_429_is_retried_by_discord_py(fake: FakeDiscord, connect: Connect) -> None:
    channel = text_channel(await connect())
    body = {
        "message": "You are being rate limited.",
        "retry_after": 0.05,
        "global": False,
        "code": 0,
    }
    headers = {"Retry-After": "1", "X-RateLimit-Scope": "user"}
    fake.fail_next(
        method="POST", path_regex=MESSAGES, status=429, body=body, headers=headers, times=1
    )
    sent = await channel.send("round 1")
    posts = [r.status for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert posts == [429, 200]
    assert [m["id"] for m in fake.messages(CHANNEL)] == [str(sent.id)]


async def test_refusals_raise_the_discord_errors(fake: FakeDiscord, connect: Connect) -> None:
    client = await connect()
    body = {"message": "Missing Permissions", "code": 50013}
    fake.fail_next("POST", rf"^/channels/{CHANNEL}/messages$", status=403, body=body)
    with pytest.raises(discord.Forbidden) as refused:
        await text_channel(client).send("round 1")
    assert refused.value.code == 50013
    fake.deny_channel(LOCKED)
    with pytest.raises(discord.Forbidden) as denied:
        await text_channel(client, LOCKED).send("round 1")
    assert denied.value.code == 50013
    fake.close_dms(5003)
    dm = await client.create_dm(discord.Object(5003))
    assert fake.dm_channel_for(5003) == dm.id
    with pytest.raises(discord.Forbidden) as closed:
        await dm.send("your streak")
    assert closed.value.code == 50007
    with pytest.raises(discord.NotFound) as unknown:
        await client.get_partial_messageable(9999).send("hello?")
    assert unknown.value.code == 10003
    assert fake.messages(CHANNEL) == []
    await text_channel(client).send("finally")
    assert len(fake.messages(CHANNEL)) == 1


async def test_limits_answer_400_50035(fake: FakeDiscord, connect: Connect) -> None:
    channel = text_channel(await connect())
    with pytest.raises(discord.HTTPException) as title:
        await channel.send(embed=discord.Embed(title="x" * 257))
    assert (title.value.status, title.value.code) == (400, 50035)
    assert "embeds.0.title" in title.value.text
    with pytest.raises(discord.HTTPException) as content:
        await channel.send("x" * 2001)
    assert (content.value.status, content.value.code) == (400, 50035)
    assert [r.status for r in fake.requests[-2:]] == [400, 400]
    assert fake.messages(CHANNEL) == []


async def test_files_arrive_as_multipart(fake: FakeDiscord, connect: Connect) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "card", file=discord.File(io.BytesIO(b"png!"), "card.png")
        )

    channel = text_channel(await connect(handler))
    await channel.send("notes", file=discord.File(io.BytesIO(b"hello"), "notes.txt"))
    assert fake.requests[-1].files == [("notes.txt", b"hello")]
    assert fake.requests[-1].json["content"] == "notes"
    attachment = fake.messages(CHANNEL)[0]["attachments"][0]
    assert (attachment["filename"], attachment["size"]) == ("notes.txt", 5)
    cb = await fake.wait_callback(await fake.send_command("study", user=ALICE))
    assert (cb.type, cb.files) == (4, [("card.png", b"png!")])


async def test_second_callback_for_one_id_is_40060(fake: FakeDiscord, connect: Connect) -> None:
    errors: asyncio.Queue[discord.HTTPException] = asyncio.Queue()

    async def handler(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("once", ephemeral=True)
        except discord.HTTPException as exc:
            errors.put_nowait(exc)

    await connect(handler)
    iid = await fake.send_command("study", JOIN, user=ALICE)
    assert (await fake.wait_callback(iid)).accepted
    await fake.redeliver(iid)
    error = await asyncio.wait_for(errors.get(), 3)
    assert (error.status, error.code) == (400, 40060)
    assert [(c.status, c.error_code) for c in fake.callbacks] == [(200, None), (400, 40060)]


async def test_late_callback_is_unknown_interaction(fake: FakeDiscord, connect: Connect) -> None:
    fake.ack_deadline = 0.05
    errors: asyncio.Queue[discord.HTTPException] = asyncio.Queue()
    never = asyncio.Event()

    async def handler(interaction: discord.Interaction) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(never.wait(), 0.15)  # a handler slower than the deadline
        try:
            await reply(interaction)
        except discord.NotFound as exc:
            errors.put_nowait(exc)

    await connect(handler)
    iid = await fake.send_command("study", JOIN, user=ALICE)
    assert (await asyncio.wait_for(errors.get(), 3)).code == 10062
    cb = await fake.wait_callback(iid)
    assert (cb.status, cb.late) == (404, True)
    assert cb.latency > 0.05
    assert fake.response_for(iid) is None


async def test_drop_leads_to_resume_and_delivery(fake: FakeDiscord, connect: Connect) -> None:
    await connect(reply)
    await fake.drop_connection(code=4000)
    iid = await fake.send_command("study", JOIN, user=ALICE)  # delivered by the replay
    await fake.wait_resumed(timeout=5)
    cb = await fake.wait_callback(iid)
    assert cb.accepted
    assert (fake.identify_count, fake.resume_count) == (1, 1)
    await fake.send_reconnect()
    await fake.wait_resumed(timeout=5, count=2)
    assert (await fake.wait_callback(await fake.send_command("study", user=ALICE))).accepted
    assert (fake.identify_count, fake.resume_count, fake.sessions) == (1, 2, 1)


async def test_command_sync_and_dispatch_to_the_tree(fake: FakeDiscord, connect: Connect) -> None:
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=FAST_GUILD_READY)
    tree = app_commands.CommandTree(client)

    @tree.command(name="studymod", description="Moderate the study group")
    @app_commands.default_permissions(manage_guild=True)
    async def studymod(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("moderated", ephemeral=True)

    await connect(client=client)
    synced = await tree.sync()
    assert [s.scope for s in fake.command_syncs] == ["global"]
    (registered,) = fake.commands("global")
    assert registered["default_member_permissions"] == "32"
    assert synced[0].id == int(registered["id"])
    tree.copy_global_to(guild=discord.Object(GUILD))
    await tree.sync(guild=discord.Object(GUILD))
    assert fake.command_syncs[-1].scope == str(GUILD)
    iid = await fake.send_command("studymod", user=ALICE, permissions=1 << 5)
    assert fake.interaction_payload(iid)["data"]["guild_id"] == str(GUILD)
    cb = await fake.wait_callback(iid)
    assert cb.data is not None
    assert cb.data["content"] == "moderated"


async def test_guild_join_and_remove(fake: FakeDiscord, connect: Connect) -> None:
    events: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=FAST_GUILD_READY)

    @client.event
    async def on_guild_join(guild: discord.Guild) -> None:
        events.put_nowait(("join", guild.id))

    @client.event
    async def on_guild_remove(guild: discord.Guild) -> None:
        events.put_nowait(("remove", guild.id))

    await connect(client=client)
    await fake.add_guild(FakeGuild(id=1002, name="Second", channels=[FakeChannel(2101, "general")]))
    assert await asyncio.wait_for(events.get(), 3) == ("join", 1002)
    assert client.get_channel(2101) is not None
    await fake.remove_guild(1002)
    assert await asyncio.wait_for(events.get(), 3) == ("remove", 1002)
    assert client.get_guild(1002) is None


class QuickShards(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause between shards: the fake has no identify rate limit."""


async def test_shards_each_get_their_guilds(fake: FakeDiscord, connect: Connect) -> None:
    await fake.add_guild(
        FakeGuild(id=SHARD_ONE_GUILD, name="Far", channels=[FakeChannel(2201, "far")])
    )
    handled: asyncio.Queue[tuple[int | None, int | None]] = asyncio.Queue()

    async def handler(interaction: discord.Interaction) -> None:
        shard = interaction.guild.shard_id if interaction.guild else None
        handled.put_nowait((interaction.guild_id, shard))
        await reply(interaction)

    options: dict[str, Any] = {"shard_count": 2, "guild_ready_timeout": FAST_GUILD_READY}
    client = await connect(
        handler, client=QuickShards(intents=discord.Intents.default(), **options)
    )
    assert sorted(r.shard for r in fake.identifies) == [(0, 2), (1, 2)]
    assert fake.sessions == 2
    assert {g.id for g in client.guilds} == {GUILD, SHARD_ONE_GUILD}
    far = await fake.send_command("study", user=ALICE, guild_id=SHARD_ONE_GUILD, channel_id=2201)
    assert await asyncio.wait_for(handled.get(), 3) == (SHARD_ONE_GUILD, 1)
    assert (await fake.wait_callback(far)).accepted


async def test_separate_clients_as_shards(fake: FakeDiscord, connect: Connect) -> None:
    await fake.add_guild(
        FakeGuild(id=SHARD_ONE_GUILD, name="Far", channels=[FakeChannel(2201, "far")])
    )
    options: dict[str, Any] = {"shard_count": 2, "guild_ready_timeout": FAST_GUILD_READY}
    clients = [
        await connect(
            client=discord.Client(intents=discord.Intents.default(), shard_id=i, **options)
        )
        for i in (0, 1)
    ]
    assert [{g.id for g in c.guilds} for c in clients] == [{GUILD}, {SHARD_ONE_GUILD}]
    handled: asyncio.Queue[int] = asyncio.Queue()
    for index, client in enumerate(clients):

        async def on_interaction(interaction: discord.Interaction, index: int = index) -> None:
            handled.put_nowait(index)
            await reply(interaction)

        client.event(on_interaction)
    near = await fake.send_command("study", user=ALICE, guild_id=GUILD)
    assert await asyncio.wait_for(handled.get(), 3) == 0
    far = await fake.send_command("study", user=ALICE, guild_id=SHARD_ONE_GUILD)
    assert await asyncio.wait_for(handled.get(), 3) == 1
    assert [(await fake.wait_callback(i)).accepted for i in (near, far)] == [True, True]


async def test_auto_sharded_client_asks_gateway_bot(fake: FakeDiscord, connect: Connect) -> None:
    fake.shard_count = 2
    client = await connect(
        client=QuickShards(intents=discord.Intents.default(), guild_ready_timeout=FAST_GUILD_READY)
    )
    assert client.shard_count == 2
    assert "/gateway/bot" in [r.path for r in fake.requests]
    assert sorted(r.shard for r in fake.identifies) == [(0, 2), (1, 2)]


async def test_rate_limit_headers_make_discord_py_wait() -> None:
    async with FakeDiscord(guilds=[study_guild()], rate_limit=2, rate_window=0.2) as fake:
        async with bare_client(fake, handler=None) as client:
            channel = text_channel(client)
            for n in range(3):
                await channel.send(f"post {n}")
        posts = [r for r in fake.requests if r.method == "POST"]
        assert [r.status for r in posts] == [200, 200, 200]
        assert posts[2].at - posts[0].at >= 0.1  # discord.py waited for the bucket to reset
        assert len(fake.messages(CHANNEL)) == 3


async def test_bad_token_and_unknown_route(fake: FakeDiscord, connect: Connect) -> None:
    client = await connect()
    with pytest.raises(discord.NotFound):
        await client.http.request(discord.http.Route("GET", "/nothing/here"))
    assert (fake.requests[-1].path, fake.requests[-1].status) == ("/nothing/here", 404)
    stranger = discord.Client(intents=discord.Intents.default())
    try:
        with pytest.raises(discord.LoginFailure):
            await stranger.login("not-the-token")
    finally:
        await stranger.close()
    assert fake.requests[-1].status == 401


async def test_bare_client_helper_replies_ok(fake: FakeDiscord) -> None:
    async with bare_client(fake) as client:
        assert client.get_guild(GUILD) is not None
        cb = await fake.wait_callback(await fake.send_command("study", user=ALICE))
        assert cb.data is not None
        assert (cb.type, cb.data["content"], cb.data["flags"]) == (4, "ok", 64)
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
