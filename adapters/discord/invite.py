"""The OAuth2 URL that adds the bot to a server: scopes `bot` and `applications.commands`,
and exactly the permissions the bot uses."""

from __future__ import annotations

import discord

# What the bot does in a server: see the configured channel, post rounds and leaderboards
# there (embeds, and a file for a long puzzle input). Commands, buttons and modals need no
# permission; DMs need none either.
NEEDED = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=NEEDED, scopes=SCOPES)
