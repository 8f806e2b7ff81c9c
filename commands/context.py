"""What a handler gets: one unit of work, the caller, and a place to put posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.edge.errors import NotAMemberError
from bot.edge.invocation import Invocation
from bot.edge.messages import Outbox, Post
from bot.rules.schedule import rearm_member, rearm_workspace
from bot.services.members import member_today
from bot.store.models import Member, Workspace

DEFAULT_GRACE = timedelta(hours=6)


@dataclass
class Context:
    session: AsyncSession
    invocation: Invocation
    workspace: Workspace
    member: Member | None
    is_moderator: bool
    outbox: Outbox
    grace: timedelta = DEFAULT_GRACE
    images: bool = True  # pictures are on in this process

    @property
    def pictures(self) -> bool:
        """Whether replies here carry pictures (this process's setting and the group's)."""
        return self.images and self.workspace.images

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

    def rearm_workspace(self) -> None:
        """The group's schedule settings changed: derive its due times again."""
        rearm_workspace(self.workspace, self.now, self.grace)
        self.session.add(self.workspace)
        self.outbox.rearmed = True

    def rearm_member(self, member: Member) -> None:
        """A member's reminder time or time zone changed: derive their next reminder."""
        rearm_member(member, self.workspace, self.now)
        self.session.add(member)
        self.outbox.rearmed = True
