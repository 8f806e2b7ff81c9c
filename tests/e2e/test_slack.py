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
