"""The fake Slack's self-test: a bare slack-bolt AsyncApp and slack-sdk AsyncWebClient (no
studybot code) run against it over HTTP and Socket Mode, proving the fake speaks what bolt and
slack-sdk expect and enforces what real Slack enforces."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.e2e.slack_fake import (
    FakeSlack,
    FakeSlackChannel,
    FakeSlackUser,
    SignedSlackClient,
    SocketSlackClient,
)
from tests.e2e.slack_fake.bare import bare_bolt_app, bolt_client, serve_bolt

SECRET = "s3cr3t"
STUDY, OTHER = "C0STUDY", "C0OTHER"
BOB = "U0BOB"
SUBMIT = "study.submit?round=1"
MODAL = {
    "type": "modal",
    "callback_id": SUBMIT,
    "title": {"type": "plain_text", "text": "Round 1"},
    "submit": {"type": "plain_text", "text": "Submit"},
    "private_metadata": "round=1",
    "blocks": [
        {
            "type": "input",
            "block_id": "answer",
            "label": {"type": "plain_text", "text": "Your answer"},
            "element": {"type": "plain_text_input", "action_id": "answer_input"},
        }
    ],
}
BUTTONS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Which one?"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": f"{SUBMIT}&answer={letter}",
                "text": {"type": "plain_text", "text": letter},
                "value": letter,
            }
            for letter in "AB"
        ],
    },
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    users = [FakeSlackUser("U0ADMIN", "ann", is_admin=True), FakeSlackUser(BOB, "bob")]
    channels = [
        FakeSlackChannel(STUDY, "study", bot_is_member=True),
        FakeSlackChannel(OTHER, "general", bot_is_member=False),
    ]
    async with FakeSlack(users=users, channels=channels) as fake:
        yield fake


class Seen:
    """What the bolt app's handlers received."""

    def __init__(self) -> None:
        self.commands: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []


