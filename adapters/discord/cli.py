"""`studybot discord invite-url`."""

from __future__ import annotations

import typer

from adapters.exits import fail
from bot.edge import ConfigError

discord_app = typer.Typer(help="Discord: the invite link.", no_args_is_help=True)


@discord_app.command("invite-url")
def invite_url_command(
    application_id: int | None = typer.Option(
        None, help="The application id (default: STUDYBOT_DISCORD_APPLICATION_ID, or the token's)."
    ),
) -> None:
    """Print the link that adds the bot to a server, with exactly the permissions it needs."""
    from adapters.discord.invite import invite_url
    from adapters.discord.settings import load_discord_settings

    if application_id is None:
        try:
            application_id = load_discord_settings().app_id()
        except ConfigError as exc:
            raise fail(f"{exc}; or pass --application-id") from None
    typer.echo(invite_url(application_id))
