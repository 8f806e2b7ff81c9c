"""The Discord adapter: discord.py 2.x around the platform-neutral core.

settings (what to connect to), tree (the registry as Discord application commands),
render (Replies and Posts as embeds, buttons, modals and files), poster (scheduled posts and
DMs through the Poster port), interactions (an interaction to an Invocation and back within
three seconds), sync (push the command tree only when it changed), client (the discord.py
client and its events), invite (the OAuth2 URL), runner (start, run, stop on a signal).
"""
