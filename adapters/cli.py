"""The `studybot` command: run, console, db, content."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from adapters.discord.cli import discord_app
from adapters.exits import fail
from bot.catalog.bank import load_bank
from bot.catalog.generators import GENERATORS
from bot.edge.clock import Clock, SimulatedClock, SystemClock, parse_instant
from bot.edge.errors import ConfigError, UserError
from bot.rules.tracks import TRACKS
from bot.settings import Settings, configure_logging, load_settings
from bot.store.db import Database

app = typer.Typer(help="studybot: a study-group bot for future ML engineers.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
content_app = typer.Typer(help="The challenge bank.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(discord_app, name="discord")

T = TypeVar("T")
ContentDir = Annotated[
    Path | None, typer.Option(help="Content folder (default: STUDYBOT_CONTENT_DIR).")
]


# Options that stand for a setting: an error in the value names the option the user typed.
OPTION_FOR = {"STUDYBOT_DATABASE_URL": "--db", "STUDYBOT_CONSOLE_TIMEZONE": "--timezone"}


def settings_or_exit(*, quiet: bool = False, **overrides: object) -> Settings:
    """Settings from the environment and the options given. `quiet`: log at WARNING unless
    STUDYBOT_LOG_LEVEL says otherwise (the console: no log lines between the messages)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = load_settings(**given)
    except ConfigError as exc:
        message = str(exc)
        for var, option in OPTION_FOR.items():
            key = var.removeprefix("STUDYBOT_").lower()
            if key in given and var in message:
                message = message.replace(f"invalid setting {var}", f"invalid {option}")
        raise fail(message) from None
    explicit = "log_level" in settings.model_fields_set
    configure_logging(settings.log_level if explicit or not quiet else "WARNING")
    return settings


