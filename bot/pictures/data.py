"""What each picture shows, as plain data: the contract between the queries that read it from
the database (bot/pictures/queries.py) and the drawing that turns it into a PNG
(bot/pictures/draw/). Each picture also says itself in words (`alt`), with the same figures,
and knows its size in pixels, so a test can check both without looking at the drawing.

A picture travels as JSON (to a rendering worker process, into a stored reply or a ledger
post): `dump` and `load` are the only way in and out.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

WEEKS = 26  # the study calendar: the last 26 weeks, a column a week
ACTIVITY_DAYS = 56  # the group's activity: the last 8 weeks
BOARD_ROWS = 10
ALT_MAX = 1000  # Discord takes 1024 characters of attachment description, Slack 1000 of alt text
DPI = 100

Mark = Literal["studied", "repaired", "frozen"]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def shade(minutes: int, answers: int) -> int:
    """A studied day's shade, 1 (a little) to 4 (a lot): an answer weighs as 15 minutes."""
    work = answers + minutes / 15
    if work < 2:
        return 1
    if work < 4:
        return 2
    if work < 8:
        return 3
    return 4


def _d(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def _pct(right: int, answered: int) -> str:
    return f"{round(100 * right / answered)}%" if answered else "no answers"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _days_list(days: list[date]) -> str:
    shown = ", ".join(_d(d) for d in days[:6])
    return shown + (f" and {len(days) - 6} more" if len(days) > 6 else "")


class CalendarDay(_Data):
    """A day that shows on the calendar (every other day is blank)."""

    day: date
    mark: Mark
    minutes: int = 0
    answers: int = 0

    @property
    def level(self) -> int:
        """0 for a frozen day (not studied), else the studied day's shade."""
        return 0 if self.mark == "frozen" else shade(self.minutes, self.answers)


class Calendar(_Data):
    """A member's last 26 weeks in their own study days, a column a week (Monday on top)."""

    kind: Literal["calendar"] = "calendar"
    name: str
    timezone: str
    today: date
    days: tuple[CalendarDay, ...] = ()  # in date order, only days with a mark
    current: int = 0
    longest: int = 0
    freezes: int = 0

    @property
    def start(self) -> date:
        """The Monday of the first column."""
        return self.today - timedelta(days=self.today.weekday() + 7 * (WEEKS - 1))

    @property
    def filename(self) -> str:
        return "study-calendar.png"

    @property
    def size(self) -> tuple[int, int]:
        return (900, 300)

    def by_mark(self, mark: Mark) -> list[date]:
        return [d.day for d in self.days if d.mark == mark]

    def sentence(self) -> str:
        studied = [d for d in self.days if d.mark != "frozen"]
        minutes = sum(d.minutes for d in studied)
        answers = sum(d.answers for d in studied)
        parts = [
            f"{self.name}'s study calendar, {WEEKS} weeks from {_d(self.start)} to "
            f"{_d(self.today)} {self.today.year} ({self.timezone} study days):",
            f"{_plural(len(studied), 'day')} studied, {minutes} minutes, "
            f"{_plural(answers, 'answer')};",
        ]
        frozen, repaired = self.by_mark("frozen"), self.by_mark("repaired")
        if frozen:
            parts.append(f"{_plural(len(frozen), 'frozen day')} ({_days_list(frozen)});")
        if repaired:
            parts.append(f"{_plural(len(repaired), 'repaired day')} ({_days_list(repaired)});")
        today = next((d for d in self.days if d.day == self.today), None)
        parts.append(
            f"current streak {_plural(self.current, 'day')}, longest {self.longest}, "
            f"{_plural(self.freezes, 'freeze')} held. Today "
            + ("studied." if today is not None and today.mark != "frozen" else "not studied yet.")
        )
        return " ".join(parts)

    def alt(self) -> str:
        return self.sentence()[:ALT_MAX]


class TrackBar(_Data):
    """One competency on the profile: rounds and practice answered, learnt items, points."""

    track: str
    name: str
    right: int = 0
    answered: int = 0
    learnt: int = 0
    points: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    def sentence(self) -> str:
        return (
            f"{self.name} {_pct(self.right, self.answered)}"
            + (f" ({self.right} of {self.answered})" if self.answered else "")
            + f", {self.learnt} learnt, {self.points} pts"
        )


class ProfileCard(_Data):
    """`/study profile`: the study calendar above one bar a competency."""

    kind: Literal["profile"] = "profile"
    calendar: Calendar
    tracks: tuple[TrackBar, ...]
    points: int = 0
    week_points: int = 0

    @property
    def filename(self) -> str:
        return "profile.png"

    @property
    def size(self) -> tuple[int, int]:
        return (900, 300 + 60 + 44 * len(self.tracks))

    def alt(self) -> str:
        tracks = "; ".join(t.sentence() for t in self.tracks)
        head = f"{self.points} points all time, {self.week_points} this week. "
        return (head + f"By track: {tracks}. " + self.calendar.sentence())[:ALT_MAX]


class BoardRow(_Data):
    rank: int
    name: str
    points: int
    streak: int = 0
    me: bool = False  # the caller's own row, highlighted


class BoardCard(_Data):
    """A leaderboard: the top 10 (and the caller's row below them when it is further down)."""

    kind: Literal["leaderboard"] = "leaderboard"
    title: str
    rows: tuple[BoardRow, ...]
    entrants: int = 0

    @property
    def filename(self) -> str:
        return "leaderboard.png"

    @property
    def size(self) -> tuple[int, int]:
        return (800, 120 + 48 * max(1, len(self.rows)))

    def alt(self) -> str:
        if not self.rows:
            return f"{self.title}: no points yet."[:ALT_MAX]
        lines = []
        for r in self.rows:
            streak = f", {r.streak}-day streak" if r.streak else ""
            you = " (you)" if r.me else ""
            lines.append(f"{r.rank}. {r.name}{you} {r.points} pts{streak}")
        tail = f"; {self.entrants} members with points" if self.entrants > len(self.rows) else ""
        return (f"{self.title}: " + "; ".join(lines) + tail + ".")[:ALT_MAX]


class DayActivity(_Data):
    day: date
    active: int = 0
    answers: int = 0


class TrackAccuracy(_Data):
    track: str
    name: str
    right: int = 0
    answered: int = 0


class ActivityCard(_Data):
    """`/studymod stats`: the group over the last 8 weeks, a bar a day, and accuracy a track."""

    kind: Literal["activity"] = "activity"
    group: str
    timezone: str
    days: tuple[DayActivity, ...]  # all 56, in order
    tracks: tuple[TrackAccuracy, ...]
    members: int = 0

    @property
    def filename(self) -> str:
        return "group-activity.png"

    @property
    def size(self) -> tuple[int, int]:
        return (900, 620)

    def alt(self) -> str:
        if not self.days:
            return f"{self.group}: no activity."
        first, last = self.days[0].day, self.days[-1].day
        answers = sum(d.answers for d in self.days)
        busiest = max(self.days, key=lambda d: (d.active, d.answers))
        days_on = sum(1 for d in self.days if d.active)
        tracks = "; ".join(
            f"{t.name} {_pct(t.right, t.answered)}"
            + (f" ({t.right} of {t.answered})" if t.answered else "")
            for t in self.tracks
        )
        busy = (
            f"busiest day {_d(busiest.day)} with {busiest.active} active and "
            f"{_plural(busiest.answers, 'answer')}"
            if busiest.active or busiest.answers
            else "nobody active yet"
        )
        text = (
            f"{self.group}, {len(self.days)} days from {_d(first)} to {_d(last)} {last.year} "
            f"({self.timezone}): {_plural(self.members, 'member')}; someone studied on "
            f"{_plural(days_on, 'day')}; {_plural(answers, 'answer')} to rounds; {busy}. "
            f"Round accuracy by track: {tracks or 'no answers'}."
        )
        return text[:ALT_MAX]


Picture = Annotated[Calendar | ProfileCard | BoardCard | ActivityCard, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[Picture] = TypeAdapter(Picture)


def dump(picture: Picture) -> str:
    """The picture as canonical JSON: what is rendered, stored, and keys the cache."""
    return picture.model_dump_json()


def load(data: str | bytes | dict[str, object]) -> Picture:
    if isinstance(data, dict):
        return _ADAPTER.validate_python(data)
    return _ADAPTER.validate_json(data)


def digest(payload: str) -> str:
    """What a picture shows (its `dump`), as a short hash: equal data, equal picture."""
    return hashlib.blake2b(payload.encode(), digest_size=10).hexdigest()
