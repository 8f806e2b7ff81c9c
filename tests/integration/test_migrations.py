"""Migrations: upgrade from empty, the models match the migrations, downgrade and up again."""

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.store.db import Database, include_object
from tests.conftest import PG_URL, postgres_schema


def _diff(conn: sa.Connection) -> list[object]:
    ctx = MigrationContext.configure(
        conn, opts={"compare_type": True, "include_object": include_object}
    )
    return list(compare_metadata(ctx, SQLModel.metadata))


async def test_models_match_migrations_and_round_trip(db: Database) -> None:
    assert await db.current_revision() == db.head_revision()
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    await db.downgrade("base")
    assert await db.current_revision() is None
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}
    await db.upgrade()
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_upgrade_twice_is_harmless(db: Database) -> None:
    await db.upgrade()
    assert await db.current_revision() == db.head_revision()


async def test_sqlite_pragmas(sqlite_db: Database) -> None:
    async with sqlite_db.engine.connect() as conn:
        mode = (await conn.execute(sa.text("PRAGMA journal_mode"))).scalar_one()
        fks = (await conn.execute(sa.text("PRAGMA foreign_keys"))).scalar_one()
        busy = (await conn.execute(sa.text("PRAGMA busy_timeout"))).scalar_one()
    assert (mode, fks, busy) == ("wal", 1, 5000)


async def test_processes_starting_at_once_migrate_once() -> None:
    """Several processes upgrading one PostgreSQL database at once: the advisory lock lets one
    migrate while the others wait, and nobody fails on a half-made schema."""
    async with postgres_schema() as connect_args:
        dbs = [Database.from_url(PG_URL, connect_args=connect_args) for _ in range(4)]
        try:
            await asyncio.gather(*(d.upgrade() for d in dbs))
            assert {await d.current_revision() for d in dbs} == {dbs[0].head_revision()}
        finally:
            for d in dbs:
                await d.dispose()


async def test_answers_from_before_0006_get_their_study_day(db: Database) -> None:
    """20:00 UTC on 3 March is 05:00 on the 4th in Tokyo (past the 04:00 rollover: the 4th)
    and 01:00 on the 4th in Berlin (before it: the 3rd)."""
    await db.downgrade("0005")
    async with db.engine.begin() as conn:
        instant = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
        at = instant if db.dialect == "postgresql" else "2026-03-03 20:00:00"  # as stored
        await conn.execute(
            sa.text(
                "INSERT INTO workspace (id, platform, external_id, name, timezone, "
                "daily_post_time, leaderboard_weekday, leaderboard_time, rollover_hour, "
                "created_at) VALUES (1, 'test', 'g', '', 'Europe/Berlin', '09:00', 0, "
                "'09:00', 4, :at)"
            ),
            {"at": at},
        )
        for mid, tz in ((1, "Asia/Tokyo"), (2, None)):
            await conn.execute(
                sa.text(
                    "INSERT INTO member (id, workspace_id, user_id, display_name, timezone, "
                    "is_moderator, joined_at, current_streak, longest_streak, freezes) "
                    "VALUES (:id, 1, :u, :u, :tz, false, :at, 0, 0, 0)"
                ),
                {"id": mid, "u": f"m{mid}", "tz": tz, "at": at},
            )
        await conn.execute(
            sa.text(
                "INSERT INTO challenge (id, kind, track, difficulty, title, prompt, answer, "
                "explanation, points, source, active, created_at) VALUES ('c', 'text', "
                "'cs-fundamentals', 1, 't', 'p', '{}', 'e', 10, 'bank', true, :at)"
            ),
            {"at": at},
        )
        await conn.execute(
            sa.text(
                "INSERT INTO round (id, workspace_id, challenge_id, status, source, created_at) "
                "VALUES (1, 1, 'c', 'open', 'manual', :at)"
            ),
            {"at": at},
        )
        for sid in (1, 2):
            await conn.execute(
                sa.text(
                    "INSERT INTO submission (id, workspace_id, round_id, member_id, attempt_no, "
                    "answer, correct, points, created_at) VALUES (:id, 1, 1, :id, 1, 'x', "
                    "false, 0, :at)"
                ),
                {"id": sid, "at": at},
            )
    await db.upgrade()
    async with db.engine.connect() as conn:
        days = dict((await conn.execute(sa.text("SELECT id, study_day FROM submission"))).all())
    assert {k: str(v) for k, v in days.items()} == {1: "2026-03-04", 2: "2026-03-03"}
