"""`/studymod …`: what moderators do. Every change is written to the audit log."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, func
from sqlmodel import col, select

from bot.catalog.schema import ChallengeSpec
from bot.catalog.texts import stars
from bot.edge.errors import UserError
from bot.edge.messages import Field, Post, Reply
from bot.rules.streaks import view
from bot.rules.timeutil import (
    WEEKDAYS,
    canonical_timezone,
    format_hhmm,
    iso,
    local_midnight_utc,
    local_week_start,
    parse_hhmm,
    parse_weekday,
    zone,
)
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.scheduling.scheduler import ledger_counts
from bot.services.activity import record_day, state_of
from bot.services.kaggle import recent as recent_kaggle
from bot.services.kaggle import reject as reject_kaggle
from bot.services.members import member_today, resolve_member
from bot.services.rounds import cancel_round as cancel_round_service
from bot.services.rounds import (
    free_challenge_id,
    local_date,
    round_post,
    schedule_round,
    start_round,
    upcoming,
    visible,
)
from bot.store.audit import audit
from bot.store.models import (
    ActivityDay,
    Challenge,
    Member,
    PostLedger,
    Round,
    StudyLog,
    Submission,
)
from commands.context import Context
from commands.format import minutes_text, streak_line
from commands.registry import CommandSpec, Kind, Param

CHALLENGE_KEYS = (
    "kind",
    "track",
    "difficulty",
    "title",
    "prompt",
    "answer",
    "options",
    "tolerance",
    "explanation",
    "reference",
    "points",
    "id",
)


def _config_fields(ctx: Context) -> tuple[Field, ...]:
    ws = ctx.workspace
    return (
        Field("Channel", ws.post_channel or "not set"),
        Field("Time zone", ws.timezone),
        Field("Daily post", f"{ws.daily_post_time} local"),
        Field(
            "Weekly leaderboard",
            f"{WEEKDAYS[ws.leaderboard_weekday].title()} {ws.leaderboard_time} local",
        ),
        Field("Study day starts", f"{ws.rollover_hour:02d}:00 local"),
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


async def config(ctx: Context, args: dict[str, Any]) -> Reply:
    setting: str = args["setting"]
    values: list[str] = (args["value"] or "").split()
    ws = ctx.workspace
    if setting == "show":
        if values:
            raise UserError("`/studymod config show` takes nothing after it.")
        return Reply("", title="Study group settings", fields=_config_fields(ctx))
    usage = {
        "channel": "`/studymod config channel <#channel>`",
        "daily-time": "`/studymod config daily-time <HH:MM>`",
        "timezone": "`/studymod config timezone <Area/City>`",
        "leaderboard": "`/studymod config leaderboard <weekday> <HH:MM>`",
    }[setting]
    expected = 2 if setting == "leaderboard" else 1
    if len(values) != expected:
        raise UserError(f"Usage: {usage}")
    before: dict[str, Any] = {}
    if setting == "channel":
        before["post_channel"], ws.post_channel = ws.post_channel, values[0]
    elif setting == "daily-time":
        before["daily_post_time"], ws.daily_post_time = (
            ws.daily_post_time,
            format_hhmm(parse_hhmm(values[0])),
        )
    elif setting == "timezone":
        before["timezone"], ws.timezone = ws.timezone, canonical_timezone(values[0])
    else:
        day, at = parse_weekday(values[0]), format_hhmm(parse_hhmm(values[1]))
        before["leaderboard"] = f"{ws.leaderboard_weekday} {ws.leaderboard_time}"
        ws.leaderboard_weekday, ws.leaderboard_time = day, at
    ctx.rearm_workspace()
    if setting == "timezone":
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
    audit(
        ctx.session,
        ctx.ws_id,
        ctx.actor,
        f"config.{setting}",
        ctx.now,
        before=before,
        value=" ".join(values),
    )
    return Reply("Saved.", title="Study group settings", fields=_config_fields(ctx))


async def challenge_add(ctx: Context, args: dict[str, Any]) -> Reply:
    pairs: dict[str, str] = dict(args["fields"])
    missing = [
        k
        for k in ("kind", "track", "difficulty", "title", "prompt", "answer", "explanation")
        if k not in pairs
    ]
    if missing:
        raise UserError(
            f"Missing {', '.join(missing)}. Example: `/studymod challenge add kind=mcq "
            'track=probability-statistics difficulty=2 title="Fair coin" '
            'prompt="P(two heads)?" options="1/4|1/2|3/4" answer=A explanation="1/2 * 1/2."`'
        )
    raw: dict[str, Any] = dict(pairs)
    if "options" in raw:
        raw["options"] = [o.strip() for o in raw["options"].split("|")]
    for key in ("difficulty", "points"):
        if key in raw:
            if not raw[key].strip().isdigit():
                raise UserError(f"`{key}` must be a whole number.")
            raw[key] = int(raw[key])
    if raw.get("kind") == "text":
        raw["answer"] = [a.strip() for a in raw["answer"].split("|")]
    raw["id"] = raw.get("id") or await free_challenge_id(ctx.session, raw["title"])
    try:
        spec = ChallengeSpec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "challenge"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if where == "track":
            msg = f"use one of {', '.join(TRACKS)}"
        raise UserError(f"`{where}`: {msg}.") from None
    if await ctx.session.get(Challenge, spec.id) is not None:
        raise UserError(f"The id `{spec.id}` is taken; leave `id` out and I'll pick one.")
    row = spec.to_row(ctx.now, workspace_id=ctx.ws_id)
    row.created_by = ctx.actor
    ctx.session.add(row)
    audit(ctx.session, ctx.ws_id, ctx.actor, "challenge.add", ctx.now, challenge=spec.id)
    return Reply(
        f"Added challenge `{spec.id}` ({spec.kind}, {TRACK_NAMES[spec.track]}, "
        f"{stars(spec.difficulty)}, "
        f"{spec.base_points} points). Schedule it with "
        f"`/studymod challenge schedule {spec.id} YYYY-MM-DD` or post it with "
        f"`/studymod challenge post-now {spec.id}`.",
        title="Challenge added",
    )


async def challenge_schedule(ctx: Context, args: dict[str, Any]) -> Reply:
    rnd = await schedule_round(
        ctx.session, ctx.workspace, args["challenge_id"], args["date"], ctx.now, ctx.actor
    )
    assert rnd.scheduled_date is not None
    return Reply(
        f"Round #{rnd.id}: `{rnd.challenge_id}` is scheduled for {rnd.scheduled_date.isoformat()}."
    )


async def challenge_list(ctx: Context, args: dict[str, Any]) -> Reply:
    which = args["which"] or "upcoming"
    if which == "upcoming":
        rounds = await upcoming(ctx.session, ctx.workspace, ctx.now)
        if not rounds:
            return Reply(
                "Nothing open or scheduled. `/studymod challenge schedule <id> <YYYY-MM-DD>`.",
                title="Upcoming rounds",
            )
        lines = []
        for r in rounds:
            when = (
                "open now"
                if r.status == "open"
                else r.scheduled_date.isoformat()
                if r.scheduled_date
                else ""
            )
            lines.append(f"#{r.id} · {when} · `{r.challenge_id}` ({r.source})")
        return Reply("\n".join(lines), title="Upcoming rounds")
    track = args["track"]
    stmt = select(Challenge).where(visible(ctx.workspace), Challenge.active)
    if track:
        stmt = stmt.where(Challenge.track == track)
    challenges = list(
        (await ctx.session.exec(stmt.order_by(col(Challenge.track), col(Challenge.id)))).all()
    )
    used = Counter(
        (
            await ctx.session.exec(
                select(Round.challenge_id).where(
                    Round.workspace_id == ctx.ws_id, col(Round.opens_at).is_not(None)
                )
            )
        ).all()
    )
    lines = []
    for t in TRACKS:
        group = [c for c in challenges if c.track == t]
        if not group:
            continue
        lines.append(f"**{TRACK_NAMES[t]}** ({len(group)})")
        for c in group:
            mark = f" · used {used[c.id]}×" if used[c.id] else ""
            custom = " · custom" if c.workspace_id is not None else ""
            lines.append(f"`{c.id}` · {c.kind} · {stars(c.difficulty)}{custom}{mark}")
    return Reply("\n".join(lines) or "No challenges.", title=f"Challenge bank ({len(challenges)})")


async def challenge_cancel(ctx: Context, args: dict[str, Any]) -> Reply:
    return Reply(
        await cancel_round_service(ctx.session, ctx.workspace, args["round_id"], ctx.now, ctx.actor)
    )


async def challenge_post_now(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.workspace.post_channel:
        raise UserError("Set the channel first: `/studymod config channel <#channel>`.")
    opened = await start_round(
        ctx.session, ctx.workspace, ctx.now, challenge_id=args["challenge_id"], actor=ctx.actor
    )
    ctx.post(await round_post(ctx.session, ctx.workspace, opened))
    closed = f" Round #{opened.closed.id} is closed." if opened.closed else ""
    return Reply(
        f"Posted round #{opened.round.id} (`{opened.challenge.id}`) "
        f"in {ctx.workspace.post_channel}.{closed}"
    )


async def streak_repair(ctx: Context, args: dict[str, Any]) -> Reply:
    member = await resolve_member(ctx.session, ctx.workspace, args["member"])
    day = args["date"]
    if day > member_today(member, ctx.workspace, ctx.now):
        raise UserError(f"{day.isoformat()} hasn't happened yet for {member.display_name}.")
    before = member.current_streak
    # The same path as any activity: a past day is stored and the streak recomputed.
    if not await record_day(ctx.session, member, day, "repair", ctx.now):
        raise UserError(
            f"{day.isoformat()} already counts as a study day for {member.display_name}."
        )
    audit(
        ctx.session,
        ctx.ws_id,
        ctx.actor,
        "streak.repair",
        ctx.now,
        member=member.user_id,
        day=day.isoformat(),
        reason=args["reason"],
        before=before,
        after=member.current_streak,
    )
    v = view(state_of(member), member_today(member, ctx.workspace, ctx.now))
    return Reply(
        f"Added {day.isoformat()} for {member.display_name}. {streak_line(v)}",
        title="Streak repaired",
    )


async def stats(ctx: Context, args: dict[str, Any]) -> Reply:
    s, ws_id = ctx.session, ctx.ws_id
    members = (
        await s.exec(select(func.count()).select_from(Member).where(Member.workspace_id == ws_id))
    ).one()
    monday = local_week_start(ctx.now, ctx.workspace.timezone)
    week_from = local_midnight_utc(monday, ctx.workspace.timezone)
    active = (
        await s.exec(
            select(func.count(func.distinct(ActivityDay.member_id))).where(
                ActivityDay.workspace_id == ws_id, col(ActivityDay.day) >= monday
            )
        )
    ).one()
    rounds = (
        await s.exec(
            select(func.count())
            .select_from(Round)
            .where(Round.workspace_id == ws_id, col(Round.opens_at).is_not(None))
        )
    ).one()
    total, accepted = (
        await s.exec(
            select(
                func.count(),
                func.coalesce(func.sum(case((col(Submission.correct), 1), else_=0)), 0),
            ).where(Submission.workspace_id == ws_id)
        )
    ).one()
    week_subs = (
        await s.exec(
            select(func.count())
            .select_from(Submission)
            .where(Submission.workspace_id == ws_id, col(Submission.created_at) >= week_from)
        )
    ).one()
    minutes = (
        await s.exec(
            select(func.coalesce(func.sum(StudyLog.minutes), 0)).where(
                StudyLog.workspace_id == ws_id
            )
        )
    ).one()
    accuracy = f"{100 * accepted / total:.0f}%" if total else "n/a"
    ledger = await ledger_counts(s, ws_id)
    posts = (
        f"{ledger.get('sent', 0)} sent, "
        f"{ledger.get('pending', 0) + ledger.get('sending', 0)} waiting, "
        f"{ledger.get('failed', 0)} failed, {ledger.get('skipped', 0)} skipped"
    )
    problem = (
        await s.exec(
            select(PostLedger)
            .where(PostLedger.workspace_id == ws_id, col(PostLedger.last_error).is_not(None))
            .order_by(col(PostLedger.claimed_at).desc(), col(PostLedger.id).desc())
        )
    ).first()
    if problem is not None:
        posts += (
            f"; last problem: {problem.kind} {problem.period} ({problem.status}): "
            f"{problem.last_error}"
        )
    return Reply(
        "",
        title="Study group stats",
        fields=(
            Field("Members", str(members)),
            Field("Active this week", str(active)),
            Field("Rounds posted", str(rounds)),
            Field("Answers", f"{total} ({accepted} correct, {accuracy}); {week_subs} this week"),
            Field("Study time logged", minutes_text(int(minutes))),
            Field("Scheduled posts", posts),
            Field("Today", local_date(ctx.workspace, ctx.now).isoformat()),
        ),
    )


async def review_list(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = await recent_kaggle(ctx.session, ctx.workspace)
    if not rows:
        return Reply("No Kaggle results yet.", title="Kaggle results")
    lines = []
    for sub, member, challenge in rows:
        state = "" if sub.status == "accepted" else f" — {sub.status}: {sub.reason}"
        lines.append(
            f"#{sub.id} {member.display_name} · `{challenge.id}` · {sub.score:g} "
            f"(+{sub.points}) · {iso(sub.created_at)}\n{sub.url}{state}"
        )
    return Reply(
        "\n".join(lines) + "\n\nRevoke one with `/studymod review reject <id> <reason>`.",
        title="Kaggle results, newest first",
    )


async def review_reject(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await reject_kaggle(
        ctx.session, ctx.workspace, args["submission_id"], args["reason"], ctx.actor, ctx.now
    )
    sub, member = done.submission, done.member
    dropped = f" {sub.study_day.isoformat()} no longer counts for "
    day = f"{dropped}their streak." if done.day_dropped else ""
    yours = f"{dropped}your streak." if done.day_dropped else ""
    ctx.post(
        Post(
            body=(
                f"A moderator rejected your Kaggle result #{sub.id} for {done.challenge.title}: "
                f"{sub.reason}. Its {sub.points} points are removed.{yours} You can submit it "
                f"again: `/study kaggle submit {done.challenge.id} <notebook-url> <score>`."
            ),
            user=member.user_id,
            title="Kaggle result rejected",
            kind="review",
        )
    )
    return Reply(
        f"Rejected #{sub.id} ({member.display_name}, `{done.challenge.id}`): "
        f"{sub.points} points removed.{day} They have been told.",
        title="Kaggle review",
    )


SPECS = (
    CommandSpec(
        ("studymod", "config"),
        "show or change the group's channel, time zone and post times",
        config,
        (
            Param(
                "setting",
                Kind.CHOICE,
                "show, channel, daily-time, timezone or leaderboard",
                choices=("show", "channel", "daily-time", "timezone", "leaderboard"),
            ),
            Param("value", Kind.REST, "the new value", required=False),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "challenge", "add"),
        "add a custom challenge (key=value pairs)",
        challenge_add,
        (
            Param(
                "fields",
                Kind.PAIRS,
                "kind, track, difficulty, title, prompt, answer, …",
                keys=CHALLENGE_KEYS,
            ),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "challenge", "schedule"),
        "schedule a challenge for a date",
        challenge_schedule,
        (
            Param("challenge_id", Kind.WORD, "a challenge id"),
            Param("date", Kind.DATE, "YYYY-MM-DD"),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "challenge", "list"),
        "list upcoming rounds or the challenge bank",
        challenge_list,
        (
            Param(
                "which",
                Kind.CHOICE,
                "upcoming or bank",
                required=False,
                choices=("upcoming", "bank"),
            ),
            Param("track", Kind.CHOICE, "a track", required=False, choices=TRACKS),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "challenge", "cancel"),
        "cancel a scheduled or open round",
        challenge_cancel,
        (Param("round_id", Kind.INT, "a round number", minimum=1),),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "challenge", "post-now"),
        "open a round now (today's scheduled one, or a pick)",
        challenge_post_now,
        (Param("challenge_id", Kind.WORD, "a challenge id", required=False),),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "streak", "repair"),
        "add a missed study day for a member, with a reason",
        streak_repair,
        (
            Param("member", Kind.WORD, "a member"),
            Param("date", Kind.DATE, "YYYY-MM-DD"),
            Param("reason", Kind.REST, "why"),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "stats"), "the group's numbers", stats, moderator=True, needs_member=False
    ),
    CommandSpec(
        ("studymod", "review", "list"),
        "recent Kaggle results, to review",
        review_list,
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "review", "reject"),
        "revoke a Kaggle result: points and study day removed, member told",
        review_reject,
        (
            Param("submission_id", Kind.INT, "a result number", minimum=1),
            Param("reason", Kind.REST, "why"),
        ),
        moderator=True,
        needs_member=False,
    ),
)
