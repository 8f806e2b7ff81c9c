"""Workspaces and members: who is here, where they live, and what day it is for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.edge.errors import UserError
from bot.rules.schedule import rearm_workspace
from bot.rules.timeutil import study_day
from bot.store.models import (
    ActivityDay,
    KaggleSubmission,
    Member,
    PostLedger,
    Practice,
    Score,
    StudyLog,
    Submission,
    Workspace,
)

# Built once: every command runs these two lookups.
_WORKSPACE = select(Workspace).where(
    Workspace.platform == bindparam("platform"), Workspace.external_id == bindparam("external_id")
)
_MEMBER = select(Member).where(
    Member.workspace_id == bindparam("workspace_id"), Member.user_id == bindparam("user_id")
)
_MEMBER_FOR_UPDATE = _MEMBER.with_for_update()


async def get_workspace(session: AsyncSession, platform: str, external_id: str) -> Workspace | None:
    params = {"platform": platform, "external_id": external_id}
    return (await session.exec(_WORKSPACE, params=params)).first()


async def ensure_workspace(
    session: AsyncSession, platform: str, external_id: str, now: datetime, name: str = ""
) -> Workspace:
    """The workspace row, created with defaults on first contact."""
    ws = await get_workspace(session, platform, external_id)
    if ws is None:
        ws = Workspace(platform=platform, external_id=external_id, name=name[:100], created_at=now)
        rearm_workspace(ws, now, timedelta(0))  # nothing is owed from before it existed
        session.add(ws)
        await session.flush()
    return ws


async def get_member(
    session: AsyncSession, workspace: Workspace, user_id: str, *, for_update: bool = False
) -> Member | None:
    stmt = _MEMBER_FOR_UPDATE if for_update else _MEMBER
    params = {"workspace_id": workspace.id, "user_id": user_id}
    return (await session.exec(stmt, params=params)).first()


async def resolve_member(session: AsyncSession, workspace: Workspace, ref: str) -> Member:
    """A member named by user id (adapters turn a platform's mention into its id), `@name` or
    display name (case-insensitive)."""
    key = ref.strip().removeprefix("@").strip()
    if not key:
        raise UserError("Name a member, e.g. `@alice`.")
    found = await get_member(session, workspace, key)
    if found is not None:
        return found
    stmt = select(Member).where(
        Member.workspace_id == workspace.id, func.lower(Member.display_name) == key.lower()
    )
    found = (await session.exec(stmt.order_by(col(Member.id)))).first()
    if found is None:
        raise UserError(f"No member called `{key}` has joined here.")
    return found


def member_timezone(member: Member, workspace: Workspace) -> str:
    return member.timezone or workspace.timezone


def member_today(member: Member, workspace: Workspace, now: datetime) -> date:
    """The member's current study day."""
    return study_day(now, member_timezone(member, workspace), workspace.rollover_hour)


async def forget_member(session: AsyncSession, member: Member) -> None:
    """Delete everything the member owns (the audit log of moderator actions stays)."""
    for table in (Submission, StudyLog, ActivityDay, Score, Practice, KaggleSubmission):
        await session.exec(delete(table).where(col(table.member_id) == member.id))
    await session.exec(
        delete(PostLedger).where(
            col(PostLedger.workspace_id) == member.workspace_id,
            col(PostLedger.kind) == "reminder",
            col(PostLedger.period).startswith(f"{member.id}/"),
        )
    )
    await session.delete(member)
