"""(a) Accepted submissions per second: the core service against raw sqlite3 writes.

Service: one unit of work per submission (load workspace and member, `bot.services.answers.submit`:
grade, insert the submission, 4 score upserts, activity day and streak), on a migrated file.
Baseline: the same rows written with the stdlib sqlite3 module to a separate migrated file,
one BEGIN/COMMIT per submission, same PRAGMAs. Optional extra: the whole dispatcher path.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

import sqlalchemy as sa

from benchmarks.common import (
    Figure,
    banner,
    captured_sql,
    median,
    migrate,
    ratio,
    raw_connect,
    say,
    scratch_dir,
    sqlite_timestamp,
    sqlite_url,
)
from bot.edge.invocation import CommandLine, Invocation
from bot.edge.messages import Post
from bot.rules.grading import award
from bot.services.answers import submit
from bot.services.members import ensure_workspace, get_member, get_workspace
from bot.services.rounds import start_round
from bot.services.scores import boards_for
from bot.store.db import Database
from bot.store.models import Challenge, Member
from commands import build_registry
from commands.dispatcher import Dispatcher

PLATFORM = "console"
WS_EXTERNAL = "bench-workspace"
CHALLENGE_ID = "bench-answer-42"
TRACK = "cs-fundamentals"
BASE_POINTS = 20
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday; the dispatcher round is Thursday
ROWS_PER_SUBMISSION = 7  # 1 submission + 4 score rows + 1 activity day + 1 member update
TARGET_RATIO = 0.25


@dataclass
class RecordingPoster:
    """A Poster that records what the bot would have sent."""

    sent: list[tuple[str, Post]] = field(default_factory=list)

    async def send(self, platform: str, workspace: str, post: Post) -> None:
        """Record the post instead of sending it."""
        self.sent.append((workspace, post))


def user_ids(count: int) -> list[str]:
    """Stable platform user ids for `count` members."""
    return [f"user{i:06d}" for i in range(count)]


def challenge_row(now: datetime) -> Challenge:
    """The numeric challenge every benchmark round uses (answer 42, exact)."""
    return Challenge(
        id=CHALLENGE_ID,
        kind="numeric",
        track=TRACK,
        difficulty=2,
        title="The answer",
        prompt="What is six times seven?",
        answer={"value": 42.0, "tolerance": 0.0, "relative": False},
        explanation="6 x 7 = 42.",
        points=BASE_POINTS,
        created_at=now,
    )


# -- the service ---------------------------------------------------------------------------------


async def seed_service(db: Database, users: list[str], now: datetime) -> None:
    """Workspace, members, the challenge and one open round, through the app's own code."""
    async with db.unit_of_work() as session:
        ws = await ensure_workspace(session, PLATFORM, WS_EXTERNAL, now, "benchmark")
        assert ws.id is not None
        session.add_all(
            Member(workspace_id=ws.id, user_id=u, display_name=u, joined_at=now) for u in users
        )
        session.add(challenge_row(now))
        await session.flush()
        await start_round(session, ws, now, challenge_id=CHALLENGE_ID)


async def submit_one(db: Database, user: str, now: datetime) -> bool:
    """One unit of work: load the workspace and member (for update) and submit "42"."""
    async with db.unit_of_work() as session:
        ws = await get_workspace(session, PLATFORM, WS_EXTERNAL)
        assert ws is not None
        member = await get_member(session, ws, user, for_update=True)
        assert member is not None
        result = await submit(session, ws, member, "42", now)
        return result.correct


async def run_service(db: Database, users: list[str], start: datetime) -> float:
    """Submit once per user, one transaction each; seconds taken."""
    accepted = 0
    t0 = perf_counter()
    for i, user in enumerate(users):
        accepted += await submit_one(db, user, start + timedelta(milliseconds=i))
    elapsed = perf_counter() - t0
    if accepted != len(users):
        raise RuntimeError(f"service accepted {accepted} of {len(users)} submissions")
    return elapsed


async def open_next_round(db: Database, now: datetime) -> None:
    """Close the open round and open a new one at `now` (as `/studymod post now` would)."""
    async with db.unit_of_work() as session:
        ws = await get_workspace(session, PLATFORM, WS_EXTERNAL)
        assert ws is not None
        await start_round(session, ws, now, challenge_id=CHALLENGE_ID)


