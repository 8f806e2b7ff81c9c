"""Scheduled posts and DMs through the Poster port, with the Web API.

Each scheduled post carries its ledger key in message metadata (`studybot_post`). A send the
scheduler took back after a crash (`post.resend`) is looked for in the channel's recent history
first: found, it is recorded sent instead of posted again. Slack's refusals (`not_in_channel`,
`channel_not_found`, closed DMs, revoked tokens) are permanent: recorded, told to the
moderators once, never retried. A 429 that slack-sdk's retry handler could not wait out is a
RetryAfter; other failures are transient. Posts to one channel go out about one a second.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.limits import cut
from adapters.pacing import ChannelPacers
from adapters.slack.blocks import Message, render_post
from bot.edge import Attachment, Image, PermanentSendError, Post, RetryAfter, SentRef

log = logging.getLogger(__name__)

EVENT_TYPE = "studybot_post"
ALT_MAX = 1000  # files.completeUploadExternal's alt_txt
HISTORY_LOOKBACK = 100  # recent messages searched for a post that may have gone out
REFUSALS = {
    "not_in_channel": "the bot is not in that channel (invite it with /invite @studybot)",
    "channel_not_found": "that channel does not exist, or the bot cannot see it",
    "is_archived": "that channel is archived",
    "account_inactive": "the bot's account is inactive",
    "token_revoked": "the bot's token was revoked",
    "invalid_auth": "the bot's token is not valid",
    "not_authed": "the bot's token is missing",
    "missing_scope": "the app lacks a permission it needs (reinstall it)",
    "user_not_found": "that member is not in the workspace",
    "user_disabled": "that member's account is deactivated",
    "cannot_dm_bot": "that member is a bot",
    "restricted_action": "the workspace does not let the bot post there",
    "invalid_blocks": "Slack refused the message's layout",
    "msg_too_long": "the message is too long for Slack",
}

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


def refusal(exc: SlackApiError, where: str) -> PermanentSendError | None:
    error = str(exc.response.get("error", "")) if exc.response is not None else ""
    reason = REFUSALS.get(error)
    return PermanentSendError(f"{where}: {reason} ({error})") if reason else None


def retry_after(exc: SlackApiError) -> float | None:
    """The wait Slack asked for, when the error is a rate limit."""
    response = exc.response
    if response is None or (response.status_code != 429 and response.get("error") != "ratelimited"):
        return None
    try:
        return float(response.headers.get("Retry-After", 30))
    except (TypeError, ValueError):
        return 30.0


class SlackPoster:
    def __init__(self, client_for: ClientFor, per_channel_per_second: float = 1.0) -> None:
        self.client_for = client_for
        self.pacers = ChannelPacers(per_channel_per_second)

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef | None:
        where = "a DM" if post.user is not None else f"channel {post.channel}"
        try:
            client = await self.client_for(workspace)
            channel = await self._channel(client, post)
            if post.resend and post.key:
                found = await self.find(client, channel, post.key)
                if found is not None:
                    log.info("%s was already in %s; not posted again", post.key, channel)
                    return found
            await self.pacers.wait(channel)
            msg = render_post(post)
            ts = await self._post(client, channel, msg, post.key)
            await self._files(client, channel, msg, ts)
        except SlackApiError as exc:
            wait = retry_after(exc)
            if wait is not None:
                raise RetryAfter(wait, "Slack rate limit") from exc
            permanent = refusal(exc, where)
            if permanent is not None:
                log.warning("%s in team %s: %s", post.kind, workspace, permanent.reason)
                raise permanent from exc
            raise
        return SentRef(ts, channel)

    @staticmethod
    async def _files(client: AsyncWebClient, channel: str, msg: Message, ts: str) -> None:
        """A picture under the post in the channel, other files in its thread. The post went
        out already: a file Slack refuses is logged, and the post is not sent again for it."""
        for file in msg.files:
            try:
                await upload(
                    client, channel, file, thread_ts=None if isinstance(file, Image) else ts
                )
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else exc
                log.warning("%s in %s: could not upload %s: %s", ts, channel, file.filename, error)

    async def _channel(self, client: AsyncWebClient, post: Post) -> str:
        if post.user is not None:
            opened = await client.conversations_open(users=post.user)
            return str(opened["channel"]["id"])
        if not post.channel:
            raise PermanentSendError(
                "no Slack channel is set: `/studymod config channel #channel` picks one"
            )
        return post.channel

    async def _post(
        self, client: AsyncWebClient, channel: str, msg: Message, key: str | None
    ) -> str:
        extra: dict[str, Any] = {}
        if key:
            extra["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        sent = await client.chat_postMessage(
            channel=channel, text=msg.text, blocks=msg.blocks, unfurl_links=False, **extra
        )
        return str(sent["ts"])

    async def find(self, client: AsyncWebClient, channel: str, key: str) -> SentRef | None:
        """A message of ours carrying `key` among the channel's recent ones."""
        history = await client.conversations_history(
            channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
        )
        for message in history.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == EVENT_TYPE and payload.get("key") == key:
                return SentRef(str(message["ts"]), channel)
        return None


async def upload(
    client: AsyncWebClient,
    channel: str,
    file: Attachment | Image,
    *,
    thread_ts: str | None = None,
) -> None:
    """A file, with the current upload API (files.upload is retired); a picture with its alt
    text."""
    extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
    if isinstance(file, Image):
        extra["alt_txt"] = cut(file.alt, ALT_MAX)
    await client.files_upload_v2(
        channel=channel, content=file.data, filename=file.filename, title=file.filename, **extra
    )
