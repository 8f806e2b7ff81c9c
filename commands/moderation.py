"""`/studymod streak|stats|review …`: looking after members. Every change is audited."""

from __future__ import annotations

from typing import Any

from bot.edge.clock import iso
from bot.edge.errors import UserError
from bot.edge.messages import Attachment, Field, Post, Reply
from bot.pictures.queries import activity_card
from bot.rules.streaks import view
from bot.services.activity import record_day, state_of
from bot.services.export import group_rows, to_csv
from bot.services.kaggle import recent as recent_kaggle
from bot.services.kaggle import reject as reject_kaggle
from bot.services.members import member_today, resolve_member
from bot.services.rounds import local_date
from bot.services.views import stats_view
from bot.store.audit import audit
from commands.context import Context
from commands.format import minutes_text, plural, streak_line
from commands.spec import CommandSpec, Kind, Param


async def streak_repair(ctx: Context, args: dict[str, Any]) -> Reply:
    member = await resolve_member(ctx.session, ctx.workspace, args["member"])
    day = args["date"]
    if day > member_today(member, ctx.workspace, ctx.now):
        raise UserError(f"{day.isoformat()} hasn't happened yet for {member.display_name}.")
    joined = member_today(member, ctx.workspace, member.joined_at)
    if day < joined:
        raise UserError(
            f"{member.display_name} joined on {joined.isoformat()}; days before that cannot count."
        )
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
    st = await stats_view(ctx.session, ctx.workspace, ctx.now)
    accuracy = f"{100 * st.correct / st.answers:.0f}%" if st.answers else "n/a"
    ledger = st.ledger
    posts = (
        f"{ledger.get('sent', 0)} sent, "
        f"{ledger.get('pending', 0) + ledger.get('sending', 0)} waiting, "
        f"{ledger.get('failed', 0)} failed, {ledger.get('skipped', 0)} skipped"
    )
    if ledger.get("undeliverable"):
        posts += f", {ledger['undeliverable']} undeliverable"
    problem = st.last_problem
    if problem is not None:
        posts += (
            f"; last problem: {problem.kind} {problem.period} ({problem.status}): "
            f"{problem.last_error}"
        )
    answers = f"{st.answers} ({st.correct} correct, {accuracy}); {st.answers_this_week} this week"
    picture = await activity_card(ctx.session, ctx.workspace, ctx.now) if ctx.pictures else None
    return Reply(
        "",
        title="Study group stats",
        picture=picture,
        fields=(
            Field("Members", str(st.members)),
            Field("Active this week", str(st.active_this_week)),
            Field("Rounds posted", str(st.rounds)),
            Field("Answers", answers),
            Field("Study time logged", minutes_text(st.minutes)),
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


async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = await group_rows(ctx.session, ctx.workspace, ctx.now)
    day = local_date(ctx.workspace, ctx.now).isoformat()
    return Reply(
        f"{plural(len(rows), 'member')}, one row each. Open it in any spreadsheet.",
        title="Group export",
        attachments=(Attachment.text(f"studybot-group-{day}.csv", to_csv(rows), "text/csv"),),
    )


SPECS = (
    CommandSpec(
        ("studymod", "streak", "repair"),
        "add a missed study day for a member, with a reason",
        streak_repair,
        (
            Param("member", Kind.USER, "a member", max_length=100),
            Param("date", Kind.DATE, "YYYY-MM-DD"),
            Param("reason", Kind.REST, "why", max_length=300),
        ),
        moderator=True,
        needs_member=False,
    ),
    CommandSpec(
        ("studymod", "stats"), "the group's numbers", stats, moderator=True, needs_member=False
    ),
    CommandSpec(
        ("studymod", "export"),
        "download the group as a spreadsheet (CSV): streaks, points, answers, study time",
        export,
        moderator=True,
        needs_member=False,
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
            Param("reason", Kind.REST, "why", max_length=300),
        ),
        moderator=True,
        needs_member=False,
    ),
)
