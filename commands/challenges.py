"""`/studymod challenge …`: custom challenges, and what runs when."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select

from bot.catalog.schema import ChallengeSpec
from bot.catalog.texts import stars
from bot.edge.errors import UserError
from bot.edge.messages import Reply, channel_ref
from bot.rules.tracks import TRACK_NAMES, TRACKS
from bot.services.rounds import cancel_round as cancel_round_service
from bot.services.rounds import (
    free_challenge_id,
    opened_post,
    schedule_round,
    start_round,
    upcoming,
    visible,
)
from bot.store.audit import audit
from bot.store.models import Challenge, Round
from commands.challenge_form import ADD_PATH, PRESET_KEYS, add_form, pairs_from_form
from commands.context import Context
from commands.spec import CommandSpec, Kind, Param

# Inputs of the add form (and a platform's own options), besides the key=value pairs.
FORM_KEYS = ("title", "prompt", "options", "answer", "explanation", "details")


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


async def challenge_add(ctx: Context, args: dict[str, Any]) -> Reply:
    pairs: dict[str, str] = dict(args["fields"] or {})
    given = {k: str(args[k]) for k in FORM_KEYS if args.get(k) is not None}
    if not given and set(pairs) <= set(PRESET_KEYS):
        # Nothing to add yet (no arguments, or only track / difficulty / kind): the form.
        return add_form({k: str(args[k]) for k in PRESET_KEYS if args.get(k)} | pairs)
    if given:
        preset = {k: str(args[k]) for k in PRESET_KEYS if args.get(k) is not None}
        pairs = pairs_from_form(given) | preset | pairs
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
            low, high = (1, 3) if key == "difficulty" else (1, 1000)
            if (
                not re.fullmatch(r"[0-9]{1,4}", raw[key].strip())
                or not low <= int(raw[key]) <= high
            ):
                raise UserError(f"`{key}` must be a whole number from {low} to {high}.")
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
    ctx.post(await opened_post(ctx.session, ctx.workspace, opened))
    closed = f" Round #{opened.closed.id} is closed." if opened.closed else ""
    return Reply(
        f"Posted round #{opened.round.id} (`{opened.challenge.id}`) "
        f"in {channel_ref(ctx.workspace.post_channel)}.{closed}"
    )


SPECS = (
    CommandSpec(
        ADD_PATH,
        "add a custom challenge (key=value pairs; none: a form asks for it)",
        challenge_add,
        (
            Param(
                "fields",
                Kind.PAIRS,
                "kind, track, difficulty, title, prompt, answer, …",
                required=False,
                keys=CHALLENGE_KEYS,
                option=False,
            ),
            Param(
                "kind",
                Kind.CHOICE,
                "mcq, numeric or text",
                required=False,
                choices=("mcq", "numeric", "text"),
                positional=False,
                option=True,
            ),
            Param(
                "track",
                Kind.CHOICE,
                "a track",
                required=False,
                choices=TRACKS,
                positional=False,
                option=True,
            ),
            Param(
                "difficulty",
                Kind.INT,
                "1 to 3",
                required=False,
                minimum=1,
                maximum=3,
                positional=False,
                option=True,
            ),
            Param(
                "title", Kind.REST, "its title", required=False, positional=False, max_length=120
            ),
            Param(
                "prompt",
                Kind.REST,
                "the question",
                required=False,
                positional=False,
                max_length=4000,
            ),
            Param(
                "options",
                Kind.REST,
                "mcq options, one a line",
                required=False,
                positional=False,
                max_length=2000,
            ),
            Param(
                "answer", Kind.REST, "the answer", required=False, positional=False, max_length=2000
            ),
            Param(
                "explanation", Kind.REST, "why", required=False, positional=False, max_length=4000
            ),
            Param(
                "details",
                Kind.REST,
                "track and difficulty",
                required=False,
                positional=False,
                max_length=60,
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
            Param("challenge_id", Kind.WORD, "a challenge id", max_length=64, complete="challenge"),
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
        (
            Param(
                "challenge_id",
                Kind.WORD,
                "a challenge id",
                required=False,
                max_length=64,
                complete="challenge",
            ),
        ),
        moderator=True,
        needs_member=False,
    ),
)
