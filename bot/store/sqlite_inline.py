"""SQLite for the async engine without a thread hop per call.

aiosqlite runs every call on a worker thread; on a small machine each hop costs ~0.1 ms, so a
statement costs ~0.5 ms through SQLAlchemy against ~0.03 ms in-process (benchmarks/). SQLite is
an in-process library whose calls take microseconds, so this connection runs them directly on
the event loop, behind the async cursor interface SQLAlchemy's aiosqlite dialect drives (it is
handed over with `create_async_engine(async_creator=...)`, a public hook).

The engine keeps a single connection: units of work queue for it without blocking the loop, and
no unit of work can wait on a SQLite lock held by another in this process. Another *process*
writing the same file can still make a statement wait up to the busy timeout; SQLite is for one
process, PostgreSQL for several.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from typing import Any

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
)


class InlineCursor:
    """A sqlite3 cursor with the awaitable methods of an aiosqlite cursor."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        # Some SQLAlchemy versions await `connection.cursor()`; others enter it.
        return self._self().__await__()

    async def _self(self) -> InlineCursor:
        return self

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        self._cursor.execute(sql, parameters or ())
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """A sqlite3 connection with the awaitable methods of an aiosqlite connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def creator(path: str) -> Callable[[], Awaitable[InlineConnection]]:
    """The `async_creator` for a SQLite file: WAL, foreign keys, busy timeout."""

    async def connect() -> InlineConnection:
        conn = sqlite3.connect(
            path,
            isolation_level="DEFERRED",
            check_same_thread=False,
            detect_types=0,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        for pragma in PRAGMAS:
            conn.execute(pragma)
        return InlineConnection(conn)

    return connect
