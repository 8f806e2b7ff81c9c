"""`studybot run` on Discord, and `studybot discord invite-url`."""

from __future__ import annotations

import typer

from bot.edge import ConfigError, SystemClock
from bot.settings import Settings

discord_app = typer.Typer(help="Discord: the invite link.", no_args_is_help=True)


def run_discord_or_exit(settings: Settings) -> None:
    """Connect to Discord and run until stopped; a bad setting or a failed start is one line."""
    from adapters.cli import fail, run_async
    from adapters.discord.runner import run_discord
    from adapters.discord.settings import load_discord_settings

    try:
        discord_settings = load_discord_settings()
    except ConfigError as exc:
        raise fail(str(exc)) from None
    run_async(lambda: run_discord(settings, discord_settings, SystemClock()))


@discord_app.command("invite-url")
def invite_url_command(
    application_id: int | None = typer.Option(
        None, help="The application id (default: STUDYBOT_DISCORD_APPLICATION_ID, or the token's)."
    ),
) -> None:
    """Print the link that adds the bot to a server, with exactly the permissions it needs."""
    from adapters.cli import fail
    from adapters.discord.invite import invite_url
    from adapters.discord.settings import load_discord_settings

    if application_id is None:
        try:
            application_id = load_discord_settings().app_id()
        except ConfigError as exc:
            raise fail(f"{exc}; or pass --application-id") from None
    typer.echo(invite_url(application_id))
