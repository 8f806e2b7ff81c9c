"""Distribution and Socket Mode: the OAuth install flow stores the installation in the bot's
database (any process can then answer that team), an uninstall forgets nothing but the posts;
Socket Mode answers over a local websocket, with no public URL."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from tests.e2e.slack_bot import ADMIN, ALICE, STUDY, fake_slack, running, sqlite_url, text_of
from tests.e2e.slack_fake import SignedSlackClient, SocketSlackClient

OAUTH = {"client_id": "1111.2222", "client_secret": "fake-client-secret", "state_secret": "st8"}


async def test_the_oauth_callback_stores_an_installation(tmp_path: Path) -> None:
    async with (
        fake_slack() as fake,
        running(fake, sqlite_url(tmp_path), bot_token=None, **OAUTH) as run,
    ):
        base = f"http://127.0.0.1:{run.adapter.port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/slack/install", allow_redirects=False) as page:
                assert page.status in (200, 302)
                body = await page.text()
                found = re.search(r"state=([^&\"']+)", body + page.headers.get("Location", ""))
                assert found is not None, body
                state = found.group(1)
                # The state cookie is Secure (https in production): the browser's, by hand.
                cookie = page.headers["Set-Cookie"].split(";")[0]
            code = fake.issue_oauth_code(team_id="T0002", team_name="Second group")
            redirect = f"{base}/slack/oauth_redirect?code={code}&state={state}"
            async with http.get(redirect, headers={"Cookie": cookie}) as done:
                assert done.status == 200, await done.text()
            forged = f"{base}/slack/oauth_redirect?code={code}&state=1.x.y"
            async with http.get(forged, headers={"Cookie": cookie}) as refused:
                assert refused.status >= 400
        installation = await run.runtime.installation("slack", "T0002")
        assert installation is not None
        assert installation["bot_token"] == "xoxb-installed-T0002"
        # That team's requests are answered with its own token.
        second = SignedSlackClient(run.slack.url, run.slack.signing_secret, fake, team_id="T0002")
        r = await second.command("/study", "join Asia/Tokyo", user=ALICE, channel=STUDY)
        assert "Asia/Tokyo" in text_of(r.json), r.body
        posted = await run.runtime.posters.send(
            "slack",
            "T0002",
            __import__("bot.edge", fromlist=["Post"]).Post(body="hi", channel=STUDY),
        )
        assert posted is not None
        assert fake.calls_to("chat.postMessage")[-1].token == "xoxb-installed-T0002"


async def test_socket_mode_answers_over_a_websocket(tmp_path: Path) -> None:
    async with (
        fake_slack() as fake,
        running(fake, sqlite_url(tmp_path), app_token=fake.app_token) as run,
    ):
        assert run.adapter.port is None  # no HTTP endpoint
        await fake.wait_socket_connected()
        socket = SocketSlackClient(fake)
        ack = await socket.command("/study", "join Europe/Berlin", user=ALICE, channel=STUDY)
        assert ack.elapsed < 3
        assert "Europe/Berlin" in text_of(ack.payload)
        mod = await socket.command("/studymod", "config show", user=ADMIN, channel=STUDY)
        assert "Study group settings" in text_of(mod.payload)
