"""Sending what was claimed: page by page, each post through its platform's Poster, and each
outcome recorded on its ledger row (sent with where it landed, retry later, failed, or
undeliverable for good)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from bot.catalog.texts import RoundTexts, round_post
from bot.edge.messages import Post
from bot.edge.ports import PermanentSendError, Poster, RetryAfter
from bot.edge.stored import post_from_dict
from bot.pictures.renderer import Renderer
from bot.rules.schedule import DAILY, backoff
from bot.scheduling.ledger import GROUP, LEDGER, PAGE, ROUND, WS, Claim, TickReport, utc_param
from bot.store.db import Database
from bot.store.models import Challenge

log = logging.getLogger(__name__)


@dataclass
class _Outcomes:
    """What happened to one group of sends, to record in one transaction."""

    sent: list[int] = field(default_factory=list)
    refs: list[dict[str, Any]] = field(default_factory=list)
    retry: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    notices: dict[tuple[str, str], str] = field(default_factory=dict)  # (platform, ws) -> problem

    @property
    def not_sent(self) -> list[int]:
        return [r["b_id"] for r in self.retry + self.failed + self.refused]


class Delivery:
    """Loads a batch's claims as Posts and sends them through the Poster."""

    def __init__(self, db: Database, poster: Poster, renderer: Renderer | None = None) -> None:
        self.db = db
        self.poster = poster
        # Draws a group's pictures (weekly boards) ahead, while the earlier posts are sent.
        self.renderer = renderer

    async def deliver_batch(self, batch: str, now: datetime, report: TickReport) -> None:
        """Send a batch's posts page by page: daily ones rendered from their rounds."""
        after = 0
        challenges: dict[str, Challenge] = {}
        texts = RoundTexts()
        while True:
            claims, after, more = await self._load_claims(batch, after, challenges, texts)
            for i in range(0, len(claims), GROUP):
                await self._deliver_group(claims[i : i + GROUP], now, report)
            if not more:
                return

    async def _load_claims(
        self, batch: str, after: int, challenges: dict[str, Challenge], texts: RoundTexts
    ) -> tuple[list[Claim], int, bool]:
        """A page of a batch's sends as Posts, the last ledger id read, and whether more may
        follow; `challenges` and `texts` cache across pages."""
        prev = ROUND.alias("prev")
        rnd = ROUND.alias("rnd")
        q = (
            sa.select(
                LEDGER.c.id, LEDGER.c.kind, LEDGER.c.period, LEDGER.c.payload,
                LEDGER.c.attempts, WS.c.platform, WS.c.external_id, WS.c.post_channel,
                rnd.c.id, rnd.c.challenge_id, prev.c.id, prev.c.challenge_id, LEDGER.c.recovered,
            )
            .select_from(
                LEDGER.join(WS, WS.c.id == LEDGER.c.workspace_id)
                .outerjoin(rnd, rnd.c.id == LEDGER.c.round_id)
                .outerjoin(
                    prev,
                    sa.and_(
                        prev.c.workspace_id == rnd.c.workspace_id,
                        prev.c.closes_at == rnd.c.opens_at,
                        prev.c.status == "closed",
                    ),
                )
            )
            .where(LEDGER.c.batch == batch, LEDGER.c.status == "sending", LEDGER.c.id > after)
            .order_by(LEDGER.c.id)
            .limit(PAGE)
        )  # fmt: skip
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            rows = (await conn.execute(q)).all()
            wanted = {r[9] for r in rows if r[9]} | {r[11] for r in rows if r[11]}
            missing = wanted - challenges.keys()
            if missing:
                found = await session.exec(select(Challenge).where(col(Challenge.id).in_(missing)))
                challenges.update({c.id: c for c in found.all()})
            claims: list[Claim] = []
            seen: set[int] = set()
            broken: list[int] = []
            for row in rows:
                lid, kind, period, payload, attempts, platform, ext, channel = row[:8]
                rid, cid, pid, pcid, recovered = row[8:]
                if lid in seen:
                    continue  # two rounds closed at that instant: reveal the first
                seen.add(lid)
                if payload is not None:
                    post = replace(post_from_dict(payload), resend=bool(recovered))
                    claims.append(Claim(lid, platform, ext, post, attempts, batch))
                    continue
                ch = challenges.get(cid)
                if kind != DAILY or rid is None or ch is None:
                    broken.append(lid)
                    continue
                old = challenges.get(pcid) if pcid else None
                previous = (pid, old) if old is not None else None
                post = round_post(rid, ch, channel, previous, key=f"{DAILY}:{period}", texts=texts)
                if recovered:
                    post = replace(post, resend=True)
                claims.append(Claim(lid, platform, ext, post, attempts, batch))
            if broken:
                log.error("ledger rows %s have nothing to send; marked failed", broken)
                await conn.execute(
                    sa.update(LEDGER)
                    .where(LEDGER.c.id.in_(broken))
                    .values(status="failed", last_error="nothing to send")
                )
        return claims, (rows[-1][0] if rows else after), len(rows) == PAGE

    async def _send_all(self, claims: list[Claim], now: datetime) -> _Outcomes:
        """Send each claim; a platform that asked us to wait gets no more sends this group."""
        out = _Outcomes()
        held: dict[str, datetime] = {}  # platform -> when it lets us try again
        drawing = self._draw_ahead(claims)
        try:
            for claim in claims:
                await self._send_one(claim, drawing.get(claim.ledger_id), now, held, out)
        finally:
            for task in drawing.values():
                task.cancel()
        return out

    def _draw_ahead(self, claims: list[Claim]) -> dict[int, asyncio.Future[Post]]:
        """The group's pictures, all handed to the drawing workers at once."""
        renderer = self.renderer
        if renderer is None:
            return {}
        return {
            c.ledger_id: asyncio.ensure_future(renderer.drawn_post(c.post))
            for c in claims
            if c.post.picture is not None
        }

    async def _send_one(
        self,
        claim: Claim,
        drawn: asyncio.Future[Post] | None,
        now: datetime,
        held: dict[str, datetime],
        out: _Outcomes,
    ) -> None:
        """One claim sent (with its picture when drawn ahead), and its outcome noted."""
        row = {"b_id": claim.ledger_id}
        if claim.platform in held:
            # Not tried, so not an attempt: it waits with the one that was told to wait.
            out.retry.append(
                row
                | {
                    "b_attempts": claim.attempts,
                    "b_next": held[claim.platform],
                    "b_error": "waiting out the platform's rate limit",
                }
            )
            return
        attempts = claim.attempts + 1
        row["b_attempts"] = attempts
        try:
            post = claim.post if drawn is None else await drawn
            ref = await self.poster.send(claim.platform, claim.workspace, post)
        except PermanentSendError as exc:
            log.error("%s cannot be sent: %s", claim.post.key, exc.reason)
            out.refused.append(row | {"b_error": exc.reason[:500]})
            out.notices.setdefault(
                (claim.platform, claim.workspace),
                f"I could not send the scheduled {claim.post.kind} ({claim.post.key}): "
                f"{exc.reason}"[:500],
            )
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            wait = backoff(attempts)
            if isinstance(exc, RetryAfter) and wait is not None:
                wait = timedelta(seconds=exc.seconds)
                held[claim.platform] = now + wait
            if wait is None:
                log.error("giving up on %s after %d tries: %s", claim.post.key, attempts, error)
                out.failed.append(row | {"b_error": error})
            else:
                log.warning(
                    "sending %s failed (try %d), retrying in %s: %s",
                    claim.post.key, attempts, wait, error,
                )  # fmt: skip
                out.retry.append(row | {"b_next": now + wait, "b_error": error})
        else:
            out.sent.append(claim.ledger_id)
            if ref is not None:
                out.refs.append({"b_id": claim.ledger_id, "b_ref": ref.encode()[:200]})

    async def _deliver_group(self, claims: list[Claim], now: datetime, report: TickReport) -> None:
        """Send some posts, then record each outcome in one transaction.

        A crash between a send and this record sends that post again on restart (with the
        same `key`); recording every GROUP sends bounds how many that can be.
        """
        if not claims:
            return
        out = await self._send_all(claims, now)
        async with self.db.unit_of_work() as session:
            conn = await session.connection()
            if out.sent:
                # The group's ledger ids ascend: one range, minus the few that did not go.
                where = [
                    LEDGER.c.batch == claims[0].batch,
                    LEDGER.c.id >= out.sent[0],
                    LEDGER.c.id <= out.sent[-1],
                    LEDGER.c.status == "sending",
                ]
                if out.not_sent:
                    where.append(LEDGER.c.id.not_in(out.not_sent))
                await conn.execute(
                    sa.update(LEDGER)
                    .where(*where)
                    .values(
                        status="sent",
                        sent_at=utc_param(now, "sent_at"),
                        attempts=LEDGER.c.attempts + 1,
                        next_attempt_at=None,
                    )
                )
            by_id = LEDGER.c.id == sa.bindparam("b_id")
            if out.refs:
                await conn.execute(
                    sa.update(LEDGER).where(by_id).values(sent_ref=sa.bindparam("b_ref")), out.refs
                )
            tries: Any = sa.bindparam("b_attempts")
            error: Any = sa.bindparam("b_error")
            if out.retry:
                await conn.execute(
                    sa.update(LEDGER)
                    .where(by_id)
                    .values(
                        status="pending",
                        attempts=tries,
                        next_attempt_at=sa.bindparam("b_next"),
                        last_error=error,
                    ),
                    out.retry,
                )
            for status, rows in (("failed", out.failed), ("undeliverable", out.refused)):
                if rows:
                    await conn.execute(
                        sa.update(LEDGER)
                        .where(by_id)
                        .values(
                            status=status, attempts=tries, next_attempt_at=None, last_error=error
                        ),
                        rows,
                    )
            for (platform, external), notice in out.notices.items():
                await conn.execute(
                    sa.update(WS)
                    .where(
                        WS.c.platform == platform,
                        WS.c.external_id == external,
                        WS.c.moderator_notice.is_(None),
                    )
                    .values(moderator_notice=notice)
                )
        report.sent += len(out.sent)
        report.retrying += len(out.retry)
        report.failed += len(out.failed)
        report.undeliverable += len(out.refused)
