"""Read-side views: the numbers behind `/study profile`, `/study export` and `/studymod stats`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.edge.clock import iso
from bot.rules.streaks import StreakView, view
from bot.rules.timeutil import local_midnight_utc, local_week_start
from bot.scheduling.ledger import ledger_counts
from bot.services.activity import activity_days, state_of
from bot.services.members import member_timezone, member_today
from bot.services.practice import practice_progress, reviews_due
from bot.services.scores import ALL, leaderboard, member_points, week_board
from bot.store.models import (
    ActivityDay,
    KaggleSubmission,
    Member,
    PostLedger,
    Practice,
    Round,
    StudyLog,
    Submission,
    Workspace,
)


@dataclass(frozen=True, slots=True)
class Profile:
    points_by_track: dict[str, int]  # "" is the all-tracks total
    week_points: int
    week_rank: int | None
    all_rank: int | None
    answered: int
    solved: int
    minutes: int
    logs: int
    streak: StreakView
    practice: dict[str, tuple[int, int]]  # track -> (right, answered)
    reviews_due: int
    kaggle_done: int


async def profile_view(
    session: AsyncSession, ws: Workspace, member: Member, now: datetime
) -> Profile:
    assert ws.id is not None
    assert member.id is not None
    points = await member_points(session, ws.id, member.id)
    monday = local_week_start(now, ws.timezone)
    week = await leaderboard(session, ws.id, week_board(monday), limit=0, member_id=member.id)
    alltime = await leaderboard(session, ws.id, ALL, limit=0, member_id=member.id)
    answered, solved = (
        await session.exec(
            select(
                func.count(func.distinct(Submission.round_id)),
                func.coalesce(func.sum(case((col(Submission.correct), 1), else_=0)), 0),
            ).where(Submission.member_id == member.id)
        )
    ).one()
    minutes, logs = (
        await session.exec(
            select(func.coalesce(func.sum(StudyLog.minutes), 0), func.count()).where(
                StudyLog.member_id == member.id
            )
        )
    ).one()
    today = member_today(member, ws, now)
    kaggle_done = (
        await session.exec(
            select(func.count()).where(
                KaggleSubmission.member_id == member.id, KaggleSubmission.status == "accepted"
            )
        )
    ).one()
    return Profile(
        points_by_track=points,
        week_points=week.me.points if week.me else 0,
        week_rank=week.me.rank if week.me else None,
        all_rank=alltime.me.rank if alltime.me else None,
        answered=int(answered),
        solved=int(solved),
        minutes=int(minutes),
        logs=int(logs),
        streak=view(state_of(member), today),
        practice=await practice_progress(session, member),
        reviews_due=await reviews_due(session, member, today),
        kaggle_done=int(kaggle_done),
    )


async def export_data(
    session: AsyncSession, ws: Workspace, member: Member, now: datetime
) -> dict[str, Any]:
    """Everything studybot keeps about a member, as JSON-ready data."""
    assert ws.id is not None
    assert member.id is not None
    subs = (
        await session.exec(
            select(Submission, Round.challenge_id)
            .join(Round, col(Round.id) == Submission.round_id)
            .where(Submission.member_id == member.id)
            .order_by(col(Submission.created_at), col(Submission.id))
        )
    ).all()
    logs = (
        await session.exec(
            select(StudyLog).where(StudyLog.member_id == member.id).order_by(col(StudyLog.id))
        )
    ).all()
    practised = (
        await session.exec(
            select(Practice).where(Practice.member_id == member.id).order_by(col(Practice.id))
        )
    ).all()
    kaggle = (
        await session.exec(
            select(KaggleSubmission)
            .where(KaggleSubmission.member_id == member.id)
            .order_by(col(KaggleSubmission.id))
        )
    ).all()
    v = view(state_of(member), member_today(member, ws, now))
    points = await member_points(session, ws.id, member.id)
    return {
        "member": {
            "user_id": member.user_id,
            "display_name": member.display_name,
            "joined_at": iso(member.joined_at),
        },
        "timezone": member_timezone(member, ws),
        "reminder_time": member.reminder_time,
        "current_streak": v.current,
        "longest_streak": v.longest,
        "freezes": v.freezes,
        "points": points.get("", 0),
        "points_by_track": {t: p for t, p in points.items() if t},
        "study_days": [d.isoformat() for d in await activity_days(session, member)],
        "submissions": [
            {
                "round": sub.round_id,
                "challenge": cid,
                "attempt": sub.attempt_no,
                "answer": sub.answer,
                "correct": sub.correct,
                "points": sub.points,
                "at": iso(sub.created_at),
            }
            for sub, cid in subs
        ],
        "study_logs": [
            {
                "minutes": lg.minutes,
                "topic": lg.topic,
                "day": lg.study_day.isoformat(),
                "at": iso(lg.created_at),
            }
            for lg in logs
        ],
        "practice": [
            {
                "challenge": p.challenge_id,
                "answered": p.seen,
                "right": p.correct,
                "review_on": p.review_on.isoformat() if p.review_on else None,
            }
            for p in practised
        ],
        "kaggle": [
            {
                "task": k.challenge_id,
                "url": k.url,
                "score": k.score,
                "points": k.points,
                "status": k.status,
                "reason": k.reason,
                "at": iso(k.created_at),
            }
            for k in kaggle
        ],
    }


@dataclass(frozen=True, slots=True)
class Stats:
    members: int
    active_this_week: int
    rounds: int
    answers: int
    correct: int
    answers_this_week: int
    minutes: int
    ledger: dict[str, int]
    last_problem: PostLedger | None


async def stats_view(session: AsyncSession, ws: Workspace, now: datetime) -> Stats:
    ws_id = ws.id
    members = (
        await session.exec(
            select(func.count()).select_from(Member).where(Member.workspace_id == ws_id)
        )
    ).one()
    monday = local_week_start(now, ws.timezone)
    week_from = local_midnight_utc(monday, ws.timezone)
    active = (
        await session.exec(
            select(func.count(func.distinct(ActivityDay.member_id))).where(
                ActivityDay.workspace_id == ws_id, col(ActivityDay.day) >= monday
            )
        )
    ).one()
    rounds = (
        await session.exec(
            select(func.count())
            .select_from(Round)
            .where(Round.workspace_id == ws_id, col(Round.opens_at).is_not(None))
        )
    ).one()
    total, accepted = (
        await session.exec(
            select(
                func.count(),
                func.coalesce(func.sum(case((col(Submission.correct), 1), else_=0)), 0),
            ).where(Submission.workspace_id == ws_id)
        )
    ).one()
    week_subs = (
        await session.exec(
            select(func.count())
            .select_from(Submission)
            .where(Submission.workspace_id == ws_id, col(Submission.created_at) >= week_from)
        )
    ).one()
    minutes = (
        await session.exec(
            select(func.coalesce(func.sum(StudyLog.minutes), 0)).where(
                StudyLog.workspace_id == ws_id
            )
        )
    ).one()
    problem = (
        await session.exec(
            select(PostLedger)
            .where(PostLedger.workspace_id == ws_id, col(PostLedger.last_error).is_not(None))
            .order_by(col(PostLedger.claimed_at).desc(), col(PostLedger.id).desc())
        )
    ).first()
    assert ws_id is not None
    return Stats(
        members=int(members),
        active_this_week=int(active),
        rounds=int(rounds),
        answers=int(total),
        correct=int(accepted),
        answers_this_week=int(week_subs),
        minutes=int(minutes),
        ledger=await ledger_counts(session, ws_id),
        last_problem=problem,
    )
