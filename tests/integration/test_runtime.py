"""One runtime, several platforms: each daily post reaches its workspace through its own
platform's Poster; a RetryAfter holds that platform's posts back; a PermanentSendError is
recorded once, never retried, shown in `/studymod stats` and told to a moderator once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from adapters.runtime import NoPosterError, PlatformPosters, Runtime
from bot.edge import (
    CommandLine,
    Invocation,
    PermanentSendError,
    Post,
    RetryAfter,
    SentRef,
    SimulatedClock,
)
from bot.settings import load_settings
from bot.store.db import Database
from bot.store.models import PostLedger, Workspace
from tests.conftest import FIXTURE_CONTENT, PG_URL, postgres_schema

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday; daily posts at 09:00 UTC


@dataclass
class ScriptedPoster:
    """Records every call; raises the scripted errors for a workspace, in turn."""

    name: str
    errors: dict[str, list[Exception]] = field(default_factory=dict)
    calls: list[tuple[str, str, datetime, Post]] = field(default_factory=list)
    clock: SimulatedClock | None = None

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        assert self.clock is not None
        self.calls.append((platform, workspace, self.clock.now(), post))
        pending = self.errors.get(workspace)
        if pending:
            raise pending.pop(0)
        return SentRef(f"{self.name}-{len(self.calls)}", post.channel)

    def keys(self, workspace: str) -> list[str | None]:
        return [p.key for _, w, _, p in self.calls if w == workspace]


async def command(rt: Runtime, platform: str, ws: str, line: str) -> str:
    inv = Invocation(
        platform, ws, "#general", "mod", "Mod", CommandLine(line), rt.clock.now(), is_moderator=True
    )
    reply = (await rt.dispatcher.handle(inv)).reply
    assert not reply.error, reply.body
    return reply.body + "\n" + "\n".join(f"{f.name}: {f.value}" for f in reply.fields)


async def ledger(rt: Runtime) -> list[tuple[str, str, str, int, str | None, str | None]]:
    async with rt.core.db.unit_of_work() as s:
        rows = await s.exec(
            select(Workspace.external_id, PostLedger)
            .join(Workspace, col(Workspace.id) == PostLedger.workspace_id)
            .where(PostLedger.kind == "daily")
            .order_by(col(PostLedger.period), col(Workspace.external_id))
        )
        return [
            (ext, r.period, r.status, r.attempts, r.sent_ref, r.last_error) for ext, r in rows.all()
        ]


async def run_scenario(rt: Runtime, alpha: ScriptedPoster, beta: ScriptedPoster) -> None:
    clock = rt.clock
    assert isinstance(clock, SimulatedClock)
    await rt.core.start()
    for platform, ws in (("alpha", "a1"), ("beta", "b1"), ("beta", "b2"), ("beta", "b3")):
        await command(rt, platform, ws, "/studymod config channel #study")
    await rt.start_scheduling()
    assert rt.leader

    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    await rt.run_due()
    # Each workspace's post went through its own platform's Poster, once.
    assert alpha.keys("a1") == ["daily:2026-03-02"]
    assert {w for p, w, _, _ in alpha.calls} == {"a1"}
    assert {p for p, _, _, _ in beta.calls} == {"beta"}
    # b1 was refused for good; b2 was told to wait, so b3 (same platform) was not tried yet.
    assert beta.keys("b1") == ["daily:2026-03-02"]
    assert beta.keys("b2") == ["daily:2026-03-02"]
    assert beta.keys("b3") == []
    rows = {r[0]: r for r in await ledger(rt)}
    assert rows["a1"][2:5] == ("sent", 1, "#study/alpha-1")
    assert rows["b1"][2:4] == ("undeliverable", 1)
    assert rows["b1"][5] == "Missing Permissions (50013)"
    assert rows["b2"][2:4] == ("pending", 1)
    assert rows["b3"][2:4] == ("pending", 0)  # held back, not tried: no attempt used

    clock.set(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    await rt.run_due()
    assert len(beta.calls) == 2  # still waiting out the 120 s

    clock.set(datetime(2026, 3, 2, 9, 2, tzinfo=UTC))
    await rt.run_due()
    assert beta.keys("b2") == ["daily:2026-03-02"] * 2
    assert beta.keys("b3") == ["daily:2026-03-02"]
    assert [at for _, w, at, _ in beta.calls if w == "b2"][1] == datetime(
        2026, 3, 2, 9, 2, tzinfo=UTC
    )
    rows = {r[0]: r for r in await ledger(rt)}
    assert rows["b2"][2:4] == ("sent", 2)
    assert rows["b3"][2:4] == ("sent", 1)

    # A day on: the refused post was never tried again; the next day's post is a new one.
    clock.set(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    await rt.run_due()
    assert beta.keys("b1") == ["daily:2026-03-02", "daily:2026-03-03"]
    rows = await ledger(rt)
    assert ("b1", "2026-03-02", "undeliverable", 1) in [r[:4] for r in rows]

    # Moderators are told once, on their next command; stats count it.
    first = await command(rt, "beta", "b1", "/studymod stats")
    assert "⚠️ I could not send the scheduled round (daily:2026-03-02): Missing Permissions" in first
    assert "1 undeliverable" in first
    second = await command(rt, "beta", "b1", "/studymod stats")
    assert "⚠️" not in second
    assert "⚠️" not in await command(rt, "alpha", "a1", "/studymod stats")


def runtime_for(
    url: str, posters: dict[str, ScriptedPoster], db: Database | None = None
) -> Runtime:
    settings = load_settings(database_url=url, content_dir=FIXTURE_CONTENT)
    clock = SimulatedClock(START)
    for p in posters.values():
        p.clock = clock
    return Runtime.build(settings, clock, posters, drive="manual", db=db)


def scripted() -> tuple[ScriptedPoster, ScriptedPoster]:
    alpha = ScriptedPoster("alpha")
    beta = ScriptedPoster(
        "beta",
        errors={
            "b1": [PermanentSendError("Missing Permissions (50013)")],
            "b2": [RetryAfter(120)],
        },
    )
    return alpha, beta


async def test_posts_are_routed_per_platform_on_sqlite(tmp_path: Path) -> None:
    alpha, beta = scripted()
    rt = runtime_for(f"sqlite:///{tmp_path / 'rt.db'}", {"alpha": alpha, "beta": beta})
    try:
        await run_scenario(rt, alpha, beta)
    finally:
        await rt.stop()


async def test_posts_are_routed_per_platform_on_postgres() -> None:
    async with postgres_schema() as connect_args:
        alpha, beta = scripted()
        db = Database.from_url(PG_URL, connect_args=connect_args)
        rt = runtime_for(PG_URL, {"alpha": alpha, "beta": beta}, db)
        try:
            await run_scenario(rt, alpha, beta)
        finally:
            await rt.stop()


async def test_a_platform_this_process_does_not_run_is_a_transient_failure() -> None:
    """Not a PermanentSendError: the send is retried, and another process may run it."""
    with pytest.raises(NoPosterError, match="no slack adapter"):
        await PlatformPosters({}).send("slack", "T1", Post("x", "#c"))
    assert not issubclass(NoPosterError, PermanentSendError)
