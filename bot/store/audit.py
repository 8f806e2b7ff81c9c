"""The audit log of moderator actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import AuditLog


def audit(
    session: AsyncSession, workspace_id: int, actor: str, action: str, now: datetime, **detail: Any
) -> None:
    session.add(
        AuditLog(
            workspace_id=workspace_id, actor=actor, action=action, detail=detail, created_at=now
        )
    )