async def run_dispatcher(db: Database, users: list[str], start: datetime) -> float:
    """`/study submit 42` once per user through Dispatcher.handle; seconds taken."""
    dispatcher = Dispatcher(db, build_registry(), RecordingPoster())
    errors: list[str] = []
    t0 = perf_counter()
    for i, user in enumerate(users):
        inv = Invocation(
            PLATFORM,
            WS_EXTERNAL,
            "#study",
            user,
            user,
            CommandLine("/study submit 42"),
            start + timedelta(milliseconds=i),
        )
        outcome = await dispatcher.handle(inv)
        if outcome.reply.error or not outcome.reply.body.startswith("✅"):
            errors.append(outcome.reply.body)
    elapsed = perf_counter() - t0
    if errors:
        raise RuntimeError(f"{len(errors)} dispatcher submissions failed, e.g. {errors[0]!r}")
    return elapsed


def check_service_rows(path: Path, members: int, rounds: int) -> None:
    """The service wrote what it should have: every member solved every round once."""
    conn = sqlite3.connect(path)
    try:
        subs = conn.execute("SELECT COUNT(*) FROM submission WHERE correct").fetchone()[0]
        scores = conn.execute("SELECT COUNT(*) FROM score").fetchone()[0]
        days = conn.execute("SELECT COUNT(*) FROM activity_day").fetchone()[0]
        points = conn.execute(
            "SELECT MIN(points), MAX(points) FROM score WHERE board = 'all' AND track = ''"
        ).fetchone()
        streaks = conn.execute("SELECT MIN(current_streak), MAX(current_streak) FROM member")
        streak_range = streaks.fetchone()
    finally:
        conn.close()
    per_round = award(BASE_POINTS, 1)
    expected = {
        "accepted submissions": (subs, members * rounds),
        "score rows": (scores, members * 4),
        "activity days": (days, members * rounds),
        "all-time points (min, max)": (tuple(points), (per_round * rounds,) * 2),
        "current streak (min, max)": (tuple(streak_range), (rounds, rounds)),
    }
    wrong = {k: v for k, v in expected.items() if v[0] != v[1]}
    if wrong:
        raise RuntimeError(f"service database is not as expected: {wrong}")
    say(f"checked: {subs:,} accepted submissions, {scores:,} score rows, {days:,} activity days")


# -- the raw sqlite3 baseline ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawSeed:
    """Ids the raw baseline writes against."""

    workspace_id: int
    round_id: int
    member_ids: list[int]


def seed_raw(conn: sqlite3.Connection, count: int, now: datetime) -> RawSeed:
    """The same workspace, members, challenge and open round, written with sqlite3."""
    ts = sqlite_timestamp(now)
    conn.execute("BEGIN")
    ws_id = conn.execute(
        "INSERT INTO workspace (platform, external_id, name, timezone, daily_post_time, "
        "leaderboard_weekday, leaderboard_time, rollover_hour, created_at) "
        "VALUES (?, ?, 'benchmark', 'UTC', '09:00', 0, '09:00', 4, ?)",
        (PLATFORM, WS_EXTERNAL, ts),
    ).lastrowid
    assert ws_id is not None
    conn.executemany(
        "INSERT INTO member (workspace_id, user_id, display_name, is_moderator, joined_at, "
        "current_streak, longest_streak, freezes) VALUES (?, ?, ?, 0, ?, 0, 0, 0)",
        ((ws_id, u, u, ts) for u in user_ids(count)),
    )
    conn.execute(
        "INSERT INTO challenge (id, kind, track, difficulty, title, prompt, options, answer, "
        "explanation, points, source, active, created_at) VALUES (?, 'numeric', ?, 2, "
        "'The answer', 'What is six times seven?', 'null', "
        '\'{"value": 42.0, "tolerance": 0.0, "relative": false}\', \'6 x 7 = 42.\', ?, '
        "'bank', 1, ?)",
        (CHALLENGE_ID, TRACK, BASE_POINTS, ts),
    )
    round_id = conn.execute(
        "INSERT INTO round (workspace_id, challenge_id, status, source, opens_at, created_at) "
        "VALUES (?, ?, 'open', 'manual', ?, ?)",
        (ws_id, CHALLENGE_ID, ts, ts),
    ).lastrowid
    assert round_id is not None
    conn.execute("COMMIT")
    ids = [r[0] for r in conn.execute("SELECT id FROM member ORDER BY id")]
    return RawSeed(ws_id, round_id, ids)


