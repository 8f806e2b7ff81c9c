"""Scheduled posts and DMs through the Poster port.

Each scheduled post carries a nonce made from its ledger key, and discord.py sends it with
`enforce_nonce`, so a resend after a crash shows once. Discord's refusals map onto the port:
no access, no permission, closed DMs, an unknown channel or a refused payload are permanent
(recorded on the ledger row and told to the moderators once, never retried: Discord bans an IP
that keeps making invalid requests); a long rate limit is a RetryAfter; a 5xx answer (after
discord.py's own retries) is transient and retried within the scheduler's plan. Sends are
paced under Discord's global 50 requests per second.
"""

from __future__ import annotations

import hashlib
import logging

import discord

from adapters.discord.render import render_post, to_discord
from adapters.pacing import Pacer
from bot.edge import PermanentSendError, Post, RetryAfter, SentRef

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord's nonce is at most 25 characters
REFUSALS = {
    50001: "the bot cannot see that channel (Missing Access)",
    50013: "the bot lacks permission to post there (Missing Permissions)",
    50007: "the member does not accept DMs from the bot",
    10003: "that channel no longer exists",
    10013: "that member is no longer on Discord",
}


def nonce_for(workspace: str, key: str) -> str:
    """A post's nonce: the same for every resend of one ledger row, unique across guilds."""
    return hashlib.blake2b(f"{workspace}:{key}".encode(), digest_size=12).hexdigest()[:NONCE_MAX]


def refusal(exc: discord.HTTPException, target: str) -> PermanentSendError | None:
    """The permanent error a Discord refusal stands for, or None when retrying may help."""
    if isinstance(exc, discord.DiscordServerError):
        return None
    reason = REFUSALS.get(exc.code)
    if reason is None and exc.status in (401, 403, 404):
        reason = f"Discord refused the post ({exc.status}: {exc.text[:120]})"
    if reason is None and exc.status == 400:
        reason = f"Discord refused the message as malformed ({exc.code}: {exc.text[:120]})"
    return PermanentSendError(f"{target}: {reason}") if reason else None


def _retry_after(exc: discord.HTTPException, default: float = 60.0) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", default))
    except (TypeError, ValueError):
        return default


class DiscordPoster:
    def __init__(self, client: discord.Client, rate: float) -> None:
        self.client = client
        self.pacer = Pacer(rate)

    async def _target(self, post: Post) -> discord.abc.Messageable:
        if post.user is not None:
            if not post.user.isdigit():
                raise PermanentSendError(f"not a Discord member id: {post.user[:40]}")
            cached = self.client.get_user(int(post.user))
            if cached is not None and cached.dm_channel is not None:
                return cached.dm_channel
            return await self.client.create_dm(discord.Object(int(post.user)))
        if post.channel is None or not post.channel.isdigit():
            raise PermanentSendError(
                "no Discord channel is set: `/studymod config channel` picks one"
            )
        return self.client.get_partial_messageable(int(post.channel))

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        where = "a DM" if post.user is not None else f"<#{post.channel}>"
        kwargs = to_discord(render_post(post))
        mentions = (
            discord.AllowedMentions(users=[discord.Object(int(post.user))])
            if post.user is not None and post.user.isdigit()
            else discord.AllowedMentions.none()
        )
        await self.pacer.wait()
        try:
            channel = await self._target(post)
            if post.key:
                kwargs["nonce"] = nonce_for(workspace, post.key)
            message = await channel.send(allowed_mentions=mentions, **kwargs)
        except discord.RateLimited as exc:
            raise RetryAfter(exc.retry_after, "Discord rate limit") from exc
        except discord.HTTPException as exc:
            if exc.status == 429:  # not Discord's own answer (a proxy's, or Cloudflare's)
                raise RetryAfter(_retry_after(exc), "rate limited before Discord") from exc
            permanent = refusal(exc, where)
            if permanent is not None:
                log.warning("%s in guild %s: %s", post.kind, workspace, permanent.reason)
                raise permanent from exc
            raise
        return SentRef(str(message.id), str(message.channel.id))
