"""What the platform adapters need of the core: moderator grants and a moderator role that
every platform honours, public replies, a workspace the bot left (no posts, data kept) and
joined again (posts from now on, nothing owed), adapter state, and autocomplete suggestions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from adapters.runtime import Runtime
from bot.edge import CommandLine, Invocation, Reply, SimulatedClock
from bot.settings import load_settings
from bot.store.models import AuditLog, Member, Workspace
from tests.conftest import FIXTURE_CONTENT, FakePoster, Harness
from tests.integration.test_runtime import command


async def _as(h: Harness, user: str, line: str, roles: tuple[str, ...] = ()) -> Reply:
    inv = Invocation(
        "test", h.workspace, "#general", user, user.title(), CommandLine(line), h.clock.now(),
        is_moderator=user in h.moderators, roles=roles,
    )  # fmt: skip
    return (await h.dispatcher.handle(inv)).reply


async def test_moderator_grants_are_honoured_and_audited(harness: Harness) -> None:
    h = harness
    refused = await h.run("bob", "/studymod stats")
    assert refused.error
    assert "Only moderators" in refused.body
    not_joined = await h.run("mod", "/studymod moderator add bob")
    assert not_joined.error
    assert "No member called `bob`" in not_joined.body
    await h.ok("bob", "/study join")
    assert "is now a moderator" in await h.ok("mod", "/studymod moderator add bob")
    assert not (await h.run("bob", "/studymod stats")).error
    again = await h.run("mod", "/studymod moderator add bob")
    assert again.error
    assert "already a moderator" in again.body
    assert "Bob" in await h.ok("bob", "/studymod moderator list")
    await h.ok("bob", "/studymod moderator remove bob")
    assert (await h.run("bob", "/studymod stats")).error
    async with h.db.unit_of_work() as s:
        actions = (
            await s.exec(select(AuditLog.action).where(col(AuditLog.action).startswith("mod")))
        ).all()
    assert actions == ["moderator.add", "moderator.remove"]


async def test_a_moderator_role_makes_moderators(harness: Harness) -> None:
    h = harness
    assert (await _as(h, "carol", "/studymod stats", roles=("77",))).error
    saved = await h.ok("mod", "/studymod config moderator-role 77")
    assert "Moderator role: @77" in saved
    assert not (await _as(h, "carol", "/studymod stats", roles=("12", "77"))).error
    assert (await _as(h, "carol", "/studymod stats", roles=("12",))).error
    assert "Moderator role: none" in await h.ok("mod", "/studymod config moderator-role off")
    assert (await _as(h, "carol", "/studymod stats", roles=("77",))).error
    bad = await h.run("mod", "/studymod config moderator-role <@&everyone>")
    assert bad.error
    assert "name one role" in bad.body


async def test_public_commands_answer_in_the_channel(harness: Harness) -> None:
    h = harness
    await h.ok("ann", "/study join")
    assert (await h.run("ann", "/study streak")).ephemeral is False
    assert (await h.run("ann", "/study leaderboard")).ephemeral is False
    assert (await h.run("ann", "/study today")).ephemeral is True
    refused = await h.run("ann", "/study streak nobody")
    assert refused.error
    assert refused.ephemeral


def _runtime(tmp_path: Path, poster: FakePoster) -> Runtime:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}", content_dir=FIXTURE_CONTENT
    )
    clock = SimulatedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    return Runtime.build(settings, clock, {"discord": poster}, drive="manual")


async def test_a_workspace_left_gets_no_posts_and_keeps_its_data(tmp_path: Path) -> None:
    poster = FakePoster()
    rt = _runtime(tmp_path, poster)
    clock = rt.clock
    assert isinstance(clock, SimulatedClock)
    try:
        await rt.core.start()
        await rt.workspace_joined("discord", "1001", "ML Study")
        await command(rt, "discord", "1001", "/studymod config channel 2001")
        await command(rt, "discord", "1001", "/study join")
        await command(rt, "discord", "1001", "/study remind 20:00")
        await rt.start_scheduling()
        clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        await rt.run_due()
        assert [p.key for p in poster.posts] == ["daily:2026-03-02"]

        await rt.workspace_left("discord", "1001")
        await rt.workspace_left("discord", "never-seen")  # harmless
        for day in range(1, 10):  # days pass: no round, reminder or leaderboard goes out
            clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(days=day))
            await rt.run_due()
        assert [p.key for p in poster.posts] == ["daily:2026-03-02"]
        assert await rt.scheduler.next_wakeup() is None
        async with rt.core.db.unit_of_work() as s:
            ws = (await s.exec(select(Workspace).where(Workspace.external_id == "1001"))).one()
            assert ws.post_channel == "2001"
            assert ws.left_at is not None
            assert len((await s.exec(select(Member))).all()) == 1

        await rt.workspace_joined("discord", "1001", "ML Study")  # added back on the 11th
        clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
        await rt.run_due()
        keys = [p.key for p in poster.posts]
        assert keys == ["daily:2026-03-02", "daily:2026-03-12"]  # nothing owed from the gap
    finally:
        await rt.stop()


async def test_adapter_state_and_suggestions(tmp_path: Path) -> None:
    rt = _runtime(tmp_path, FakePoster())
    try:
        await rt.core.start()
        assert await rt.state("discord.commands/1/global") is None
        await rt.keep_state("discord.commands/1/global", "abc")
        await rt.keep_state("discord.commands/1/global", "def")
        assert await rt.state("discord.commands/1/global") == "def"

        zones = await rt.suggest("discord", "1001", ("study", "join"), "timezone", "york")
        assert zones[0].value == "America/New_York"
        assert len(await rt.suggest("discord", "1001", ("study", "join"), "timezone", "a")) == 25
        assert all(
            "berlin" in z.value.lower()
            for z in await rt.suggest("discord", "1", ("study", "timezone"), "timezone", "BERL")
        )
        path = ("studymod", "challenge", "post-now")
        found = await rt.suggest("discord", "1001", path, "challenge_id", "")
        assert found
        assert all(len(s.label) <= 100 for s in found)
        one = found[0].value
        assert (
            next(s.value for s in await rt.suggest("discord", "1001", path, "challenge_id", one))
            == one
        )
        days = await rt.suggest(
            "discord", "1", ("studymod", "config", "leaderboard"), "weekday", "t"
        )
        assert [d.value for d in days] == ["tuesday", "thursday", "saturday"]
        assert await rt.suggest("discord", "1", ("nope",), "x", "") == []
    finally:
        await rt.stop()
