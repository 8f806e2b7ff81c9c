"""Engine, sessions, unit of work and migrations (SQLite by default, PostgreSQL when asked)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store import sqlite_inline

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Any constant works; every studybot process agrees on it.
MIGRATION_LOCK_ID = 0x57D7B07


# Indexes on expressions (`points DESC`) that autogenerate cannot reflect or compare; the
# migrations create them by hand.
EXPRESSION_INDEXES = frozenset({"ix_score_rank"})


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave hand-written expression indexes out of model/migration comparison."""
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def async_url(url: str) -> str:
    """Pick the async driver: `sqlite:///x.db` -> aiosqlite, `postgresql://` -> asyncpg."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(
            f"`{url}` is not a database URL; use e.g. sqlite:///studybot.db "
            "or postgresql://user@host/db"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database `{backend}`; use sqlite:/// or postgresql://")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine. A SQLite file runs in-process on one connection (`bot.store.sqlite_inline`:
    WAL, foreign keys, busy timeout); PostgreSQL goes through asyncpg with a pool."""
    aurl = async_url(url)
    if aurl.startswith("sqlite"):
        path = make_url(aurl).database or ""
        if path in ("", ":memory:"):
            raise ValueError("studybot needs a SQLite file, e.g. sqlite:///studybot.db")
        return create_async_engine(
            aurl,
            async_creator=sqlite_inline.creator(path),
            pool_size=1,
            max_overflow=0,
            **kwargs,
        )
    return create_async_engine(aurl, pool_pre_ping=True, **kwargs)


class Database:
    """Owns the engine; hands out one transaction per unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_engine(url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One DB transaction: committed when the block ends, rolled back if it raises."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()

    # -- migrations ---------------------------------------------------------------------------

    def _alembic_config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        return cfg

    async def _run(self, fn_name: str, revision: str) -> None:
        cfg = self._alembic_config()

        def run(conn: Connection) -> None:
            cfg.attributes["connection"] = conn
            getattr(command, fn_name)(cfg, revision)

        if self.dialect == "sqlite":
            # A migration that copies a table (SQLite's way to alter most things) drops the old
            # one, and with foreign keys on that would delete every row referring to it (ON
            # DELETE CASCADE). Off while migrating, as Alembic advises; the pragma only takes
            # effect outside a transaction.
            await self._foreign_keys(on=False)
        try:
            async with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    # Several processes may start at once: one migrates, the others wait here.
                    await conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_ID}
                    )
                await conn.run_sync(run)
        finally:
            if self.dialect == "sqlite":
                await self._foreign_keys(on=True)

    async def _foreign_keys(self, *, on: bool) -> None:
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
            await conn.commit()

    async def upgrade(self, revision: str = "head") -> None:
        await self._run("upgrade", revision)

    async def downgrade(self, revision: str = "-1") -> None:
        await self._run("downgrade", revision)

    async def current_revision(self) -> str | None:
        def read(conn: Connection) -> str | None:
            return MigrationContext.configure(conn).get_current_revision()

        async with self.engine.connect() as conn:
            return await conn.run_sync(read)

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()
