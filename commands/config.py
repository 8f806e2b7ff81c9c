"""`/studymod config …`: the group's channel, time zone and post times. Each change is
audited and re-derives the group's due times, so no restart is needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from bot.edge.messages import Field, Reply, channel_ref, role_ref
from bot.rules.timeutil import WEEKDAYS, format_hhmm, parse_weekday, zone
from bot.store.audit import audit
from bot.store.models import Member
from commands.context import Context
from commands.spec import CommandSpec, Kind, Param


def _config_fields(ctx: Context) -> tuple[Field, ...]:
    ws = ctx.workspace
    return (
        Field("Channel", channel_ref(ws.post_channel) if ws.post_channel else "not set"),
        Field("Time zone", ws.timezone),
        Field("Daily post", f"{ws.daily_post_time} local"),
        Field(
            "Weekly leaderboard",
            f"{WEEKDAYS[ws.leaderboard_weekday].title()} {ws.leaderboard_time} local",
        ),
        Field("Study day starts", f"{ws.rollover_hour:02d}:00 local"),
        Field("Moderator role", role_ref(ws.moderator_role) if ws.moderator_role else "none"),
        Field("Pictures", "on" if ws.images else "off"),
        Field(
            "Next round",
            _when(ws.daily_due_at, ws.timezone) if ws.post_channel else "set a channel",
        ),
        Field(
            "Next leaderboard",
            _when(ws.leaderboard_due_at, ws.timezone) if ws.post_channel else "set a channel",
        ),
    )


def _when(instant: datetime | None, tz: str) -> str:
    if instant is None:
        return "not scheduled"
    return instant.astimezone(zone(tz)).strftime("%a %Y-%m-%d %H:%M %Z")


async def show(ctx: Context, args: dict[str, Any]) -> Reply:
    return Reply("", title="Study group settings", fields=_config_fields(ctx))


async def _saved(ctx: Context, setting: str, before: dict[str, Any], value: str) -> Reply:
    ctx.rearm_workspace()
    audit(
        ctx.session, ctx.ws_id, ctx.actor, f"config.{setting}", ctx.now, before=before, value=value
    )
    return Reply("Saved.", title="Study group settings", fields=_config_fields(ctx))


async def channel(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    before = {"post_channel": ws.post_channel}
    ws.post_channel = args["channel"]
    return await _saved(ctx, "channel", before, args["channel"])


async def daily_time(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    before = {"daily_post_time": ws.daily_post_time}
    ws.daily_post_time = format_hhmm(args["time"])
    return await _saved(ctx, "daily-time", before, ws.daily_post_time)


async def timezone(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    before = {"timezone": ws.timezone}
    ws.timezone = args["timezone"]
    # Reminders of members who follow the group's time zone move with it.
    followers = await ctx.session.exec(
        select(Member).where(
            Member.workspace_id == ctx.ws_id,
            col(Member.timezone).is_(None),
            col(Member.reminder_time).is_not(None),
        )
    )
    for member in followers.all():
        ctx.rearm_member(member)
    return await _saved(ctx, "timezone", before, ws.timezone)


async def moderator_role(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    before = {"moderator_role": ws.moderator_role}
    role = args["role"]
    ws.moderator_role = None if role is None or role.lower() in ("off", "none") else role
    return await _saved(ctx, "moderator-role", before, ws.moderator_role or "off")


async def images(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    before = {"images": ws.images}
    ws.images = args["state"] == "on"
    reply = await _saved(ctx, "images", before, args["state"])
    if ws.images and not ctx.images:
        note = "Pictures are off for this whole bot (STUDYBOT_IMAGES=false): replies stay text."
        return replace(reply, body=f"Saved. {note}")
    return reply


async def leaderboard(ctx: Context, args: dict[str, Any]) -> Reply:
    ws = ctx.workspace
    day, at = parse_weekday(args["weekday"]), format_hhmm(args["time"])
    before = {"leaderboard": f"{ws.leaderboard_weekday} {ws.leaderboard_time}"}
    ws.leaderboard_weekday, ws.leaderboard_time = day, at
    return await _saved(ctx, "leaderboard", before, f"{args['weekday']} {at}")


def _spec(name: str, help_: str, handler: Any, *params: Param) -> CommandSpec:
    return CommandSpec(
        ("studymod", "config", name), help_, handler, params, moderator=True, needs_member=False
    )


SPECS = (
    _spec("show", "show the group's settings", show),
    _spec(
        "channel",
        "the channel for daily rounds and weekly leaderboards",
        channel,
        Param("channel", Kind.CHANNEL, "a channel, e.g. #study", max_length=100),
    ),
    _spec(
        "daily-time",
        "when the daily round is posted (group time zone)",
        daily_time,
        Param("time", Kind.HHMM, "HH:MM, 24-hour"),
    ),
    _spec(
        "timezone",
        "the group's time zone (schedule dates and post times follow it)",
        timezone,
        Param("timezone", Kind.TIMEZONE, "an IANA time zone, e.g. Europe/Berlin"),
    ),
    _spec(
        "leaderboard",
        "when the weekly leaderboard is posted",
        leaderboard,
        Param("weekday", Kind.WORD, "a weekday, e.g. monday", max_length=20, choices=WEEKDAYS),
        Param("time", Kind.HHMM, "HH:MM, 24-hour"),
    ),
    _spec(
        "moderator-role",
        "members with this role are moderators too (none given, or `off`: no role)",
        moderator_role,
        Param("role", Kind.ROLE, "a role, or off", required=False, max_length=64),
    ),
    _spec(
        "images",
        "pictures (calendar, profile, leaderboard and stats cards) on or off; text stays",
        images,
        Param("state", Kind.CHOICE, "on or off", choices=("on", "off")),
    ),
)

ALIASES = ((("studymod", "config"), ("studymod", "config", "show")),)
