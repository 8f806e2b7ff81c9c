"""`/study …`: what members do."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select

from bot.catalog.questions import instance_for, personal_question
from bot.catalog.texts import challenge_text, reveal_text, round_title
from bot.edge.errors import UserError
from bot.edge.messages import Attachment, Choice, Field, Post, Reply
from bot.rules.grading import FIRST_ATTEMPT_BONUS
from bot.rules.streaks import view
from bot.rules.timeutil import format_hhmm, iso, local_week_start, parse_hhmm
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.services.activity import activity_days, state_of
from bot.services.answers import log_study, round_status, submit
from bot.services.members import forget_member, member_timezone, resolve_member
from bot.services.practice import practice_progress, reviews_due
from bot.services.rounds import last_closed_round, open_round_with_challenge
from bot.services.scores import ALL, leaderboard, member_points, week_board
from bot.store.models import (
    Challenge,
    KaggleSubmission,
    Member,
    PostLedger,
    Practice,
    Round,
    StudyLog,
    Submission,
)
from commands.context import Context
from commands.format import minutes_text, plural, streak_line
from commands.registry import CommandSpec, Kind, Param

MEMBER_PARAM = Param("member", Kind.REST, "a member's name or @mention", required=False)


async def join(ctx: Context, args: dict[str, Any]) -> Reply:
    tz: str | None = args["timezone"]
    inv = ctx.invocation
    if ctx.member is not None:
        member = ctx.member
        if tz is not None and tz != member.timezone:
            member.timezone = tz
            ctx.rearm_member(member)
            return Reply(f"You're already in; your time zone is now {tz}.")
        return Reply(
            f"You're already in, {member.display_name} "
            f"(time zone {member_timezone(member, ctx.workspace)}). Try `/study today`."
        )
    member = Member(
        workspace_id=ctx.ws_id,
        user_id=inv.user_id,
        display_name=inv.user_name or inv.user_id,
        timezone=tz,
        joined_at=ctx.now,
    )
    ctx.session.add(member)
    zone_name = tz or f"{ctx.workspace.timezone} (the group's; change it with `/study timezone`)"
    return Reply(
        f"Welcome, {member.display_name}! Your time zone: {zone_name}.\n"
        "Answer the daily challenge with `/study submit`, log study time with `/study log`, "
        "and see everything with `/study help`.",
        title="You've joined the study group",
    )


async def set_timezone(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    member.timezone = args["timezone"]
    ctx.rearm_member(member)
    return Reply(f"Your time zone is now {member.timezone}. Your study day follows it from now on.")


async def today(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    found = await open_round_with_challenge(ctx.session, ctx.workspace)
    if found is None:
        last = await last_closed_round(ctx.session, ctx.workspace)
        body = "No challenge is open right now."
        if last is not None:
            old = await ctx.session.get(Challenge, last.challenge_id)
            if old is not None:
                body += (
                    f"\n\nThe last round, #{last.id} {old.title}, has closed.\n{reveal_text(old)}"
                )
        return Reply(body)
    rnd, challenge = found
    status = await round_status(ctx.session, rnd, challenge, member)
    instance = instance_for(challenge, ctx.workspace, member)
    mine = personal_question(instance) if instance is not None else None
    body = challenge_text(challenge, mine.text if mine else None)
    reveal = reveal_text(challenge, instance)
    if status.solved:
        body += f"\n\n✅ You solved it (+{status.solved_points} points).\n{reveal}"
    elif status.finished:
        body += f"\n\n❌ No attempts left.\n{reveal}"
    elif status.attempts_used:
        body += f"\n\nYou have {plural(status.attempts_left, 'attempt')} left."
    return Reply(
        body,
        title=round_title(rnd, challenge),
        attachment=mine.attachment if mine else None,
    )


async def submit_answer(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    result = await submit(ctx.session, ctx.workspace, member, args["answer"], ctx.now)
    status, challenge = result.status, result.challenge
    reveal = reveal_text(challenge, result.instance)
    if result.correct:
        bonus = f" (first-try bonus +{FIRST_ATTEMPT_BONUS})" if result.attempt_no == 1 else ""
        streak = streak_line(view(state_of(member), ctx.today(member)))
        return Reply(
            f"✅ Correct! +{result.points} points{bonus}.\n{streak}\n\n{reveal}",
            title=f"Round #{result.round.id}",
        )
    if status.finished:
        return Reply(
            f"❌ Not correct, and that was your last attempt. It comes back for review in "
            f"`/study practice` tomorrow.\n\n{reveal}",
            title=f"Round #{result.round.id}",
        )
    return Reply(
        f"❌ Not quite. You have {plural(status.attempts_left, 'attempt')} left.",
        title=f"Round #{result.round.id}",
    )


async def log(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    entry, new_day = await log_study(
        ctx.session, ctx.workspace, member, args["minutes"], args["topic"], ctx.now
    )
    streak = streak_line(view(state_of(member), ctx.today(member)))
    counted = " Today counts for your streak." if new_day else ""
    return Reply(f"📚 Logged {minutes_text(entry.minutes)} of {entry.topic}.{counted}\n{streak}")


async def _target(ctx: Context, ref: str | None) -> Member:
    if ref:
        return await resolve_member(ctx.session, ctx.workspace, ref)
    return ctx.require_member()


async def streak(ctx: Context, args: dict[str, Any]) -> Reply:
    target = await _target(ctx, args["member"])
    v = view(state_of(target), ctx.today(target))
    return Reply(streak_line(v), title=f"{target.display_name}'s streak", ephemeral=False)


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
            ephemeral=False,
        )
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        f"{medals.get(s.rank, f'{s.rank}.')} {s.display_name} — {s.points} pts" for s in result.top
    ]
    if me is not None:
        if result.me is None:
            lines.append("\nYou have no points on this board yet.")
        elif result.me.rank > len(result.top):
            lines.append(f"\nYou: #{result.me.rank} of {result.entrants}, {result.me.points} pts")
    return Reply("\n".join(lines), title=title, ephemeral=False)


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
            ephemeral=False,
        )
    post = Post.from_dict(row.payload)
    return Reply(post.body, title=post.title, ephemeral=False)


async def profile(ctx: Context, args: dict[str, Any]) -> Reply:
    target = await _target(ctx, args["member"])
    s = ctx.session
    points = await member_points(s, ctx.ws_id, target.id or 0)
    monday = local_week_start(ctx.now, ctx.workspace.timezone)
    week = await leaderboard(s, ctx.ws_id, week_board(monday), limit=0, member_id=target.id)
    alltime = await leaderboard(s, ctx.ws_id, ALL, limit=0, member_id=target.id)
    answered, solved = (
        await s.exec(
            select(
                func.count(func.distinct(Submission.round_id)),
                func.coalesce(func.sum(case((col(Submission.correct), 1), else_=0)), 0),
            ).where(Submission.member_id == target.id)
        )
    ).one()
    minutes, logs = (
        await s.exec(
            select(func.coalesce(func.sum(StudyLog.minutes), 0), func.count()).where(
                StudyLog.member_id == target.id
            )
        )
    ).one()
    v = view(state_of(target), ctx.today(target))
    rank_all = f" (#{alltime.me.rank})" if alltime.me else ""
    rank_week = f" (#{week.me.rank})" if week.me else ""
    by_track = (
        ", ".join(f"{TRACK_NAMES[t]} {points[t]}" for t in TRACKS if points.get(t)) or "none yet"
    )
    reminder = target.reminder_time or "off"
    progress = await practice_progress(s, target)
    solved_p = sum(c for c, _ in progress.values())
    done_p = sum(n for _, n in progress.values())
    due = await reviews_due(s, target, ctx.today(target))
    practice = (
        f"{solved_p} right of {done_p}"
        + (
            " ("
            + ", ".join(
                f"{TRACK_NAMES[t]} {progress[t][0]}/{progress[t][1]}"
                for t in TRACKS
                if t in progress
            )
            + ")"
            if progress
            else ""
        )
        + f"; {plural(due, 'review')} due"
    )
    kaggle_done = (
        await s.exec(
            select(func.count()).where(
                KaggleSubmission.member_id == target.id, KaggleSubmission.status == "accepted"
            )
        )
    ).one()
    fields = (
        Field(
            "Points",
            f"{points.get('', 0)} all time{rank_all}; "
            f"{week.me.points if week.me else 0} this week{rank_week}",
        ),
        Field("Streak", streak_line(v)),
        Field("Rounds", f"{solved} solved of {answered} answered"),
        Field("Study time", f"{minutes_text(int(minutes))} in {plural(int(logs), 'log')}"),
        Field("By track", by_track),
        Field("Practice", practice),
        Field("Kaggle tasks", str(kaggle_done)),
        Field("Time zone", member_timezone(target, ctx.workspace)),
        Field("Reminder", reminder),
    )
    return Reply(
        f"Joined {target.joined_at.date().isoformat()}",
        title=f"{target.display_name}'s profile",
        fields=fields,
        ephemeral=False,
    )


async def remind(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    raw: str = args["when"]
    if raw.lower() == "off":
        member.reminder_time = None
        ctx.rearm_member(member)
        return Reply("Streak reminders are off.")
    at = parse_hhmm(raw)
    member.reminder_time = format_hhmm(at)
    ctx.rearm_member(member)
    return Reply(
        f"Reminder time set to {member.reminder_time} "
        f"({member_timezone(member, ctx.workspace)}), for days you haven't studied yet."
    )


async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    s = ctx.session
    subs = (
        await s.exec(
            select(Submission, Round.challenge_id)
            .join(Round, col(Round.id) == Submission.round_id)
            .where(Submission.member_id == member.id)
            .order_by(col(Submission.created_at), col(Submission.id))
        )
    ).all()
    logs = (
        await s.exec(
            select(StudyLog).where(StudyLog.member_id == member.id).order_by(col(StudyLog.id))
        )
    ).all()
    practised = (
        await s.exec(
            select(Practice).where(Practice.member_id == member.id).order_by(col(Practice.id))
        )
    ).all()
    kaggle = (
        await s.exec(
            select(KaggleSubmission)
            .where(KaggleSubmission.member_id == member.id)
            .order_by(col(KaggleSubmission.id))
        )
    ).all()
    v = view(state_of(member), ctx.today(member))
    points = await member_points(s, ctx.ws_id, member.id or 0)
    data = {
        "member": {
            "user_id": member.user_id,
            "display_name": member.display_name,
            "joined_at": iso(member.joined_at),
        },
        "timezone": member_timezone(member, ctx.workspace),
        "reminder_time": member.reminder_time,
        "current_streak": v.current,
        "longest_streak": v.longest,
        "freezes": v.freezes,
        "points": points.get("", 0),
        "points_by_track": {t: p for t, p in points.items() if t},
        "study_days": [d.isoformat() for d in await activity_days(s, member)],
        "submissions": [
            {
                "round": sub.round_id,
                "challenge": cid,
                "attempt": sub.attempt_no,
                "answer": sub.answer,
                "correct": sub.correct,
                "points": sub.points,
                "at": iso(sub.created_at),
            }
            for sub, cid in subs
        ],
        "study_logs": [
            {
                "minutes": lg.minutes,
                "topic": lg.topic,
                "day": lg.study_day.isoformat(),
                "at": iso(lg.created_at),
            }
            for lg in logs
        ],
        "practice": [
            {
                "challenge": p.challenge_id,
                "answered": p.seen,
                "right": p.correct,
                "review_on": p.review_on.isoformat() if p.review_on else None,
            }
            for p in practised
        ],
        "kaggle": [
            {
                "task": k.challenge_id,
                "url": k.url,
                "score": k.score,
                "points": k.points,
                "status": k.status,
                "reason": k.reason,
                "at": iso(k.created_at),
            }
            for k in kaggle
        ],
    }
    content = json.dumps(data, indent=2, ensure_ascii=False)
    return Reply(
        "Here is everything studybot keeps about you.",
        title="Your data",
        attachment=Attachment(f"studybot-{member.user_id}.json", content, "application/json"),
    )


async def forget(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    if args["confirm"] != "confirm":
        return Reply(
            "This deletes your membership, points, streak, answers and study logs here, for good. "
            "To go ahead, run `/study forget confirm`.",
            title="Delete your data?",
            choices=(Choice("Delete my data", "/study forget confirm"),),
        )
    await forget_member(ctx.session, member)
    return Reply(
        "Done: everything studybot kept about you here is deleted. `/study join` to come back."
    )


async def help_(ctx: Context, args: dict[str, Any]) -> Reply:
    lines = []
    for spec in sorted(ctx.registry.specs.values(), key=lambda s: (s.moderator, s.path)):
        if spec.moderator and not ctx.is_moderator:
            continue
        lines.append(f"`{spec.usage}` — {spec.help}")
    return Reply("\n".join(lines), title="studybot commands")


SPECS = (
    CommandSpec(
        ("study", "join"),
        "join the study group, optionally with your time zone",
        join,
        (
            Param(
                "timezone", Kind.TIMEZONE, "an IANA time zone, e.g. Europe/Berlin", required=False
            ),
        ),
        needs_member=False,
    ),
    CommandSpec(
        ("study", "timezone"),
        "set your time zone (your study day follows it)",
        set_timezone,
        (Param("timezone", Kind.TIMEZONE, "an IANA time zone, e.g. America/New_York"),),
    ),
    CommandSpec(("study", "today"), "show the open challenge and how you did", today),
    CommandSpec(
        ("study", "submit"),
        "answer the open challenge",
        submit_answer,
        (Param("answer", Kind.REST, "your answer: a letter, a number or a few words"),),
    ),
    CommandSpec(
        ("study", "log"),
        "log study time: minutes (1-600) and a topic",
        log,
        (
            Param("minutes", Kind.INT, "minutes, 1 to 600", minimum=1, maximum=600),
            Param("topic", Kind.REST, "what you studied"),
        ),
    ),
    CommandSpec(
        ("study", "streak"), "show a study streak (yours by default)", streak, (MEMBER_PARAM,)
    ),
    CommandSpec(
        ("study", "leaderboard"),
        "this week's or all-time standings, optionally for one track",
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
    ),
    CommandSpec(
        ("study", "profile"),
        "points, streak and progress (yours by default)",
        profile,
        (MEMBER_PARAM,),
    ),
    CommandSpec(
        ("study", "remind"),
        "a daily streak reminder at your local time, or off",
        remind,
        (Param("when", Kind.WORD, "HH:MM or off"),),
    ),
    CommandSpec(("study", "export"), "download your data as JSON", export),
    CommandSpec(
        ("study", "forget"),
        "delete all your data (asks you to confirm)",
        forget,
        (Param("confirm", Kind.CHOICE, "confirm", required=False, choices=("confirm",)),),
    ),
    CommandSpec(("study", "help"), "list the commands", help_, needs_member=False),
)
