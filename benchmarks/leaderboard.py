"""(b) The weekly leaderboard on SQLite at scale, against the naive GROUP BY it replaces.

A file migrated with the real schema is bulk-loaded with the stdlib sqlite3 module: one
workspace, members, a few dozen challenges, one round per day over 4 weeks, accepted
submissions, and the score rows the app maintains incrementally (built here with
INSERT ... SELECT ... GROUP BY from the submissions). Then
`bot.services.scores.leaderboard` is timed
through the app's own engine, one unit of work per call, next to the naive query.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

import sqlalchemy as sa

from benchmarks.common import (
    Figure,
    banner,
    captured_sql,
    median,
    migrate,
    percentile,
    ratio,
    raw_connect,
    say,
    scratch_dir,
    sqlite_url,
)
from bot.rules.grading import BASE_POINTS, award
from bot.rules.tracks import TRACKS
from bot.services.scores import Board, boards_for, leaderboard, week_board
from bot.store.db import Database

WORKSPACE_ID = 1
WEEKS = 4
DAYS = 7 * WEEKS
FIRST_DAY = date(2026, 2, 2)  # a Monday, so the days are exactly 4 workspace (UTC) weeks
OPENS_AT_HOUR = 9
ANSWER_WINDOW_US = 15 * 3600 * 1_000_000  # answers arrive 09:00-24:00 on the round's day
CHALLENGES_PER_TRACK = 8
KINDS = ("numeric", "mcq", "text")
TARGET_MS = 50.0
WEEK_EXPR = "'w' || date(s.created_at, 'weekday 0', '-6 days')"

NAIVE = sa.text(
    "SELECT member_id, SUM(points) AS total, MAX(created_at) AS last_at FROM submission "
    "WHERE workspace_id = :ws AND correct AND created_at >= :start AND created_at < :end "
    "GROUP BY member_id ORDER BY total DESC, last_at, member_id LIMIT 10"
)


def label(members: int) -> str:
    """10000 -> '10k'."""
    return f"{members // 1000}k" if members % 1000 == 0 else f"{members:,}"


# -- building the data set ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dataset:
    """A loaded database and what the measurements need to know about it."""

    path: Path
    members: int
    submissions: int
    score_rows: int
    week: str
    week_start: date
    track: str
    entrants: int
    track_entrants: int
    mid_member: int
    mid_track_member: int


def day_counts(total: int, members: int, rng: random.Random) -> list[int]:
    """Accepted answers per day: weekdays busier than weekends, each week busier than the last."""
    if total > members * DAYS:
        raise ValueError("at most one accepted answer per member per round")
    weights = [(1 + 0.1 * (d // 7)) * (1.15 if d % 7 < 5 else 0.75) for d in range(DAYS)]
    scale = total / sum(weights)
    counts = [min(members, int(w * scale)) for w in weights]
    while (short := total - sum(counts)) > 0:
        for d in rng.sample(range(DAYS), DAYS)[:short]:
            counts[d] += counts[d] < members
    return counts


def challenge_rows(now: str) -> Iterator[tuple[Any, ...]]:
    """A few dozen bank challenges: CHALLENGES_PER_TRACK per track, mixed kinds and levels."""
    for track in TRACKS:
        for j in range(CHALLENGES_PER_TRACK):
            kind, difficulty = KINDS[j % len(KINDS)], 1 + j % 3
            options, answer = "null", '{"value": 42.0, "tolerance": 0.0, "relative": false}'
            if kind == "mcq":
                options, answer = '["yes", "no", "maybe"]', '{"option": 0}'
            elif kind == "text":
                answer = '{"accepted": ["gradient descent"]}'
            yield (
                f"{track}-{j + 1:02d}",
                kind,
                track,
                difficulty,
                f"{track} #{j + 1}",
                "A benchmark question.",
                options,
                answer,
                "Because.",
                BASE_POINTS[difficulty],
                now,
            )


def round_challenge(day_index: int) -> tuple[str, str]:
    """(challenge id, track) of the round on day `day_index`: the tracks take turns."""
    track = TRACKS[day_index % len(TRACKS)]
    j = (day_index // len(TRACKS)) % CHALLENGES_PER_TRACK
    return f"{track}-{j + 1:02d}", track


def day_timestamp(day: date, offset_us: int) -> str:
    """'YYYY-MM-DD HH:MM:SS.ffffff' for `offset_us` after the round opened on `day`."""
    secs, micros = divmod(offset_us, 1_000_000)
    mins, secs = divmod(secs, 60)
    hours, mins = divmod(mins, 60)
    return f"{day.isoformat()} {OPENS_AT_HOUR + hours:02d}:{mins:02d}:{secs:02d}.{micros:06d}"


def pick_members(
    propensity: Sequence[float], total_p: float, count: int, rng: random.Random
) -> list[int]:
    """`count` distinct member ids, the keener members (higher propensity) more often."""
    scale = count / total_p
    chosen = [m for m, p in enumerate(propensity, 1) if rng.random() < p * scale]
    if len(chosen) > count:
        return rng.sample(chosen, count)
    if len(chosen) < count:
        taken = set(chosen)
        rest = [m for m in range(1, len(propensity) + 1) if m not in taken]
        chosen += rng.sample(rest, count - len(chosen))
    return chosen


def load_rows(conn: sqlite3.Connection, members: int, submissions: int, seed: int) -> list[int]:
    """Workspace, members, challenges, rounds and submissions; returns answers per day."""
    rng = random.Random(seed)
    created = f"{FIRST_DAY.isoformat()} 00:00:00.000000"
    conn.execute(
        "INSERT INTO workspace (id, platform, external_id, name, timezone, daily_post_time, "
        "leaderboard_weekday, leaderboard_time, rollover_hour, created_at) "
        "VALUES (?, 'console', 'bench', 'benchmark', 'UTC', '09:00', 0, '09:00', 4, ?)",
        (WORKSPACE_ID, created),
    )
    conn.executemany(
        "INSERT INTO member (id, workspace_id, user_id, display_name, is_moderator, joined_at, "
        "current_streak, longest_streak, freezes) VALUES (?, ?, ?, ?, 0, ?, 0, 0, 0)",
        ((m, WORKSPACE_ID, f"user{m}", f"Member {m}", created) for m in range(1, members + 1)),
    )
    conn.executemany(
        "INSERT INTO challenge (id, kind, track, difficulty, title, prompt, options, answer, "
        "explanation, points, source, active, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bank', 1, ?)",
        challenge_rows(created),
    )
    points = dict(
        conn.execute("SELECT id, points FROM challenge WHERE workspace_id IS NULL").fetchall()
    )
    propensity = [0.05 + rng.random() ** 2 for _ in range(members)]
    total_p = sum(propensity)
    counts = day_counts(submissions, members, rng)
    for d, count in enumerate(counts):
        day = FIRST_DAY + timedelta(days=d)
        challenge_id, _track = round_challenge(d)
        opens = day_timestamp(day, 0)
        closes = day_timestamp(day + timedelta(days=1), 0) if d < DAYS - 1 else None
        round_id = conn.execute(
            "INSERT INTO round (workspace_id, challenge_id, status, source, opens_at, closes_at, "
            "created_at) VALUES (?, ?, ?, 'auto', ?, ?, ?)",
            (
                WORKSPACE_ID,
                challenge_id,
                "open" if closes is None else "closed",
                opens,
                closes,
                opens,
            ),
        ).lastrowid
        won = award(points[challenge_id], 1)
        answers = sorted(
            (day_timestamp(day, rng.randrange(ANSWER_WINDOW_US)), m)
            for m in pick_members(propensity, total_p, count, rng)
        )
        conn.executemany(
            "INSERT INTO submission (workspace_id, round_id, member_id, attempt_no, answer, "
            "correct, points, created_at) VALUES (?, ?, ?, 1, '42', 1, ?, ?)",
            ((WORKSPACE_ID, round_id, m, won, at) for at, m in answers),
        )
    return counts


def build_scores(conn: sqlite3.Connection) -> int:
    """Score rows as the app keeps them: 'all' and 'w<Monday>' boards, overall and per track."""
    boards = ("'all'", WEEK_EXPR)
    tracks = ("''", "c.track")
    for board in boards:
        for track in tracks:
            conn.execute(
                "INSERT INTO score (workspace_id, board, track, member_id, points, reached_at) "
                f"SELECT s.workspace_id, {board}, {track}, s.member_id, SUM(s.points), "
                "MAX(s.created_at) FROM submission AS s "
                "JOIN round AS r ON r.id = s.round_id JOIN challenge AS c ON c.id = r.challenge_id "
                f"WHERE s.correct GROUP BY s.workspace_id, {board}, {track}, s.member_id"
            )
    return int(conn.execute("SELECT COUNT(*) FROM score").fetchone()[0])


def check_scores(conn: sqlite3.Connection) -> None:
    """SQL's week boards agree with bot.services.scores.boards_for, and no points are lost."""
    sample = conn.execute(
        f"SELECT s.created_at, {WEEK_EXPR} FROM submission AS s WHERE s.id % 997 = 1"
    ).fetchall()
    for created_at, board in sample:
        instant = datetime.fromisoformat(created_at).replace(tzinfo=UTC)
        expected = boards_for(instant, "UTC")[1]
        if board != expected:
            raise RuntimeError(f"week board of {created_at}: SQL {board}, app {expected}")
    total = conn.execute("SELECT SUM(points) FROM submission WHERE correct").fetchone()[0]
    sums = conn.execute(
        "SELECT board = 'all', track = '', SUM(points) FROM score GROUP BY 1, 2"
    ).fetchall()
    if any(s != total for _all, _overall, s in sums) or len(sums) != 4:
        raise RuntimeError(f"score rows do not add up to {total} points: {sums}")


