"""Kaggle portfolio tasks: a member reports a notebook and a score; moderators can revoke.

The bot cannot run or fetch anything on kaggle.com, so it checks what it can: that the URL is a
Kaggle notebook (or a page of the task's own competition or dataset), and that the score is a
number a real score for that metric can be. Moderators see recent submissions and can reject
one; its points come off the boards and its study day is dropped unless something else counted
that day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.questions import kaggle_spec
from bot.catalog.schema import KAGGLE_METRICS
from bot.edge.errors import UserError, excerpt
from bot.rules.grading import parse_number
from bot.rules.timeutil import local_time_utc
from bot.services.activity import remove_day
from bot.services.answers import credit
from bot.services.members import member_timezone, member_today
from bot.services.scores import ALL, boards_for
from bot.store.audit import audit
from bot.store.models import (
    Challenge,
    KaggleSubmission,
    Member,
    Practice,
    Score,
    StudyLog,
    Submission,
    Workspace,
)

TARGET_BONUS = 10
_NOTEBOOK = re.compile(r"^/code/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+(/.*)?$")


@dataclass(frozen=True, slots=True)
class Task:
    challenge: Challenge
    url: str
    metric: str
    target: float
    days: int
    steps: list[str]

    @property
    def higher_is_better(self) -> bool:
        return KAGGLE_METRICS[self.metric][2]

    @property
    def page_path(self) -> str:
        """The task's own page on kaggle.com (`/competitions/titanic`)."""
        return urlsplit(self.url).path.rstrip("/")


def task_of(challenge: Challenge) -> Task:
    spec = kaggle_spec(challenge)
    if spec is None:
        raise UserError(f"`{challenge.id}` is not a Kaggle task. See `/study kaggle show`.")
    return Task(
        challenge,
        str(spec["url"]),
        str(spec["metric"]),
        float(spec["target"]),
        int(spec["days"]),
        [str(s) for s in spec["steps"]],
    )


def task_text(challenge: Challenge) -> str:
    """A Kaggle task as members read it: the goal, the page, metric, target, time box, steps."""
    task = task_of(challenge)
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(task.steps, 1))
    direction = "or higher" if task.higher_is_better else "or lower"
    days = f"{task.days} day" + ("" if task.days == 1 else "s")
    return (
        f"{challenge.prompt.strip()}\n\nCompetition or dataset: {task.url}\n"
        f"Metric: {task.metric}; target: {task.target:g} {direction}; time box: {days}.\n\n"
        f"Steps:\n{steps}\n\n"
        f"Done? `/study kaggle submit {challenge.id} <notebook-url> <score>`: "
        f"{challenge.points} points, +{TARGET_BONUS} for reaching the target."
    )


def check_url(raw: str, task: Task) -> str:
    """A Kaggle notebook URL, or one under the task's competition or dataset page."""
    url = raw.strip().strip("<>")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. an unclosed `[` reads as a broken IPv6 address
        parts, host = urlsplit(""), ""
    path = parts.path.rstrip("/")
    if parts.scheme != "https" or host not in ("kaggle.com", "www.kaggle.com"):
        raise UserError(
            "Send the https://www.kaggle.com/… link of your notebook, e.g. "
            "`https://www.kaggle.com/code/yourname/titanic-baseline`."
        )
    if _NOTEBOOK.match(path) or path == task.page_path or path.startswith(task.page_path + "/"):
        return f"https://www.kaggle.com{path}"
    raise UserError(
        "That link is not a Kaggle notebook (`/code/<you>/<notebook>`) or a page of "
        f"{task.url}. Share your notebook and send its link."
    )


def check_score(raw: str, task: Task) -> float:
    """A score a real submission can have for the task's metric."""
    value = parse_number(raw)
    if value is None or math.isnan(value) or math.isinf(value):
        raise UserError(f"`{raw}` is not a score. Send the number Kaggle showed, e.g. `0.7799`.")
    low, high, _ = KAGGLE_METRICS[task.metric]
    if not low <= value <= high:
        span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
        article = "An" if task.metric[:1].lower() in "aeiou" else "A"
        raise UserError(f"{article} {task.metric} score is {span}; `{excerpt(raw)}` can't be one.")
    return value


def target_met(task: Task, score: float) -> bool:
    return score >= task.target if task.higher_is_better else score <= task.target


async def accepted_for(
    session: AsyncSession, member: Member, challenge_id: str
) -> KaggleSubmission | None:
    stmt = select(KaggleSubmission).where(
        KaggleSubmission.member_id == member.id,
        KaggleSubmission.challenge_id == challenge_id,
        KaggleSubmission.status == "accepted",
    )
    return (await session.exec(stmt)).first()


