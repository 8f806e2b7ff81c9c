"""The middleware chain every invocation goes through, whatever the platform.

resolve (a command line, a command with options, a button press or a form submission, all to a
spec and typed arguments) -> rate limit -> one unit of work (workspace, delivery dedupe, member,
permission, handler) -> commit -> send the posts the handler decided on. Bad input and
forbidden actions become a short friendly reply and roll everything back; nothing raises to the
user.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from bot.edge.actions import merge, parse_action
from bot.edge.errors import UserError, shorten_quotes
from bot.edge.invocation import Action, Command, CommandLine, Invocation, Press, Submit
from bot.edge.messages import Outbox, Post, Reply, strip_markers
from bot.edge.ports import Poster
from bot.edge.stored import reply_from_dict, reply_to_dict
from bot.pictures.renderer import Renderer
from bot.services.members import ensure_workspace, get_member
from bot.store.db import Database
from bot.store.models import ProcessedEvent, Workspace
from commands.context import DEFAULT_GRACE, Context
from commands.parsing import parse_args, parse_line, parse_options
from commands.registry import Registry
from commands.spec import CommandSpec

log = logging.getLogger(__name__)

RETRIES = 3
OOPS = "Something went wrong on my side and nothing was saved. Please try again in a moment."
STALE = "That button or form no longer works. `/study help` lists what you can do."


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
    # The reply's picture, when it was not drawn in time: a reply of its own, to send after.
    later: asyncio.Future[Reply | None] | None = None


def _error(message: str) -> Reply:
    """A friendly refusal; whatever it quotes of the input is cut to a short excerpt."""
    return Reply(body=shorten_quotes(message)[:1500], ephemeral=True, error=True)


_UNREADABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: no database stores them


def _text(value: str) -> str:
    """User text as the core takes it: mention markers gone; NUL or broken Unicode refused."""
    if _UNREADABLE.search(value):
        raise UserError("That text has characters I can't store (NUL or broken Unicode).")
    return strip_markers(value)


def _clean(options: Mapping[str, str]) -> dict[str, str]:
    return {_text(str(k)): _text(str(v)) for k, v in options.items()}


def resolve(registry: Registry, inv: Invocation) -> tuple[CommandSpec, dict[str, Any]]:
    """The spec an invocation runs and its typed arguments; UserError when it names none."""
    action = inv.action
    if isinstance(action, CommandLine):
        spec, tokens, text = parse_line(registry, _text(action.text))
        return spec, parse_args(spec, text, tokens)
    if isinstance(action, Command):
        found = registry.get(tuple(p.lower() for p in action.path))
        if found is None:
            raise UserError(f"I don't know `/{' '.join(action.path)[:60]}`. Try `/study help`.")
        return found, parse_options(found, _clean(action.options))
    ref = parse_action(action.choice_id if isinstance(action, Press) else action.form_id)
    target = registry.get(ref[0]) if ref is not None else None
    if ref is None or target is None:
        raise UserError(STALE)
    preset = _clean(ref[1])
    options = merge(preset, _clean(action.fields)) if isinstance(action, Submit) else preset
    return target, parse_options(target, options)


def target(registry: Registry, action: Action) -> CommandSpec | None:
    """The spec an action names, options left unread (None when it names none): for an
    adapter deciding before the answer (will it be public, does it need moderator rights)."""
    if isinstance(action, Command):
        return registry.get(tuple(p.lower() for p in action.path))
    if isinstance(action, CommandLine):
        try:
            return registry.find([w.lstrip("/") for w in action.text.split()[:4]])[0]
        except UserError:
            return None
    ref = parse_action(action.choice_id if isinstance(action, Press) else action.form_id)
    return registry.get(ref[0]) if ref is not None else None


def _with_notice(reply: Reply, notice: str) -> Reply:
    """A moderator's reply carrying the problem a scheduled post ran into (told once)."""
    return replace(reply, body=f"{reply.body}\n\n⚠️ {notice}".strip())


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
        renderer: Renderer | None = None,
        image_wait: float = 1.0,
    ) -> None:
        self.db = db
        self.registry = registry
        self.poster = poster
        self.rate_limiter = rate_limiter
        self.grace = grace
        # Called after a commit that changed due times (the scheduler re-reads them).
        self.on_rearm = on_rearm
        # None: no pictures in this process (STUDYBOT_IMAGES=false).
        self.renderer = renderer
        self.image_wait = image_wait

    async def handle(self, inv: Invocation) -> Outcome:
        try:
            spec, args = resolve(self.registry, inv)
        except UserError as exc:
            return Outcome(_error(exc.message))
        if self.rate_limiter is not None and not self.rate_limiter.allow(inv):
            return Outcome(_error("Easy there! Too many commands in a minute; try again shortly."))
        for attempt in range(1, RETRIES + 1):
            outbox = Outbox()
            try:
                reply = await self._run(inv, spec, args, outbox)
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
                log.exception("%s failed (delivery %s)", spec.name, inv.delivery_id)
                return Outcome(_error(OOPS))
            if outbox.rearmed and self.on_rearm is not None:
                self.on_rearm()
            sent = await self._send(inv, outbox.posts)
            if self.renderer is None or reply.picture is None:
                return Outcome(replace(reply, picture=None), tuple(sent))
            reply, later = await self.renderer.attach(reply, self.image_wait)
            return Outcome(reply, tuple(sent), later)
        raise AssertionError("unreachable")

    async def _run(
        self, inv: Invocation, spec: CommandSpec, args: dict[str, Any], outbox: Outbox
    ) -> Reply:
        """One unit of work: the reply of a delivery seen before, else the handler's."""
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
                    outbox.posts.clear()
                    return reply_from_dict(earlier.reply)
            member = await get_member(session, ws, inv.user_id, for_update=True)
            is_mod = (
                inv.is_moderator
                or (member is not None and member.is_moderator)
                or (ws.moderator_role is not None and ws.moderator_role in inv.roles)
            )
            if spec.moderator and not is_mod:
                raise UserError(f"Only moderators can use `/{spec.path[0]}`.")
            ctx = Context(
                session, inv, ws, member, is_mod, outbox, self.grace, self.renderer is not None
            )
            if spec.needs_member:
                ctx.require_member()
            reply = await spec.handler(ctx, args)
            if spec.public and reply.form is None and not reply.error:
                reply = replace(reply, ephemeral=False)
            reply = self._notice(ws, is_mod, reply)
            if inv.delivery_id and ws.id is not None:
                session.add(
                    ProcessedEvent(
                        workspace_id=ws.id,
                        delivery_id=inv.delivery_id,
                        reply=reply_to_dict(reply),
                        created_at=inv.now,
                    )
                )
        return reply

    @staticmethod
    def _notice(ws: Workspace, is_mod: bool, reply: Reply) -> Reply:
        if not is_mod or not ws.moderator_notice or reply.form is not None:
            return reply
        notice, ws.moderator_notice = ws.moderator_notice, None
        return _with_notice(reply, notice)

    async def _send(self, inv: Invocation, posts: list[Post]) -> list[Post]:
        sent = []
        for post in posts:
            try:
                await self.poster.send(inv.platform, inv.workspace, post)
                sent.append(post)
            except Exception:
                log.exception("could not send %s to %s", post.kind, post.channel or post.user)
        return sent
