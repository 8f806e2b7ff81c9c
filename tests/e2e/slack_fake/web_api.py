"""The Web API endpoint, /api/<method>: parses a call the way Slack accepts it (query string, form
or JSON body; Authorization: Bearer or a token argument; HTTP Basic client credentials), checks
the token, applies injected failures, dispatches to the method and records every call."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from aiohttp import web

from . import messaging, surfaces
from .api import Call, Method
from .models import JSON, ApiCall, SlackError, TokenInfo
from .state import SlackState

METHODS: dict[str, Method] = {**messaging.METHODS, **surfaces.METHODS}
# Arguments Slack takes as JSON-encoded strings in a form body; decoded before recording.
JSON_ARGS = {"blocks", "attachments", "metadata", "view", "files", "user_auth_blocks", "unfurls"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _decode(args: JSON) -> JSON:
    for key in JSON_ARGS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in {"[", "{"}:
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError:
                raise SlackError(
                    "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                ) from None
    return args


async def parse_args(request: web.Request) -> JSON:
    args: JSON = dict(request.query)
    if not request.body_exists:
        return _decode(args)
    if request.content_type == "application/json":
        try:
            body: Any = await request.json()
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(body, dict):
            raise SlackError("invalid_json")
        args.update(body)
    elif request.content_type in FORM_TYPES:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                args[key] = value
            elif isinstance(value, bytes | bytearray):
                args[key] = bytes(value)
            else:
                args[key] = value.file.read()
    return _decode(args)


def parse_auth(request: web.Request, args: JSON) -> tuple[str | None, tuple[str, str] | None]:
    """(bearer token, Basic client credentials); a token argument counts when no Bearer is sent."""
    header = request.headers.get("Authorization", "")
    token: str | None = None
    client: tuple[str, str] | None = None
    if header.startswith("Bearer "):
        token = header[len("Bearer ") :].strip()
    elif header.startswith("Basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        client = (user, password)
    token_arg = args.pop("token", None)
    if token is None and isinstance(token_arg, str) and token_arg:
        token = token_arg
    return token, client


def check_token(state: SlackState, method: Method, token: str | None) -> TokenInfo | None:
    if method.auth == "none":
        return None
    info = state.token_info(token)
    if method.auth == "app" and info.kind != "app":
        raise SlackError("not_allowed_token_type")
    if method.auth == "bot" and info.kind != "bot":
        raise SlackError("not_allowed_token_type")
    return info


def _failure_body(status: int) -> JSON:
    if status == 429:
        return {"ok": False, "error": "ratelimited"}
    if status >= 500:
        return {"ok": False, "error": "internal_error"}
    return {"ok": False, "error": "fatal_error"}


class WebApi:
    def __init__(self, state: SlackState) -> None:
        self.state = state

    async def handle(self, request: web.Request) -> web.Response:
        method_name = request.match_info["method"]
        call = ApiCall(
            method=method_name,
            args={},
            token=None,
            at=time.monotonic(),
            http_verb=request.method,
            content_type=request.content_type,
            headers=dict(request.headers),
        )
        status, headers = 200, {"X-Slack-Req-Id": self.state.new_id("req")}
        try:
            call.args = await parse_args(request)
            call.token, client = parse_auth(request, call.args)
            rule = self.state.take_failure(method_name)
            if rule is not None:
                status = rule.status
                headers.update(rule.headers)
                body = rule.body or _failure_body(rule.status)
            else:
                body = await self._dispatch(method_name, call, client)
        except SlackError as exc:
            body = exc.body()
        call.status, call.response = status, body
        self.state.record(call)
        return web.json_response(body, status=status, headers=headers)

    async def _dispatch(self, name: str, call: ApiCall, client: tuple[str, str] | None) -> JSON:
        method = METHODS.get(name)
        if method is None:
            raise SlackError("unknown_method")
        info = check_token(self.state, method, call.token)
        return await method.handler(Call(self.state, name, call.args, info, client))
