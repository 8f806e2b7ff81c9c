"""The data behind each picture, read from the database: one function a picture.

Days are the member's own study days (their time zone, the workspace's rollover hour), as the
streak counts them: the stored activity days are the truth, so a member who moved time zone keeps
the days they studied where they were. Answers carry the study day they were given on (answers
from before it was kept got theirs from migration 0006, by the member's time zone then).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.pictures.data import (
    ACTIVITY_DAYS,
    BOARD_ROWS,
    ActivityCard,
    BoardCard,
    BoardRow,
    Calendar,
    CalendarDay,
    DayActivity,
    Mark,
    ProfileCard,
    TrackAccuracy,
    TrackBar,
)
from bot.rules.streaks import frozen_days, view
from bot.rules.timeutil import study_day
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.services.activity import state_of
from bot.services.members import member_timezone, member_today
from bot.services.scores import Board
from bot.services.views import Profile
from bot.services.weekly import current_streaks
from bot.store.models import (
    ActivityDay,
    Challenge,
    KaggleSubmission,
    Member,
    Practice,
    Round,
    StudyLog,
    Submission,
    Workspace,
)


async def _answers_by_day(
    session: AsyncSession, ws: Workspace, since: date, member: Member | None = None
) -> Counter[date]:
    """Answers to rounds per study day from `since` (one member's, or the group's)."""
    assert ws.id is not None
    where = [Submission.workspace_id == ws.id]
    if member is not None:
        where.append(Submission.member_id == member.id)
    rows = await session.exec(
        select(col(Submission.study_day), func.count())
        .where(*where, col(Submission.study_day) >= since)
        .group_by(col(Submission.study_day))
    )
    return Counter({day: int(n) for day, n in rows.all() if day is not None})


async def _rounds_by_track(
    session: AsyncSession, *where: sa.ColumnElement[bool]
) -> dict[str, tuple[int, int]]:
    """Per track: the (member, round) pairs answered among the submissions `where` picks, and
    how many of them were solved."""
    solved = func.max(case((col(Submission.correct), 1), else_=0))
    per_round = (
        select(Challenge.track.label("track"), solved.label("solved"))  # type: ignore[attr-defined]
        .select_from(Submission)
        .join(Round, col(Round.id) == Submission.round_id)
        .join(Challenge, col(Challenge.id) == Round.challenge_id)
        .where(*where)
        .group_by(col(Submission.round_id), col(Submission.member_id), col(Challenge.track))
        .subquery()
    )
    rows = await session.exec(
        select(per_round.c.track, func.count(), func.sum(per_round.c.solved)).group_by(
            per_round.c.track
        )
    )
    return {t: (int(n), int(ok or 0)) for t, n, ok in rows.all()}


async def calendar_for(
    session: AsyncSession, ws: Workspace, member: Member, now: datetime
) -> Calendar:
    """A member's study calendar: studied days shaded by minutes and answers, repaired days,
    the days a freeze covered, and today, in the member's own study days."""
    assert member.id is not None
    today = member_today(member, ws, now)
    shell = Calendar(name=member.display_name, timezone=member_timezone(member, ws), today=today)
    start = shell.start
    rows = (
        await session.exec(
            select(col(ActivityDay.day), col(ActivityDay.source)).where(
                ActivityDay.member_id == member.id
            )
        )
    ).all()
    sources = dict(rows)
    minutes: Counter[date] = Counter()
    logged = await session.exec(
        select(col(StudyLog.study_day), func.sum(StudyLog.minutes))
        .where(StudyLog.member_id == member.id, col(StudyLog.study_day) >= start)
        .group_by(col(StudyLog.study_day))
    )
    for day, total in logged.all():
        minutes[day] += int(total or 0)
    answers = await _answers_by_day(session, ws, start, member)
    kaggle = await session.exec(
        select(col(KaggleSubmission.study_day), func.count())
        .where(KaggleSubmission.member_id == member.id, col(KaggleSubmission.study_day) >= start)
        .group_by(col(KaggleSubmission.study_day))
    )
    for day, n in kaggle.all():
        answers[day] += int(n)
    marks: dict[date, Mark] = {
        d: ("repaired" if s == "repair" else "studied") for d, s in sources.items()
    }
    for day in frozen_days(sources, today):
        marks.setdefault(day, "frozen")
    days = tuple(
        CalendarDay(
            day=d,
            mark=m,
            minutes=minutes[d] if m != "frozen" else 0,
            answers=answers[d] if m != "frozen" else 0,
        )
        for d, m in sorted(marks.items())
        if start <= d <= today
    )
    v = view(state_of(member), today)
    return shell.model_copy(
        update={"days": days, "current": v.current, "longest": v.longest, "freezes": v.freezes}
    )


