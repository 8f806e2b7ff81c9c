"""The weekly leaderboard post: the standings of a finished week, frozen when posted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.edge.messages import Post
from bot.edge.stored import post_from_dict, post_to_dict
from bot.pictures.data import BoardCard, BoardRow
from bot.rules.streaks import view
from bot.rules.timeutil import local_midnight_utc
from bot.services.activity import state_of
from bot.services.members import member_today
from bot.services.scores import leaderboard, week_board
from bot.store.models import (
    ActivityDay,
    Challenge,
    Member,
    PostLedger,
    Round,
    Submission,
    Workspace,
)

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def medal(rank: int) -> str:
    """A rank as shown on a leaderboard: a medal for the first three."""
    return MEDALS.get(rank, f"{rank}.")


@dataclass(frozen=True, slots=True)
class Line:
    rank: int
    member_id: int
    name: str
    points: int
    streak: int


@dataclass(frozen=True, slots=True)
class Solved:
    round_id: int
    challenge_id: str
    title: str
    solved: int


@dataclass(frozen=True, slots=True)
class WeekReport:
    monday: date
    top: list[Line]
    entrants: int
    active: int
    most_solved: Solved | None
    least_solved: Solved | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["monday"] = self.monday.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WeekReport:
        def solved(d: dict[str, Any] | None) -> Solved | None:
            return Solved(**d) if d else None

        return cls(
            date.fromisoformat(data["monday"]),
            [Line(**line) for line in data["top"]],
            data["entrants"],
            data["active"],
            solved(data.get("most_solved")),
            solved(data.get("least_solved")),
        )


async def current_streaks(
    session: AsyncSession, ws: Workspace, member_ids: list[int], now: datetime
) -> dict[int, int]:
    """Each member's streak as it stands today (a broken one reads 0), by member id."""
    members = (await session.exec(select(Member).where(col(Member.id).in_(member_ids)))).all()
    out = {}
    for m in members:
        assert m.id is not None
        out[m.id] = view(state_of(m), member_today(m, ws, now)).current
    return out


async def week_report(
    session: AsyncSession, ws: Workspace, monday: date, now: datetime, *, limit: int = 10
) -> WeekReport:
    """Top `limit` of the week starting `monday`, active members, most and least solved."""
    assert ws.id is not None
    board = await leaderboard(session, ws.id, week_board(monday), limit=limit)
    streaks = await current_streaks(session, ws, [s.member_id for s in board.top], now)
    top = [
        Line(s.rank, s.member_id, s.display_name, s.points, streaks.get(s.member_id, 0))
        for s in board.top
    ]
    sunday = monday + timedelta(days=6)
    active = (
        await session.exec(
            select(func.count(func.distinct(ActivityDay.member_id))).where(
                ActivityDay.workspace_id == ws.id,
                col(ActivityDay.day) >= monday,
                col(ActivityDay.day) <= sunday,
            )
        )
    ).one()
    start = local_midnight_utc(monday, ws.timezone)
    end = local_midnight_utc(monday + timedelta(days=7), ws.timezone)
    solved = func.count(col(Submission.id))
    rows = (
        await session.exec(
            select(Round.id, Round.challenge_id, Challenge.title, solved)
            .join(Challenge, col(Challenge.id) == Round.challenge_id)
            .outerjoin(Submission, (col(Submission.round_id) == Round.id) & col(Submission.correct))
            .where(
                Round.workspace_id == ws.id,
                col(Round.opens_at) >= start,
                col(Round.opens_at) < end,
            )
            .group_by(col(Round.id), col(Round.challenge_id), col(Challenge.title))
            .order_by(col(Round.id))
        )
    ).all()
    rounds = [Solved(int(r[0] or 0), r[1], r[2], int(r[3])) for r in rows]
    most = max(rounds, key=lambda r: r.solved, default=None)  # ties: the earlier round
    least = min(rounds, key=lambda r: r.solved, default=None)
    if most is not None and most.solved == 0:
        most = least = None  # nobody solved anything: no "most solved (0 solved)"
    if most is not None and least is not None and most.round_id == least.round_id:
        least = None  # one round only: "least solved" would say nothing new
    return WeekReport(monday, top, board.entrants, int(active), most, least)


def report_post(ws: Workspace, report: WeekReport, key: str | None = None) -> Post:
    sunday = report.monday + timedelta(days=6)
    title = (
        f"Weekly leaderboard · {report.monday.strftime('%d %b')} – {sunday.strftime('%d %b %Y')}"
    )
    lines = []
    for line in report.top:
        streak = f" · {line.streak}-day streak" if line.streak else ""
        lines.append(f"{medal(line.rank)} {line.name} — {line.points} pts{streak}")
    if not lines:
        lines.append("Nobody scored this week. A fresh week is open: `/study today`.")
    elif report.entrants > len(report.top):
        lines.append(f"…and {report.entrants - len(report.top)} more with points.")
    lines.append("")
    lines.append(f"Active members: {report.active}")
    if report.most_solved is not None:
        r = report.most_solved
        lines.append(f"Most solved: #{r.round_id} {r.title} ({r.solved} solved)")
    if report.least_solved is not None:
        r = report.least_solved
        lines.append(f"Least solved: #{r.round_id} {r.title} ({r.solved} solved)")
    return Post(
        body="\n".join(lines),
        channel=ws.post_channel,
        title=title,
        kind="leaderboard",
        key=key,
        picture=report_card(report, title) if ws.images else None,
    )


def report_card(report: WeekReport, title: str) -> BoardCard:
    """The week's top 10 as a leaderboard card (no row is anyone's own: it is a post)."""
    rows = tuple(
        BoardRow(rank=line.rank, name=line.name, points=line.points, streak=line.streak)
        for line in report.top
    )
    return BoardCard(title=title, rows=rows, entrants=report.entrants)


FORMER = "a former member"


async def scrub_standings(session: AsyncSession, ws: Workspace, member_id: int) -> int:
    """A member who asked to be forgotten: their name leaves every stored weekly board (the
    standings stay as they were, under "a former member"). The number of boards changed."""
    rows = (
        await session.exec(
            select(PostLedger).where(
                PostLedger.workspace_id == ws.id,
                PostLedger.kind == "leaderboard",
                col(PostLedger.payload).is_not(None),
            )
        )
    ).all()
    changed = 0
    for row in rows:
        payload = dict(row.payload or {})
        if "report" not in payload:
            continue
        report = WeekReport.from_dict(payload["report"])
        if all(line.member_id != member_id for line in report.top):
            continue
        top = [replace(ln, name=FORMER) if ln.member_id == member_id else ln for ln in report.top]
        report = replace(report, top=top)
        stored = post_from_dict(payload)
        post = report_post(ws, report, key=stored.key)
        post = replace(
            post,
            channel=stored.channel,
            picture=report_card(report, post.title or "") if stored.picture else None,
        )
        row.payload = post_to_dict(post) | {"report": report.to_dict()}
        session.add(row)
        changed += 1
    return changed
