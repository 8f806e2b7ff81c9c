"""The console adapter: the same bot in a terminal, one line at a time.

Lines starting with `/` are commands. Controls drive the session: `:as NAME` (act as another
member), `:advance 1d` (a simulated clock), `:now`, `:click LABEL` (press a button shown
earlier, by its label or id) and `:form field=value …` (answer the form a reply opened).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from dataclasses import replace

from adapters.console.printer import ConsolePoster, Printer, Shown
from adapters.runtime import Drive, Runtime
from bot.edge import (
    LATEST,
    Action,
    Choice,
    Clock,
    CommandLine,
    Form,
    Invocation,
    Press,
    Reply,
    SimulatedClock,
    Submit,
    UserError,
    iso,
    parse_duration,
)
from bot.settings import Settings
from commands.dispatcher import Outcome
from commands.parsing import normalise_quotes, tokenize

log = logging.getLogger(__name__)
PLATFORM = "console"
NAME = re.compile(r"[\w.-]{1,64}")  # a console member's name (their user id)
CONTROLS = (
    "Console controls: `:as NAME`, `:advance 1d|3h|90m`, `:now`, `:click LABEL`, "
    "`:form field=value …`."
)


class ConsoleSession:
    """One console workspace driven line by line, like errbot's test backend."""

    def __init__(
        self,
        runtime: Runtime,
        poster: ConsolePoster,
        *,
        moderators: Iterable[str],
        simulated: bool,
    ) -> None:
        self.runtime = runtime
        self.poster = poster
        self.printer: Printer = poster.printer
        self.moderators = [m.strip() for m in moderators if m.strip()]
        self.simulated = simulated
        self.user = self.moderators[0] if self.moderators else "admin"  # the first one listed
        settings = runtime.settings
        self.workspace = settings.console_workspace
        self.channel = settings.console_channel
        self._ws_id: int | None = None
        self.last_reply: Shown | None = None  # with its choices or its form

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Clock,
        printer: Printer,
        *,
        moderators: Iterable[str],
        simulated: bool,
    ) -> ConsoleSession:
        """A session on its own runtime. On a simulated clock the session runs what is due
        after each line and on `:advance`; on the wall clock APScheduler sends on time."""
        printer.image_dir = settings.image_dir
        poster = ConsolePoster(printer, clock)
        drive: Drive = "manual" if simulated else "service"
        # One person at one keyboard: no per-member rate limit unless one is set.
        limited = "rate_limit_per_minute" in settings.model_fields_set
        runtime = Runtime.build(
            settings, clock, {PLATFORM: poster}, drive=drive, rate_limit=limited
        )
        return cls(runtime, poster, moderators=moderators, simulated=simulated)

    @property
    def clock(self) -> SimulatedClock | None:
        clock = self.runtime.clock
        return clock if isinstance(clock, SimulatedClock) else None

    async def open(self) -> None:
        """Create the console workspace, resume the saved acting member and clock, and start
        scheduling (what fell due while the console was closed goes out now)."""
        await self.runtime.start_core()
        resumed = await self.runtime.open_console(PLATFORM, self.workspace)
        self._ws_id = resumed.workspace_id
        if resumed.acting_user is not None:
            self.user = resumed.acting_user
        clock, at = self.clock, resumed.simulated_now
        if clock is not None and at is not None and at > clock.now():
            # A restart on the same database carries on where the session stopped.
            log.info("resuming the simulated clock at %s", iso(at))
            clock.set(at)
        await self.runtime.start_scheduling()

    async def close(self) -> None:
        await self.runtime.stop()

    async def _save(self) -> None:
        assert self._ws_id is not None
        now = self.runtime.clock.now() if self.simulated else None
        await self.runtime.save_console(self._ws_id, self.user, now)

    def refuse(self, text: str) -> None:
        """A friendly error reply to a line that could not be read."""
        self._note("reply", text, error=True)

    def _note(self, kind: str, text: str, *, error: bool = False) -> None:
        now = self.runtime.clock.now()
        if kind == "reply":
            self.printer.show(Shown("reply", text, now, self.channel, self.user, True, error=error))
        else:
            self.printer.show(Shown(kind, text, now, None, self.user, True))

    # -- controls ---------------------------------------------------------------------------

    async def control(self, line: str) -> None:
        word, _, rest = line[1:].strip().partition(" ")
        rest = rest.strip()
        if word == "as":
            if not NAME.fullmatch(rest):
                self._note(
                    "reply", "Usage: `:as NAME`: one word of letters, digits, `.`, `_` or `-`.",
                    error=True,
                )  # fmt: skip
                return
            self.user = rest
            await self._save()
            self._note("console", f"acting as {self.user}")
        elif word == "now":
            self._clock_line()
        elif word == "advance":
            await self._advance(rest)
        elif word == "click":
            await self._click(rest)
        elif word == "form":
            await self._form(rest)
        else:
            self._note("reply", CONTROLS, error=True)

    def _clock_line(self) -> None:
        now = self.runtime.clock.now()
        self.printer.show(Shown("clock", iso(now), now, None, None, True))

    async def _advance(self, rest: str) -> None:
        clock = self.clock
        if clock is None:
            self._note(
                "reply",
                "`:advance` needs a simulated clock: start with `--start 2026-03-06T00:00Z`.",
                error=True,
            )
            return
        try:
            delta = parse_duration(rest)
        except UserError as exc:
            self._note("reply", exc.message, error=True)
            return
        if clock.now() + delta >= LATEST:
            self._note("reply", "The simulated clock stops before the year 2200.", error=True)
            return
        if self.runtime.leader:
            # Fire what falls due on the way, in time order, each at its own instant.
            await self.runtime.scheduler.run_until(clock, clock.now() + delta, self._save)
        else:
            clock.advance(delta)
        await self._save()
        self._clock_line()

    def _find_choice(self, wanted: str) -> tuple[Choice, str | None] | None:
        """The button `wanted` names (its id, its label, or the label's first word as in `A`
        for `A) 1/4`): on the last reply first, then on recent posts, newest first."""
        ident, key = wanted.strip(), wanted.strip().casefold()
        messages = ([self.last_reply] if self.last_reply else []) + self.poster.shown[::-1]
        for m in messages:
            for c in m.choices:
                if c.id == ident or c.label.casefold() == key:
                    return c, m.message_id
            for c in m.choices:
                if c.label.casefold().split(")")[0] == key:
                    return c, m.message_id
        return None

    async def _click(self, rest: str) -> None:
        if not rest:
            self._note("reply", "Usage: `:click LABEL` (a button's label or id).", error=True)
            return
        found = self._find_choice(rest)
        if found is None:
            self._note("reply", f"No button `{rest[:60]}` is showing.", error=True)
            return
        choice, message = found
        await self.invoke(Press(choice.id, message))

    def _pending_form(self) -> Form | None:
        return self.last_reply.form if self.last_reply is not None else None

    async def _form(self, rest: str) -> None:
        form = self._pending_form()
        if form is None:
            self._note("reply", "No form is open. Buttons and some commands open one.", error=True)
            return
        if not rest and self.printer.rich is not None:
            fields = await self._ask(form)
        else:
            fields = {}
            for tok in tokenize(normalise_quotes(rest)):
                name, sep, value = tok.value.partition("=")
                if not sep or name not in {i.id for i in form.inputs}:
                    known = ", ".join(i.id for i in form.inputs)
                    self._note("reply", f"Usage: `:form field=value …` with {known}.", error=True)
                    return
                fields[name] = value.replace("\\n", "\n")  # a new line, typed on one line
        missing = [i.id for i in form.inputs if i.required and not fields.get(i.id, "").strip()]
        if missing:
            self._note("reply", f"The form needs {', '.join(missing)}.", error=True)
            return
        await self.invoke(Submit(form.id, fields))

    async def _ask(self, form: Form) -> dict[str, str]:
        """On a terminal, ask for each input in turn."""
        assert self.printer.rich is not None
        fields = {}
        for i in form.inputs:
            value = await asyncio.to_thread(self.printer.rich.input, f"{i.label}: ")
            if value:
                fields[i.id] = value.replace("\\n", "\n")
        return fields

    # -- commands ---------------------------------------------------------------------------

    async def invoke(self, action: Action) -> Reply:
        inv = Invocation(
            platform=PLATFORM,
            workspace=self.workspace,
            channel=self.channel,
            user_id=self.user,
            user_name=self.user,
            action=action,
            now=self.runtime.clock.now(),
            is_moderator=self.user in self.moderators,
            workspace_name="console",
        )
        r = await whole_reply(await self.runtime.dispatcher.handle(inv))
        shown = Shown.reply(r, inv, self.poster.message_id(), self.printer.save(r.image))
        self.printer.show(shown)
        if r.choices or r.form is not None:
            self.last_reply = shown
        elif not r.error:
            self.last_reply = None
        await self.runtime.run_due()
        return r

    async def command(self, line: str) -> Reply:
        return await self.invoke(CommandLine(line))

    async def push(self, line: str) -> None:
        """One line of input, as typed."""
        line = line.strip()
        if not line or line.startswith("#"):
            return
        if line.startswith(":"):
            await self.control(line)
        else:
            await self.command(line)


async def whole_reply(outcome: Outcome) -> Reply:
    """The reply with its picture: a terminal has no three-second rule, so it waits for it."""
    if outcome.later is None:
        return outcome.reply
    late = await outcome.later
    return replace(outcome.reply, image=late.image) if late is not None else outcome.reply
