"""`/study help`: the commands a caller can use, read from the registry it is part of."""

from __future__ import annotations

from typing import Any

from bot.edge.messages import Reply
from commands.context import Context
from commands.registry import Registry
from commands.spec import CommandSpec


def help_spec(registry: Registry) -> CommandSpec:
    async def help_(ctx: Context, args: dict[str, Any]) -> Reply:
        lines = []
        for spec in sorted(registry.specs.values(), key=lambda s: (s.moderator, s.path)):
            if spec.moderator and not ctx.is_moderator:
                continue
            lines.append(f"`{spec.usage}` — {spec.help}")
        return Reply("\n".join(lines), title="studybot commands")

    return CommandSpec(("study", "help"), "list the commands", help_, needs_member=False)
