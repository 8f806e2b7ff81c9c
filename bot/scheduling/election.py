"""One scheduler per database: the process holding the lock sends the scheduled posts.

The ledger's unique key already stops two processes from claiming the same post; the
election adds that a process starting up may take back every unfinished send (its owner is
gone, since it no longer holds the lock). PostgreSQL: a session-level advisory lock on a
connection kept open for it. SQLite: an exclusive `flock` on a file beside the database. Both
are released by the operating system when the holder dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import Database

log = logging.getLogger(__name__)

SCHEDULER_LOCK_ID = 0x57D7B08


class Election(Protocol):
    async def acquire(self) -> bool:
        """True while this process is the scheduler (tries to become it when it is not)."""
        ...

    async def release(self) -> None: ...


class FileElection:
    """SQLite: an exclusive, non-blocking `flock` on `<database>.scheduler.lock`."""

    def __init__(self, db_path: str) -> None:
        self.path = Path(f"{db_path}.scheduler.lock")
        self._fd: int | None = None

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresElection:
    """PostgreSQL: `pg_try_advisory_lock` held by one connection for the process's life."""

    def __init__(self, db: Database, lock_id: int = SCHEDULER_LOCK_ID) -> None:
        self.db = db
        self.lock_id = lock_id
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._conn is not None:
            try:
                await self._conn.execute(sa.text("SELECT 1"))
                return True
            except Exception:
                log.warning("lost the scheduler lock's connection; standing for election again")
                await self._drop()
        conn = await self.db.engine.connect()
        try:
            got = (
                await conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_id})
            ).scalar()
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.invalidate()
            except Exception:  # the connection is already gone
                log.debug("closing the lock connection failed", exc_info=True)

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.lock_id}
                )
                await self._conn.commit()
            finally:
                await self._conn.close()
                self._conn = None


def election_for(db: Database, url: str) -> Election:
    if db.dialect == "postgresql":
        return PostgresElection(db)
    return FileElection(make_url(url).database or "studybot.db")
