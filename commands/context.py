"""What a handler gets: one unit of work, the caller, and a place to put posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import NotAMemberError
from bot.invocation import Invocation
from bot.members import member_today
from bot.messages import Outbox, Post
from bot.models import Member, Workspace
from commands.registry import Registry


@dataclass
class Context:
    session: AsyncSession
    invocation: Invocation
    workspace: Workspace
    member: Member | None
    is_moderator: bool
    outbox: Outbox
    registry: Registry

    @property
    def now(self) -> datetime:
        return self.invocation.now

    @property
    def actor(self) -> str:
        return self.invocation.user_id

    @property
    def ws_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    def require_member(self) -> Member:
        if self.member is None:
            raise NotAMemberError()
        return self.member

    def today(self, member: Member) -> date:
        return member_today(member, self.workspace, self.now)

    def post(self, post: Post) -> None:
        self.outbox.add(post)
