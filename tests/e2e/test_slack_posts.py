"""Scheduled posts on Slack through the scheduler and the real Web API client: the daily round
and the weekly leaderboard with their ledger keys in metadata, a reminder DM, a personal input
uploaded as a file, a 429, a refusal told once, a crash-recovered post found in the history and
not sent again, and an uninstalled app."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from adapters.slack.poster import EVENT_TYPE
from bot.edge import Post
from bot.store.models import PostLedger
from tests.e2e.slack_bot import (
    ADMIN,
    ALICE,
    OTHER,
    STUDY,
    SlackRun,
    buttons,
    fake_slack,
    running,
    sqlite_url,
    text_of,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def _ledger(run: SlackRun) -> list[tuple[str, str, str, int, str | None]]:
    async with run.runtime.core.db.unit_of_work() as s:
        rows = await s.exec(select(PostLedger).order_by(col(PostLedger.id)))
        return [(r.kind, r.period, r.status, r.attempts, r.last_error) for r in rows.all()]


async def _setup(run: SlackRun, channel: str = "<#C0STUDY|study>") -> None:
    await run.slack.command("/studymod", f"config channel {channel}", user=ADMIN, channel=STUDY)
    await run.runtime.start_scheduling()


async def test_round_leaderboard_and_reminder(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        await run.slack.command(
            "/studymod", "challenge schedule two-heads 2026-03-02", user=ADMIN, channel=STUDY
        )
        await run.slack.command("/study", "join", user=ALICE, channel=STUDY)
        await run.slack.command("/study", "remind 20:00", user=ALICE, channel=STUDY)
        await run.tick(at(2, 9))
        daily = await fake.wait_message(STUDY)
        assert daily["metadata"] == {
            "event_type": EVENT_TYPE,
            "event_payload": {"key": "daily:2026-03-02"},
        }
        right = next(b for b in buttons(daily) if b["text"]["text"].startswith("A)"))
        await run.slack.block_action(right["action_id"], user=ALICE, channel=STUDY, message=daily)
        await run.tick(at(3, 9))
        await run.tick(at(3, 20))
        dm = await fake.wait_call("conversations.open")
        assert dm.args["users"] == ALICE
        reminders = [
            c for c in fake.calls_to("chat.postMessage") if c.args["channel"].startswith("D")
        ]
        assert len(reminders) == 1
        assert "streak" in text_of(reminders[0].args).lower()
        await run.tick(at(9, 9, 30))
        posts = [text_of(m) for m in fake.messages(STUDY)]
        assert any("Weekly leaderboard" in p and "alice" in p for p in posts), posts
        keys = [c.args.get("metadata", {}).get("event_payload", {}).get("key")
                for c in fake.calls_to("chat.postMessage")]  # fmt: skip
        assert "leaderboard:2026-03-02" in keys


async def test_a_personal_input_is_uploaded_as_a_file(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        await run.slack.command(
            "/studymod", "challenge post-now puzzle-lis-length", user=ADMIN, channel=STUDY
        )
        await run.slack.command("/study", "join", user=ALICE, channel=STUDY)
        r = await run.slack.command("/study", "today", user=ALICE, channel=STUDY)
        assert r.status == 200
        await fake.wait_call("files.completeUploadExternal")
        assert [f.filename for f in fake.files] == ["input.txt"]
        assert fake.files[0].channel_id.startswith("D")  # her own input: in her DM
        assert len(fake.files[0].content) > 1800
        assert not [c for c in fake.calls if c.method == "files.upload"]


async def test_a_429_posts_once_and_a_refusal_is_told_once(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"})
        await run.tick(at(2, 9))
        assert len(fake.messages(STUDY)) == 1
        assert [r[:3] for r in await _ledger(run) if r[2] != "skipped"] == [
            ("daily", "2026-03-02", "sent")
        ]
        # A long wait comes back to the scheduler; the post goes out once when it is over.
        fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "120"})
        await run.tick(at(3, 9))
        assert len(fake.messages(STUDY)) == 1
        assert (await _ledger(run))[-1][2] == "pending"
        await run.tick(at(3, 9, 3))
        assert len(fake.messages(STUDY)) == 2
        assert (await _ledger(run))[-1][2] == "sent"

        await run.slack.command(
            "/studymod", "config channel <#C0OTHER|general>", user=ADMIN, channel=STUDY
        )
        await run.tick(at(4, 9))
        assert fake.messages(OTHER) == []
        last = (await _ledger(run))[-1]
        assert last[2] == "undeliverable"
        assert "not_in_channel" in (last[4] or "")
        stats = await run.slack.command("/studymod", "stats", user=ADMIN, channel=STUDY)
        assert "1 undeliverable" in text_of(stats.json)
        assert "⚠️" in text_of(stats.json)
        again = await run.slack.command("/studymod", "stats", user=ADMIN, channel=STUDY)
        assert "⚠️" not in text_of(again.json)


async def test_a_recovered_post_found_in_the_history_is_not_sent_again(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        await run.tick(at(2, 9))
        assert len(fake.messages(STUDY)) == 1
        sent = fake.messages(STUDY)[0]["ts"]
        resend = Post(
            body="again", channel=STUDY, kind="round", key="daily:2026-03-02", resend=True
        )
        ref = await run.runtime.posters.send("slack", fake.team_id, resend)
        assert ref is not None
        assert ref.message_id == sent
        assert len(fake.messages(STUDY)) == 1
        history = fake.calls_to("conversations.history")
        assert history[-1].args.get("include_all_metadata") in (True, "1", "true")
        # A post that never went out is sent after the look.
        fresh = Post(body="new", channel=STUDY, kind="round", key="daily:2026-03-03", resend=True)
        await run.runtime.posters.send("slack", fake.team_id, fresh)
        assert len(fake.messages(STUDY)) == 2


async def test_a_server_error_is_retried_by_the_scheduler(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        fake.fail_next("chat.postMessage", status=500, body={"ok": False, "error": "fatal_error"})
        await run.tick(at(2, 9))
        assert fake.messages(STUDY) == []
        assert (await _ledger(run))[-1][2:4] == ("pending", 1)
        await run.tick(at(2, 9, 5))
        assert len(fake.messages(STUDY)) == 1
        assert (await _ledger(run))[-1][2:4] == ("sent", 2)


async def test_an_uninstalled_app_gets_no_posts(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        await _setup(run)
        member_token = await run.slack.event(
            {"type": "tokens_revoked", "tokens": {"oauth": ["U1"]}}
        )
        assert member_token.status == 200
        r = await run.slack.event({"type": "app_uninstalled"})
        assert r.status == 200
        await run.tick(at(2, 9))
        assert fake.messages(STUDY) == []
        assert await _ledger(run) == []
