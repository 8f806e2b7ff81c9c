"""The console adapter: the same bot in a terminal, one command per line.

Lines starting with `/` are commands; `:as NAME`, `:advance 1d`, `:now` drive the session.
Piped, it prints plain text (or `--json`, one object per message); on a terminal, rich text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from bot.core import Core
from bot.edge.clock import Clock, SimulatedClock
from bot.edge.errors import UserError
from bot.edge.invocation import Invocation
from bot.edge.messages import Post, Reply, post_text, reply_text
from bot.rules.schedule import rearm_workspace
from bot.rules.timeutil import iso, parse_duration
from bot.scheduling.service import SchedulerService
from bot.services.members import ensure_workspace
from bot.store.models import ConsoleState
from commands import build_registry
from commands.dispatcher import Dispatcher, RateLimiter

log = logging.getLogger(__name__)
PLATFORM = "console"


@dataclass
class Printer:
    """Writes what the bot says: plain, JSON lines, or rich."""

    out: TextIO
    json_mode: bool
    rich: Console | None

    def emit(
        self,
        kind: str,
        text: str,
        *,
        at: datetime,
        channel: str | None,
        user: str | None,
        ephemeral: bool,
        title: str | None = None,
        error: bool = False,
        post_kind: str | None = None,
        key: str | None = None,
    ) -> None:
        if self.json_mode:
            record = {
                "kind": kind,
                "post_kind": post_kind,
                "key": key,
                "channel": channel,
                "user": user,
                "ephemeral": ephemeral,
                "text": text,
                "title": title,
                "at": iso(at),
                "error": error,
            }
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.rich is not None:
            where = {
                "reply": f"to {user}" + (" (only you)" if ephemeral else ""),
                "post": str(channel),
                "dm": f"DM to {user}",
            }.get(kind, kind)
            style = "red" if error else {"post": "cyan", "dm": "magenta"}.get(kind, "green")
            heading = f"**{title}**\n"
            body = Text(text.removeprefix(heading) if title else text)
            body.highlight_regex(r"`[^`]+`", "bold")
            header = f"studybot {where}" + (f" · [bold]{escape(title)}[/]" if title else "")
            self.rich.print(Panel(body, title=header, title_align="left", border_style=style))
        else:
            head = {
                "reply": f"[to {user}{', only you' if ephemeral else ''}]",
                "post": f"[{channel}]",
                "dm": f"[DM to {user}]",
            }.get(kind, f"[{kind}]")
            self.out.write(f"{head} {text}\n")
        self.out.flush()


class ConsolePoster:
    """The Poster port for the console: posts and DMs are printed as they are sent."""

    def __init__(self, printer: Printer, clock: Clock) -> None:
        self.printer = printer
        self.clock = clock

    async def send(self, workspace_external_id: str, post: Post) -> None:
        at = self.clock.now()
        kind = "dm" if post.is_dm else "post"
        self.printer.emit(
            kind,
            post_text(post),
            at=at,
            channel=post.channel,
            user=post.user,
            ephemeral=post.is_dm,
            title=post.title,
            post_kind=post.kind,
            key=post.key,
        )


class ConsoleSession:
    """One console workspace driven line by line, like errbot's test backend."""

    def __init__(
        self,
        core: Core,
        printer: Printer,
        *,
        moderators: Iterable[str],
        simulated: bool,
    ) -> None:
        self.core = core
        self.printer = printer
        self.moderators = {m.strip() for m in moderators if m.strip()}
        self.simulated = simulated
        self.user = next(iter(sorted(self.moderators)), "admin")
        self.poster = ConsolePoster(printer, core.clock)
        self.scheduler = core.scheduler(self.poster)
        self.election = core.election()
        # On the wall clock APScheduler sends the posts on time; on a simulated clock the
        # session runs what is due after each line and on `:advance`.
        self.service = (
            None
            if simulated or not core.settings.scheduler
            else SchedulerService(self.scheduler, self.election)
        )
        self.leader = False
        self.dispatcher = Dispatcher(
            core.db,
            build_registry(),
            self.poster,
            rate_limiter=RateLimiter(core.settings.rate_limit_per_minute),
            grace=core.settings.grace,
            on_rearm=self.service.notify if self.service is not None else None,
        )
        self.workspace = core.settings.console_workspace
        self._ws_id: int | None = None

    async def open(self) -> None:
        """Create the console workspace and resume the saved acting member and clock."""
        s = self.core.settings
        now = self.core.clock.now()
        async with self.core.db.unit_of_work() as session:
            ws = await ensure_workspace(session, PLATFORM, self.workspace, now, "console")
            if ws.post_channel is None:
                # A new console group: the channel and time zone from the settings.
                ws.post_channel = s.console_channel
                ws.timezone = s.console_timezone
                rearm_workspace(ws, now, s.grace)
                session.add(ws)
                await session.flush()
            assert ws.id is not None
            self._ws_id = ws.id
            state = await session.get(ConsoleState, ws.id)
            if state is not None:
                self.user = state.acting_user
                clock, resume = self.core.clock, state.simulated_now
                if (
                    isinstance(clock, SimulatedClock)
                    and resume is not None
                    and resume > clock.now()
                ):
                    # A restart on the same database carries on where the session stopped.
                    log.info("resuming the simulated clock at %s", iso(resume))
                    clock.set(resume)
        await self._start_scheduler()

    async def _start_scheduler(self) -> None:
        """Send what fell due while the console was closed (within the grace window)."""
        if not self.core.settings.scheduler:
            return
        if self.service is not None:
            await self.service.start()
            return
        self.leader = await self.election.acquire()
        if not self.leader:
            log.warning("another studybot process sends this database's scheduled posts")
            return
        await self.scheduler.recover(exclusive=True)
        await self.scheduler.arm_missing()
        await self.scheduler.run_due()

    async def close(self) -> None:
        if self.service is not None:
            await self.service.stop()
        else:
            await self.election.release()

    async def _save(self) -> None:
        assert self._ws_id is not None
        async with self.core.db.unit_of_work() as session:
            state = await session.get(ConsoleState, self._ws_id) or ConsoleState(
                workspace_id=self._ws_id, acting_user=self.user
            )
            state.acting_user = self.user
            state.simulated_now = self.core.clock.now() if self.simulated else None
            session.add(state)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.printer.emit(
            "reply",
            text,
            at=self.core.clock.now(),
            channel=self.core.settings.console_channel,
            user=self.user,
            ephemeral=True,
            error=error,
        )

    async def control(self, line: str) -> None:
        word, _, rest = line[1:].strip().partition(" ")
        rest = rest.strip()
        clock = self.core.clock
        if word == "as":
            if not rest or " " in rest or len(rest) > 64:
                self._say("Usage: `:as NAME` (one word).", error=True)
                return
            self.user = rest
            await self._save()
            self.printer.emit(
                "console",
                f"acting as {self.user}",
                at=clock.now(),
                channel=None,
                user=self.user,
                ephemeral=True,
            )
        elif word == "now":
            self.printer.emit(
                "clock", iso(clock.now()), at=clock.now(), channel=None, user=None, ephemeral=True
            )
        elif word == "advance":
            if not isinstance(clock, SimulatedClock):
                self._say(
                    "`:advance` needs a simulated clock: start with `--start 2026-03-06T00:00Z`.",
                    error=True,
                )
                return
            try:
                delta = parse_duration(rest)
            except UserError as exc:
                self._say(exc.message, error=True)
                return
            if self.leader:
                # Fire what falls due on the way, in time order, each at its own instant.
                await self.scheduler.run_until(clock, clock.now() + delta, self._save)
            else:
                clock.advance(delta)
            await self._save()
            self.printer.emit(
                "clock", iso(clock.now()), at=clock.now(), channel=None, user=None, ephemeral=True
            )
        else:
            self._say("Console controls: `:as NAME`, `:advance 1d|3h|90m`, `:now`.", error=True)

    async def command(self, line: str) -> Reply:
        inv = Invocation(
            platform=PLATFORM,
            workspace=self.workspace,
            channel=self.core.settings.console_channel,
            user_id=self.user,
            user_name=self.user,
            text=line,
            now=self.core.clock.now(),
            is_moderator=self.user in self.moderators,
            workspace_name="console",
        )
        outcome = await self.dispatcher.handle(inv)
        r = outcome.reply
        self.printer.emit(
            "reply",
            reply_text(r),
            at=inv.now,
            channel=inv.channel,
            user=self.user,
            ephemeral=r.ephemeral,
            title=r.title,
            error=r.error,
        )
        return r

    async def push(self, line: str) -> None:
        """One line of input, as typed."""
        line = line.strip()
        if not line or line.startswith("#"):
            return
        if line.startswith(":"):
            await self.control(line)
        else:
            await self.command(line)
            if self.leader:
                await self.scheduler.run_due()


async def run_console(
    core: Core, session: ConsoleSession, stdin: TextIO, interactive: bool
) -> None:
    await session.open()
    try:
        await _read_lines(session, stdin, interactive)
    finally:
        await session.close()


async def _read_lines(session: ConsoleSession, stdin: TextIO, interactive: bool) -> None:
    """Read off the event loop, so scheduled posts go out while the console waits."""
    if interactive and session.printer.rich is not None:
        session.printer.rich.print(
            "[bold]studybot console[/] — `/study help` for commands, "
            "`:as NAME` to switch member, Ctrl-D to quit."
        )
    while True:
        if interactive and session.printer.rich is not None:
            try:
                line = await asyncio.to_thread(
                    session.printer.rich.input, f"[bold]{session.user}[/]> "
                )
            except EOFError:
                break
        else:
            raw = await asyncio.to_thread(stdin.readline)
            if not raw:
                break
            line = raw
        await session.push(line)


def make_printer(json_mode: bool, interactive: bool, out: TextIO = sys.stdout) -> Printer:
    return Printer(out, json_mode, Console(file=out) if interactive and not json_mode else None)
