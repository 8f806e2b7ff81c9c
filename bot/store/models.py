"""SQLModel tables. Every row belongs to a workspace; times are stored in UTC.

Natural keys carry UNIQUE constraints so retries and restarts cannot double anything:
one accepted answer per (round, member), one attempt number per (round, member), one activity
row per (member, day), one score row per (workspace, board, track, member), one processed event
per (workspace, delivery id), one scheduled round per (workspace, date).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime stored in UTC; SQLite's naive values come back as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def ts_field(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable, index=index)


def _fk(target: str, nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None,
        sa_column_args=[sa.ForeignKey(target, ondelete="CASCADE")],
        nullable=nullable,
        index=index,
    )


class Workspace(SQLModel, table=True):
    """A Discord guild, a Slack team, or the console."""

    __tablename__ = "workspace"
    __table_args__ = (sa.UniqueConstraint("platform", "external_id", name="uq_workspace_platform"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(default="", max_length=100)
    timezone: str = Field(default="UTC", max_length=64)
    post_channel: str | None = Field(default=None, max_length=100)
    daily_post_time: str = Field(default="09:00", max_length=5)
    leaderboard_weekday: int = Field(default=0)
    leaderboard_time: str = Field(default="09:00", max_length=5)
    rollover_hour: int = Field(default=4)
    created_at: datetime = ts_field()
    # Derived from the settings above (bot/schedule.py); the scheduler wakes for the earliest.
    daily_due_at: datetime | None = ts_field(nullable=True, index=True)
    leaderboard_due_at: datetime | None = ts_field(nullable=True, index=True)
    # The last auto-picked bank challenge: auto-pick walks the bank on from here.
    pick_cursor: str | None = Field(default=None, max_length=64)
    # A scheduled post the platform refused for good (no channel, no permission): told to the
    # next moderator who runs a command, once, then cleared.
    moderator_notice: str | None = Field(default=None, max_length=500)
    # Members holding this platform role are moderators (a Discord role id, say).
    moderator_role: str | None = Field(default=None, max_length=64)
    # The bot was removed from the workspace: nothing is posted there; the data stays.
    left_at: datetime | None = ts_field(nullable=True)
    # Pictures on replies and posts (`/studymod config images on|off`).
    images: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


class Member(SQLModel, table=True):
    """One person in one workspace, with their streak state (kept in O(1) per activity)."""

    __tablename__ = "member"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id", name="uq_member_user"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    user_id: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    timezone: str | None = Field(default=None, max_length=64)
    reminder_time: str | None = Field(default=None, max_length=5)
    is_moderator: bool = Field(default=False)
    joined_at: datetime = ts_field()
    current_streak: int = Field(default=0)
    longest_streak: int = Field(default=0)
    freezes: int = Field(default=0)
    last_study_day: date | None = Field(default=None)
    reminder_due_at: datetime | None = ts_field(nullable=True, index=True)


class Challenge(SQLModel, table=True):
    """A question. Bank challenges (from content/) have no workspace; custom ones have one."""

    __tablename__ = "challenge"

    id: str = Field(primary_key=True, max_length=64)
    workspace_id: int | None = _fk("workspace.id", nullable=True)
    kind: str = Field(max_length=16)
    track: str = Field(max_length=40, index=True)
    difficulty: int
    title: str = Field(max_length=120)
    prompt: str
    options: list[str] | None = Field(default=None, sa_type=sa.JSON)
    answer: dict[str, Any] = Field(sa_type=sa.JSON)
    explanation: str
    reference: str | None = Field(default=None)
    points: int
    source: str = Field(default="bank", max_length=16)
    active: bool = Field(default=True)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = ts_field()
    # Auto-pick walks the active bank in a fixed order: the challenge after this one.
    pick_next: str | None = Field(default=None, max_length=64)


class Round(SQLModel, table=True):
    """A challenge opened in a workspace: scheduled -> open -> closed (or cancelled)."""

    __tablename__ = "round"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "scheduled_date", name="uq_round_scheduled_date"),
        sa.Index("ix_round_workspace_status", "workspace_id", "status"),
        sa.Index("ix_round_workspace_closes", "workspace_id", "closes_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    challenge_id: str = Field(foreign_key="challenge.id", max_length=64, index=True)
    status: str = Field(max_length=16)
    source: str = Field(max_length=16)
    scheduled_date: date | None = Field(default=None)
    opens_at: datetime | None = ts_field(nullable=True)
    closes_at: datetime | None = ts_field(nullable=True)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = ts_field()


class Submission(SQLModel, table=True):
    """One attempt at a round. At most one correct row per (round, member)."""

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "member_id", "attempt_no", name="uq_submission_attempt"),
        sa.Index(
            "uq_submission_accepted",
            "round_id",
            "member_id",
            unique=True,
            sqlite_where=sa.text("correct"),
            postgresql_where=sa.text("correct"),
        ),
        sa.Index("ix_submission_member", "workspace_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    round_id: int = _fk("round.id", index=False)
    member_id: int = _fk("member.id", index=False)
    attempt_no: int
    answer: str = Field(max_length=500)
    correct: bool
    points: int = Field(default=0)
    created_at: datetime = ts_field()
    # The member's study day when they answered (None on answers from before it was kept).
    study_day: date | None = Field(default=None)


class StudyLog(SQLModel, table=True):
    __tablename__ = "study_log"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    member_id: int = _fk("member.id")
    minutes: int
    topic: str = Field(max_length=200)
    study_day: date
    created_at: datetime = ts_field()


class ActivityDay(SQLModel, table=True):
    """A study day that counts for the streak: the source of truth a recompute reads."""

    __tablename__ = "activity_day"
    __table_args__ = (sa.UniqueConstraint("member_id", "day", name="uq_activity_member_day"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    member_id: int = _fk("member.id", index=False)
    day: date
    source: str = Field(max_length=16)
    created_at: datetime = ts_field()


class Score(SQLModel, table=True):
    """Points per member on a board ('all' or 'w<Monday>') and track ('' = every track).

    Written in the same transaction as the accepted answer, so leaderboards are an index scan.
    `reached_at` is when the member reached these points: the earlier achiever ranks first.
    """

    __tablename__ = "score"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "board", "track", "member_id", name="uq_score_key"),
        sa.Index(
            "ix_score_rank",
            "workspace_id",
            "board",
            "track",
            sa.text("points DESC"),
            "reached_at",
            "member_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    board: str = Field(max_length=16)
    track: str = Field(default="", max_length=40)
    member_id: int = _fk("member.id")
    points: int = Field(default=0)
    reached_at: datetime = ts_field()


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = ts_field()


class ProcessedEvent(SQLModel, table=True):
    """A platform delivery already handled: a retried delivery gets the stored reply back."""

    __tablename__ = "processed_event"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "delivery_id", name="uq_processed_event"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    delivery_id: str = Field(max_length=128)
    reply: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = ts_field()


class PostLedger(SQLModel, table=True):
    """One scheduled post per (workspace, kind, period), claimed before it is sent.

    kind: daily | leaderboard | reminder. period: the local date (`2026-03-08`), the reported
    week's Monday (`2026-03-02`), or `<member id>/<study day>` for a reminder.
    status: pending (claimed, to send at next_attempt_at) -> sending -> sent, or pending again
    after a failed try, or failed after the last; skipped when it fell due too long ago;
    undeliverable when the platform refused it for good (no channel, no permission, DMs closed).
    """

    __tablename__ = "post_ledger"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "kind", "period", name="uq_post_ledger_period"),
        sa.Index("ix_post_ledger_status", "status", "next_attempt_at"),
        sa.Index("ix_post_ledger_batch", "batch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    kind: str = Field(max_length=16)
    period: str = Field(max_length=40)
    due_at: datetime = ts_field()
    status: str = Field(max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = ts_field(nullable=True)
    # A daily post is rendered from its round; the others keep the post they decided on.
    round_id: int | None = Field(default=None)
    payload: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The claim or take that owns a send: set-based statements select the rows by it.
    batch: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    # A send cut short by a crash and taken back: the platform may have it already, so an
    # adapter looks before posting again (Slack's history; Discord's nonce does it itself).
    recovered: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Where the platform put the post (`channel/message id`), when it says.
    sent_ref: str | None = Field(default=None, max_length=200)
    claimed_at: datetime = ts_field()
    sent_at: datetime | None = ts_field(nullable=True)


class Practice(SQLModel, table=True):
    """A member's practice with one challenge: the question now open, and when it comes back.

    Answered wrong, a challenge comes back for review after 1 day; right on review, after 3,
    then 7 days; right after that, it is learnt (`stage` 0, no `review_on`).
    """

    __tablename__ = "practice"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "challenge_id", name="uq_practice_member_challenge"),
        sa.Index(
            "uq_practice_open",
            "member_id",
            unique=True,
            sqlite_where=sa.text("is_open"),
            postgresql_where=sa.text("is_open"),
        ),
        sa.Index("ix_practice_review", "member_id", "review_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    member_id: int = _fk("member.id", index=False)
    challenge_id: str = Field(foreign_key="challenge.id", max_length=64)
    is_open: bool = Field(default=False)
    attempts: int = Field(default=0)  # used on the open question
    seen: int = Field(default=0)  # questions finished
    correct: int = Field(default=0)
    stage: int = Field(default=0)
    review_on: date | None = Field(default=None)
    asked_at: datetime = ts_field()
    answered_at: datetime | None = ts_field(nullable=True)


class KaggleSubmission(SQLModel, table=True):
    """A member's result on a Kaggle task: one accepted per (member, task) at a time."""

    __tablename__ = "kaggle_submission"
    __table_args__ = (
        sa.Index(
            "uq_kaggle_accepted",
            "member_id",
            "challenge_id",
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        ),
        sa.Index("ix_kaggle_workspace_created", "workspace_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    member_id: int = _fk("member.id")
    challenge_id: str = Field(foreign_key="challenge.id", max_length=64)
    url: str = Field(max_length=300)
    score: float
    target_met: bool
    points: int
    board: str = Field(max_length=16)  # the weekly board the points went on
    study_day: date
    status: str = Field(default="accepted", max_length=16)
    reason: str | None = Field(default=None, max_length=300)
    reviewed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = ts_field()
    reviewed_at: datetime | None = ts_field(nullable=True)
