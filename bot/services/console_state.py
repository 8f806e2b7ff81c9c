"""The console's own workspace: created with its channel and time zone, and the acting member
and simulated clock saved so that a restart resumes exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.rules.schedule import rearm_workspace
from bot.services.members import ensure_workspace
from bot.store.db import Database
from bot.store.edge_models import ConsoleState


@dataclass(frozen=True, slots=True)
class Resumed:
    workspace_id: int
    acting_user: str | None
    simulated_now: datetime | None


async def open_console(
    db: Database,
    platform: str,
    external_id: str,
    channel: str,
    timezone: str,
    now: datetime,
    grace: timedelta,
) -> Resumed:
    """The console workspace (a new one gets `channel` and `timezone`) and its saved state."""
    async with db.unit_of_work() as session:
        ws = await ensure_workspace(session, platform, external_id, now, "console")
        if ws.post_channel is None:
            ws.post_channel = channel
            ws.timezone = timezone
            rearm_workspace(ws, now, grace)
            session.add(ws)
            await session.flush()
        assert ws.id is not None
        state = await session.get(ConsoleState, ws.id)
        if state is None:
            return Resumed(ws.id, None, None)
        return Resumed(ws.id, state.acting_user, state.simulated_now)


async def save_console(
    db: Database, workspace_id: int, acting_user: str, simulated_now: datetime | None
) -> None:
    async with db.unit_of_work() as session:
        state = await session.get(ConsoleState, workspace_id) or ConsoleState(
            workspace_id=workspace_id, acting_user=acting_user
        )
        state.acting_user = acting_user
        state.simulated_now = simulated_now
        session.add(state)
