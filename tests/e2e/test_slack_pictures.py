"""Pictures on Slack, through the real slack-bolt app: each is uploaded with the current upload
API (files.getUploadURLExternal + completeUploadExternal) and its alt text, in the channel when
the answer is public, in the member's DM when it is theirs alone; a late picture follows; the
group export is a CSV file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.slack_bot import ADMIN, ALICE, STUDY, fake_slack, running, sqlite_url, text_of
from tests.e2e.slack_fake import FakeSlack

PNG = b"\x89PNG\r\n\x1a\n"


async def _uploaded(fake: FakeSlack, n: int, name: str) -> tuple[str, str]:
    """The n-th completed upload, which must be the picture `name`: its channel and alt text."""
    await fake.wait_call("files.completeUploadExternal", n=n)
    file = fake.files[n - 1]
    assert file.filename == name
    assert file.content.startswith(PNG)
    assert file.alt_txt
    assert file.channel_id is not None
    return file.channel_id, file.alt_txt


async def test_each_picture_is_uploaded_with_its_alt_text(tmp_path: Path) -> None:
    core = {"image_wait": 10.0}
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path), core=core) as run:
        slack = run.slack
        await slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
        )
        await slack.command("/study", "join Europe/Berlin", user=ALICE, channel=STUDY)
        await slack.command("/studymod", "challenge post-now two-heads", user=ADMIN, channel=STUDY)
        await slack.command("/study", "submit A", user=ALICE, channel=STUDY)
        await slack.command("/study", "log 45 bayes", user=ALICE, channel=STUDY)

        streak = await slack.command("/study", "streak", user=ALICE, channel=STUDY)
        assert "1-day streak" in text_of(streak.json)
        where, alt = await _uploaded(fake, 1, "study-calendar.png")
        assert where == STUDY  # a streak is shown in the channel
        assert "1 day studied, 45 minutes, 1 answer" in alt

        await slack.command("/study", "profile", user=ALICE, channel=STUDY)
        where, alt = await _uploaded(fake, 2, "profile.png")
        assert where == STUDY
        assert "Probability & statistics 100% (1 of 1)" in alt

        await slack.command("/study", "leaderboard all", user=ALICE, channel=STUDY)
        _, alt = await _uploaded(fake, 3, "leaderboard.png")
        assert "1. alice (you) 15 pts" in alt

        await slack.command("/studymod", "stats", user=ADMIN, channel=STUDY)
        where, alt = await _uploaded(fake, 4, "group-activity.png")
        assert where.startswith("D")  # a moderator's numbers: in their DM
        assert "Probability & statistics 100% (1 of 1)" in alt

        await slack.command("/studymod", "export", user=ADMIN, channel=STUDY)
        await fake.wait_call("files.completeUploadExternal", n=5)
        sheet = fake.files[4]
        assert sheet.filename.endswith(".csv")
        assert sheet.content.decode().startswith('"member","user id"')
        assert sheet.channel_id is not None
        assert sheet.channel_id.startswith("D")

        await run.runtime.start_scheduling()
        await run.tick(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
        where, alt = await _uploaded(fake, 6, "leaderboard.png")
        assert where == STUDY
        assert fake.files[5].thread_ts is None  # under the post, not hidden in its thread
        assert "1. alice 15 pts" in alt


async def test_a_late_picture_follows_the_answer(tmp_path: Path) -> None:
    core = {"image_wait": 0.0}
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path), core=core) as run:
        await run.slack.command("/study", "join", user=ALICE, channel=STUDY)
        answer = await run.slack.command("/study", "streak", user=ALICE, channel=STUDY)
        assert answer.status == 200
        assert "streak" in text_of(answer.json).lower()
        where, alt = await _uploaded(fake, 1, "study-calendar.png")
        assert where == STUDY
        assert "0 days studied" in alt


async def test_a_refused_picture_upload_does_not_send_the_post_again(tmp_path: Path) -> None:
    async with fake_slack() as fake, running(fake, sqlite_url(tmp_path)) as run:
        slack = run.slack
        await slack.command(
            "/studymod", "config channel <#C0STUDY|study>", user=ADMIN, channel=STUDY
        )
        await slack.command("/study", "join", user=ALICE, channel=STUDY)
        await slack.command("/studymod", "challenge post-now two-heads", user=ADMIN, channel=STUDY)
        await slack.command("/study", "submit A", user=ALICE, channel=STUDY)
        await run.runtime.start_scheduling()
        fake.fail_next(
            "files.getUploadURLExternal", status=200, body={"ok": False, "error": "not_allowed"}
        )
        await run.tick(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
        await run.tick(datetime(2026, 3, 9, 10, 30, tzinfo=UTC))  # nothing is owed again
        boards = [m for m in fake.messages(STUDY) if "Weekly leaderboard" in text_of(m)]
        assert len(boards) == 1
        assert [f.filename for f in fake.files] == []
