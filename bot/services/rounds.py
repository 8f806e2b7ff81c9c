"""Rounds: a challenge opened in a workspace, from scheduled through open to closed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, bindparam
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.sequence import load_sequence, next_pick
from bot.catalog.texts import round_post
from bot.edge.errors import UserError
from bot.edge.messages import Post
from bot.rules.timeutil import zone
from bot.store.audit import audit
from bot.store.models import Challenge, PostLedger, Round, Workspace


def local_date(workspace: Workspace, now: datetime) -> date:
    """The workspace's local calendar date (what schedule dates refer to)."""
    return now.astimezone(zone(workspace.timezone)).date()


def visible(workspace: Workspace) -> ColumnElement[bool]:
    """Challenges a workspace may use: the bank and its own custom ones."""
    return or_(col(Challenge.workspace_id).is_(None), Challenge.workspace_id == workspace.id)


async def get_challenge(
    session: AsyncSession, workspace: Workspace, challenge_id: str
) -> Challenge:
    stmt = select(Challenge).where(
        Challenge.id == challenge_id.strip().lower(), visible(workspace), Challenge.active
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        raise UserError(
            f"No challenge `{challenge_id}`. See the ids with `/studymod challenge list bank`."
        )
    return found


async def open_round(session: AsyncSession, workspace: Workspace) -> Round | None:
    stmt = (
        select(Round)
        .where(Round.workspace_id == workspace.id, Round.status == "open")
        .order_by(col(Round.opens_at).desc())
    )
    return (await session.exec(stmt)).first()


_OPEN_WITH_CHALLENGE = (
    select(Round, Challenge)
    .join(Challenge, col(Challenge.id) == Round.challenge_id)
    .where(Round.workspace_id == bindparam("ws"), Round.status == "open")
    .order_by(col(Round.opens_at).desc())
    .limit(1)
)


async def open_round_with_challenge(
    session: AsyncSession, workspace: Workspace
) -> tuple[Round, Challenge] | None:
    """The open round and its challenge, in one query (built once: every answer runs it)."""
    row = (await session.exec(_OPEN_WITH_CHALLENGE, params={"ws": workspace.id})).first()
    return None if row is None else (row[0], row[1])


async def last_closed_round(session: AsyncSession, workspace: Workspace) -> Round | None:
    stmt = (
        select(Round)
        .where(Round.workspace_id == workspace.id, col(Round.status).in_(("closed", "cancelled")))
        .order_by(col(Round.closes_at).desc(), col(Round.id).desc())
    )
    return (await session.exec(stmt)).first()


def refuse_kaggle(challenge: Challenge) -> None:
    if challenge.kind == "kaggle":
        raise UserError(
            f"`{challenge.id}` is a Kaggle task: it runs for days, so it is not a daily round. "
            f"Members take it on with `/study kaggle show {challenge.id}`."
        )


async def auto_pick(session: AsyncSession, workspace: Workspace) -> Challenge:
    """The next bank challenge for a workspace: the one after its last auto-pick.

    Every challenge comes once before any comes twice, tracks take turns, and the walk goes on
    from where it stopped. Custom challenges are posted by scheduling or `post-now`.
    """
    pick = None
    if workspace.pick_cursor is not None:
        current = await session.get(Challenge, workspace.pick_cursor)
        pick = current.pick_next if current is not None else None
    if pick is None:
        pick = next_pick(await load_sequence(session), None)
    if pick is None:
        raise UserError("The challenge bank is empty: add one with `/studymod challenge add`.")
    challenge = await session.get(Challenge, pick)
    assert challenge is not None
    workspace.pick_cursor = pick
    session.add(workspace)
    return challenge


@dataclass(frozen=True, slots=True)
class Opened:
    round: Round
    challenge: Challenge
    closed: Round | None


async def start_round(
    session: AsyncSession,
    workspace: Workspace,
    now: datetime,
    *,
    challenge_id: str | None = None,
    actor: str | None = None,
) -> Opened:
    """Open a round now: the given challenge, else today's scheduled one, else an auto-pick.

    The round open until now closes (its answer is revealed in the new post).
    """
    assert workspace.id is not None
    today = local_date(workspace, now)
    scheduled = (
        await session.exec(
            select(Round).where(
                Round.workspace_id == workspace.id,
                Round.scheduled_date == today,
                Round.status == "scheduled",
            )
        )
    ).first()
    if challenge_id is not None:
        challenge = await get_challenge(session, workspace, challenge_id)
        refuse_kaggle(challenge)
        if scheduled is not None and scheduled.challenge_id != challenge.id:
            scheduled = None
    elif scheduled is not None:
        challenge = await get_challenge(session, workspace, scheduled.challenge_id)
    else:
        challenge = await auto_pick(session, workspace)
    previous = await open_round(session, workspace)
    if previous is not None:
        previous.status = "closed"
        previous.closes_at = now
        session.add(previous)
    if scheduled is not None:
        rnd = scheduled
        rnd.status, rnd.opens_at = "open", now
    else:
        source = "manual" if challenge_id is not None else "auto"
        rnd = Round(
            workspace_id=workspace.id,
            challenge_id=challenge.id,
            status="open",
            source=source,
            opens_at=now,
            created_by=actor,
            created_at=now,
        )
    session.add(rnd)
    await session.flush()
    if actor is not None:
        audit(
            session,
            workspace.id,
            actor,
            "round.post_now",
            now,
            round=rnd.id,
            challenge=challenge.id,
        )
    return Opened(rnd, challenge, previous)


async def opened_post(session: AsyncSession, workspace: Workspace, opened: Opened) -> Post:
    """The channel post for a freshly opened round, revealing the one it closed."""
    previous = None
    if opened.closed is not None and opened.closed.id is not None:
        old = await session.get(Challenge, opened.closed.challenge_id)
        if old is not None:
            previous = (opened.closed.id, old)
    assert opened.round.id is not None
    return round_post(opened.round.id, opened.challenge, workspace.post_channel, previous)


SCHEDULE_AHEAD_DAYS = 365


async def _daily_claimed(session: AsyncSession, workspace: Workspace, day: date) -> bool:
    """Has the scheduler already taken (posted, or skipped) the daily round of `day`?"""
    found = await session.exec(
        select(PostLedger.id).where(
            PostLedger.workspace_id == workspace.id,
            PostLedger.kind == "daily",
            PostLedger.period == day.isoformat(),
        )
    )
    return found.first() is not None


async def schedule_round(
    session: AsyncSession,
    workspace: Workspace,
    challenge_id: str,
    day: date,
    now: datetime,
    actor: str,
) -> Round:
    assert workspace.id is not None
    challenge = await get_challenge(session, workspace, challenge_id)
    refuse_kaggle(challenge)
    today = local_date(workspace, now)
    if day < today:
        raise UserError(f"{day.isoformat()} is in the past here (today is {today.isoformat()}).")
    if day > today + timedelta(days=SCHEDULE_AHEAD_DAYS):
        last = today + timedelta(days=SCHEDULE_AHEAD_DAYS)
        raise UserError(f"Schedule at most a year ahead (until {last.isoformat()}).")
    if day == today and await _daily_claimed(session, workspace, day):
        raise UserError(
            f"Today's round has already gone out, so a round scheduled for today would never "
            f"run. Schedule it for tomorrow ({(today + timedelta(days=1)).isoformat()}) or open "
            f"it now with `/studymod challenge post-now {challenge.id}`."
        )
    taken = (
        await session.exec(
            select(Round).where(Round.workspace_id == workspace.id, Round.scheduled_date == day)
        )
    ).first()
    if taken is not None:
        raise UserError(
            f"Round #{taken.id} ({taken.challenge_id}) already has {day.isoformat()}. "
            f"Cancel it first with `/studymod challenge cancel {taken.id}`."
        )
    rnd = Round(
        workspace_id=workspace.id,
        challenge_id=challenge.id,
        status="scheduled",
        source="scheduled",
        scheduled_date=day,
        created_by=actor,
        created_at=now,
    )
    session.add(rnd)
    await session.flush()
    audit(
        session,
        workspace.id,
        actor,
        "round.schedule",
        now,
        round=rnd.id,
        challenge=challenge.id,
        date=day.isoformat(),
    )
    return rnd


async def cancel_round(
    session: AsyncSession, workspace: Workspace, round_id: int, now: datetime, actor: str
) -> str:
    """Cancel a scheduled round (it is removed) or the open one (it closes now)."""
    assert workspace.id is not None
    rnd = await session.get(Round, round_id)
    if rnd is None or rnd.workspace_id != workspace.id:
        raise UserError(f"There is no round #{round_id} here. See `/studymod challenge list`.")
    if rnd.status == "scheduled":
        await session.delete(rnd)
        outcome = f"Round #{round_id} ({rnd.challenge_id}) is off the schedule."
    elif rnd.status == "open":
        rnd.status, rnd.closes_at = "cancelled", now
        session.add(rnd)
        outcome = f"Round #{round_id} ({rnd.challenge_id}) is cancelled; points already won stay."
    else:
        raise UserError(f"Round #{round_id} is already {rnd.status}.")
    audit(session, workspace.id, actor, "round.cancel", now, round=round_id, status=rnd.status)
    return outcome


async def upcoming(session: AsyncSession, workspace: Workspace, now: datetime) -> list[Round]:
    """The open round and the scheduled ones from today on, in order."""
    stmt = (
        select(Round)
        .where(
            Round.workspace_id == workspace.id,
            or_(
                Round.status == "open",
                and_(
                    Round.status == "scheduled",
                    col(Round.scheduled_date) >= local_date(workspace, now),
                ),
            ),
        )
        .order_by(col(Round.status) != "open", col(Round.scheduled_date), col(Round.id))
    )
    return list((await session.exec(stmt)).all())


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50].strip("-")
    return slug if len(slug) >= 3 else f"challenge-{slug}".strip("-")


async def free_challenge_id(session: AsyncSession, title: str) -> str:
    """A new challenge id from a title: `fair-coin`, or `fair-coin-2` when taken."""
    base = slugify(title)
    taken = set(
        (
            await session.exec(
                select(Challenge.id).where(
                    or_(Challenge.id == base, col(Challenge.id).like(f"{base}-%"))
                )
            )
        ).all()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
