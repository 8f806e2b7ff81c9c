"""The one wiring place: Settings in; database, challenge bank, command dispatcher, scheduler and
one Poster per platform out. Every adapter (the console, and each chat platform) starts the bot
through a Runtime, so they all run the same core the same way.

    runtime = Runtime.build(settings, clock, {"console": poster})
    await runtime.start()          # migrate, load the bank, start scheduling
    outcome = await runtime.dispatcher.handle(invocation)
    await runtime.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select as sa_select

from bot.core import Core
from bot.edge.clock import Clock
from bot.edge.messages import Post
from bot.edge.ports import Poster, SentRef
from bot.pictures.renderer import Renderer
from bot.scheduling.election import Election, election_for
from bot.scheduling.ledger import TickReport
from bot.scheduling.scheduler import Scheduler
from bot.scheduling.service import SchedulerService
from bot.services import workspaces
from bot.services.console_state import Resumed, open_console, save_console
from bot.settings import Settings
from bot.store.db import Database
from commands import build_registry
from commands.dispatcher import Dispatcher, RateLimiter
from commands.suggest import Suggester, Suggestion

log = logging.getLogger(__name__)

# How scheduled posts are driven: by APScheduler on the wall clock, step by step by the caller
# (the console's simulated clock, tests), or not at all in this process.
Drive = Literal["service", "manual", "off"]


class NoPosterError(RuntimeError):
    """A post for a platform this process does not run (retried: another process may)."""


class PlatformPosters:
    """The Poster the core sees: each post goes to its workspace's platform's Poster, with its
    picture drawn first (or dropped, when this process draws none)."""

    def __init__(self, posters: Mapping[str, Poster], renderer: Renderer | None = None) -> None:
        self.posters = dict(posters)
        self.renderer = renderer

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        poster = self.posters.get(platform)
        if poster is None:
            raise NoPosterError(f"this process runs no {platform} adapter")
        if post.picture is not None:
            if self.renderer is None:
                post = replace(post, picture=None)
            else:
                post = await self.renderer.drawn_post(post)
        return await poster.send(platform, workspace, post)


@dataclass
class Runtime:
    settings: Settings
    core: Core
    posters: PlatformPosters
    dispatcher: Dispatcher
    scheduler: Scheduler
    election: Election
    drive: Drive
    suggester: Suggester
    service: SchedulerService | None = None
    leader: bool = False

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Clock,
        posters: Mapping[str, Poster],
        *,
        drive: Drive = "service",
        rate_limit: bool = True,
        db: Database | None = None,
    ) -> Runtime:
        core = Core.build(settings, clock, db)
        renderer = Renderer(settings.image_workers) if settings.images else None
        routed = PlatformPosters(posters, renderer)
        scheduler = Scheduler(core.db, clock, routed, grace=settings.grace, renderer=renderer)
        election = election_for(core.db, settings.database_url)
        if not settings.scheduler:
            drive = "off"
        service = SchedulerService(scheduler, election) if drive == "service" else None
        registry = build_registry()
        dispatcher = Dispatcher(
            core.db,
            registry,
            routed,
            rate_limiter=RateLimiter(settings.rate_limit_per_minute) if rate_limit else None,
            grace=settings.grace,
            on_rearm=service.notify if service is not None else None,
            renderer=renderer,
            image_wait=settings.image_wait,
        )
        suggester = Suggester(core.db, registry)
        return cls(
            settings, core, routed, dispatcher, scheduler, election, drive, suggester, service
        )

    @property
    def renderer(self) -> Renderer | None:
        return self.dispatcher.renderer

    async def start(self) -> None:
        """Migrate, load the bank, start the picture workers and scheduled posts."""
        await self.start_core()
        await self.start_scheduling()

    async def start_core(self) -> None:
        """Migrate and load the bank; the picture workers start warming up."""
        await self.core.start()
        if self.renderer is not None:
            self.renderer.start()

    async def start_scheduling(self) -> None:
        """Start sending scheduled posts: what fell due while the bot was down goes out now,
        within the grace window."""
        if self.drive == "service":
            assert self.service is not None
            await self.service.start()
        elif self.drive == "manual":
            self.leader = await self.election.acquire()
            if not self.leader:
                log.warning("another studybot process sends this database's scheduled posts")
                return
            await self.scheduler.recover(exclusive=True)
            await self.scheduler.arm_missing()
            await self.scheduler.run_due()

    async def open_console(self, platform: str, external_id: str) -> Resumed:
        """The console's workspace and its saved state (the console adapter's one need of the
        store)."""
        s = self.settings
        now = self.clock.now()
        channel, tz = s.console_channel, s.console_timezone
        return await open_console(self.core.db, platform, external_id, channel, tz, now, s.grace)

    async def save_console(
        self, workspace_id: int, acting_user: str, simulated_now: datetime | None
    ) -> None:
        await save_console(self.core.db, workspace_id, acting_user, simulated_now)

    # -- what platform adapters need of the store ------------------------------------------

    async def workspace_joined(self, platform: str, external_id: str, name: str = "") -> None:
        """The bot is in this workspace (first contact, or added back after a removal)."""
        async with self.core.db.unit_of_work() as session:
            await workspaces.joined(session, platform, external_id, name, self.clock.now())
        if self.service is not None:
            self.service.notify()

    async def workspace_left(self, platform: str, external_id: str) -> None:
        """The bot was removed from this workspace: its posts stop, its data stays."""
        async with self.core.db.unit_of_work() as session:
            await workspaces.left(session, platform, external_id, self.clock.now())

    async def suggest(
        self, platform: str, workspace: str, path: tuple[str, ...], name: str, typed: str
    ) -> list[Suggestion]:
        return await self.suggester.suggest(platform, workspace, path, name, typed)

    async def state(self, key: str) -> str | None:
        """A fact an adapter kept from an earlier run (the hash of its synced commands)."""
        async with self.core.db.unit_of_work() as session:
            return await workspaces.get_state(session, key)

    async def keep_state(self, key: str, value: str) -> None:
        async with self.core.db.unit_of_work() as session:
            await workspaces.set_state(session, key, value, self.clock.now())

    async def save_installation(
        self, platform: str, team_id: str, enterprise_id: str | None, data: dict[str, Any]
    ) -> None:
        """An OAuth install: kept for every process; the workspace is joined (again)."""
        async with self.core.db.unit_of_work() as session:
            now = self.clock.now()
            await workspaces.save_installation(session, platform, team_id, enterprise_id, data, now)
            await workspaces.joined(session, platform, team_id, "", now)

    async def installation(self, platform: str, team_id: str) -> dict[str, Any] | None:
        async with self.core.db.unit_of_work() as session:
            return await workspaces.find_installation(session, platform, team_id)

    async def forget_installation(self, platform: str, team_id: str) -> None:
        async with self.core.db.unit_of_work() as session:
            await workspaces.delete_installation(session, platform, team_id)

    async def healthy(self) -> bool:
        """The database answers."""
        try:
            async with self.core.db.unit_of_work() as session:
                await session.exec(sa_select(1))  # type: ignore[call-overload]
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return False
        return True

    async def run_due(self) -> TickReport:
        """Manual drive: send what is due at the clock's now (nothing unless elected)."""
        if self.drive != "manual" or not self.leader:
            return TickReport()
        return await self.scheduler.run_due()

    async def stop(self) -> None:
        try:
            if self.service is not None:
                await self.service.stop()
            else:
                await self.election.release()
        finally:
            if self.renderer is not None:
                await self.renderer.close()
            await self.core.stop()
