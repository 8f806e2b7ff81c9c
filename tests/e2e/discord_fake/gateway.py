"""The websocket gateway: HELLO, heartbeats, IDENTIFY (READY + GUILD_CREATE per guild of the
shard), RESUME with replay of missed events, member chunk requests, and the controls the tests
use (drop a connection, send RECONNECT). Events go to sessions, not sockets: an event for a
session whose socket is gone waits in its history until the client resumes, as on Discord."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads
from .models import JSON, IdentifyRecord
from .store import FakeState

HEARTBEAT_INTERVAL_MS = 41250
NOT_REPLAYED = {"RESUMED"}


@dataclass
class SentEvent:
    seq: int
    t: str
    frame: str
    on_sent: Callable[[], None] | None = None
    sent: bool = False


class Connection:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.session: Session | None = None
        self._lock = asyncio.Lock()

    async def send(self, frame: str) -> bool:
        async with self._lock:
            if self.ws.closed:
                return False
            try:
                await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return False
            return True

    async def send_json(self, message: JSON) -> bool:
        return await self.send(json.dumps(message))


@dataclass
class Session:
    session_id: str
    shard: tuple[int, int]
    conn: Connection | None = None
    seq: int = 0
    ready: bool = False
    invalidated: bool = False
    history: list[SentEvent] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def owns(self, guild_id: int | None) -> bool:
        shard_id, count = self.shard
        if guild_id is None:  # DMs arrive on shard 0
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id


class Gateway:
    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.url = ""
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0

    @property
    def open_connections(self) -> int:
        return sum(1 for c in self.connections if not c.ws.closed)

    def owner(self, guild_id: int | None) -> Session | None:
        """The most recently identified live session whose shard owns the guild."""
        for session in reversed(self.sessions.values()):
            if session.ready and not session.invalidated and session.owns(guild_id):
                return session
        return None

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        self.state.notifier.notify()
        hello = {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["fake"]}
        await conn.send_json({"op": 10, "d": hello, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_message(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.connections.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if ws.close_code in (1000, 1001):
                    session.invalidated = True  # a clean client close ends the session
            self.state.notifier.notify()
        return ws

    async def _on_message(self, conn: Connection, message: JSON) -> None:
        op, data = message.get("op"), message.get("d")
        if op == 1:
            await conn.send_json({"op": 11, "d": None})
        elif op == 2:
            await self._identify(conn, data or {})
        elif op == 6:
            await self._resume(conn, data or {})
        elif op == 8:
            await self._request_members(conn, data or {})

    async def _identify(self, conn: Connection, data: JSON) -> None:
        if data.get("token") != self.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, count = data.get("shard") or [0, 1]
        if count < 1 or not 0 <= shard_id < count:
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        session = Session(uuid.uuid4().hex, (shard_id, count), conn=conn)
        conn.session = session
        self.sessions[session.session_id] = session
        self.identify_count += 1
        record = IdentifyRecord(
            session.session_id, data.get("intents"), session.shard, time.monotonic()
        )
        self.state.identifies.append(record)
        state = self.state
        guilds = [g for g in state.guilds.values() if session.owns(g.id)]
        ready = {
            "v": 10,
            "user": payloads.me_payload(state.bot_user),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [shard_id, count],
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake"],
        }
        async with session.lock:
            await self._emit(session, "READY", ready)
            for guild in guilds:
                await self._emit(
                    session, "GUILD_CREATE", payloads.guild_create_payload(guild, state.bot_user)
                )
            session.ready = True
        self.ready_count += 1
        state.notifier.notify()

    async def _resume(self, conn: Connection, data: JSON) -> None:
        if data.get("token") != self.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalidated:
            await conn.send_json({"op": 9, "d": False, "s": None, "t": None})
            return
        last_seq = int(data.get("seq") or 0)
        async with session.lock:
            session.conn, conn.session = conn, session
            for event in session.history:
                if event.seq > last_seq and event.t not in NOT_REPLAYED:
                    await self._write(session, event)
            await self._emit(session, "RESUMED", {"_trace": ["fake"]})
        self.resume_count += 1
        self.state.notifier.notify()

    async def _request_members(self, conn: Connection, data: JSON) -> None:
        session = conn.session
        guild = self.state.guilds.get(int(data.get("guild_id") or 0))
        if session is None or guild is None:
            return
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": payloads.guild_members(guild, self.state.bot_user),
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _emit(
        self, session: Session, t: str, d: JSON, on_sent: Callable[[], None] | None = None
    ) -> SentEvent:
        """Appends a dispatch to the session (caller holds session.lock) and sends it if live."""
        session.seq += 1
        frame = json.dumps({"op": 0, "t": t, "s": session.seq, "d": d})
        event = SentEvent(session.seq, t, frame, on_sent)
        session.history.append(event)
        await self._write(session, event)
        return event

    async def _write(self, session: Session, event: SentEvent) -> None:
        conn = session.conn
        if conn is None or not await conn.send(event.frame):
            return
        if not event.sent:
            event.sent = True
            if event.on_sent is not None:
                event.on_sent()
            self.state.notifier.notify()

    async def dispatch(
        self, session: Session, t: str, d: JSON, on_sent: Callable[[], None] | None = None
    ) -> SentEvent:
        async with session.lock:
            return await self._emit(session, t, d, on_sent)

    async def deliver(
        self,
        guild_id: int | None,
        t: str,
        d: JSON,
        *,
        within: float,
        on_sent: Callable[[], None] | None = None,
    ) -> SentEvent:
        """Waits for a session owning the guild's shard, dispatches, and waits until sent."""
        notifier = self.state.notifier
        async with asyncio.timeout(within):
            session = await notifier.wait_until(lambda: self.owner(guild_id), None)
            event = await self.dispatch(session, t, d, on_sent)
            await notifier.wait_until(lambda: True if event.sent else None, None)
        return event

    def _live(self, shard_id: int | None) -> list[Session]:
        return [
            s
            for s in self.sessions.values()
            if s.conn is not None and (shard_id is None or s.shard[0] == shard_id)
        ]

    async def drop(self, code: int = 4000, shard_id: int | None = None) -> None:
        """Closes the sockets of the live sessions; their events wait for a RESUME."""
        for session in self._live(shard_id):
            async with session.lock:
                conn, session.conn = session.conn, None
            if conn is not None:
                await conn.ws.close(code=code, message=b"fake: connection dropped")

    async def reconnect(self, shard_id: int | None = None) -> None:
        for session in self._live(shard_id):
            conn = session.conn
            if conn is not None:
                await conn.send_json({"op": 7, "d": None, "s": None, "t": None})

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"fake: shutting down")