def study_app(fake: FakeSlack, seen: Seen) -> AsyncApp:
    app = AsyncApp(signing_secret=SECRET, client=bolt_client(fake))

    @app.command("/study")
    async def study(
        ack: AsyncAck, command: dict[str, Any], say: AsyncSay, respond: AsyncRespond
    ) -> None:
        await ack(f"got {command['text']}")
        seen.commands.append(command)
        if command["text"] == "modal":
            await app.client.views_open(trigger_id=command["trigger_id"], view=MODAL)
            return
        await say(text="said", metadata={"event_type": "study", "event_payload": {"n": 1}})
        await respond("responded")

    @app.action(re.compile(r"^study\.submit\?"))
    async def action(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen.actions.append(body)
        await respond(text="picked", replace_original=True)

    @app.view(re.compile(r"^study\.submit\?"))
    async def view(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.views.append(body)

    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    async def lifecycle(event: dict[str, Any]) -> None:
        seen.events.append(event)

    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def slack(fake: FakeSlack, seen: Seen) -> AsyncIterator[SignedSlackClient]:
    async with serve_bolt(study_app(fake, seen)) as url:
        yield SignedSlackClient(url=url, signing_secret=SECRET, fake=fake, team_id="T0001")


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return bolt_client(fake)


# -- HTTP mode: signed requests into bolt ---------------------------------------------------------


async def test_signed_command_acks_and_responds(fake: FakeSlack, slack: SignedSlackClient) -> None:
    r = await slack.command("/study", "join Europe/Berlin", user=BOB, channel=STUDY)
    assert r.status == 200
    assert r.elapsed < 3.0
    assert not r.late
    assert r.body == "got join Europe/Berlin"  # bolt answers ack("text") as text/plain
    assert r.response_id is not None
    assert (await fake.wait_response(r.response_id))["text"] == "responded"
    posted = await fake.wait_call("chat.postMessage")
    assert posted.ok
    assert posted.args["channel"] == STUDY
    assert fake.messages(STUDY)[0]["text"] == "said"
    # bolt authorizes lazily: one auth.test on the first request, cached after
    r2 = await slack.command("/study", "status", user=BOB, channel=STUDY)
    assert r2.status == 200
    await fake.wait_response(r2.response_id or "")
    assert len(fake.calls_to("auth.test")) == 1


@pytest.mark.parametrize(
    "options",
    [{"forge": True}, {"sign": False}, {"timestamp": int(time.time()) - 600}],
    ids=["forged", "unsigned", "stale"],
)
async def test_bad_signature_is_401(
    slack: SignedSlackClient, seen: Seen, options: dict[str, Any]
) -> None:
    r = await slack.command("/study", "join", user=BOB, channel=STUDY, **options)
    assert r.status == 401
    assert r.json == {"error": "invalid request"}
    assert seen.commands == []


async def test_replay_is_the_same_request(fake: FakeSlack, slack: SignedSlackClient) -> None:
    r = await slack.command("/study", "join", user=BOB, channel=STUDY)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    again = await slack.replay(r, headers=retry)
    assert again.status == 200
    assert again.request.body == r.request.body
    assert again.request.headers["X-Slack-Retry-Num"] == "1"
    stale = await slack.replay(r, timestamp=int(time.time()) - 600)
    assert stale.status == 401
    await fake.wait_response(r.response_id or "", n=2)


async def test_block_action_reaches_handler(
    fake: FakeSlack, slack: SignedSlackClient, client: AsyncWebClient, seen: Seen
) -> None:
    await client.chat_postMessage(channel=STUDY, text="Which one?", blocks=BUTTONS)
    message = fake.messages(STUDY)[0]
    block_id = message["blocks"][1]["block_id"]  # Slack gave the actions block one
    action_id = f"{SUBMIT}&answer=B"
    r = await slack.block_action(
        action_id=action_id, value="B", user=BOB, channel=STUDY, message=message
    )
    assert r.status == 200
    body = seen.actions[0]
    assert body["actions"][0]["action_id"] == action_id
    assert body["actions"][0]["block_id"] == block_id
    assert body["container"]["message_ts"] == message["ts"]
    assert (await fake.wait_response(r.response_id or ""))["replace_original"] is True
    assert fake.messages(STUDY)[0]["text"] == "picked"  # replace_original edits the message


async def test_view_open_and_submission(
    fake: FakeSlack, slack: SignedSlackClient, seen: Seen
) -> None:
    r = await slack.command("/study", "modal", user=BOB, channel=STUDY)
    assert r.status == 200
    opened = await fake.wait_call("views.open")
    assert opened.ok, opened.response
    assert fake.views_opened[0]["trigger_id"] == r.trigger_id
    s = await slack.view_submission(callback_id=SUBMIT, values={"answer": "0.375"}, user=BOB)
    assert s.status == 200
    view = seen.views[0]["view"]
    assert view["state"]["values"]["answer"]["answer_input"]["value"] == "0.375"
    assert view["private_metadata"] == "round=1"


async def test_views_open_needs_a_fresh_trigger(fake: FakeSlack, client: AsyncWebClient) -> None:
    fresh = fake.issue_trigger_id(BOB)
    assert (await client.views_open(trigger_id=fresh, view=MODAL))["view"]["callback_id"] == SUBMIT
    for trigger, error in [
        (fresh, "exchanged_trigger_id"),
        (fake.issue_trigger_id(BOB, age=3.5), "expired_trigger_id"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await client.views_open(trigger_id=trigger, view=MODAL)
        assert raised.value.response["error"] == error


async def test_events_and_url_verification(slack: SignedSlackClient, seen: Seen) -> None:
    r = await slack.url_verification("chal-123")
    assert r.json == {"challenge": "chal-123"}
    assert (await slack.event({"type": "app_uninstalled"})).status == 200
    revoked = {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}
    assert (await slack.event(revoked)).status == 200
    assert [e["type"] for e in seen.events] == ["app_uninstalled", "tokens_revoked"]


async def test_bare_bolt_app_acks(fake: FakeSlack) -> None:
    async with bare_bolt_app(fake, SECRET) as url:
        slack = SignedSlackClient(url=url, signing_secret=SECRET, fake=fake)
        r = await slack.command("/study", "join", user=BOB, channel=STUDY)
    assert (r.status, r.body) == (200, "")


# -- Web API: what the bot calls -----------------------------------------------------------------


async def test_metadata_round_trips_through_history(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    metadata = {"event_type": "study_round", "event_payload": {"round": 1}}
    await client.chat_postMessage(channel=STUDY, text="one", metadata=metadata)
    await client.chat_postMessage(channel=STUDY, text="two")
    assert fake.calls_to("chat.postMessage")[0].args["metadata"] == metadata
    full = await client.conversations_history(channel=STUDY, include_all_metadata=True)
    assert [m["text"] for m in full["messages"]] == ["two", "one"]  # newest first
    assert full["messages"][1]["metadata"] == metadata
    plain = await client.conversations_history(channel=STUDY, limit=1)
    assert "metadata" not in plain["messages"][0]
    assert plain["has_more"] is True


async def test_rate_limit_is_retried_once(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"})
    retrying = bolt_client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler()])
    response = await retrying.chat_postMessage(channel=STUDY, text="hello")
    assert response["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake.messages(STUDY)) == 1
    fake.fail_next("chat.postMessage")
    with pytest.raises(SlackApiError) as raised:
        await bolt_client(fake).chat_postMessage(channel=STUDY, text="again")
    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert raised.value.response.headers["Retry-After"] == "1"


async def test_channel_errors(fake: FakeSlack, client: AsyncWebClient) -> None:
    for channel, error in [(OTHER, "not_in_channel"), ("C0NOPE", "channel_not_found")]:
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="hi")
        assert raised.value.response["error"] == error
    dm = (await client.conversations_open(users=BOB))["channel"]["id"]
    assert dm.startswith("D")
    assert (await client.chat_postMessage(channel=dm, text="hi"))["channel"] == dm
    fake.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel=STUDY, text="hi")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        (
            {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]},
            "invalid_blocks",
        ),
        (
            {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]},
            "invalid_blocks",
        ),
        (
            {
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            {
                                "type": "button",
                                "text": {"type": "plain_text", "text": "b"},
                                "action_id": "a" * 256,
                            }
                        ],
                    }
                ]
            },
            "invalid_blocks",
        ),
        ({"text": "x" * 40_001}, "msg_too_long"),
    ],
    ids=["51-blocks", "long-header", "long-section", "long-action-id", "long-text"],
)
async def test_slack_limits(client: AsyncWebClient, kwargs: dict[str, Any], error: str) -> None:
    kwargs.setdefault("text", "fallback")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=STUDY, **kwargs)
    assert raised.value.response["error"] == error


