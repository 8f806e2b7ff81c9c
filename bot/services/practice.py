"""Practice outside the daily round, with spaced repetition of what a member got wrong.

`/study practice next [track]` asks one question at a time: a review that has come due first, else
a new challenge from the track asked for or, by default, the member's weakest track. A question
answered wrong (in practice or in a daily round) comes back after 1 day; answered right on
review, after 3 days, then 7; right after that, it is learnt. A correct practice answer counts
as a study day for the streak and for per-track progress, never for the leaderboards.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.generators import Instance
from bot.catalog.questions import attempts_allowed, grade_answer, instance_for
from bot.edge.errors import UserError
from bot.rules.tracks import TRACKS
from bot.services.activity import record_day
from bot.services.members import member_today
from bot.store.models import Challenge, Member, Practice, Round, Submission, Workspace

REVIEW_DAYS = (1, 3, 7)  # after a wrong answer; after the 1st and 2nd right reviews


def after_wrong(today: date) -> tuple[int, date]:
    """A wrong answer: review stage 1, back tomorrow."""
    return 1, today + timedelta(days=REVIEW_DAYS[0])


def after_right(stage: int, today: date) -> tuple[int, date | None]:
    """A right answer at `stage` (0: a new question): the next stage and review date."""
    if 1 <= stage < len(REVIEW_DAYS):
        return stage + 1, today + timedelta(days=REVIEW_DAYS[stage])
    return 0, None  # learnt


async def schedule_review(
    session: AsyncSession, member: Member, challenge: Challenge, today: date, now: datetime
) -> None:
    """A daily-round question answered wrong comes back in practice tomorrow."""
    if challenge.kind == "kaggle":
        return
    row = await _row(session, member, challenge.id)
    if row is None:
        row = Practice(
            workspace_id=member.workspace_id,
            member_id=member.id or 0,
            challenge_id=challenge.id,
            asked_at=now,
        )
    row.stage, row.review_on = after_wrong(today)
    session.add(row)


async def _row(session: AsyncSession, member: Member, challenge_id: str) -> Practice | None:
    stmt = select(Practice).where(
        Practice.member_id == member.id, Practice.challenge_id == challenge_id
    )
    return (await session.exec(stmt)).first()


async def open_question(session: AsyncSession, member: Member) -> tuple[Practice, Challenge] | None:
    stmt = (
        select(Practice, Challenge)
        .join(Challenge, col(Challenge.id) == Practice.challenge_id)
        .where(Practice.member_id == member.id, col(Practice.is_open))
    )
    row = (await session.exec(stmt)).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True, slots=True)
class TrackStats:
    answered: int = 0
    correct: int = 0

    @property
    def rate(self) -> float:
        """Smoothed accuracy, so a track never tried reads as 50%."""
        return (self.correct + 1) / (self.answered + 2)


async def track_stats(session: AsyncSession, member: Member) -> dict[str, TrackStats]:
    """Per track: practice questions finished and right, plus daily rounds answered and solved."""
    answered: dict[str, int] = defaultdict(int)
    correct: dict[str, int] = defaultdict(int)
    practice = await session.exec(
        select(Challenge.track, sa.func.sum(Practice.seen), sa.func.sum(Practice.correct))
        .join(Challenge, col(Challenge.id) == Practice.challenge_id)
        .where(Practice.member_id == member.id)
        .group_by(col(Challenge.track))
    )
    for track, seen, right in practice.all():
        answered[track] += int(seen or 0)
        correct[track] += int(right or 0)
    rounds = await session.exec(
        select(
            Challenge.track,
            sa.func.count(sa.distinct(col(Submission.round_id))),
            sa.func.count(sa.distinct(sa.case((col(Submission.correct), Submission.round_id)))),
        )
        .join(Round, col(Round.id) == Submission.round_id)
        .join(Challenge, col(Challenge.id) == Round.challenge_id)
        .where(Submission.member_id == member.id)
        .group_by(col(Challenge.track))
    )
    for track, n, right in rounds.all():
        answered[track] += int(n)
        correct[track] += int(right)
    return {t: TrackStats(answered[t], correct[t]) for t in set(answered) | set(TRACKS)}


def weakest(stats: dict[str, TrackStats]) -> list[str]:
    """Tracks from weakest to strongest: lowest smoothed accuracy, then least practised."""
    order = {t: i for i, t in enumerate(TRACKS)}
    return sorted(stats, key=lambda t: (stats[t].rate, stats[t].answered, order.get(t, 99)))


def _stable(member_id: int, challenge_id: str) -> str:
    return hashlib.sha256(f"{member_id}:{challenge_id}".encode()).hexdigest()


async def _off_limits(session: AsyncSession, workspace: Workspace) -> set[str]:
    """The open round's and the scheduled rounds' challenges: practice must not give them away."""
    rows = await session.exec(
        select(Round.challenge_id).where(
            Round.workspace_id == workspace.id, col(Round.status).in_(("open", "scheduled"))
        )
    )
    return set(rows.all())


@dataclass(frozen=True, slots=True)
class Asked:
    practice: Practice
    challenge: Challenge
    instance: Instance | None
    review: bool  # a question answered wrong before, back for review
    again: bool  # the question already open, shown again


async def ask(
    session: AsyncSession, workspace: Workspace, member: Member, track: str | None, now: datetime
) -> Asked:
    """The member's practice question: the open one, a review due, or a new one."""
    assert member.id is not None
    today = member_today(member, workspace, now)
    current = await open_question(session, member)
    if current is not None and (track is None or current[1].track == track):
        p, ch = current
        return Asked(p, ch, instance_for(ch, workspace, member), p.stage > 0, True)
    if current is not None:
        current[0].is_open = False  # asked for another track: put this one back
        session.add(current[0])
        await session.flush()
    blocked = await _off_limits(session, workspace)
    due = select(Practice, Challenge).join(Challenge, col(Challenge.id) == Practice.challenge_id)
    due = due.where(
        Practice.member_id == member.id,
        col(Practice.review_on) <= today,
        col(Challenge.active),
        col(Challenge.id).not_in(blocked) if blocked else sa.true(),
    ).order_by(col(Practice.review_on), col(Practice.id))
    if track is not None:
        due = due.where(Challenge.track == track)
    review = (await session.exec(due)).first()
    if review is not None:
        p, ch = review
        return await _open(session, workspace, member, p, ch, now, review=True)
    tracks = [track] if track is not None else weakest(await track_stats(session, member))
    seen_ids = set(
        (
            await session.exec(select(Practice.challenge_id).where(Practice.member_id == member.id))
        ).all()
    )
    answered = set(
        (
            await session.exec(
                select(Round.challenge_id)
                .join(Submission, col(Submission.round_id) == Round.id)
                .where(Submission.member_id == member.id)
            )
        ).all()
    )
    pool = (
        await session.exec(
            select(Challenge).where(
                col(Challenge.active),
                Challenge.kind != "kaggle",
                col(Challenge.workspace_id).is_(None) | (Challenge.workspace_id == workspace.id),
            )
        )
    ).all()
    for t in tracks:
        in_track = [c for c in pool if c.track == t and c.id not in blocked]
        fresh = [c for c in in_track if c.id not in seen_ids and c.id not in answered]
        if fresh:
            # Easier first, so a track opens gently; a stable shuffle within a difficulty.
            ch = min(fresh, key=lambda c: (c.difficulty, _stable(member.id or 0, c.id)))
            p = await _row(session, member, ch.id) or Practice(
                workspace_id=member.workspace_id, member_id=member.id, challenge_id=ch.id,
                asked_at=now,
            )  # fmt: skip
            return await _open(session, workspace, member, p, ch, now, review=False)
        if track is not None and in_track:
            # Everything in the track was seen: the one practised longest ago comes back.
            old = (
                await session.exec(
                    select(Practice)
                    .join(Challenge, col(Challenge.id) == Practice.challenge_id)
                    .where(
                        Practice.member_id == member.id,
                        Challenge.track == t,
                        col(Challenge.id).in_([c.id for c in in_track]),
                    )
                    .order_by(col(Practice.answered_at), col(Practice.id))
                )
            ).first()
            if old is not None:
                ch = next(c for c in in_track if c.id == old.challenge_id)
                return await _open(session, workspace, member, old, ch, now, review=False)
    if track is not None:
        raise UserError("There is nothing to practise in that track yet.")
    raise UserError("You have practised everything in the bank. Impressive!")


