"""`/study streak|leaderboard|profile|export|forget`: where a member stands, and their data."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from bot.edge.actions import action_id
from bot.edge.errors import UserError
from bot.edge.messages import Attachment, Choice, Field, Reply
from bot.edge.stored import post_from_dict
from bot.pictures.queries import board_card, calendar_for, profile_card
from bot.rules.streaks import view
from bot.rules.timeutil import local_week_start
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.services.activity import state_of
from bot.services.members import forget_member, member_timezone, resolve_member
from bot.services.scores import ALL, leaderboard, week_board
from bot.services.views import export_data, profile_view
from bot.services.weekly import medal, scrub_standings
from bot.store.models import Member, PostLedger
from commands.context import Context
from commands.format import minutes_text, plural, streak_line
from commands.spec import CommandSpec, Kind, Param

FORGET_PATH = ("study", "forget")
MEMBER_PARAM = Param(
    "member", Kind.USER, "a member (yours by default)", required=False, max_length=100
)


async def _target(ctx: Context, ref: str | None) -> Member:
    if ref:
        return await resolve_member(ctx.session, ctx.workspace, ref)
    return ctx.require_member()


async def streak(ctx: Context, args: dict[str, Any]) -> Reply:
    target = await _target(ctx, args["member"])
    v = view(state_of(target), ctx.today(target))
    picture = (
        await calendar_for(ctx.session, ctx.workspace, target, ctx.now) if ctx.pictures else None
    )
    return Reply(streak_line(v), title=f"{target.display_name}'s streak", picture=picture)


async def show_leaderboard(ctx: Context, args: dict[str, Any]) -> Reply:
    period = args["period"] or "week"
    track = args["track"] or ""
    if period == "last":
        if track:
            raise UserError("The posted weekly leaderboard covers every track; drop the track.")
        return await last_posted(ctx)
    monday = local_week_start(ctx.now, ctx.workspace.timezone)
    board = week_board(monday) if period == "week" else ALL
    me = ctx.member
    result = await leaderboard(
        ctx.session, ctx.ws_id, board, track, member_id=me.id if me else None
    )
    scope = f"week of {monday.isoformat()}" if period == "week" else "all time"
    title = f"Leaderboard · {scope}" + (f" · {TRACK_NAMES[track]}" if track else "")
    if not result.top:
        return Reply(
            "No points on this board yet. Be the first: `/study today`.",
            title=title,
        )
    lines = [f"{medal(s.rank)} {s.display_name} — {s.points} pts" for s in result.top]
    if me is not None:
        if result.me is None:
            lines.append("\nYou have no points on this board yet.")
        elif result.me.rank > len(result.top):
            lines.append(f"\nYou: #{result.me.rank} of {result.entrants}, {result.me.points} pts")
    picture = None
    if ctx.pictures:
        mine = me.id if me is not None else None
        picture = await board_card(ctx.session, ctx.workspace, title, result, ctx.now, mine)
    return Reply("\n".join(lines), title=title, picture=picture)


async def last_posted(ctx: Context) -> Reply:
    """The last weekly leaderboard exactly as it was posted (later edits don't rewrite it)."""
    row = (
        await ctx.session.exec(
            select(PostLedger)
            .where(
                PostLedger.workspace_id == ctx.ws_id,
                PostLedger.kind == "leaderboard",
                col(PostLedger.payload).is_not(None),
            )
            .order_by(col(PostLedger.period).desc())
        )
    ).first()
    if row is None or row.payload is None:
        return Reply(
            "No weekly leaderboard has been posted yet. `/study leaderboard` shows this week live.",
        )
    post = post_from_dict(row.payload)
    return Reply(post.body, title=post.title, picture=post.picture if ctx.pictures else None)


async def profile(ctx: Context, args: dict[str, Any]) -> Reply:
    target = await _target(ctx, args["member"])
    p = await profile_view(ctx.session, ctx.workspace, target, ctx.now)
    rank_all = f" (#{p.all_rank})" if p.all_rank else ""
    rank_week = f" (#{p.week_rank})" if p.week_rank else ""
    points = p.points_by_track
    by_track = (
        ", ".join(f"{TRACK_NAMES[t]} {points[t]}" for t in TRACKS if points.get(t)) or "none yet"
    )
    progress = p.practice
    solved_p = sum(c for c, _ in progress.values())
    done_p = sum(n for _, n in progress.values())
    per_track = ", ".join(
        f"{TRACK_NAMES[t]} {progress[t][0]}/{progress[t][1]}" for t in TRACKS if t in progress
    )
    practice = (
        f"{solved_p} right of {done_p}"
        + (f" ({per_track})" if progress else "")
        + f"; {plural(p.reviews_due, 'review')} due"
    )
    fields = (
        Field(
            "Points",
            f"{points.get('', 0)} all time{rank_all}; {p.week_points} this week{rank_week}",
        ),
        Field("Streak", streak_line(p.streak)),
        Field("Rounds", f"{p.solved} solved of {p.answered} answered"),
        Field("Study time", f"{minutes_text(p.minutes)} in {plural(p.logs, 'log')}"),
        Field("By track", by_track),
        Field("Practice", practice),
        Field("Kaggle tasks", str(p.kaggle_done)),
        Field("Time zone", member_timezone(target, ctx.workspace)),
        Field("Reminder", target.reminder_time or "off"),
    )
    picture = (
        await profile_card(ctx.session, ctx.workspace, target, ctx.now, p) if ctx.pictures else None
    )
    return Reply(
        f"Joined {target.joined_at.date().isoformat()}",
        title=f"{target.display_name}'s profile",
        fields=fields,
        picture=picture,
    )


async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    data = await export_data(ctx.session, ctx.workspace, member, ctx.now)
    content = json.dumps(data, indent=2, ensure_ascii=False)
    name = f"studybot-{member.user_id}.json"
    return Reply(
        "Here is everything studybot keeps about you.",
        title="Your data",
        attachments=(Attachment.text(name, content, "application/json"),),
    )


async def forget(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    if args["confirm"] != "confirm":
        return Reply(
            "This deletes your membership, points, streak, answers and study logs here, for good. "
            "To go ahead, run `/study forget confirm`.",
            title="Delete your data?",
            choices=(
                Choice(action_id(FORGET_PATH, confirm="confirm"), "Delete my data", "danger"),
            ),
        )
    assert member.id is not None
    await scrub_standings(ctx.session, ctx.workspace, member.id)
    await forget_member(ctx.session, member)
    return Reply(
        "Done: everything studybot kept about you here is deleted. `/study join` to come back."
    )


SPECS = (
    CommandSpec(
        ("study", "streak"),
        "show a study streak (yours by default)",
        streak,
        (MEMBER_PARAM,),
        public=True,
    ),
    CommandSpec(
        ("study", "leaderboard"),
        "this week's live standings, the last posted weekly board, or all time; one track",
        show_leaderboard,
        (
            Param(
                "period",
                Kind.CHOICE,
                "week (live), last (as posted) or all",
                required=False,
                choices=("week", "last", "all"),
            ),
            Param("track", Kind.CHOICE, "a track", required=False, choices=TRACKS),
        ),
        needs_member=False,
        public=True,
    ),
    CommandSpec(
        ("study", "profile"),
        "points, streak and progress (yours by default)",
        profile,
        (MEMBER_PARAM,),
        public=True,
    ),
    CommandSpec(("study", "export"), "download your data as JSON", export),
    CommandSpec(
        FORGET_PATH,
        "delete all your data (asks you to confirm)",
        forget,
        (Param("confirm", Kind.CHOICE, "confirm", required=False, choices=("confirm",)),),
    ),
)