async def submit_result(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    challenge: Challenge,
    url: str,
    score_text: str,
    now: datetime,
) -> KaggleSubmission:
    """Record a member's result on a task: points on every board, and a study day."""
    assert workspace.id is not None
    assert member.id is not None
    task = task_of(challenge)
    earlier = await accepted_for(session, member, challenge.id)
    if earlier is not None:
        raise UserError(
            f"You already reported {earlier.score:g} for this task (#{earlier.id}). "
            "One result per task counts; a moderator can reject it if you need to resubmit."
        )
    link = check_url(url, task)
    score = check_score(score_text, task)
    met = target_met(task, score)
    points = challenge.points + (TARGET_BONUS if met else 0)
    today = member_today(member, workspace, now)
    row = KaggleSubmission(
        workspace_id=workspace.id,
        member_id=member.id,
        challenge_id=challenge.id,
        url=link,
        score=score,
        target_met=met,
        points=points,
        board=boards_for(now, workspace.timezone)[1],
        study_day=today,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await credit(session, workspace, member, challenge.track, points, now, "kaggle")
    return row


async def recent(
    session: AsyncSession, workspace: Workspace, limit: int = 15
) -> list[tuple[KaggleSubmission, Member, Challenge]]:
    stmt = (
        select(KaggleSubmission, Member, Challenge)
        .join(Member, col(Member.id) == KaggleSubmission.member_id)
        .join(Challenge, col(Challenge.id) == KaggleSubmission.challenge_id)
        .where(KaggleSubmission.workspace_id == workspace.id)
        .order_by(col(KaggleSubmission.created_at).desc(), col(KaggleSubmission.id).desc())
        .limit(limit)
    )
    return [(s, m, c) for s, m, c in (await session.exec(stmt)).all()]


async def _other_activity(
    session: AsyncSession, workspace: Workspace, member: Member, day: date, skip: int
) -> bool:
    """Did anything but submission `skip` count on the member's study day `day`?"""
    tz = member_timezone(member, workspace)
    start = local_time_utc(day, time(workspace.rollover_hour), tz)
    end = local_time_utc(day + timedelta(days=1), time(workspace.rollover_hour), tz)
    checks = [
        select(StudyLog.id).where(StudyLog.member_id == member.id, StudyLog.study_day == day),
        select(Submission.id).where(
            Submission.member_id == member.id,
            col(Submission.correct),
            col(Submission.created_at) >= start,
            col(Submission.created_at) < end,
        ),
        select(Practice.id).where(
            Practice.member_id == member.id,
            col(Practice.correct) > 0,
            col(Practice.answered_at) >= start,
            col(Practice.answered_at) < end,
        ),
        select(KaggleSubmission.id).where(
            KaggleSubmission.member_id == member.id,
            KaggleSubmission.status == "accepted",
            KaggleSubmission.study_day == day,
            KaggleSubmission.id != skip,
        ),
    ]
    for stmt in checks:
        if (await session.exec(stmt)).first() is not None:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Rejected:
    submission: KaggleSubmission
    member: Member
    challenge: Challenge
    day_dropped: bool


async def reject(
    session: AsyncSession,
    workspace: Workspace,
    submission_id: int,
    reason: str,
    actor: str,
    now: datetime,
) -> Rejected:
    """Revoke a submission: its points come off, its study day goes unless another counts."""
    assert workspace.id is not None
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Say why: `/studymod review reject <id> <reason>`.")
    if len(reason) > 300:
        raise UserError("Keep the reason under 300 characters.")
    sub = await session.get(KaggleSubmission, submission_id)
    if sub is None or sub.workspace_id != workspace.id:
        raise UserError(
            f"There is no Kaggle submission #{submission_id} here. See `/studymod review list`."
        )
    if sub.status != "accepted":
        raise UserError(f"Submission #{submission_id} is already {sub.status}.")
    member = await session.get(Member, sub.member_id)
    challenge = await session.get(Challenge, sub.challenge_id)
    assert member is not None
    assert challenge is not None
    sub.status, sub.reason, sub.reviewed_by, sub.reviewed_at = "rejected", reason, actor, now
    session.add(sub)
    await session.exec(
        sa.update(Score)
        .where(
            col(Score.workspace_id) == workspace.id,
            col(Score.member_id) == member.id,
            col(Score.board).in_((ALL, sub.board)),
            col(Score.track).in_(("", challenge.track)),
        )
        .values(points=Score.points - sub.points)
    )
    dropped = False
    if not await _other_activity(session, workspace, member, sub.study_day, sub.id or 0):
        dropped = await remove_day(session, member, sub.study_day)
    audit(
        session,
        workspace.id,
        actor,
        "kaggle.reject",
        now,
        submission=sub.id,
        member=member.user_id,
        task=challenge.id,
        points=sub.points,
        reason=reason,
    )
    return Rejected(sub, member, challenge, dropped)