def mid_table(conn: sqlite3.Connection, board: str, track: str) -> tuple[int, int]:
    """(entrants, the member ranked in the middle) of a board."""
    entrants = conn.execute(
        "SELECT COUNT(*) FROM score WHERE workspace_id = ? AND board = ? AND track = ?",
        (WORKSPACE_ID, board, track),
    ).fetchone()[0]
    member = conn.execute(
        "SELECT member_id FROM score WHERE workspace_id = ? AND board = ? AND track = ? "
        "ORDER BY points DESC, reached_at, member_id LIMIT 1 OFFSET ?",
        (WORKSPACE_ID, board, track, entrants // 2),
    ).fetchone()[0]
    return int(entrants), int(member)


def load_database(path: Path, members: int, submissions: int, seed: int) -> Dataset:
    """Bulk-load a migrated file in one transaction, build scores, ANALYZE; describe it."""
    t0 = perf_counter()
    conn = raw_connect(path, synchronous="OFF")
    try:
        conn.execute("PRAGMA cache_size=-262144")  # 256 MiB while loading
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("BEGIN")
        counts = load_rows(conn, members, submissions, seed)
        t_rows = perf_counter()
        score_rows = build_scores(conn)
        check_scores(conn)
        conn.execute("ANALYZE")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busiest = max(range(WEEKS), key=lambda w: sum(counts[7 * w : 7 * w + 7]))
        monday = FIRST_DAY + timedelta(weeks=busiest)
        week = week_board(monday)
        track = conn.execute(
            "SELECT track FROM score WHERE workspace_id = ? AND board = ? AND track != '' "
            "GROUP BY track ORDER BY COUNT(*) DESC, track LIMIT 1",
            (WORKSPACE_ID, week),
        ).fetchone()[0]
        entrants, mid = mid_table(conn, week, "")
        track_entrants, track_mid = mid_table(conn, week, track)
    finally:
        conn.close()
    size_mb = path.stat().st_size / 2**20
    say(
        f"loaded {members:,} members, {submissions:,} submissions in {t_rows - t0:.1f} s; "
        f"{score_rows:,} score rows + ANALYZE in {perf_counter() - t_rows:.1f} s; {size_mb:.0f} MiB"
    )
    return Dataset(
        path,
        members,
        submissions,
        score_rows,
        week,
        monday,
        track,
        entrants,
        track_entrants,
        mid,
        track_mid,
    )


async def build_dataset(path: Path, members: int, submissions: int, seed: int) -> Dataset:
    """Migrate `path` with the real schema (Alembic), then bulk-load it."""
    await migrate(path)
    return load_database(path, members, submissions, seed)


# -- measuring ------------------------------------------------------------------------------------


async def board_once(db: Database, board: str, track: str, member_id: int) -> Board:
    """One `/study leaderboard`-sized call: its own unit of work, top 10 plus the caller."""
    async with db.unit_of_work() as session:
        return await leaderboard(session, WORKSPACE_ID, board, track, limit=10, member_id=member_id)


async def naive_once(db: Database, monday: date) -> list[tuple[int, int, str]]:
    """The query the app avoids: SUM(points) over the week's submissions, per member."""
    params = {
        "ws": WORKSPACE_ID,
        "start": f"{monday.isoformat()} 00:00:00.000000",
        "end": f"{(monday + timedelta(weeks=1)).isoformat()} 00:00:00.000000",
    }
    async with db.engine.connect() as conn:
        rows = (await conn.execute(NAIVE, params)).all()
    return [(int(m), int(t), str(at)) for m, t, at in rows]


async def time_ms(call: Callable[[], Awaitable[object]], repeats: int, warmup: int) -> list[float]:
    """Milliseconds per call, `repeats` times after `warmup` untimed calls."""
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(repeats):
        t0 = perf_counter()
        await call()
        samples.append((perf_counter() - t0) * 1000)
    return samples


async def time_warm_ms(db: Database, ds: Dataset, repeats: int) -> list[float]:
    """Milliseconds per leaderboard call inside one open session (no connect per call)."""
    samples = []
    async with db.unit_of_work() as session:
        for i in range(repeats + 3):
            t0 = perf_counter()
            await leaderboard(session, WORKSPACE_ID, ds.week, "", limit=10, member_id=ds.mid_member)
            if i >= 3:
                samples.append((perf_counter() - t0) * 1000)
    return samples


def check_board(
    ds: Dataset, board: Board, entrants: int, naive: list[tuple[int, int, str]]
) -> None:
    """The timed call returned the right thing: same top 10 as the naive query, a mid rank."""
    if board.entrants != entrants or board.me is None or board.me.rank != entrants // 2 + 1:
        raise RuntimeError(f"unexpected leaderboard: entrants {board.entrants}, me {board.me}")
    if naive and [(s.member_id, s.points) for s in board.top] != [(m, t) for m, t, _ in naive]:
        raise RuntimeError(f"leaderboard {ds.week} disagrees with the naive query")


def print_plans(path: Path, statements: list[tuple[str, Any]]) -> None:
    """EXPLAIN QUERY PLAN for each statement, as an indented tree."""
    conn = sqlite3.connect(path)
    try:
        for statement, params in statements:
            say("SQL: " + " ".join(statement.split()))
            depth: dict[int, int] = {0: 0}
            for node, parent, _unused, detail in conn.execute(
                "EXPLAIN QUERY PLAN " + statement, params
            ):
                depth[node] = depth.get(parent, 0) + 1
                say("  " * depth[node] + detail)
    finally:
        conn.close()


def short_sql(statement: str) -> str:
    """A statement on one line, its middle elided."""
    flat = " ".join(statement.split())
    return flat if len(flat) <= 110 else f"{flat[:60]} … {flat[-45:]}"


def print_statement_times(path: Path, statements: list[tuple[str, Any]], repeats: int) -> None:
    """Median time of each statement of one leaderboard call, run alone with stdlib sqlite3."""
    conn = sqlite3.connect(path)
    try:
        say(f"where one call's time goes (each statement alone, stdlib sqlite3, n={repeats}):")
        for statement, params in statements:
            samples = []
            for _ in range(repeats):
                t0 = perf_counter()
                conn.execute(statement, params).fetchall()
                samples.append((perf_counter() - t0) * 1000)
            say(f"  {median(samples):7.2f} ms  {short_sql(statement)}")
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class Timings:
    """Samples (ms) for one data set."""

    members: int
    week: list[float]
    track: list[float]
    warm: list[float]
    naive: list[float]


async def measure(ds: Dataset, repeats: int, naive_repeats: int, explain: bool) -> Timings:
    """Time the weekly board (overall and one track) and the naive query on one data set."""
    db = Database.from_url(sqlite_url(ds.path))
    try:
        naive_top = await naive_once(db, ds.week_start)
        check_board(ds, await board_once(db, ds.week, "", ds.mid_member), ds.entrants, naive_top)
        track_board = await board_once(db, ds.week, ds.track, ds.mid_track_member)
        check_board(ds, track_board, ds.track_entrants, [])

        def overall() -> Awaitable[Board]:
            return board_once(db, ds.week, "", ds.mid_member)

        def per_track() -> Awaitable[Board]:
            return board_once(db, ds.week, ds.track, ds.mid_track_member)

        def naive() -> Awaitable[list[tuple[int, int, str]]]:
            return naive_once(db, ds.week_start)

        week_ms = await time_ms(overall, repeats, warmup=3)
        track_ms = await time_ms(per_track, repeats, warmup=3)
        warm_ms = await time_warm_ms(db, ds, repeats)
        naive_ms = await time_ms(naive, naive_repeats, warmup=1)
        statements = [
            (st, params)
            for st, params in await captured_sql(db, overall)
            if st.lstrip().upper().startswith("SELECT")
        ]
    finally:
        await db.dispose()
    t = Timings(ds.members, week_ms, track_ms, warm_ms, naive_ms)
    say(
        f"board {ds.week} overall  ({ds.entrants:,} entrants, caller ranked "
        f"{ds.entrants // 2 + 1:,}): median {median(week_ms):.2f} ms, "
        f"p95 {percentile(week_ms, 95):.2f} ms  (n={repeats}, one unit of work per call)"
    )
    say(
        f"board {ds.week} {ds.track} ({ds.track_entrants:,} entrants): "
        f"median {median(track_ms):.2f} ms, p95 {percentile(track_ms, 95):.2f} ms"
    )
    say(f"same call in one open session: median {median(warm_ms):.2f} ms (no connect per call)")
    say(
        f"naive SUM GROUP BY over the week's submissions: median {median(naive_ms):.1f} ms "
        f"(n={naive_repeats}); naive/leaderboard = "
        f"{ratio(median(naive_ms), median(week_ms)):.1f}x"
    )
    print_statement_times(ds.path, statements, repeats=7)
    if explain or median(week_ms) >= TARGET_MS:
        say(f"EXPLAIN QUERY PLAN of the {len(statements)} statements of one leaderboard call:")
        print_plans(ds.path, statements)
    return t


async def bench_leaderboard(
    scales: Sequence[tuple[int, int]],
    repeats: int,
    naive_repeats: int,
    *,
    explain: bool = False,
    seed: int = 20260202,
) -> list[Figure]:
    """Run (b) on each (members, submissions) scale, smallest first; the figures."""
    results: list[Timings] = []
    for members, submissions in sorted(scales):
        banner(
            f"(b) weekly leaderboard on SQLite: {members:,} members, {submissions:,} submissions"
        )
        with scratch_dir(f"board{label(members)}") as tmp:
            ds = await build_dataset(tmp / "board.db", members, submissions, seed)
            results.append(await measure(ds, repeats, naive_repeats, explain))
    main = results[-1]
    at = f"@{label(main.members)}"
    week_med, track_med = median(main.week), median(main.track)
    figures = [
        Figure(
            f"(b) week board median {at}",
            week_med,
            "ms",
            f"< {TARGET_MS:g} ms",
            week_med < TARGET_MS,
        ),
        Figure(f"(b) week board p95 {at}", percentile(main.week, 95), "ms"),
        Figure(
            f"(b) track board median {at}",
            track_med,
            "ms",
            f"< {TARGET_MS:g} ms",
            track_med < TARGET_MS,
        ),
        Figure(f"(b) week board, open session {at}", median(main.warm), "ms"),
        Figure(f"(b) naive GROUP BY median {at} (baseline)", median(main.naive), "ms"),
        Figure(f"(b) ratio naive/leaderboard {at}", ratio(median(main.naive), week_med), "x"),
    ]
    if len(results) > 1:
        small = results[0]
        growth = f"{label(small.members)}->{label(main.members)}"
        say(
            f"growth {growth} members: leaderboard median {median(small.week):.2f} -> "
            f"{week_med:.2f} ms ({ratio(week_med, median(small.week)):.2f}x); naive "
            f"{median(small.naive):.1f} -> {median(main.naive):.1f} ms "
            f"({ratio(median(main.naive), median(small.naive)):.2f}x)"
        )
        figures += [
            Figure(f"(b) week board median @{label(small.members)}", median(small.week), "ms"),
            Figure(
                f"(b) growth {growth}: leaderboard median",
                ratio(week_med, median(small.week)),
                "x",
            ),
            Figure(
                f"(b) growth {growth}: naive median",
                ratio(median(main.naive), median(small.naive)),
                "x",
            ),
        ]
    return figures
