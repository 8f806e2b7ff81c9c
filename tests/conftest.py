"""Shared fixtures: real databases (SQLite file, and PostgreSQL when one is configured),
a simulated clock, a recording FakePoster, and a harness that drives the command layer."""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from bot.catalog.bank import load_bank, sync_bank
from bot.edge.clock import SimulatedClock
from bot.edge.invocation import CommandLine, Invocation
from bot.edge.messages import Post, Reply
from bot.edge.ports import SentRef
from bot.store.db import Database
from commands import build_registry
from commands.dispatcher import Dispatcher, Outcome

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
# Tests draw pictures in a thread of their own process (a test that wants the worker processes
# asks for them), and the console writes them outside the checkout.
os.environ.setdefault("STUDYBOT_IMAGE_WORKERS", "0")
os.environ.setdefault(
    "STUDYBOT_IMAGE_DIR", str(Path(tempfile.gettempdir()) / f"studybot-test-images-{os.getpid()}")
)
PG_URL = os.environ.get("STUDYBOT_TEST_POSTGRES_URL", "")


def postgres_skip_reason() -> str | None:
    """None when a PostgreSQL server is configured and answers; else why its tests skip."""
    if not PG_URL:
        return "STUDYBOT_TEST_POSTGRES_URL is not set (.ci/run sets it when 127.0.0.1:5432 answers)"
    parsed = urlparse(PG_URL)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 2).close()
    except OSError as exc:
        return f"no PostgreSQL answers at {parsed.hostname}:{parsed.port or 5432} ({exc})"
    return None


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[dict[str, object]]:
    """A throwaway PostgreSQL schema; yields the connect_args that make it the search path."""
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {"server_settings": {"search_path": schema}}
    finally:
        async with admin.engine.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def make_database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of the given kind; PostgreSQL gets a schema of its own."""
    if kind == "sqlite":
        db = Database.from_url(f"sqlite:///{tmp_path / 'test.db'}")
        await db.upgrade()
        yield db
        await db.dispose()
        return
    async with postgres_schema() as connect_args:
        db = Database.from_url(PG_URL, connect_args=connect_args)
        try:
            await db.upgrade()
            yield db
        finally:
            await db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Every integration test runs on a SQLite file and on PostgreSQL (skipped without one)."""
    async for database in make_database(request.param, tmp_path):
        yield database


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async for database in make_database("sqlite", tmp_path):
        yield database


@dataclass
class FakePoster:
    """Records every post instead of sending it."""

    sent: list[tuple[str, Post]] = field(default_factory=list)  # (workspace, post)
    platforms: list[str] = field(default_factory=list)
    fail: bool = False

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        if self.fail:
            raise ConnectionError("platform unavailable")
        self.sent.append((workspace, post))
        self.platforms.append(platform)
        return None

    @property
    def posts(self) -> list[Post]:
        return [p for _, p in self.sent]


START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


@dataclass
class Harness:
    """Drive the command layer like a platform would: `await h.run("alice", "/study join")`."""

    db: Database
    clock: SimulatedClock
    poster: FakePoster
    dispatcher: Dispatcher
    workspace: str = "guild-1"
    moderators: set[str] = field(default_factory=lambda: {"mod"})

    async def outcome(self, user: str, line: str, *, delivery_id: str | None = None) -> Outcome:
        inv = Invocation(
            platform="test",
            workspace=self.workspace,
            channel="#general",
            user_id=user,
            user_name=user.title(),
            action=CommandLine(line),
            now=self.clock.now(),
            is_moderator=user in self.moderators,
            delivery_id=delivery_id,
        )
        return await self.dispatcher.handle(inv)

    async def run(self, user: str, line: str, *, delivery_id: str | None = None) -> Reply:
        return (await self.outcome(user, line, delivery_id=delivery_id)).reply

    async def ok(self, user: str, line: str) -> str:
        """Run a command that must succeed; return its text."""
        reply = await self.run(user, line)
        assert not reply.error, f"{line!r} failed: {reply.body}"
        from bot.edge.messages import reply_text

        return reply_text(reply)


async def make_harness(db: Database, start: datetime = START) -> Harness:
    clock = SimulatedClock(start)
    async with db.unit_of_work() as session:
        await sync_bank(session, load_bank(FIXTURE_CONTENT), clock.now())
    poster = FakePoster()
    h = Harness(db, clock, poster, Dispatcher(db, build_registry(), poster))
    await h.ok("mod", "/studymod config channel #study")
    return h


@pytest.fixture
async def harness(db: Database) -> Harness:
    return await make_harness(db)


async def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table holds: 'nothing was written' is this not changing."""
    from sqlmodel import SQLModel

    counts = {}
    async with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            counts[table.name] = (
                await conn.execute(sa.select(sa.func.count()).select_from(table))
            ).scalar_one()
    return counts