async def track_bars(
    session: AsyncSession, member: Member, profile: Profile
) -> tuple[TrackBar, ...]:
    """Per competency: rounds and practice answered and right (practice and points as the
    profile read them), and items learnt by spaced repetition."""
    right: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    mine = col(Submission.member_id) == member.id
    for track, (n, ok) in (await _rounds_by_track(session, mine)).items():
        answered[track] += n
        right[track] += ok
    for track, (ok, n) in profile.practice.items():
        answered[track] += n
        right[track] += ok
    learnt_case = case(
        (sa.and_(col(Practice.review_on).is_(None), col(Practice.correct) > 0), 1), else_=0
    )
    learnt = dict(
        (
            await session.exec(
                select(col(Challenge.track), func.sum(learnt_case))
                .join(Challenge, col(Challenge.id) == Practice.challenge_id)
                .where(Practice.member_id == member.id)
                .group_by(col(Challenge.track))
            )
        ).all()
    )
    points = profile.points_by_track
    return tuple(
        TrackBar(
            track=t,
            name=TRACK_NAMES[t],
            right=min(right[t], answered[t]),
            answered=answered[t],
            learnt=int(learnt.get(t) or 0),
            points=points.get(t, 0),
        )
        for t in TRACKS
    )


async def profile_card(
    session: AsyncSession, ws: Workspace, member: Member, now: datetime, profile: Profile
) -> ProfileCard:
    """The profile's picture, from the figures `/study profile` read (`profile_view`) and the
    calendar."""
    return ProfileCard(
        calendar=await calendar_for(session, ws, member, now),
        tracks=await track_bars(session, member, profile),
        points=profile.points_by_track.get("", 0),
        week_points=profile.week_points,
    )


async def board_card(
    session: AsyncSession, ws: Workspace, title: str, board: Board, now: datetime, me: int | None
) -> BoardCard:
    """A live leaderboard as a card: the top, each with their streak today, and the caller's
    own row (below the top when they rank further down)."""
    standings = list(board.top[:BOARD_ROWS])
    if board.me is not None and all(s.member_id != board.me.member_id for s in standings):
        standings.append(board.me)
    streaks = await current_streaks(session, ws, [s.member_id for s in standings], now)
    rows = tuple(
        BoardRow(
            rank=s.rank,
            name=s.display_name,
            points=s.points,
            streak=streaks.get(s.member_id, 0),
            me=s.member_id == me,
        )
        for s in standings
    )
    return BoardCard(title=title, rows=rows, entrants=board.entrants)


async def activity_card(session: AsyncSession, ws: Workspace, now: datetime) -> ActivityCard:
    """The group over the last 8 weeks: active members and answers a day (the group's study
    days), and round accuracy a track."""
    assert ws.id is not None
    today = study_day(now, ws.timezone, ws.rollover_hour)
    start = today - timedelta(days=ACTIVITY_DAYS - 1)
    active: dict[date, int] = dict(
        (
            await session.exec(
                select(col(ActivityDay.day), func.count(func.distinct(ActivityDay.member_id)))
                .where(ActivityDay.workspace_id == ws.id, col(ActivityDay.day) >= start)
                .group_by(col(ActivityDay.day))
            )
        ).all()
    )
    answers = await _answers_by_day(session, ws, start)
    days = tuple(
        DayActivity(day=d, active=int(active.get(d, 0)), answers=answers[d])
        for d in (start + timedelta(days=n) for n in range(ACTIVITY_DAYS))
    )
    by_track = await _rounds_by_track(
        session, col(Submission.workspace_id) == ws.id, col(Submission.study_day) >= start
    )
    members = (
        await session.exec(
            select(func.count()).select_from(Member).where(Member.workspace_id == ws.id)
        )
    ).one()
    tracks = tuple(
        TrackAccuracy(
            track=t,
            name=TRACK_NAMES[t],
            answered=by_track.get(t, (0, 0))[0],
            right=by_track.get(t, (0, 0))[1],
        )
        for t in TRACKS
    )
    return ActivityCard(
        group=ws.name or "The group",
        timezone=ws.timezone,
        days=days,
        tracks=tracks,
        members=int(members),
    )
