"""The registry as Discord application commands, and a command interaction back to a path
and options. Pure: dicts in, dicts out, so the mapping is tested without a network.

`/study …` for members and `/studymod …` for moderators (Manage Server by default, so members
do not see it); a three-word path is a subcommand group (`/studymod config timezone`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from commands.registry import Registry
from commands.spec import CommandSpec, Kind, Param

MANAGE_GUILD = 1 << 5
STRING, INTEGER, USER, CHANNEL, ROLE = 3, 4, 6, 7, 8
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
TEXT_CHANNELS = [0, 5, 10, 11, 12]  # text, announcement, and threads
MAX_CHILDREN = 25
MAX_CHOICES = 25
STRING_MAX = 6000  # Discord's ceiling for a string option's max_length

ROOT_HELP = {
    "study": "Study with the group: join, answer the daily challenge, streaks, leaderboard",
    "studymod": "Moderate the study group: settings, challenges, streaks, reviews",
}
GROUP_HELP = {
    "practice": "practice questions, one at a time",
    "kaggle": "Kaggle portfolio tasks",
    "config": "the group's channel, time zone and post times",
    "challenge": "add, schedule, list, cancel and post challenges",
    "streak": "members' streaks",
    "review": "review members' Kaggle results",
    "moderator": "who moderates this group",
}
_KIND_TYPE = {Kind.INT: INTEGER, Kind.USER: USER, Kind.CHANNEL: CHANNEL, Kind.ROLE: ROLE}


def _describe(text: str) -> str:
    text = text.strip() or "—"
    return text if len(text) <= 100 else text[:99] + "…"


def option_for(param: Param) -> dict[str, Any]:
    """One registry parameter as a Discord command option."""
    kind = _KIND_TYPE.get(param.kind, STRING)
    opt: dict[str, Any] = {
        "type": kind,
        "name": param.name.lower(),
        "description": _describe(param.help),
        "required": param.required,
    }
    if kind == INTEGER:
        if param.minimum is not None:
            opt["min_value"] = param.minimum
        if param.maximum is not None:
            opt["max_value"] = param.maximum
    elif kind == CHANNEL:
        opt["channel_types"] = TEXT_CHANNELS
    elif kind == STRING:
        if not (param.choices and len(param.choices) <= MAX_CHOICES):
            opt["max_length"] = min(param.max_length, STRING_MAX)
        if param.kind is Kind.TIMEZONE or param.complete is not None:
            opt["autocomplete"] = True
        elif param.choices and len(param.choices) <= MAX_CHOICES:
            opt["choices"] = [{"name": c, "value": c} for c in param.choices]
        elif param.choices:
            opt["autocomplete"] = True
    return opt


def options_for(spec: CommandSpec) -> list[dict[str, Any]]:
    """The spec's options; Discord wants the required ones first."""
    params = [p for p in spec.params if p.is_option]
    return [option_for(p) for p in sorted(params, key=lambda p: not p.required)]


def _leaf(name: str, spec: CommandSpec) -> dict[str, Any]:
    return {
        "type": SUB_COMMAND,
        "name": name,
        "description": _describe(spec.help),
        "options": options_for(spec),
    }


def build_commands(registry: Registry) -> list[dict[str, Any]]:
    """The whole tree: one top-level command per root, sorted, so its hash is stable."""
    out = []
    for root in registry.roots:
        specs = sorted((p, s) for p, s in registry.specs.items() if p[0] == root)
        children: dict[str, dict[str, Any]] = {}
        for path, spec in specs:
            if len(path) == 2:
                children[path[1]] = _leaf(path[1], spec)
            elif len(path) == 3:
                group = children.setdefault(
                    path[1],
                    {
                        "type": SUB_COMMAND_GROUP,
                        "name": path[1],
                        "description": _describe(GROUP_HELP.get(path[1], f"/{root} {path[1]}")),
                        "options": [],
                    },
                )
                group["options"].append(_leaf(path[2], spec))
            else:
                raise ValueError(f"/{' '.join(path)}: Discord nests commands two levels deep")
        if len(children) > MAX_CHILDREN or any(
            len(c["options"]) > MAX_CHILDREN for c in children.values() if c["type"] == 2
        ):
            raise ValueError(f"/{root} has more than {MAX_CHILDREN} subcommands at one level")
        moderator = all(s.moderator for _, s in specs)
        out.append(
            {
                "type": 1,
                "name": root,
                "description": _describe(ROOT_HELP.get(root, f"/{root}")),
                "options": list(children.values()),
                "default_member_permissions": str(MANAGE_GUILD) if moderator else None,
                "contexts": [0],  # in servers only
                "integration_types": [0],
            }
        )
    return out


def tree_hash(commands: list[dict[str, Any]], scope: str) -> str:
    """What a sync is of: the payload and where it goes (global, or a guild)."""
    canonical = json.dumps([scope, commands], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _value(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def command_of(data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str], str | None]:
    """An APPLICATION_COMMAND (or autocomplete) interaction's data as the path, its options as
    strings by name, and the name of the focused option (autocomplete), if any."""
    path = [str(data.get("name", ""))]
    options: Iterable[Mapping[str, Any]] = data.get("options") or []
    while True:
        nested = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            break
        path.append(str(nested[0].get("name", "")))
        options = nested[0].get("options") or []
    values: dict[str, str] = {}
    focused = None
    for opt in options:
        name = str(opt.get("name", ""))
        if "value" in opt:
            values[name] = _value(opt["value"])
        if opt.get("focused"):
            focused = name
    return tuple(path), values, focused


def modal_values(components: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """A MODAL_SUBMIT's text inputs by custom id: in action rows, or in labels (the newer
    layout), wherever they sit."""
    found: dict[str, str] = {}
    stack = list(components)
    while stack:
        comp = stack.pop()
        if "custom_id" in comp and "value" in comp:
            found[str(comp["custom_id"])] = str(comp["value"] or "")
        stack.extend(comp.get("components") or [])
        if isinstance(comp.get("component"), Mapping):
            stack.append(comp["component"])
    return found
