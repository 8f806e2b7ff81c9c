"""The middleware chain every command goes through, whatever the platform.

parse -> rate limit -> one unit of work (workspace, delivery dedupe, member, permission,
handler) -> commit -> send the posts the handler decided on. Bad input and forbidden actions
become a short friendly reply and roll everything back; nothing raises to the user.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from bot.edge.errors import UserError
from bot.edge.invocation import Invocation
from bot.edge.messages import Attachment, Choice, Field, Outbox, Post, Reply
from bot.edge.ports import Poster
from bot.services.members import ensure_workspace, get_member
from bot.store.db import Database
from bot.store.models import ProcessedEvent
from commands.context import DEFAULT_GRACE, Context
from commands.registry import Registry, parse_args, parse_line, parse_options

log = logging.getLogger(__name__)

RETRIES = 3
OOPS = "Something went wrong on my side and nothing was saved. Please try again in a moment."


@dataclass
class RateLimiter:
    """At most `per_minute` commands per member in any sliding minute (in memory)."""

    per_minute: int
    _seen: dict[tuple[str, str, str], deque[datetime]] = field(default_factory=dict)

    def allow(self, inv: Invocation) -> bool:
        key = (inv.platform, inv.workspace, inv.user_id)
        window = self._seen.setdefault(key, deque())
        cutoff = inv.now - timedelta(minutes=1)
        while window and window[0] <= cutoff:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(inv.now)
        return True


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Reply
    posts: tuple[Post, ...] = ()


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return asdict(reply)


def reply_from_dict(data: dict[str, Any]) -> Reply:
    return Reply(
        body=data["body"],
        title=data.get("title"),
        fields=tuple(Field(**f) for f in data.get("fields", ())),
        choices=tuple(Choice(**c) for c in data.get("choices", ())),
        attachment=Attachment(**data["attachment"]) if data.get("attachment") else None,
        ephemeral=data.get("ephemeral", True),
        error=data.get("error", False),
    )


def _error(message: str) -> Reply:
    return Reply(body=message, ephemeral=True, error=True)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        registry: Registry,
        poster: Poster,
        *,
        rate_limiter: RateLimiter | None = None,
        grace: timedelta = DEFAULT_GRACE,
        on_rearm: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.poster = poster
        self.rate_limiter = rate_limiter
        self.grace = grace
        # Called after a commit that changed due times (the scheduler re-reads them).
        self.on_rearm = on_rearm

    async def handle(self, inv: Invocation) -> Outcome:
        try:
            spec, tokens, text = parse_line(self.registry, inv.text)
            if inv.options is not None:
                args = parse_options(spec, inv.options)
            else:
                args = parse_args(spec, text, tokens)
        except UserError as exc:
            return Outcome(_error(exc.message))
        if self.rate_limiter is not None and not self.rate_limiter.allow(inv):
            return Outcome(_error("Easy there! Too many commands in a minute; try again shortly."))
        for attempt in range(1, RETRIES + 1):
            outbox = Outbox()
            try:
                async with self.db.unit_of_work() as session:
                    ws = await ensure_workspace(
                        session, inv.platform, inv.workspace, inv.now, inv.workspace_name
                    )
                    if inv.delivery_id:
                        seen = await session.exec(
                            select(ProcessedEvent).where(
                                ProcessedEvent.workspace_id == ws.id,
                                ProcessedEvent.delivery_id == inv.delivery_id,
                            )
                        )
                        earlier = seen.first()
                        if earlier is not None:
                            return Outcome(reply_from_dict(earlier.reply))
                    member = await get_member(session, ws, inv.user_id, for_update=True)
                    is_mod = inv.is_moderator or (member is not None and member.is_moderator)
                    if spec.moderator and not is_mod:
                        raise UserError(f"Only moderators can use `/{spec.path[0]}`.")
                    ctx = Context(
                        session, inv, ws, member, is_mod, outbox, self.registry, self.grace
                    )
                    if spec.needs_member:
                        ctx.require_member()
                    reply = await spec.handler(ctx, args)
                    if inv.delivery_id and ws.id is not None:
                        session.add(
                            ProcessedEvent(
                                workspace_id=ws.id,
                                delivery_id=inv.delivery_id,
                                reply=reply_to_dict(reply),
                                created_at=inv.now,
                            )
                        )
            except UserError as exc:
                return Outcome(_error(exc.message))
            except (IntegrityError, OperationalError) as exc:
                # A concurrent twin won a unique key, or the database was busy: run it again,
                # and the retry sees what the twin wrote.
                log.warning("%s: conflict on attempt %d: %s", spec.name, attempt, exc.orig)
                if attempt == RETRIES:
                    return Outcome(_error(OOPS))
                continue
            except Exception:
                log.exception("%s failed", spec.name)
                return Outcome(_error(OOPS))
            if outbox.rearmed and self.on_rearm is not None:
                self.on_rearm()
            sent = await self._send(inv.workspace, outbox.posts)
            return Outcome(reply, tuple(sent))
        raise AssertionError("unreachable")

    async def _send(self, workspace: str, posts: list[Post]) -> list[Post]:
        sent = []
        for post in posts:
            try:
                await self.poster.send(workspace, post)
                sent.append(post)
            except Exception:
                log.exception("could not send %s to %s", post.kind, post.channel or post.user)
        return sent
