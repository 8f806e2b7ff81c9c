"""The bolt app: listeners for `/study`, `/studymod`, every button, every modal and the events
that end an installation; the HTTP endpoint (`POST /slack/events`, `GET /healthz`, and with
OAuth `GET /slack/install` and `/slack/oauth_redirect`) as an aiohttp application."""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.runtime import Runtime
from adapters.slack.handlers import Handlers
from adapters.slack.installations import DatabaseInstallationStore, SignedStateStore
from adapters.slack.settings import SlackSettings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "files:write",
    "users:read",
    "channels:history",
    "groups:history",
)


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Waits out a 429 inside the call only when Slack asks for a short wait; a longer one
    comes back as an error (a RetryAfter for the scheduler, which holds the post that long)."""

    MAX_WAIT = 5

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wanted = {k.lower(): v for k, v in response.headers.items()}.get("retry-after", ["1"])
        try:
            return int(wanted[0]) <= self.MAX_WAIT
        except (TypeError, ValueError, IndexError):
            return False


def web_client(settings: SlackSettings, token: str | None = None) -> AsyncWebClient:
    """A Web API client on the configured URL that waits out one short 429 (Retry-After)."""
    return AsyncWebClient(
        token=token, base_url=settings.api_url, retry_handlers=[ShortRateLimitRetry(1)]
    )


def build_app(
    settings: SlackSettings,
    runtime: Runtime,
    client: AsyncWebClient,
    handlers: Handlers,
    authorizer: SingleTeam | None = None,
) -> AsyncApp:
    options: dict[str, Any] = {
        "signing_secret": settings.signing_secret.get_secret_value(),
        "client": client,
        "process_before_response": False,  # the answer may follow the ack
        "logger": logging.getLogger("slack_bolt"),
    }
    if settings.oauth:
        assert settings.client_secret is not None
        assert settings.state_secret is not None
        options["oauth_settings"] = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            installation_store=DatabaseInstallationStore(runtime),
            state_store=SignedStateStore(runtime, settings.state_secret.get_secret_value()),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
        )
    else:
        options["authorize"] = (authorizer or SingleTeam(client)).authorize()
    app = AsyncApp(**options)
    app.command("/study")(handlers.command)
    app.command("/studymod")(handlers.command)
    app.action(re.compile(".+"))(handlers.action)
    app.view(re.compile(".+"))(handlers.view)

    async def uninstalled(body: dict[str, Any]) -> None:
        await handlers.left(body)

    async def revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):  # a member's own token does not matter
            await handlers.left(body)

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
    return app


class SingleTeam:
    """One workspace's bot token, checked with auth.test at start-up rather than inside the
    first request's three seconds."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.result: AuthorizeResult | None = None

    async def prime(self) -> AuthorizeResult:
        if self.result is None:
            self.result = AuthorizeResult.from_auth_test_response(
                bot_token=self.client.token, auth_test_response=await self.client.auth_test()
            )
        return self.result

    def authorize(self) -> Any:
        """The function bolt calls (it passes arguments by their names)."""

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return await self.prime()

        return authorize


def web_app(app: AsyncApp, runtime: Runtime, settings: SlackSettings) -> web.Application:
    async def events(request: web.Request) -> web.StreamResponse:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def health(request: web.Request) -> web.Response:
        ok = await runtime.healthy()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    routes = [web.post(EVENTS_PATH, events), web.get("/healthz", health)]
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.StreamResponse:
            bolt_request = await to_bolt_request(request)
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))

        async def redirect(request: web.Request) -> web.StreamResponse:
            bolt_request = await to_bolt_request(request)
            return await to_aiohttp_response(await flow.handle_callback(bolt_request))

        routes += [web.get(INSTALL_PATH, install), web.get(REDIRECT_PATH, redirect)]
    application = web.Application()
    application.add_routes(routes)
    return application
