"""The real slack-bolt app, through studybot's Slack adapter, answering signed requests on an
ephemeral port, its Web API a fake Slack on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.slack_bot import (
    ADMIN,
    ALICE,
    BOB,
    STUDY,
    buttons,
    fake_slack,
    running,
    sqlite_url,
    text_of,
)


async def test_join_is_answered_within_three_seconds(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        r = await run.slack.command("/study", "join Europe/Berlin", user=ALICE, channel=STUDY)
        assert r.status == 200
        assert r.elapsed < 3
        assert r.json is not None
        assert r.json["response_type"] == "ephemeral"
        assert "Europe/Berlin" in text_of(r.json)


async def test_forged_stale_and_unsigned_requests_are_refused(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        import time

        for kw in ({"forge": True}, {"sign": False}, {"timestamp": int(time.time()) - 600}):
            r = await run.slack.command("/study", "join", user=ALICE, channel=STUDY, **kw)
            assert r.status == 401, kw
        r = await run.slack.command("/study", "profile", user=ALICE, channel=STUDY)
        assert "Join first" in text_of(r.json) or "join" in text_of(r.json).lower()


async def test_admin_sets_channel_posts_and_a_click_counts_once(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        refused = await run.slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=BOB, channel=STUDY
        )
        assert "Only moderators" in text_of(refused.json)
        saved = await run.slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
        )
        assert "Saved" in text_of(saved.json), saved.body
        posted = await run.slack.command(
            "/studymod", "challenge post-now two-heads", user=ADMIN, channel=STUDY
        )
        assert "Posted round #1" in text_of(posted.json), posted.body
        round_post = await fake.wait_message(STUDY)
        assert [b["text"]["text"] for b in buttons(round_post)][:3] == [
            "A) 1/4",
            "B) 1/2",
            "C) 3/4",
        ]
        await run.slack.command("/study", "join", user=BOB, channel=STUDY)
        right = buttons(round_post)[0]["action_id"]
        click = await run.slack.block_action(right, user=BOB, channel=STUDY, message=round_post)
        assert click.status == 200
        assert click.elapsed < 3
        first = await fake.wait_response(click.response_id)
        assert "Correct" in text_of(first)
        again = await run.slack.replay(click)  # Slack delivers it twice
        assert again.status == 200
        await fake.wait_response(click.response_id, n=2)
        double = await run.slack.block_action(right, user=BOB, channel=STUDY, message=round_post)
        assert "already" in text_of(await fake.wait_response(double.response_id)).lower()
        profile = await run.slack.command("/study", "profile", user=BOB, channel=STUDY)
        assert "1 solved of 1 answered" in text_of(profile.json)
        assert profile.json["response_type"] == "in_channel"


async def test_submit_by_command_and_through_the_answer_modal(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await run.slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
        )
        await run.slack.command(
            "/studymod", "challenge post-now binomial-two-of-four", user=ADMIN, channel=STUDY
        )
        post = await fake.wait_message(STUDY)
        for user in (ALICE, BOB):
            await run.slack.command("/study", "join", user=user, channel=STUDY)
        today = await run.slack.command("/study", "today", user=ALICE, channel=STUDY)
        assert "Exactly two heads in four" in text_of(today.json)
        by_command = await run.slack.command("/study", "submit 3/8", user=ALICE, channel=STUDY)
        assert "Correct" in text_of(by_command.json)

        answer = next(b for b in buttons(post) if b["text"]["text"] == "Answer")
        click = await run.slack.block_action(
            answer["action_id"], user=BOB, channel=STUDY, message=post
        )
        assert click.status == 200
        opened = await fake.wait_call("views.open")
        assert opened.args["view"]["callback_id"].startswith("study.submit?round=1")
        callback = opened.args["view"]["callback_id"]
        wrong_shape = await run.slack.view_submission(callback, {"answer": "about half"}, user=BOB)
        assert wrong_shape.json is not None
        assert wrong_shape.json["response_action"] == "errors"
        assert "answer" in wrong_shape.json["errors"]
        done = await run.slack.view_submission(callback, {"answer": "0.375"}, user=BOB)
        assert done.status == 200
        told = await fake.wait_call("chat.postEphemeral")
        assert told.args["user"] == BOB
        assert "Correct" in text_of(told.args)


async def test_challenge_add_without_arguments_opens_a_modal(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        r = await run.slack.command("/studymod", "challenge add", user=ADMIN, channel=STUDY)
        assert r.status == 200
        view = (await fake.wait_call("views.open")).args["view"]
        assert [b["block_id"] for b in view["blocks"]] == [
            "title", "prompt", "answer", "explanation", "details"]  # fmt: skip
        await run.slack.view_submission(
            view["callback_id"],
            {"title": "Fair coin", "prompt": "P(two heads)?", "answer": "*1/4\n1/2\n3/4",
             "explanation": "1/2 * 1/2.", "details": "probability-statistics 2"},
            user=ADMIN,
        )  # fmt: skip
        told = await fake.wait_call("chat.postEphemeral")
        assert "fair-coin" in text_of(told.args)
        with_args = await run.slack.command(
            "/studymod",
            'challenge add kind=numeric track=probability-statistics difficulty=1 title="Quarter" '
            'prompt="1/4 as a decimal?" answer=0.25 explanation="One quarter."',
            user=ADMIN, channel=STUDY,
        )  # fmt: skip
        assert "quarter" in text_of(with_args.json).lower()


async def test_a_retried_command_counts_once(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await run.slack.command("/study", "join", user=ALICE, channel=STUDY)
        first = await run.slack.command("/study", "log 30 pandas", user=ALICE, channel=STUDY)
        retry = await run.slack.replay(
            first, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        )
        assert text_of(retry.json) == text_of(first.json)
        profile = await run.slack.command("/study", "profile", user=ALICE, channel=STUDY)
        assert "30 min in 1 log" in text_of(profile.json), text_of(profile.json)


async def test_health_and_a_mention_cannot_be_injected(tmp_path: Path) -> None:
    import aiohttp

    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        url = f"http://127.0.0.1:{run.adapter.port}/healthz"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            assert resp.status == 200
        await run.slack.command("/study", "join", user=ALICE, channel=STUDY)
        r = await run.slack.command(
            "/study", "log 20 &lt;!channel&gt; stuff", user=ALICE, channel=STUDY
        )
        assert "<!channel>" not in r.body
        assert "&lt;!channel&gt;" in r.body
