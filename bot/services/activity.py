"""Study activity: the days that count, and the streak kept in step with them."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.streaks import StreakState, apply_day, recompute
from bot.store.models import ActivityDay, Member

_INSERT_DAY = ActivityDay.__table__.insert()  # type: ignore[attr-defined]


def state_of(member: Member) -> StreakState:
    return StreakState(
        member.current_streak, member.longest_streak, member.freezes, member.last_study_day
    )


def _store(member: Member, state: StreakState) -> None:
    member.current_streak = state.current
    member.longest_streak = state.longest
    member.freezes = state.freezes
    member.last_study_day = state.last_day


async def activity_days(session: AsyncSession, member: Member) -> list[date]:
    stmt = select(col(ActivityDay.day)).where(ActivityDay.member_id == member.id)
    return sorted((await session.exec(stmt)).all())


async def record_day(
    session: AsyncSession, member: Member, day: date, source: str, now: datetime
) -> bool:
    """Count `day` for the member; True when it was new. O(1) unless the day is out of order.

    `last_study_day` is always the latest stored day, so a later day is new without a query.
    """
    assert member.id is not None
    last = member.last_study_day
    if last is not None and day == last:
        return False
    if last is not None and day < last:
        stmt = select(ActivityDay.id).where(
            ActivityDay.member_id == member.id, ActivityDay.day == day
        )
        if (await session.exec(stmt)).first() is not None:
            return False
    conn = await session.connection()
    await conn.execute(
        _INSERT_DAY,
        {
            "workspace_id": member.workspace_id,
            "member_id": member.id,
            "day": day,
            "source": source,
            "created_at": now,
        },
    )
    state = state_of(member)
    if state.last_day is None or day > state.last_day:
        _store(member, apply_day(state, day))
    else:
        # A day before the last one (a repair, a timezone moved west): rebuild from the days.
        _store(member, recompute(await activity_days(session, member)))
    session.add(member)
    return True


async def remove_day(session: AsyncSession, member: Member, day: date) -> bool:
    """Stop counting `day` (its only activity was revoked) and rebuild the streak from the days."""
    stmt = delete(ActivityDay).where(
        col(ActivityDay.member_id) == member.id, col(ActivityDay.day) == day
    )
    gone = (await session.exec(stmt)).rowcount > 0
    if gone:
        _store(member, recompute(await activity_days(session, member)))
        session.add(member)
    return gone
