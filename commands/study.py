"""`/study …`: what members do."""

from __future__ import annotations

from typing import Any

from bot.catalog.questions import instance_for, personal_question
from bot.catalog.texts import SUBMIT_PATH, answer_choices, challenge_text, reveal_text, round_title
from bot.edge.errors import UserError
from bot.edge.messages import Reply
from bot.rules.grading import FIRST_ATTEMPT_BONUS
from bot.rules.streaks import view
from bot.rules.timeutil import format_hhmm, parse_hhmm
from bot.services.activity import state_of
from bot.services.answers import log_study, round_status, submit
from bot.services.members import member_timezone
from bot.services.rounds import last_closed_round, open_round_with_challenge
from bot.store.models import (
    Challenge,
    Member,
)
from commands.context import Context
from commands.format import minutes_text, plural, streak_line
from commands.forms import answer_form
from commands.spec import CommandSpec, Kind, Param


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
        display_name=(inv.user_name or inv.user_id)[:100],
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
    assert rnd.id is not None
    return Reply(
        body,
        title=round_title(rnd, challenge),
        attachments=(mine.attachment,) if mine and mine.attachment else (),
        choices=() if status.finished else answer_choices(challenge, SUBMIT_PATH, round=rnd.id),
    )


async def submit_answer(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    if args["answer"] is None:
        # No answer yet (the "Answer" button, or `/study submit` alone): ask for one.
        found = await open_round_with_challenge(ctx.session, ctx.workspace)
        if found is None:
            raise UserError("No challenge is open right now. Check back at the next daily post.")
        rnd, challenge = found
        if args["round"] is not None and args["round"] != rnd.id:
            raise UserError(
                f"Round #{args['round']} has closed; round #{rnd.id} is open now (`/study today`)."
            )
        hint = "A letter or the option's text" if challenge.kind == "mcq" else "A number or a word"
        return answer_form(SUBMIT_PATH, f"Round #{rnd.id}", hint, round=rnd.id)
    result = await submit(
        ctx.session, ctx.workspace, member, args["answer"], ctx.now, round_id=args["round"]
    )
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
            f"`/study practice next` tomorrow.\n\n{reveal}",
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
        SUBMIT_PATH,
        "answer the open challenge (without an answer: a form asks for it)",
        submit_answer,
        (
            Param(
                "answer",
                Kind.REST,
                "your answer: a letter, a number or a few words",
                required=False,
                max_length=200,
            ),
            Param(
                "round",
                Kind.INT,
                "the round you answer (the open one by default)",
                required=False,
                minimum=1,
                positional=False,
            ),
        ),
    ),
    CommandSpec(
        ("study", "log"),
        "log study time: minutes (1-600) and a topic",
        log,
        (
            Param("minutes", Kind.INT, "minutes, 1 to 600", minimum=1, maximum=600),
            Param("topic", Kind.REST, "what you studied", max_length=200),
        ),
    ),
    CommandSpec(
        ("study", "remind"),
        "a daily streak reminder at your local time, or off",
        remind,
        (Param("when", Kind.WORD, "HH:MM or off", max_length=10, label="HH:MM|off"),),
    ),
)