def run_async(factory: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(factory())  # type: ignore[arg-type]
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except Exception as exc:
        # Start-up problems (an unreachable database, a driver refusing an option) are one
        # line for the user; the traceback is there with STUDYBOT_LOG_LEVEL=DEBUG.
        logging.getLogger(__name__).debug("start-up failed", exc_info=True)
        cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
        first = (str(cause).strip().splitlines() or [""])[0]
        raise fail(f"{type(cause).__name__}: {first}") from None


def _console(settings: Settings, start: str | None, moderators: str, json_mode: bool) -> None:
    from adapters.console import GOODBYE, ConsoleSession, make_printer, run_console

    try:
        clock: Clock = SimulatedClock(parse_instant(start)) if start else SystemClock()
    except UserError as exc:
        raise fail(f"--start: {exc.message}") from None
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    printer = make_printer(json_mode, interactive)

    async def main() -> None:
        session = ConsoleSession.build(
            settings, clock, printer, moderators=moderators.split(","), simulated=start is not None
        )
        await run_console(session, sys.stdin.buffer, interactive)

    try:
        run_async(main)
    except KeyboardInterrupt:
        typer.echo(f"\n{GOODBYE}", err=not interactive)


def _platforms(settings: Settings, names: list[str]) -> None:
    """Run the configured platform adapters in one process, on one runtime, until stopped; a
    bad setting or a failed start is one line."""
    from adapters.runtime import Runtime
    from adapters.serve import Adapter, serve_until_signalled

    adapters: list[Adapter] = []
    try:
        if "discord" in names:
            from adapters.discord.runner import DiscordAdapter
            from adapters.discord.settings import load_discord_settings

            adapters.append(DiscordAdapter(load_discord_settings()))
        if "slack" in names:
            from adapters.slack.runner import SlackAdapter
            from adapters.slack.settings import load_slack_settings

            adapters.append(SlackAdapter(load_slack_settings()))
    except ConfigError as exc:
        raise fail(str(exc)) from None

    async def main() -> None:
        posters = {a.name: a.poster for a in adapters}
        runtime = Runtime.build(settings, SystemClock(), posters)
        await serve_until_signalled(runtime, adapters)

    run_async(main)


@app.command()
def run() -> None:
    """Start the bot: the platform adapters whose credentials are set, else the console."""
    from adapters.platforms import configured_platforms

    platforms = {p.name: p for p in configured_platforms()}
    settings = settings_or_exit(quiet=not platforms)
    if platforms:
        _platforms(settings, list(platforms))
        return
    _console(settings, None, "admin", False)


@app.command()
def console(
    start: Annotated[
        str | None, typer.Option(help="Run on a simulated clock from this ISO 8601 instant.")
    ] = None,
    moderators: Annotated[
        str, typer.Option(help="Comma-separated console users who are moderators.")
    ] = "admin",
    db: Annotated[
        str | None, typer.Option(help="Database URL (default: STUDYBOT_DATABASE_URL).")
    ] = None,
    json_mode: Annotated[
        bool, typer.Option("--json", help="One JSON object per line per message.")
    ] = False,
    timezone: Annotated[
        str | None,
        typer.Option(help="Time zone of a new console group (default: STUDYBOT_CONSOLE_TIMEZONE)."),
    ] = None,
) -> None:
    """The bot in this terminal: one command per line from standard input."""
    overrides: dict[str, object] = {"database_url": db}
    if timezone is not None:
        overrides["console_timezone"] = timezone
    _console(settings_or_exit(quiet=True, **overrides), start, moderators, json_mode)


def _db_call(action: Callable[[Database], Awaitable[str]]) -> None:
    settings = settings_or_exit()

    async def main() -> str:
        db = Database.from_url(settings.database_url)
        try:
            return await action(db)
        finally:
            await db.dispose()

    typer.echo(run_async(main))


@db_app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations (up to head by default)."""

    async def act(db: Database) -> str:
        await db.upgrade(revision)
        return f"database at {await db.current_revision()}"

    _db_call(act)


@db_app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, or -1.")] = "-1",
) -> None:
    """Revert migrations (one step by default; `base` empties the schema)."""

    async def act(db: Database) -> str:
        await db.downgrade(revision)
        return f"database at {await db.current_revision() or 'base'}"

    _db_call(act)


@db_app.command()
def current() -> None:
    """Print the applied revision and the newest one."""

    async def act(db: Database) -> str:
        return (
            f"current: {await db.current_revision() or 'base (empty)'}; head: {db.head_revision()}"
        )

    _db_call(act)


@content_app.command()
def check(
    path: ContentDir = None,
) -> None:
    """Validate the challenge bank and print counts per track and kind."""
    settings = settings_or_exit()
    bank = load_bank(path or settings.content_dir)
    counts = bank.counts()
    kinds = sorted({k for c in counts.values() for k in c})
    width = max(len(t) for t in TRACKS)
    typer.echo(f"{'track':<{width}}  " + "  ".join(f"{k:>7}" for k in kinds) + "    total")
    for track in TRACKS:
        row = counts[track]
        typer.echo(
            f"{track:<{width}}  "
            + "  ".join(f"{row[k]:>7}" for k in kinds)
            + f"  {sum(row.values()):>7}"
        )
    total = sum(sum(c.values()) for c in counts.values())
    typer.echo(
        f"{'all':<{width}}  "
        + "  ".join(f"{sum(c[k] for c in counts.values()):>7}" for k in kinds)
        + f"  {total:>7}"
    )
    gens = Counter((g.track, g.kind) for g in GENERATORS.values())
    typer.echo("\ngenerators (a personal instance for each member):")
    typer.echo(f"{'track':<{width}}   puzzle  numeric    total")
    for track in TRACKS:
        p, n = gens[(track, "puzzle")], gens[(track, "numeric")]
        if p or n:
            typer.echo(f"{track:<{width}}  {p:>7}  {n:>7}  {p + n:>7}")
    puzzles = sum(n for (_, k), n in gens.items() if k == "puzzle")
    typer.echo(
        f"{'all':<{width}}  {puzzles:>7}  {len(GENERATORS) - puzzles:>7}  {len(GENERATORS):>7}"
    )
    typer.echo("\nmcqs whose right option is strictly the longest (at most 35 % per track):")
    for track, (hits, mcqs) in bank.longest_option_share().items():
        share = f"{100 * hits / mcqs:.0f} %" if mcqs else "-"
        typer.echo(f"{track:<{width}}  {hits:>3} of {mcqs:<3}  {share:>5}")
    for err in bank.errors:
        typer.echo(f"error: {err}", err=True)
    if bank.errors:
        raise typer.Exit(1)
    typer.echo(
        f"ok: {total} challenges and {len(GENERATORS)} generators "
        f"({total + len(GENERATORS)} in all), no errors"
    )


@content_app.command()
def show(
    challenge_id: Annotated[str, typer.Argument(help="A challenge or generator id.")],
    seed: Annotated[
        int, typer.Option(help="For a generator: the seed of the instance to show.")
    ] = 0,
    answer: Annotated[
        bool, typer.Option("--answer", help="Also print the answer and explanation.")
    ] = False,
    path: ContentDir = None,
) -> None:
    """Render one challenge as a member sees it (a generator: the instance for --seed)."""
    from datetime import UTC, datetime

    from bot.catalog.generators import generate
    from bot.catalog.questions import generator_rows, personal_question
    from bot.catalog.texts import challenge_text, reveal_text, title_tail
    from bot.services.kaggle import task_text

    settings = settings_or_exit()
    bank = load_bank(path or settings.content_dir)
    now = datetime.now(UTC)
    rows = {s.id: s.to_row(now) for s in bank.challenges}
    rows.update({r.id: r for r in generator_rows(now)})
    row = rows.get(challenge_id.strip().lower())
    if row is None:
        raise fail(f"no challenge or generator `{challenge_id}`; see `studybot content check`")
    if not 0 <= seed < 2**64:
        raise fail("--seed: a whole number from 0 to 2^64 - 1")
    instance = generate(row.id, seed) if row.id in GENERATORS else None
    typer.echo(f"**{row.id}{title_tail(row)}**")
    if row.kind == "kaggle":
        typer.echo(task_text(row))
        if answer:
            typer.echo(f"\n{row.explanation.strip()}")
        return
    mine = personal_question(instance) if instance is not None else None
    typer.echo(challenge_text(row, mine.text if mine else None))
    if mine is not None and mine.attachment is not None:
        typer.echo(f"--- {mine.attachment.filename} ---\n{mine.attachment.content}")
    if answer:
        typer.echo(f"\n{reveal_text(row, instance)}")


def main() -> None:
    app()
