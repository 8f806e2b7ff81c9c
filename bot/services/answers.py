"""Answering rounds and logging study time: the activity that earns points and streak days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.generators import Instance
from bot.catalog.questions import attempts_allowed, grade_answer, instance_for
from bot.edge.errors import UserError
from bot.rules.grading import award
from bot.services.activity import record_day
from bot.services.members import member_today
from bot.services.practice import schedule_review
from bot.services.rounds import open_round_with_challenge
from bot.services.scores import add_points
from bot.store.models import Challenge, Member, Round, StudyLog, Submission, Workspace

MAX_MINUTES = 600
MAX_TOPIC = 200


@dataclass(frozen=True, slots=True)
class RoundStatus:
    """Where a member stands on one round."""

    attempts_used: int
    attempts_allowed: int
    solved_points: int | None

    @property
    def solved(self) -> bool:
        return self.solved_points is not None

    @property
    def finished(self) -> bool:
        return self.solved or self.attempts_used >= self.attempts_allowed

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - self.attempts_used)


_SUBMISSIONS = Submission.__table__  # type: ignore[attr-defined]
# Built once: the answer path runs these for every submission.
_ATTEMPTS = sa.select(
    sa.func.count(),
    sa.func.max(sa.case((_SUBMISSIONS.c.correct, _SUBMISSIONS.c.points), else_=sa.null())),
).where(
    _SUBMISSIONS.c.round_id == sa.bindparam("round_id"),
    _SUBMISSIONS.c.member_id == sa.bindparam("member_id"),
)
_INSERT_SUBMISSION = _SUBMISSIONS.insert()


async def round_status(
    session: AsyncSession, rnd: Round, challenge: Challenge, member: Member
) -> RoundStatus:
    conn = await session.connection()
    used, solved_points = (
        await conn.execute(_ATTEMPTS, {"round_id": rnd.id, "member_id": member.id})
    ).one()
    return RoundStatus(used, attempts_allowed(challenge), solved_points)


async def credit(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    track: str,
    points: int,
    now: datetime,
    source: str,
) -> bool:
    """Points on every board and today's study day, for work that earns both; True when the
    day is new."""
    assert workspace.id is not None
    assert member.id is not None
    await add_points(
        session,
        workspace_id=workspace.id,
        member_id=member.id,
        track=track,
        points=points,
        now=now,
        workspace_tz=workspace.timezone,
    )
    return await record_day(session, member, member_today(member, workspace, now), source, now)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    round: Round
    challenge: Challenge
    correct: bool
    attempt_no: int
    points: int
    status: RoundStatus
    new_study_day: bool
    instance: Instance | None  # the member's own, for a generated challenge


async def submit(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    answer: str,
    now: datetime,
    round_id: int | None = None,
) -> SubmitResult:
    """Grade an answer to the open round; only the first accepted one per member counts.

    `round_id`: the round the answer is for (a button on its post): refused unless it is the
    open one, so a click on an old post never lands on a newer question.
    """
    assert workspace.id is not None
    assert member.id is not None
    found = await open_round_with_challenge(session, workspace)
    if found is None:
        raise UserError("No challenge is open right now. Check back at the next daily post.")
    rnd, challenge = found
    if round_id is not None and round_id != rnd.id:
        raise UserError(
            f"Round #{round_id} has closed; round #{rnd.id} is open now (`/study today`)."
        )
    status = await round_status(session, rnd, challenge, member)
    if status.solved:
        raise UserError(
            f"You already solved round #{rnd.id} (+{status.solved_points} points). "
            "One accepted answer per round counts."
        )
    if status.finished:
        raise UserError(f"You have no attempts left on round #{rnd.id}. See `/study today`.")
    instance = instance_for(challenge, workspace, member)
    verdict = grade_answer(challenge, answer, instance)
    attempt_no = status.attempts_used + 1
    points = award(challenge.points, attempt_no) if verdict.correct else 0
    conn = await session.connection()
    await conn.execute(
        _INSERT_SUBMISSION,
        {
            "workspace_id": workspace.id,
            "round_id": rnd.id,
            "member_id": member.id,
            "attempt_no": attempt_no,
            "answer": answer.strip(),
            "correct": verdict.correct,
            "points": points,
            "created_at": now,
            "study_day": member_today(member, workspace, now),
        },
    )
    new_day = False
    if verdict.correct:
        new_day = await credit(session, workspace, member, challenge.track, points, now, "answer")
    after = RoundStatus(attempt_no, status.attempts_allowed, points if verdict.correct else None)
    if after.finished and not after.solved:
        # Got it wrong: it comes back for review in practice tomorrow.
        await schedule_review(session, member, challenge, member_today(member, workspace, now), now)
    return SubmitResult(
        rnd, challenge, verdict.correct, attempt_no, points, after, new_day, instance
    )


async def log_study(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    minutes: int,
    topic: str,
    now: datetime,
) -> tuple[StudyLog, bool]:
    """Record study minutes on the member's current study day; True when the day is new."""
    assert workspace.id is not None
    assert member.id is not None
    if not 1 <= minutes <= MAX_MINUTES:
        raise UserError(f"Log between 1 and {MAX_MINUTES} minutes at a time.")
    topic = " ".join(topic.split())
    if not topic:
        raise UserError("Say what you studied: `/study log 45 linear algebra`.")
    if len(topic) > MAX_TOPIC:
        raise UserError(f"Keep the topic under {MAX_TOPIC} characters.")
    day = member_today(member, workspace, now)
    entry = StudyLog(
        workspace_id=workspace.id,
        member_id=member.id,
        minutes=minutes,
        topic=topic,
        study_day=day,
        created_at=now,
    )
    session.add(entry)
    new_day = await record_day(session, member, day, "log", now)
    return entry, new_day
