"""Tables of the edge: what adapters keep between runs, platform installations, and the
console's session. The domain's tables are in bot/store/models.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.store.models import ts_field


class AdapterState(SQLModel, table=True):
    """A fact an adapter keeps between runs, by key (the hash of the command tree it synced)."""

    __tablename__ = "adapter_state"

    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(max_length=2000)
    updated_at: datetime = ts_field()


class Installation(SQLModel, table=True):
    """An app installed in a workspace by a platform's OAuth flow (a Slack team's bot token
    and the rest of what the flow returned), so every process can answer that workspace."""

    __tablename__ = "installation"
    __table_args__ = (sa.UniqueConstraint("platform", "team_id", name="uq_installation_team"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    team_id: str = Field(max_length=64)
    enterprise_id: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = Field(sa_type=sa.JSON)
    installed_at: datetime = ts_field()


class ConsoleState(SQLModel, table=True):
    """The console's simulated clock and acting member, so a restart resumes exactly."""

    __tablename__ = "console_state"

    workspace_id: int = Field(
        sa_column_args=[sa.ForeignKey("workspace.id", ondelete="CASCADE")], primary_key=True
    )
    acting_user: str = Field(max_length=64)
    simulated_now: datetime | None = ts_field(nullable=True)
