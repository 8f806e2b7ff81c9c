"""The challenge bank: YAML files under content/<track>/, validated with pydantic."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog.generators import GENERATORS
from bot.catalog.questions import generator_rows
from bot.catalog.schema import ChallengeSpec
from bot.catalog.sequence import order_bank
from bot.rules.grading import LETTERS, normalise_text
from bot.rules.tracks import TRACKS
from bot.store.models import Challenge

log = logging.getLogger(__name__)

SYNCED_FIELDS = (
    "kind", "track", "difficulty", "title", "prompt", "options", "answer",
    "explanation", "reference", "points",
)  # fmt: skip


@dataclass
class Bank:
    challenges: list[ChallengeSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Counter[str]]:
        """Counts per track, by kind."""
        out: dict[str, Counter[str]] = {t: Counter() for t in TRACKS}
        for c in self.challenges:
            out[c.track][c.kind] += 1
        return out

    def longest_option_share(self) -> dict[str, tuple[int, int]]:
        """Per track: (mcqs whose right option is strictly the longest, mcqs). A test-wise
        member who picks the longest option should do no better than chance."""
        out: dict[str, tuple[int, int]] = dict.fromkeys(TRACKS, (0, 0))
        for c in self.challenges:
            if c.kind != "mcq" or not c.options or not isinstance(c.answer, str):
                continue
            right = LETTERS.index(c.answer.upper())
            size = len(c.options[right])
            longest = all(size > len(o) for i, o in enumerate(c.options) if i != right)
            hits, total = out[c.track]
            out[c.track] = (hits + longest, total + 1)
        return out


def _generator_ids() -> set[str]:
    return set(GENERATORS)


def load_bank(root: Path) -> Bank:
    """Read and validate every YAML file under `root`; errors name the file and field."""
    bank = Bank()
    if not root.is_dir():
        bank.errors.append(f"{root}: the content folder does not exist")
        return bank
    seen: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    for path in sorted(root.rglob("*.y*ml")):
        rel = path.relative_to(root)
        track = rel.parts[0] if len(rel.parts) > 1 else ""
        if track not in TRACKS:
            bank.errors.append(f"{rel}: files live in a track folder, one of {', '.join(TRACKS)}")
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            bank.errors.append(f"{rel}: not valid YAML ({exc})")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("challenges"), list):
            bank.errors.append(f"{rel}: expected a mapping with a `challenges` list")
            continue
        for i, raw in enumerate(data["challenges"]):
            where = f"{rel}: challenges[{i}]"
            if not isinstance(raw, dict):
                bank.errors.append(f"{where}: expected a mapping")
                continue
            raw = {**raw, "track": raw.get("track", track)}
            if raw["track"] != track:
                bank.errors.append(f"{where} ({raw.get('id')}): track: must be the folder, {track}")
                continue
            try:
                spec = ChallengeSpec.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"]) or "entry"
                    msg = str(err["msg"]).removeprefix("Value error, ")
                    bank.errors.append(f"{where} ({raw.get('id')}): {loc}: {msg}")
                continue
            if spec.id in seen:
                bank.errors.append(f"{where}: id: `{spec.id}` is already used in {seen[spec.id]}")
                continue
            if spec.id in _generator_ids():
                bank.errors.append(f"{where}: id: `{spec.id}` is a generator's id")
                continue
            key = normalise_text(spec.title) + "|" + normalise_text(spec.prompt)
            if key in seen_text:
                bank.errors.append(f"{where}: duplicates the title and prompt of {seen_text[key]}")
                continue
            seen[spec.id] = str(rel)
            seen_text[key] = spec.id
            bank.challenges.append(spec)
    return bank


async def sync_bank(session: AsyncSession, bank: Bank, now: datetime) -> int:
    """Upsert the bank (content/ and the generators) into the challenge table; challenges gone
    from it are retired."""
    existing = {c.id: c for c in (await session.exec(select(Challenge))).all()}
    changed = 0
    rows = [spec.to_row(now) for spec in bank.challenges] + generator_rows(now)
    for row in rows:
        old = existing.get(row.id)
        if old is None:
            session.add(row)
            changed += 1
            continue
        if old.workspace_id is not None:
            log.warning("content id %s collides with a custom challenge; skipped", row.id)
            continue
        fields = SYNCED_FIELDS
        if any(getattr(old, f) != getattr(row, f) for f in fields) or not old.active:
            for f in fields:
                setattr(old, f, getattr(row, f))
            old.active = True
            session.add(old)
            changed += 1
    ids = {r.id for r in rows}
    for old in existing.values():
        if old.workspace_id is None and old.active and old.id not in ids:
            old.active = False
            session.add(old)
            changed += 1
    await session.flush()
    await order_bank(session)
    return changed