INSERT_SUBMISSION = (
    "INSERT INTO submission (workspace_id, round_id, member_id, attempt_no, answer, correct, "
    "points, created_at) VALUES (?, ?, ?, 1, '42', 1, ?, ?)"
)
UPSERT_SCORES = (
    "INSERT INTO score (workspace_id, board, track, member_id, points, reached_at) "
    "VALUES (?, ?, '', ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, '', ?, ?, ?), (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (workspace_id, board, track, member_id) "
    "DO UPDATE SET points = score.points + excluded.points, reached_at = excluded.reached_at"
)
INSERT_DAY = (
    "INSERT INTO activity_day (workspace_id, member_id, day, source, created_at) "
    "VALUES (?, ?, ?, 'answer', ?)"
)
UPDATE_STREAK = (
    "UPDATE member SET current_streak = 1, longest_streak = 1, freezes = 0, last_study_day = ? "
    "WHERE id = ?"
)


@dataclass(frozen=True, slots=True)
class RawPass:
    """One pass of the baseline: which round, and the values every submission writes."""

    workspace_id: int
    round_id: int
    boards: tuple[str, str]
    points: int
    day: str

    @classmethod
    def at(cls, seed: RawSeed, round_id: int, start: datetime) -> RawPass:
        """The pass for a round answered on `start`'s day."""
        boards = boards_for(start, "UTC")
        return cls(
            seed.workspace_id, round_id, boards, award(BASE_POINTS, 1), start.date().isoformat()
        )


def write_submission(conn: sqlite3.Connection, p: RawPass, mid: int, at: datetime) -> None:
    """One submission's 7 rows in one BEGIN/COMMIT."""
    ws, (all_board, week), points = p.workspace_id, p.boards, p.points
    ts = sqlite_timestamp(at)
    conn.execute("BEGIN")
    conn.execute(INSERT_SUBMISSION, (ws, p.round_id, mid, points, ts))
    conn.execute(
        UPSERT_SCORES,
        (
            *(ws, all_board, mid, points, ts),
            *(ws, all_board, TRACK, mid, points, ts),
            *(ws, week, mid, points, ts),
            *(ws, week, TRACK, mid, points, ts),
        ),
    )
    conn.execute(INSERT_DAY, (ws, mid, p.day, ts))
    conn.execute(UPDATE_STREAK, (p.day, mid))
    conn.execute("COMMIT")


def run_raw(
    conn: sqlite3.Connection, seed: RawSeed, member_ids: list[int], start: datetime
) -> float:
    """The baseline: 7 rows per submission on one open connection; seconds taken."""
    p = RawPass.at(seed, seed.round_id, start)
    t0 = perf_counter()
    for i, mid in enumerate(member_ids):
        write_submission(conn, p, mid, start + timedelta(milliseconds=i))
    return perf_counter() - t0


def run_raw_reconnect(path: Path, seed: RawSeed, round_id: int, start: datetime) -> float:
    """Diagnostic: the same rows, but a new connection per submission (as NullPool does)."""
    p = RawPass.at(seed, round_id, start)
    t0 = perf_counter()
    for i, mid in enumerate(seed.member_ids):
        conn = raw_connect(path)
        try:
            write_submission(conn, p, mid, start + timedelta(milliseconds=i))
        finally:
            conn.close()
    return perf_counter() - t0


def add_raw_round(conn: sqlite3.Connection, seed: RawSeed, now: datetime) -> int:
    """Another round for the baseline's second pass."""
    ts = sqlite_timestamp(now)
    round_id = conn.execute(
        "INSERT INTO round (workspace_id, challenge_id, status, source, opens_at, created_at) "
        "VALUES (?, ?, 'open', 'manual', ?, ?)",
        (seed.workspace_id, CHALLENGE_ID, ts, ts),
    ).lastrowid
    assert round_id is not None
    return round_id


def check_raw_rows(conn: sqlite3.Connection, members: int) -> None:
    """The baseline wrote the same rows as the service's first round."""
    counts = {
        t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("submission", "score", "activity_day")
    }
    if counts != {"submission": members, "score": 4 * members, "activity_day": members}:
        raise RuntimeError(f"raw baseline database is not as expected: {counts}")


# -- where the service's time goes ----------------------------------------------------------------


async def unit_of_work_ms(db: Database, repeats: int) -> float:
    """Median ms of a unit of work that runs only `SELECT 1` (connect, PRAGMAs, commit, close)."""
    samples = []
    for _ in range(repeats):
        t0 = perf_counter()
        async with db.unit_of_work() as session:
            conn = await session.connection()
            await conn.execute(sa.text("SELECT 1"))
        samples.append((perf_counter() - t0) * 1000)
    return median(samples)


