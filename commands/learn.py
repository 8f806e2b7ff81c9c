"""`/study practice …` and `/study kaggle …`: learning outside the daily round."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.catalog.questions import attempts_allowed, personal_question
from bot.catalog.texts import (
    PRACTICE_ANSWER_PATH,
    answer_choices,
    challenge_text,
    reveal_text,
    stars,
)
from bot.edge.messages import Reply
from bot.rules.streaks import view
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.services.activity import state_of
from bot.services.kaggle import TARGET_BONUS, accepted_for, submit_result, task_of, task_text
from bot.services.practice import answer, ask
from bot.services.rounds import get_challenge
from bot.store.models import Challenge
from commands.context import Context
from commands.format import plural, streak_line
from commands.forms import answer_form
from commands.spec import CommandSpec, Kind, Param

PRACTICE_ANSWER = "/study practice answer"


async def practice(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    asked = await ask(ctx.session, ctx.workspace, member, args["track"], ctx.now)
    mine = personal_question(asked.instance) if asked.instance is not None else None
    body = challenge_text(asked.challenge, mine.text if mine else None, PRACTICE_ANSWER)
    if asked.again and asked.practice.attempts:
        left = max(0, attempts_allowed(asked.challenge) - asked.practice.attempts)
        body += f"\n\nYou have {plural(left, 'attempt')} left."
    label = "Review" if asked.review else "Practice"
    track = TRACK_NAMES.get(asked.challenge.track, asked.challenge.track)
    note = (
        "\n\nPractice counts for your streak and your progress, not for the leaderboard."
        if not asked.again
        else ""
    )
    return Reply(
        body + note,
        title=f"{label} · {asked.challenge.title} · {track} · {stars(asked.challenge.difficulty)}",
        attachments=(mine.attachment,) if mine and mine.attachment else (),
        choices=answer_choices(asked.challenge, PRACTICE_ANSWER_PATH),
    )


async def practice_answer(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    if args["answer"] is None:
        return answer_form(PRACTICE_ANSWER_PATH, "Practice", "A letter, a number or a word")
    done = await answer(ctx.session, ctx.workspace, member, args["answer"], ctx.now)
    reveal = reveal_text(done.challenge, done.instance)
    if done.correct:
        streak = streak_line(view(state_of(member), ctx.today(member)))
        if done.review_on is not None:
            nxt = f"It comes back once more on {done.review_on.isoformat()} to make it stick."
        elif done.learnt:
            nxt = "That one is learnt."
        else:
            nxt = ""
        return Reply(
            f"✅ Correct! {nxt}\n{streak}\n\n{reveal}\n\nNext: `/study practice next`.",
            title="Practice",
        )
    if done.finished:
        when = done.review_on.isoformat() if done.review_on else "soon"
        return Reply(
            f"❌ Not correct, and that was your last attempt. It comes back for review on "
            f"{when}.\n\n{reveal}\n\nNext: `/study practice next`.",
            title="Practice",
        )
    return Reply(
        f"❌ Not quite. You have {plural(done.attempts_left, 'attempt')} left.", title="Practice"
    )


async def kaggle(ctx: Context, args: dict[str, Any]) -> Reply:
    """List the Kaggle tasks (optionally one track's), or show one."""
    which: str | None = args["which"]
    if which and which not in TRACKS:
        challenge = await get_challenge(ctx.session, ctx.workspace, which)
        task_of(challenge)  # not a Kaggle task: a friendly error
        mine = ""
        if ctx.member is not None:
            done = await accepted_for(ctx.session, ctx.member, challenge.id)
            if done is not None:
                mine = f"\n\nYou reported {done.score:g} (#{done.id}, +{done.points} points)."
        return Reply(
            task_text(challenge) + mine,
            title=f"Kaggle · {challenge.title} · {stars(challenge.difficulty)}",
        )
    stmt = select(Challenge).where(Challenge.kind == "kaggle", col(Challenge.active))
    if which:
        stmt = stmt.where(Challenge.track == which)
    tasks = (
        await ctx.session.exec(stmt.order_by(col(Challenge.difficulty), col(Challenge.id)))
    ).all()
    if not tasks:
        return Reply("No Kaggle tasks here yet.")
    lines = [
        f"`{c.id}` {stars(c.difficulty)} {c.title} ({task_of(c).metric}, {task_of(c).days} days)"
        for c in tasks
    ]
    return Reply(
        "\n".join(lines) + "\n\nSee one with `/study kaggle show <id>`.",
        title=f"Kaggle tasks ({len(tasks)})",
    )


async def kaggle_submit(ctx: Context, args: dict[str, Any]) -> Reply:
    member = ctx.require_member()
    challenge = await get_challenge(ctx.session, ctx.workspace, args["task"])
    sub = await submit_result(
        ctx.session, ctx.workspace, member, challenge, args["url"], args["score"], ctx.now
    )
    task = task_of(challenge)
    bonus = f" (+{TARGET_BONUS} for beating the {task.target:g} target)" if sub.target_met else ""
    streak = streak_line(view(state_of(member), ctx.today(member)))
    return Reply(
        f"🏅 Recorded #{sub.id}: {task.metric} {sub.score:g} for {challenge.title}. "
        f"+{sub.points} points{bonus}.\n{streak}\nModerators may review it.",
        title="Kaggle task",
    )


SPECS = (
    CommandSpec(
        ("study", "practice", "next"),
        "an extra question outside the daily round (your weakest track by default)",
        practice,
        (Param("track", Kind.CHOICE, "a track", required=False, choices=TRACKS),),
    ),
    CommandSpec(
        PRACTICE_ANSWER_PATH,
        "answer your practice question",
        practice_answer,
        (Param("answer", Kind.REST, "your answer", required=False, max_length=200),),
    ),
    CommandSpec(
        ("study", "kaggle", "show"),
        "Kaggle portfolio tasks: the list, a track's, or one task",
        kaggle,
        (
            Param(
                "which",
                Kind.WORD,
                "a task id or a track",
                required=False,
                max_length=64,
                label="track|task-id",
                complete="kaggle",
            ),
        ),
        needs_member=False,
    ),
    CommandSpec(
        ("study", "kaggle", "submit"),
        "report your result on a Kaggle task: notebook link and score",
        kaggle_submit,
        (
            Param("task", Kind.WORD, "a task id", max_length=64, complete="kaggle"),
            Param("url", Kind.WORD, "your notebook's kaggle.com link", max_length=300),
            Param("score", Kind.WORD, "your score", max_length=40),
        ),
    ),
)


ALIASES = (
    (("study", "practice"), ("study", "practice", "next")),
    (("study", "kaggle"), ("study", "kaggle", "show")),
)
