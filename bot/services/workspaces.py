"""A workspace's life on a platform (the bot added, removed, added again) and the small facts
adapters keep between runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.schedule import rearm_member, rearm_workspace
from bot.services.members import ensure_workspace, get_workspace
from bot.store.edge_models import AdapterState, Installation
from bot.store.models import Member, Workspace


async def joined(
    session: AsyncSession, platform: str, external_id: str, name: str, now: datetime
) -> Workspace:
    """The bot is in the workspace: created on first contact; back after a removal, its
    schedule starts again from now (nothing owed from the time it was away)."""
    ws = await ensure_workspace(session, platform, external_id, now, name)
    if name and ws.name != name[:100]:
        ws.name = name[:100]
    if ws.left_at is not None:
        ws.left_at = None
        rearm_workspace(ws, now, timedelta(0))
        members = await session.exec(select(Member).where(Member.workspace_id == ws.id))
        for member in members.all():
            rearm_member(member, ws, now)
            session.add(member)
    session.add(ws)
    return ws


async def left(session: AsyncSession, platform: str, external_id: str, now: datetime) -> bool:
    """The bot was removed: nothing more is posted there; every row stays. False when the
    workspace was never seen."""
    ws = await get_workspace(session, platform, external_id)
    if ws is None:
        return False
    if ws.left_at is None:
        ws.left_at = now
        session.add(ws)
    return True


async def get_state(session: AsyncSession, key: str) -> str | None:
    row = await session.get(AdapterState, key)
    return row.value if row is not None else None


async def set_state(session: AsyncSession, key: str, value: str, now: datetime) -> None:
    row = await session.get(AdapterState, key)
    if row is None:
        session.add(AdapterState(key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
        session.add(row)


async def save_installation(
    session: AsyncSession,
    platform: str,
    team_id: str,
    enterprise_id: str | None,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Keep (or replace) a workspace's installation; the workspace is joined again."""
    found = (
        await session.exec(
            select(Installation).where(
                Installation.platform == platform, Installation.team_id == team_id
            )
        )
    ).first()
    if found is None:
        found = Installation(platform=platform, team_id=team_id, data=data, installed_at=now)
    found.enterprise_id, found.data, found.installed_at = enterprise_id, data, now
    session.add(found)


async def find_installation(
    session: AsyncSession, platform: str, team_id: str
) -> dict[str, Any] | None:
    found = (
        await session.exec(
            select(Installation).where(
                Installation.platform == platform, Installation.team_id == team_id
            )
        )
    ).first()
    return dict(found.data) if found is not None else None


async def delete_installation(session: AsyncSession, platform: str, team_id: str) -> None:
    await session.exec(
        delete(Installation).where(
            col(Installation.platform) == platform, col(Installation.team_id) == team_id
        )
    )