async def statement_ms(db: Database, repeats: int) -> float:
    """Median ms of one `SELECT 1` round trip on an already open session."""
    samples = []
    async with db.unit_of_work() as session:
        conn = await session.connection()
        for _ in range(repeats):
            t0 = perf_counter()
            await conn.execute(sa.text("SELECT 1"))
            samples.append((perf_counter() - t0) * 1000)
    return median(samples)


async def anatomy(db: Database, user: str, at: datetime) -> None:
    """Print what one submission sends to the database and the fixed costs around it."""
    statements = [st for st, _params in await captured_sql(db, lambda: submit_one(db, user, at))]
    verbs = Counter(s.split(None, 1)[0].upper() for s in statements)
    uow, stmt = await unit_of_work_ms(db, 100), await statement_ms(db, 200)
    say(
        f"one submission = 1 unit of work, {len(statements)} statements "
        f"({', '.join(f'{n} {v}' for v, n in verbs.most_common())})"
    )
    say(
        f"fixed costs on this machine: unit of work with just SELECT 1 = {uow:.2f} ms "
        f"(pool checkout, BEGIN, COMMIT); SELECT 1 on an open session = {stmt:.2f} ms"
    )


# -- the benchmark --------------------------------------------------------------------------------


# -- the same unit of work in SQLAlchemy Core (diagnostic) ------------------------------------


def _core_statements() -> dict[str, sa.Executable]:
    """The submission's 8 statements as prebuilt Core constructs (no ORM objects)."""
    from bot.services.scores import _upsert
    from bot.store.models import ActivityDay, Round, Submission, Workspace

    w, m = Workspace.__table__, Member.__table__  # type: ignore[attr-defined]
    r, c = Round.__table__, Challenge.__table__  # type: ignore[attr-defined]
    s, a = Submission.__table__, ActivityDay.__table__  # type: ignore[attr-defined]
    p = sa.bindparam
    return {
        "ws": sa.select(w.c.id).where(w.c.platform == p("pf"), w.c.external_id == p("ext")),
        "member": sa.select(m.c.id).where(m.c.workspace_id == p("ws"), m.c.user_id == p("u")),
        "round": sa.select(r.c.id, c.c.points, c.c.track)
        .join(c, c.c.id == r.c.challenge_id)
        .where(r.c.workspace_id == p("ws"), r.c.status == "open")
        .limit(1),
        "attempts": sa.select(sa.func.count()).where(
            s.c.round_id == p("r"), s.c.member_id == p("m")
        ),
        "submission": s.insert(),
        "scores": _upsert("sqlite"),
        "day": a.insert().prefix_with("OR IGNORE"),
        "streak": m.update()
        .where(m.c.id == p("mid"))
        .values(current_streak=m.c.current_streak + 1, last_study_day=p("day")),
    }


async def run_core(db: Database, users: list[str], start: datetime) -> float:
    """The same reads and writes per submission through SQLAlchemy Core; seconds taken."""
    q = _core_statements()
    t0 = perf_counter()
    for i, user in enumerate(users):
        now = start + timedelta(milliseconds=i)
        async with db.engine.begin() as conn:
            ws = (await conn.execute(q["ws"], {"pf": PLATFORM, "ext": WS_EXTERNAL})).scalar_one()
            mid = (await conn.execute(q["member"], {"ws": ws, "u": user})).scalar_one()
            rid, base, track = (await conn.execute(q["round"], {"ws": ws})).one()
            n = (await conn.execute(q["attempts"], {"r": rid, "m": mid})).scalar_one()
            pts = award(base, n + 1)
            await conn.execute(
                q["submission"],
                {"workspace_id": ws, "round_id": rid, "member_id": mid, "attempt_no": n + 1,
                 "answer": "42", "correct": True, "points": pts, "created_at": now},
            )  # fmt: skip
            await conn.execute(
                q["scores"],
                [{"workspace_id": ws, "board": b, "track": t, "member_id": mid, "points": pts,
                  "reached_at": now} for b in boards_for(now, "UTC") for t in ("", track)],
            )  # fmt: skip
            await conn.execute(
                q["day"],
                {"workspace_id": ws, "member_id": mid, "day": now.date(), "source": "answer",
                 "created_at": now},
            )  # fmt: skip
            await conn.execute(q["streak"], {"mid": mid, "day": now.date()})
    return perf_counter() - t0


