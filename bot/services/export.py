"""`/studymod export`: the group as a spreadsheet (CSV), one row a member.

Safe to open in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return would be read as a formula, so it is quoted, with a leading apostrophe (OWASP's
advice). Text cells are in double quotes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass, fields
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.streaks import view
from bot.rules.timeutil import local_week_start
from bot.services.activity import state_of
from bot.services.members import member_timezone, member_today
from bot.services.scores import ALL, week_board
from bot.store.models import Member, Score, StudyLog, Submission, Workspace

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = (
    "member",
    "user id",
    "time zone",
    "joined",
    "current streak",
    "longest streak",
    "freezes",
    "points this week",
    "points all time",
    "answers",
    "accuracy",
    "minutes studied",
    "last active",
)


@dataclass(frozen=True, slots=True)
class Row:
    member: str
    user_id: str
    timezone: str
    joined: str
    current: int
    longest: int
    freezes: int
    week_points: int
    points: int
    answers: int
    accuracy: str
    minutes: int
    last_active: str


assert len(fields(Row)) == len(HEADER)


def safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


async def group_rows(session: AsyncSession, ws: Workspace, now: datetime) -> list[Row]:
    assert ws.id is not None
    members = (
        await session.exec(
            select(Member).where(Member.workspace_id == ws.id).order_by(col(Member.id))
        )
    ).all()
    week = week_board(local_week_start(now, ws.timezone))
    points: dict[tuple[int, str], int] = {
        (mid, board): pts
        for mid, board, pts in (
            await session.exec(
                select(col(Score.member_id), col(Score.board), col(Score.points)).where(
                    Score.workspace_id == ws.id,
                    Score.track == "",
                    col(Score.board).in_((ALL, week)),
                )
            )
        ).all()
    }
    answered = {
        mid: (int(n), int(ok or 0))
        for mid, n, ok in (
            await session.exec(
                select(
                    col(Submission.member_id),
                    func.count(),
                    func.sum(case((col(Submission.correct), 1), else_=0)),
                )
                .where(Submission.workspace_id == ws.id)
                .group_by(col(Submission.member_id))
            )
        ).all()
    }
    minutes = dict(
        (
            await session.exec(
                select(col(StudyLog.member_id), func.sum(StudyLog.minutes))
                .where(StudyLog.workspace_id == ws.id)
                .group_by(col(StudyLog.member_id))
            )
        ).all()
    )
    rows = []
    for m in members:
        assert m.id is not None
        v = view(state_of(m), member_today(m, ws, now))
        n, ok = answered.get(m.id, (0, 0))
        rows.append(
            Row(
                member=m.display_name,
                user_id=m.user_id,
                timezone=member_timezone(m, ws),
                joined=m.joined_at.date().isoformat(),
                current=v.current,
                longest=v.longest,
                freezes=v.freezes,
                week_points=points.get((m.id, week), 0),
                points=points.get((m.id, ALL), 0),
                answers=n,
                accuracy=f"{100 * ok / n:.0f}%" if n else "",
                minutes=int(minutes.get(m.id) or 0),
                last_active=m.last_study_day.isoformat() if m.last_study_day else "",
            )
        )
    return rows


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    # Text quoted, numbers bare; a text cell that could run as a formula also gets its '.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([v if isinstance(v, int) else safe(v) for v in astuple(row)])
    return out.getvalue()
