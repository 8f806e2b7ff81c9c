"""The schema of a bank challenge (content/*.yaml and `/studymod challenge add`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.rules.grading import LETTERS, Tolerance, default_points, normalise_text, parse_number
from bot.rules.tracks import TRACKS
from bot.store.models import Challenge

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
    track: str
    difficulty: int = Field(ge=1, le=3)
    title: str = Field(min_length=3, max_length=120)
    prompt: str = Field(min_length=5, max_length=4000)
    options: list[str] | None = None
    answer: str | float | int | list[str] | None = None
    tolerance: str | float | None = None
    explanation: str = Field(min_length=5, max_length=4000)
    reference: str | None = Field(default=None, max_length=500)
    points: int | None = Field(default=None, ge=1, le=1000)
    compute: str | None = None
    kaggle: KaggleTask | None = None

    @field_validator("track")
    @classmethod
    def _known_track(cls, value: str) -> str:
        if value not in TRACKS:
            raise ValueError(f"use one of {', '.join(TRACKS)}")
        return value

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
            if any(len(o) > 300 for o in self.options):
                raise ValueError("options: keep each option under 300 characters")
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
            if not answers or any(not normalise_text(str(a)) for a in answers):
                raise ValueError("answer: a text challenge needs accepted answers with letters")
            if len(answers) > 30 or any(len(str(a)) > 200 for a in answers):
                raise ValueError("answer: at most 30 accepted answers of 200 characters each")
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