async def _open(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    p: Practice,
    ch: Challenge,
    now: datetime,
    *,
    review: bool,
) -> Asked:
    p.is_open, p.attempts, p.asked_at = True, 0, now
    session.add(p)
    await session.flush()
    return Asked(p, ch, instance_for(ch, workspace, member), review, False)


@dataclass(frozen=True, slots=True)
class Answered:
    challenge: Challenge
    instance: Instance | None
    correct: bool
    finished: bool
    attempts_left: int
    review_on: date | None
    learnt: bool
    new_study_day: bool


async def answer(
    session: AsyncSession, workspace: Workspace, member: Member, text: str, now: datetime
) -> Answered:
    """Grade an answer to the open practice question."""
    current = await open_question(session, member)
    if current is None:
        raise UserError("No practice question is open. Ask for one with `/study practice next`.")
    p, ch = current
    instance = instance_for(ch, workspace, member)
    verdict = grade_answer(ch, text, instance)  # a wrong-form answer raises: no attempt used
    p.attempts += 1
    allowed = attempts_allowed(ch)
    today = member_today(member, workspace, now)
    new_day = False
    if verdict.correct:
        p.correct += 1
        p.seen += 1
        p.is_open = False
        p.answered_at = now
        p.stage, p.review_on = after_right(p.stage, today)
        new_day = await record_day(session, member, today, "practice", now)
    elif p.attempts >= allowed:
        p.seen += 1
        p.is_open = False
        p.answered_at = now
        p.stage, p.review_on = after_wrong(today)
    session.add(p)
    finished = not p.is_open
    return Answered(
        ch,
        instance,
        verdict.correct,
        finished,
        max(0, allowed - p.attempts),
        p.review_on,
        verdict.correct and p.review_on is None,
        new_day,
    )


async def reviews_due(session: AsyncSession, member: Member, today: date) -> int:
    stmt = select(sa.func.count()).where(
        Practice.member_id == member.id, col(Practice.review_on) <= today
    )
    return int((await session.exec(stmt)).one())


async def practice_progress(session: AsyncSession, member: Member) -> dict[str, tuple[int, int]]:
    """Per track: practice questions answered right, and finished."""
    rows = await session.exec(
        select(Challenge.track, sa.func.sum(Practice.correct), sa.func.sum(Practice.seen))
        .join(Challenge, col(Challenge.id) == Practice.challenge_id)
        .where(Practice.member_id == member.id)
        .group_by(col(Challenge.track))
    )
    return {t: (int(c or 0), int(n or 0)) for t, c, n in rows.all() if n}
