"""The fake's non-API HTTP endpoints: response_url posts (like hooks.slack.com: JSON in, plain-text
"ok" or an error out, at most 5 per URL, applied to the channel as Slack would) and the file
upload URLs that files.getUploadURLExternal hands out."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiohttp import BodyPartReader, web

from . import limits
from .api import with_block_ids
from .models import JSON, SlackError
from .state import SlackState


@dataclass
class ResponseTarget:
    """Where a response_url's posts land: the channel, the message acted on, who acted."""

    channel_id: str | None
    message_ts: str | None
    user_id: str | None


class Hooks:
    def __init__(self, state: SlackState) -> None:
        self.state = state
        self.targets: dict[str, ResponseTarget] = {}

    def bind(self, response_id: str, target: ResponseTarget) -> None:
        self.targets[response_id] = target

    async def response_url(self, request: web.Request) -> web.Response:
        response_id = request.match_info["response_id"]
        posts = self.state.response_urls.get(response_id)
        if posts is None:
            return web.Response(status=404, text="no_service")
        rule = self.state.take_failure("response_url")
        if rule is not None:
            text = rule.body.get("error", "fatal_error") if rule.body else "fatal_error"
            return web.Response(status=rule.status, text=str(text), headers=rule.headers)
        if len(posts) >= self.state.ws.response_url_limit:
            return web.Response(status=404, text="used_url")
        try:
            body = json.loads(await request.text())
        except json.JSONDecodeError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(body, dict):
            return web.Response(status=400, text="invalid_payload")
        if not body.get("delete_original"):
            try:
                limits.check_message(body)
            except SlackError as exc:
                return web.Response(status=400, text=exc.code)
        posts.append(body)
        self._apply(response_id, body)
        self.state.notify()
        return web.Response(text="ok")

    def _apply(self, response_id: str, body: JSON) -> None:
        target = self.targets.get(response_id)
        if target is None or target.channel_id is None:
            return
        state, channel = self.state, target.channel_id
        original = state.find_message(channel, target.message_ts) if target.message_ts else None
        if original is not None and body.get("delete_original"):
            for pool in (state.messages, state.ephemerals):
                if original in pool.get(channel, []):
                    pool[channel].remove(original)
            return
        if original is not None and body.get("replace_original"):
            original["text"] = body.get("text", "")
            original["blocks"] = with_block_ids(body.get("blocks"))
            return
        message = {
            "type": "message",
            "ts": state.next_ts(),
            "channel": channel,
            "user": state.ws.bot_user_id,
            "bot_id": state.ws.bot_id,
            "text": body.get("text", ""),
            "blocks": with_block_ids(body.get("blocks")),
            "metadata": body.get("metadata"),
            "thread_ts": body.get("thread_ts"),
        }
        if body.get("response_type") == "in_channel":
            state.messages.setdefault(channel, []).append(message)
        else:
            message["recipient"] = target.user_id
            state.ephemerals.setdefault(channel, []).append(message)

    async def upload(self, request: web.Request) -> web.Response:
        upload = self.state.uploads.get(request.match_info["file_id"])
        if upload is None or upload.completed:
            return web.Response(status=404, text="file_not_found")
        if request.content_type == "multipart/form-data":
            content = b""
            reader = await request.multipart()
            async for part in reader:
                if isinstance(part, BodyPartReader):
                    content = bytes(await part.read())
                    break
        else:
            content = await request.read()
        upload.content = content
        self.state.notify()
        return web.Response(text=f"OK - {len(content)}")
