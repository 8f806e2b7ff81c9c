"""REST plumbing: one catch-all aiohttp handler under /api/v10 that parses JSON and multipart
bodies, records every request, checks the bot token, applies injected failures, routes by
regex and stamps the X-RateLimit-* headers discord.py's bucket logic reads."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .models import JSON, FailureRule, RecordedRequest
from .store import FakeState

API_PREFIX = "/api/v10"
MAJOR = re.compile(r"^/(?:channels|guilds|webhooks|interactions)/\d+")
PLACEHOLDERS = {"{id}": r"(\d+)", "{token}": r"([^/]+)", "{mid}": r"(\d+|@original)"}


@dataclass
class Call:
    """One routed request, as the route handlers see it."""

    state: FakeState
    method: str
    path: str
    match: re.Match[str]
    body: Any
    files: list[tuple[str, bytes]]
    query: dict[str, str]
    arrived: float
    gateway_url: str
    shard_count: int

    def num(self, group: int) -> int:
        return int(self.match.group(group))

    def text(self, group: int) -> str:
        return self.match.group(group)

    @property
    def data(self) -> JSON:
        return self.body if isinstance(self.body, dict) else {}

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "true")


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def ok(body: Any) -> Reply:
    return Reply(200, body)


def no_content() -> Reply:
    return Reply(204)


def error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"message": message, "code": code})


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        expr = re.escape(self.template)
        for placeholder, group in PLACEHOLDERS.items():
            expr = expr.replace(re.escape(placeholder), group)
        return re.compile(f"^{expr}$")


class RateLimits:
    """Per bucket and major parameter: `limit` requests per `window` seconds, reported only."""

    def __init__(self, limit: int = 50, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    @staticmethod
    def bucket(method: str, template: str) -> str:
        return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:32]

    def headers(self, method: str, template: str, path: str) -> dict[str, str]:
        major = MAJOR.match(path)
        key = (f"{method} {template}", major.group(0) if major else "")
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._windows[key] = (start, count)
        reset_after = max(0.001, start + self.window - now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - count)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket(method, template),
            "Via": "1.1 google",
        }


def injected_headers(rule: FailureRule, bucket: str) -> dict[str, str]:
    """A 429 needs `Via` (else discord.py takes it for a Cloudflare ban) and Retry-After."""
    if rule.status != 429:
        return dict(rule.headers)
    retry_after = float(rule.body.get("retry_after", 1.0))
    headers = {
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "user",
        "Via": "1.1 google",
    }
    if rule.body.get("global"):
        headers["X-RateLimit-Global"] = "true"
        headers["X-RateLimit-Scope"] = "global"
    headers.update(rule.headers)
    return headers


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """A JSON body, or a multipart body's payload_json part plus its files[n] parts."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename is not None:
                files.append((part.filename, bytes(await part.read())))
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


class RestApi:
    def __init__(self, state: FakeState, routes: list[Route], shard_count: int) -> None:
        self.state = state
        self.routes = [(r, r.pattern) for r in routes]
        self.rate_limits = RateLimits()
        self.shard_count = shard_count
        self.gateway_url = ""

    def _match(self, method: str, path: str) -> tuple[Route | None, re.Match[str] | None, bool]:
        other_method = False
        for route, pattern in self.routes:
            match = pattern.match(path)
            if match is None:
                continue
            if route.method == method:
                return route, match, False
            other_method = True
        return None, None, other_method

    async def handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        path = "/" + request.match_info.get("tail", "")
        body, files = await read_body(request)
        record = RecordedRequest(request.method, path, dict(request.query), body, files, arrived)
        record.headers = dict(request.headers)
        self.state.requests.append(record)
        route, match, other_method = self._match(request.method, path)
        template = route.template if route else re.sub(r"\d{2,}", "{id}", path)
        bucket = RateLimits.bucket(request.method, template)
        reply = self._answer(request, route, match, other_method, record, bucket)
        record.status = reply.status
        self.state.notifier.notify()
        headers = self.rate_limits.headers(request.method, template, path)
        headers.update(reply.headers)
        if reply.body is None:
            return web.Response(status=reply.status, headers=headers)
        # Exactly "application/json": discord.py compares the header with == before parsing.
        headers["Content-Type"] = "application/json"
        return web.Response(
            body=json.dumps(reply.body).encode(), status=reply.status, headers=headers
        )

    def _answer(
        self,
        request: web.Request,
        route: Route | None,
        match: re.Match[str] | None,
        other_method: bool,
        record: RecordedRequest,
        bucket: str,
    ) -> Reply:
        needs_auth = route is None or route.auth
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.state.token}":
            return error(401, 0, "401: Unauthorized")
        rule = self.state.take_failure(request.method, record.path)
        if rule is not None:
            return Reply(rule.status, rule.body, injected_headers(rule, bucket))
        if route is None or match is None:
            if other_method:
                return error(405, 0, "405: Method Not Allowed")
            return error(404, 0, "404: Not Found")
        call = Call(
            self.state,
            request.method,
            record.path,
            match,
            record.json,
            record.files,
            record.query,
            record.at,
            self.gateway_url,
            self.shard_count,
        )
        return route.handler(call)
