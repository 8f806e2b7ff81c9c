"""Points on boards, and leaderboards read by index (never a loop over submissions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.timeutil import local_week_start
from bot.store.models import Member, Score

ALL = "all"


def week_board(monday: date) -> str:
    return f"w{monday.isoformat()}"


def boards_for(now: datetime, workspace_tz: str) -> tuple[str, str]:
    """The boards an answer at `now` counts on: all-time and its workspace-local week."""
    return ALL, week_board(local_week_start(now, workspace_tz))


async def add_points(
    session: AsyncSession,
    *,
    workspace_id: int,
    member_id: int,
    track: str,
    points: int,
    now: datetime,
    workspace_tz: str,
) -> None:
    """Add points on the all-time and weekly boards, overall and for the track (4 upserts)."""
    if points <= 0:
        return
    rows = [
        {"workspace_id": workspace_id, "board": board, "track": t, "member_id": member_id,
         "points": points, "reached_at": now}
        for board in boards_for(now, workspace_tz)
        for t in ("", track)
    ]  # fmt: skip
    conn = await session.connection()
    await conn.execute(_upsert(conn.dialect.name), rows)


@lru_cache(maxsize=2)
def _upsert(dialect: str) -> Insert:
    """One statement, compiled once per dialect, run for the four boards as an executemany."""
    table = Score.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["workspace_id", "board", "track", "member_id"],
        set_={
            "points": table.c.points + stmt.excluded.points,
            "reached_at": stmt.excluded.reached_at,
        },
    )


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    member_id: int
    display_name: str
    points: int
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class Board:
    top: list[Standing]
    me: Standing | None
    entrants: int


async def leaderboard(
    session: AsyncSession,
    workspace_id: int,
    board: str,
    track: str = "",
    *,
    limit: int = 10,
    member_id: int | None = None,
) -> Board:
    """Top `limit` on a board; ties go to the earlier achiever, then the earlier joiner."""
    # A member with no points (say, after a rejected Kaggle result) is not ranked.
    where = and_(
        Score.workspace_id == workspace_id,
        Score.board == board,
        Score.track == track,
        col(Score.points) > 0,
    )
    order = (col(Score.points).desc(), col(Score.reached_at), col(Score.member_id))
    stmt = (
        select(
            col(Score.member_id),
            col(Member.display_name),
            col(Score.points),
            col(Score.reached_at),
        )
        .join(Member, col(Member.id) == Score.member_id)
        .where(where)
        .order_by(*order)
        .limit(limit)
    )
    top = [
        Standing(i + 1, mid, name, pts, at)
        for i, (mid, name, pts, at) in enumerate((await session.exec(stmt)).all())
    ]
    entrants = (await session.exec(select(sa.func.count()).select_from(Score).where(where))).one()
    me = next((s for s in top if s.member_id == member_id), None)
    if me is None and member_id is not None:
        mine = (
            await session.exec(
                select(col(Score.points), col(Score.reached_at), col(Member.display_name))
                .join(Member, col(Member.id) == Score.member_id)
                .where(where, Score.member_id == member_id)
            )
        ).first()
        if mine is not None:
            pts, at, name = mine
            ahead = or_(
                col(Score.points) > pts,
                and_(Score.points == pts, col(Score.reached_at) < at),
                and_(Score.points == pts, Score.reached_at == at, col(Score.member_id) < member_id),
            )
            count_stmt = select(sa.func.count()).select_from(Score).where(where, ahead)
            better = (await session.exec(count_stmt)).one()
            me = Standing(better + 1, member_id, name, pts, at)
    return Board(top, me, entrants)


async def member_points(session: AsyncSession, workspace_id: int, member_id: int) -> dict[str, int]:
    """All-time points of one member, overall ('') and per track."""
    stmt = select(Score.track, Score.points).where(
        Score.workspace_id == workspace_id, Score.board == ALL, Score.member_id == member_id
    )
    return dict((await session.exec(stmt)).all())