async def bench_submissions(measured: int, warmup: int, *, dispatcher: bool = True) -> list[Figure]:
    """Run (a): service vs raw sqlite3 submissions/s (and the dispatcher path); the figures."""
    banner(f"(a) accepted submissions/s: service vs raw sqlite3 ({measured:,} members)")
    users = user_ids(warmup + measured)
    warm_users, timed_users = users[:warmup], users[warmup:]
    with scratch_dir("submit") as tmp:
        svc_path, raw_path = tmp / "service.db", tmp / "raw.db"
        await migrate(svc_path)
        await migrate(raw_path)

        db = Database.from_url(sqlite_url(svc_path))
        try:
            await seed_service(db, users, START)
            await anatomy(db, warm_users[0], START)
            await run_service(db, warm_users[1:], START)
            svc_s = await run_service(db, timed_users, START + timedelta(minutes=1))
            svc_rate = measured / svc_s
            each_ms = svc_s * 1000 / measured
            say(f"service  : {svc_rate:8,.0f} submissions/s  ({each_ms:.2f} ms each)")
            disp_rate = float("nan")
            if dispatcher:
                day2 = START + timedelta(days=1)
                await open_next_round(db, day2)
                await run_dispatcher(db, warm_users, day2)
                disp_s = await run_dispatcher(db, timed_users, day2 + timedelta(minutes=1))
                disp_rate = measured / disp_s
                say(
                    f"dispatch : {disp_rate:8,.0f} submissions/s  "
                    f"({disp_s * 1000 / measured:.2f} ms each, Dispatcher.handle end to end)"
                )
            day3 = START + timedelta(days=2)
            await open_next_round(db, day3)
            await run_core(db, warm_users, day3)
            core_s = await run_core(db, timed_users, day3 + timedelta(minutes=1))
            core_rate = measured / core_s
            say(
                f"core     : {core_rate:8,.0f} submissions/s  ({core_s * 1000 / measured:.2f} ms "
                "each, the same statements in SQLAlchemy Core: diagnostic)"
            )
        finally:
            await db.dispose()
        check_service_rows(svc_path, len(users), 3 if dispatcher else 2)

        conn = raw_connect(raw_path)
        try:
            seed = seed_raw(conn, len(users), START)
            run_raw(conn, seed, seed.member_ids[:warmup], START)
            raw_s = run_raw(conn, seed, seed.member_ids[warmup:], START + timedelta(minutes=1))
            check_raw_rows(conn, len(users))
            day2_round = add_raw_round(conn, seed, START + timedelta(days=1))
        finally:
            conn.close()
        raw_rate = measured / raw_s
        say(
            f"raw      : {raw_rate:8,.0f} submissions/s  = {raw_rate * ROWS_PER_SUBMISSION:,.0f} "
            f"rows/s ({ROWS_PER_SUBMISSION} rows per BEGIN/COMMIT, one open connection)"
        )
        reconnect_s = run_raw_reconnect(raw_path, seed, day2_round, START + timedelta(days=1))
        reconnect_rate = len(seed.member_ids) / reconnect_s
        say(
            f"raw, new connection per submission (diagnostic): {reconnect_rate:,.0f} "
            f"submissions/s ({reconnect_s * 1000 / len(seed.member_ids):.2f} ms each)"
        )
    svc_ratio = ratio(svc_rate, raw_rate)
    say(f"ratio service/raw    = {svc_ratio:.3f}  (target >= {TARGET_RATIO})")
    figures = [
        Figure("(a) service submissions/s", svc_rate, "/s"),
        Figure("(a) raw sqlite3 submissions/s (baseline)", raw_rate, "/s"),
        Figure("(a) raw sqlite3 rows/s (baseline)", raw_rate * ROWS_PER_SUBMISSION, "/s"),
        Figure(
            "(a) ratio service/raw",
            svc_ratio,
            "x",
            f">= {TARGET_RATIO}",
            svc_ratio >= TARGET_RATIO,
        ),
        Figure("(a) raw sqlite3, connection per submission", reconnect_rate, "/s"),
    ]
    core_ratio = ratio(core_rate, raw_rate)
    say(f"ratio core/raw       = {core_ratio:.3f}  (diagnostic: what the stack allows)")
    figures += [
        Figure("(a) SQLAlchemy Core path submissions/s", core_rate, "/s"),
        Figure("(a) ratio Core path/raw (diagnostic)", core_ratio, "x"),
    ]
    if dispatcher:
        disp_ratio = ratio(disp_rate, raw_rate)
        say(f"ratio dispatcher/raw = {disp_ratio:.3f}  (informational)")
        figures += [
            Figure("(a) dispatcher submissions/s", disp_rate, "/s"),
            Figure("(a) ratio dispatcher/raw", disp_ratio, "x"),
        ]
    return figures
