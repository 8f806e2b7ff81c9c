"""Shared helpers: figures and the summary table, timing statistics, scratch files."""

from __future__ import annotations

import math
import shutil
import sqlite3
import statistics
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of the summary table; `passed` is None for a figure without a target."""

    name: str
    value: float
    unit: str
    target: str = "—"
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        """PASS, MISS, or `info` when the figure has no target."""
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "MISS"


def median(samples: Sequence[float]) -> float:
    """The median of the samples."""
    return statistics.median(samples)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (`pct` in 0..100) of the samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when the denominator is zero."""
    return numerator / denominator if denominator else math.nan


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A fresh directory from tempfile.mkdtemp(), removed with everything in it afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"studybot-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sqlite_url(path: Path) -> str:
    """The app's database URL for a SQLite file."""
    return f"sqlite:///{path}"


async def migrate(path: Path) -> None:
    """Create `path` with the real schema, through the app's Alembic migrations."""
    db = Database.from_url(sqlite_url(path))
    try:
        await db.upgrade()
    finally:
        await db.dispose()


async def captured_sql(
    db: Database, call: Callable[[], Awaitable[object]]
) -> list[tuple[str, Any]]:
    """The statements (and their parameters) one call sends to the database."""
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await call()
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    return seen


def raw_connect(path: Path, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """A stdlib sqlite3 connection in autocommit mode with the app's PRAGMAs.

    Transactions are explicit (BEGIN/COMMIT), like the app's one transaction per unit of work.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    return conn


def sqlite_timestamp(instant: datetime) -> str:
    """An aware instant as SQLAlchemy stores DateTime on SQLite: naive UTC with microseconds."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", timespec="microseconds")


def banner(title: str) -> None:
    """Print a section heading."""
    print(f"\n=== {title} ===", flush=True)


def say(line: str) -> None:
    """Print one progress or result line immediately."""
    print(f"  {line}", flush=True)


def format_value(value: float, unit: str) -> str:
    """A figure with a sensible number of digits for its size."""
    if math.isnan(value):
        return f"n/a {unit}".rstrip()
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip()


def print_summary(figures: Sequence[Figure], *, mode: str, elapsed_s: float) -> None:
    """The final table: each figure, its target and PASS/MISS (informational only)."""
    banner(f"Summary ({mode} mode, {elapsed_s:.0f} s)")
    rows = [(f.name, format_value(f.value, f.unit), f.target, f.verdict) for f in figures]
    header = ("figure", "measured", "target", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells: tuple[str, str, str, str]) -> str:
        name, value, target, verdict = cells
        return (
            f"  {name:<{widths[0]}}  {value:>{widths[1]}}  "
            f"{target:<{widths[2]}}  {verdict:<{widths[3]}}"
        ).rstrip()

    print(line(header))
    print(line(("-" * widths[0], "-" * widths[1], "-" * widths[2], "-" * widths[3])))
    for row in rows:
        print(line(row))
    misses = sum(1 for f in figures if f.passed is False)
    print(f"\n  {misses} target(s) missed. Timings are informational; the run exits 0.")
