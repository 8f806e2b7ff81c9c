"""`/studymod moderator add|remove|list`: per-member moderator grants, honoured on every
platform and in the console, beside the platform's own (Discord's Manage Server) and the
group's moderator role. Every change is audited."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.edge.errors import UserError
from bot.edge.messages import Reply, mention, role_ref
from bot.services.members import resolve_member
from bot.store.audit import audit
from bot.store.models import Member
from commands.context import Context
from commands.spec import CommandSpec, Kind, Param

MEMBER = Param("member", Kind.USER, "a member who has joined", max_length=100)


async def _grant(ctx: Context, ref: str, granted: bool) -> Reply:
    member = await resolve_member(ctx.session, ctx.workspace, ref)
    who = mention(member.user_id, member.display_name)
    if member.is_moderator == granted:
        state = "already a moderator" if granted else "not a moderator by grant"
        raise UserError(f"{member.display_name} is {state} here.")
    member.is_moderator = granted
    ctx.session.add(member)
    action = "moderator.add" if granted else "moderator.remove"
    audit(ctx.session, ctx.ws_id, ctx.actor, action, ctx.now, member=member.user_id)
    if granted:
        return Reply(f"{who} is now a moderator here.", title="Moderators")
    return Reply(
        f"{who} is no longer a moderator by grant (the platform's own moderator rights, "
        "such as Manage Server, and the group's moderator role still count).",
        title="Moderators",
    )


async def add(ctx: Context, args: dict[str, Any]) -> Reply:
    return await _grant(ctx, args["member"], True)


async def remove(ctx: Context, args: dict[str, Any]) -> Reply:
    return await _grant(ctx, args["member"], False)


async def listing(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = await ctx.session.exec(
        select(Member)
        .where(Member.workspace_id == ctx.ws_id, col(Member.is_moderator).is_(True))
        .order_by(col(Member.display_name))
    )
    granted = [mention(m.user_id, m.display_name) for m in rows.all()]
    role = ctx.workspace.moderator_role
    lines = [
        "By grant: " + (", ".join(granted) if granted else "nobody"),
        "By role: " + (role_ref(role) if role else "no moderator role set"),
        "Also everyone the platform makes a moderator (Discord: Manage Server).",
    ]
    return Reply("\n".join(lines), title="Moderators")


def _spec(name: str, help_: str, handler: Any, *params: Param) -> CommandSpec:
    return CommandSpec(
        ("studymod", "moderator", name), help_, handler, params, moderator=True, needs_member=False
    )


SPECS = (
    _spec("add", "make a member a moderator here", add, MEMBER),
    _spec("remove", "take back a member's moderator grant", remove, MEMBER),
    _spec("list", "who moderates this group", listing),
)
