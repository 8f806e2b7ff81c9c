"""The challenge bank: YAML files under content/<track>/, validated with pydantic."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.grading import LETTERS, Tolerance, default_points, normalise_text, parse_number
from bot.models import Challenge

log = logging.getLogger(__name__)

TRACKS: tuple[str, ...] = (
    "cs-fundamentals",
    "probability-statistics",
    "data-modeling-evaluation",
    "ml-algorithms-libraries",
    "software-engineering-systems",
)
SYNCED_FIELDS = (
    "kind", "track", "difficulty", "title", "prompt", "options", "answer",
    "explanation", "reference", "points",
)  # fmt: skip
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
INF = float("inf")
# Kaggle metrics: the range a real score can take, and whether higher is better.
KAGGLE_METRICS: dict[str, tuple[float, float, bool]] = {
    "accuracy": (0.0, 1.0, True),
    "auc": (0.0, 1.0, True),
    "f1": (0.0, 1.0, True),
    "map@k": (0.0, 1.0, True),
    "dice": (0.0, 1.0, True),
    "iou": (0.0, 1.0, True),
    "r2": (-INF, 1.0, True),
    "qwk": (-1.0, 1.0, True),
    "mcc": (-1.0, 1.0, True),
    "rmse": (0.0, INF, False),
    "rmsle": (0.0, INF, False),
    "mae": (0.0, INF, False),
    "mse": (0.0, INF, False),
    "logloss": (0.0, INF, False),
    "smape": (0.0, 200.0, False),
    "rmspe": (0.0, INF, False),
    "wmae": (0.0, INF, False),
    "gini": (-1.0, 1.0, True),
}
KAGGLE_URL = re.compile(r"^https://(www\.)?kaggle\.com/(competitions|datasets|c)/[A-Za-z0-9_./-]+$")


class KaggleTask(BaseModel):
    """What a `kaggle` challenge asks: a real competition or dataset, a metric and a target."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(pattern=KAGGLE_URL.pattern)
    metric: str
    target: float
    days: int = Field(ge=1, le=60)
    steps: list[str] = Field(min_length=3, max_length=10)

    @model_validator(mode="after")
    def _known_metric(self) -> KaggleTask:
        if self.metric not in KAGGLE_METRICS:
            raise ValueError(f"metric: one of {', '.join(KAGGLE_METRICS)}")
        low, high, _ = KAGGLE_METRICS[self.metric]
        if not low <= self.target <= high:
            raise ValueError(f"target: {self.target} is outside the range of {self.metric}")
        return self


class ChallengeSpec(BaseModel):
    """One challenge as written in content/ (and as `/studymod challenge add` builds it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=SLUG.pattern)
    kind: Literal["mcq", "numeric", "text", "kaggle"]
    track: Literal[
        "cs-fundamentals",
        "probability-statistics",
        "data-modeling-evaluation",
        "ml-algorithms-libraries",
        "software-engineering-systems",
    ]
    difficulty: int = Field(ge=1, le=3)
    title: str = Field(min_length=3, max_length=120)
    prompt: str = Field(min_length=5, max_length=4000)
    options: list[str] | None = None
    answer: str | float | int | list[str] | None = None
    tolerance: str | float | None = None
    explanation: str = Field(min_length=5, max_length=4000)
    reference: str | None = None
    points: int | None = Field(default=None, ge=1, le=1000)
    compute: str | None = None
    kaggle: KaggleTask | None = None

    @model_validator(mode="after")
    def _by_kind(self) -> ChallengeSpec:
        if (self.kind == "kaggle") != (self.kaggle is not None):
            raise ValueError("kaggle: a kaggle task needs a `kaggle:` section, and only it")
        if self.kind == "kaggle":
            if self.options or self.answer is not None or self.tolerance is not None:
                raise ValueError("answer: a kaggle task has no options, answer or tolerance")
            return self
        if self.answer is None:
            raise ValueError("answer: required")
        if self.kind == "mcq":
            if not self.options or not 3 <= len(self.options) <= 5:
                raise ValueError("options: an mcq needs 3 to 5 options")
            if any(not o.strip() for o in self.options):
                raise ValueError("options: an option is empty")
            norm = [normalise_text(o) for o in self.options]
            if len(set(norm)) != len(norm):
                raise ValueError("options: two options read the same")
            letter = str(self.answer).strip().upper()
            if len(letter) != 1 or letter not in LETTERS[: len(self.options)]:
                raise ValueError(
                    f"answer: must be one letter A-{LETTERS[len(self.options) - 1]} "
                    "naming the correct option"
                )
            if self.tolerance is not None:
                raise ValueError("tolerance: only numeric challenges take a tolerance")
        elif self.kind == "numeric":
            if self.options:
                raise ValueError("options: only mcq challenges have options")
            if isinstance(self.answer, list) or parse_number(str(self.answer)) is None:
                raise ValueError("answer: a numeric challenge needs one number")
            Tolerance.parse(self.tolerance)
        else:
            if self.options:
                raise ValueError("options: only mcq challenges have options")
            answers = self.answer if isinstance(self.answer, list) else str(self.answer).split("|")
            if not answers or any(not normalise_text(a) for a in answers):
                raise ValueError("answer: a text challenge needs accepted answers with letters")
            if self.tolerance is not None:
                raise ValueError("tolerance: only numeric challenges take a tolerance")
        return self

    @property
    def base_points(self) -> int:
        return self.points or default_points(self.difficulty)

    def answer_spec(self) -> dict[str, Any]:
        """The answer as stored in the database."""
        if self.kaggle is not None:
            return {"kaggle": self.kaggle.model_dump()}
        if self.kind == "mcq":
            return {"option": LETTERS.index(str(self.answer).strip().upper())}
        if self.kind == "numeric":
            tol = Tolerance.parse(self.tolerance)
            value = parse_number(str(self.answer))
            return {"value": value, "tolerance": tol.value, "relative": tol.relative}
        answers = self.answer if isinstance(self.answer, list) else str(self.answer).split("|")
        return {"accepted": [str(a).strip() for a in answers]}

    def to_row(self, now: datetime, workspace_id: int | None = None) -> Challenge:
        return Challenge(
            id=self.id,
            workspace_id=workspace_id,
            kind=self.kind,
            track=self.track,
            difficulty=self.difficulty,
            title=self.title,
            prompt=self.prompt,
            options=self.options,
            answer=self.answer_spec(),
            explanation=self.explanation,
            reference=self.reference,
            points=self.base_points,
            source="bank" if workspace_id is None else "custom",
            created_at=now,
        )


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


def _generator_ids() -> set[str]:
    from bot.generators import GENERATORS  # local: generators import grading helpers

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
    from bot.questions import generator_rows  # local: the generators import grading helpers

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


async def order_bank(session: AsyncSession) -> None:
    """Store the auto-pick walk: each active bank challenge names the one after it."""
    from bot.rounds import bank_sequence  # local: rounds imports this module

    rows = (await session.exec(select(Challenge))).all()
    sequence = bank_sequence(
        (c.id, c.track) for c in rows if c.workspace_id is None and c.active and c.kind != "kaggle"
    )
    after = {cid: sequence[(i + 1) % len(sequence)] for i, cid in enumerate(sequence)}
    for c in rows:
        if c.pick_next != after.get(c.id):
            c.pick_next = after.get(c.id)
            session.add(c)
