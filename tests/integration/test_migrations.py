"""Migrations: upgrade from empty, the models match the migrations, downgrade and up again."""

import asyncio

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
