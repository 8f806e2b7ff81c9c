"""Suggestions while a member types an option (Discord autocomplete): time zones, challenge
ids, Kaggle tasks and a parameter's listed values, matching anywhere in the name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import col, select

from bot.rules.timeutil import match_timezones
from bot.services.members import get_workspace
from bot.store.db import Database
from bot.store.models import Challenge
from commands.registry import Registry
from commands.spec import Kind, Param

LIMIT = 25  # Discord shows at most 25 suggestions
LABEL_MAX = 100


@dataclass(frozen=True, slots=True)
class Suggestion:
    value: str
    label: str


def _fit(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


class Suggester:
    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry

    def param(self, path: tuple[str, ...], name: str) -> Param | None:
        spec = self.registry.get(path)
        return next((p for p in spec.params if p.name == name), None) if spec else None

    async def suggest(
        self, platform: str, workspace: str, path: tuple[str, ...], name: str, typed: str
    ) -> list[Suggestion]:
        """At most 25 suggestions for parameter `name` of the command at `path`."""
        param = self.param(path, name)
        if param is None:
            return []
        typed = typed.strip()[:100]
        if param.kind is Kind.TIMEZONE:
            return [Suggestion(z, z) for z in match_timezones(typed, LIMIT)]
        if param.complete is not None:
            return await self._challenges(platform, workspace, param.complete == "kaggle", typed)
        low = typed.lower()
        return [Suggestion(c, c) for c in param.choices if low in c][:LIMIT]

    async def _challenges(
        self, platform: str, workspace: str, kaggle: bool, typed: str
    ) -> list[Suggestion]:
        pattern = f"%{typed.lower().replace('%', '').replace('_', '')}%"
        async with self.db.unit_of_work() as session:
            ws = await get_workspace(session, platform, workspace)
            mine: ColumnElement[bool] = col(Challenge.workspace_id).is_(None)
            if ws is not None:
                mine = or_(mine, col(Challenge.workspace_id) == ws.id)
            kind = col(Challenge.kind) == "kaggle" if kaggle else col(Challenge.kind) != "kaggle"
            stmt = (
                select(Challenge.id, Challenge.title)
                .where(
                    mine,
                    kind,
                    col(Challenge.active).is_(True),
                    or_(
                        func.lower(Challenge.id).like(pattern),
                        func.lower(Challenge.title).like(pattern),
                    ),
                )
                .order_by(col(Challenge.id))
                .limit(LIMIT)
            )
            rows = (await session.exec(stmt)).all()
        return [Suggestion(cid, _fit(f"{cid} · {title}")) for cid, title in rows]
