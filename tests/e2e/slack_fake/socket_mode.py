"""Socket Mode: the websocket at the URL apps.connections.open hands out. It takes a one-time
ticket, sends Slack's hello, answers the client's pings (slack-sdk's aiohttp client pings with
"sdk-ping-pong:<time>" and reconnects when pongs stop), delivers envelopes and records acks."""

from __future__ import annotations

import json
import time
import uuid

from aiohttp import WSCloseCode, WSMsgType, web

from .models import JSON, SocketConnection
from .state import SlackState

# Slack includes retry_attempt / retry_reason only in events_api envelopes.
RETRIED_TYPES = {"events_api"}
RESPONDING_INTERACTIONS = {"view_submission", "block_suggestion"}


def accepts_response_payload(envelope_type: str, payload: JSON) -> bool:
    """What Slack sets: slash commands, view submissions and options requests take a payload."""
    if envelope_type == "slash_commands":
        return True
    return envelope_type == "interactive" and payload.get("type") in RESPONDING_INTERACTIONS


class SocketModeServer:
    def __init__(self, state: SlackState) -> None:
        self.state = state
        self._sockets: dict[int, web.WebSocketResponse] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        records = self.state.socket
        ticket = request.query.get("ticket", "")
        if ticket not in records.tickets:
            return web.Response(status=401, text="invalid_ticket")
        records.tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        number = len(records.connections) + 1
        hello: JSON = {
            "type": "hello",
            "num_connections": 1 + sum(c.open for c in records.connections),
            "debug_info": {
                "host": f"applink-fake-{number}",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.state.ws.app_id},
        }
        await ws.send_json(hello)
        conn = SocketConnection(number, ticket, time.monotonic(), hello)
        records.connections.append(conn)
        self._sockets[number] = ws
        self.state.notify()
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._received(conn, message.data)
                elif message.type is WSMsgType.PING:
                    conn.pings += 1
                    await ws.pong(message.data)
        finally:
            conn.closed_at = time.monotonic()
            self._sockets.pop(number, None)
            self.state.notify()
        return ws

    def _received(self, conn: SocketConnection, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            message = {"unparsed": data}
        if not isinstance(message, dict):
            message = {"unparsed": message}
        conn.received.append(message)
        envelope_id = message.get("envelope_id")
        if isinstance(envelope_id, str):
            self.state.socket.acks[envelope_id] = (time.monotonic(), message)
        self.state.notify()

    def current(self) -> tuple[SocketConnection, web.WebSocketResponse] | None:
        """The newest open connection (Slack delivers each envelope over one of them)."""
        for conn in reversed(self.state.socket.connections):
            ws = self._sockets.get(conn.number)
            if conn.open and ws is not None and not ws.closed:
                return conn, ws
        return None

    async def send(
        self,
        envelope_type: str,
        payload: JSON,
        *,
        accepts_response: bool | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> str:
        _, ws = await self.state.changes.wait_until(
            self.current, timeout, lambda: "no open Socket Mode connection"
        )
        envelope_id = str(uuid.uuid4())
        envelope: JSON = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": (
                accepts_response_payload(envelope_type, payload)
                if accepts_response is None
                else accepts_response
            ),
        }
        if envelope_type in RETRIED_TYPES or retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        self.state.socket.sent[envelope_id] = (time.monotonic(), envelope)
        await ws.send_str(json.dumps(envelope))
        return envelope_id

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's disconnect message: the client fetches a new URL and reconnects."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        for ws in list(self._sockets.values()):
            if not ws.closed:
                await ws.send_json(message)

    async def drop(self, code: int = WSCloseCode.GOING_AWAY) -> None:
        """Closes every open connection from the server side (a network blip, a deploy)."""
        for ws in list(self._sockets.values()):
            await ws.close(code=code)

    async def close(self) -> None:
        await self.drop(WSCloseCode.GOING_AWAY)