async def test_users_info(client: AsyncWebClient) -> None:
    user = (await client.users_info(user="U0ADMIN"))["user"]
    assert (user["name"], user["is_admin"], user["profile"]["real_name"]) == ("ann", True, "Ann")
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U0NOBODY")
    assert raised.value.response["error"] == "user_not_found"


async def test_files_upload_v2(fake: FakeSlack, client: AsyncWebClient) -> None:
    done = await client.files_upload_v2(
        channel=STUDY, filename="notes.txt", content="hello, world", title="Notes",
        initial_comment="here you go",
    )  # fmt: skip
    assert done["file"]["id"] == fake.files[0].file_id
    uploaded = fake.files[0]
    assert (uploaded.filename, uploaded.content, uploaded.title) == (
        "notes.txt",
        b"hello, world",
        "Notes",
    )
    assert (uploaded.channel_id, uploaded.initial_comment) == (STUDY, "here you go")
    with pytest.warns(UserWarning, match="files_upload_v2"), pytest.raises(SlackApiError) as raised:
        await client.files_upload(channels=STUDY, content="old", filename="old.txt")
    assert raised.value.response["error"] == "method_deprecated"


async def test_oauth_v2_access(fake: FakeSlack) -> None:
    anonymous = AsyncWebClient(base_url=fake.api_url)
    creds = {"client_id": "1111.2222", "client_secret": "fake-client-secret"}
    code = fake.issue_oauth_code()
    installed = await anonymous.oauth_v2_access(**creds, code=code)
    assert installed["access_token"] == "xoxb-installed-T0001"
    assert installed["team"] == {"id": "T0001", "name": "ML Study"}
    assert installed["is_enterprise_install"] is False
    assert (await anonymous.auth_test(token=installed["access_token"]))["bot_id"] == "B0001"
    with pytest.raises(SlackApiError) as raised:
        await anonymous.oauth_v2_access(**creds, code=code)  # codes are single-use
    assert raised.value.response["error"] == "invalid_code"


async def test_tokens_and_unknown_methods(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("chat.frobnicate")
    assert raised.value.response["error"] == "unknown_method"
    assert fake.calls[-1].method == "chat.frobnicate"
    with pytest.raises(SlackApiError) as raised:
        await AsyncWebClient(base_url=fake.api_url, token="xoxb-wrong").auth_test()
    assert raised.value.response["error"] == "invalid_auth"


async def test_response_url_takes_five_posts(fake: FakeSlack) -> None:
    url = fake.response_url("r-limit")
    async with aiohttp.ClientSession() as session:
        statuses = []
        for i in range(6):
            async with session.post(url, json={"text": f"post {i}"}) as r:
                statuses.append((r.status, await r.text()))
    assert statuses == [(200, "ok")] * 5 + [(404, "used_url")]
    assert len(fake.response_urls["r-limit"]) == 5


# -- Socket Mode -----------------------------------------------------------------------------------


async def test_socket_mode_command(fake: FakeSlack, seen: Seen) -> None:
    handler = AsyncSocketModeHandler(study_app(fake, seen), app_token=fake.app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        conn = await fake.wait_socket_connected()
        assert conn.hello["type"] == "hello"
        opened = fake.calls_to("apps.connections.open")[0]
        assert opened.token == fake.app_token
        ack = await SocketSlackClient(fake).command("/study", "join", user=BOB, channel=STUDY)
        assert ack.payload == {"text": "got join"}
        assert ack.envelope["accepts_response_payload"] is True
        assert "retry_attempt" not in ack.envelope
        assert (await fake.wait_response(ack.response_id or ""))["text"] == "responded"
        await fake.wait_until(lambda: conn.pings or None, what="ping")  # sdk-ping-pong
        await fake.socket_disconnect()
        await fake.wait_socket_connected(n=2)
        event = await SocketSlackClient(fake).event({"type": "app_uninstalled"})
        assert event.ack == {"envelope_id": event.envelope_id}
        assert event.envelope["retry_attempt"] == 0
        assert seen.events[0]["type"] == "app_uninstalled"
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
