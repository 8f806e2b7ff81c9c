"""Discord's documented limits on messages, embeds, components, modals, autocomplete choices and
application commands, reported the way Discord reports them: 400 with code 50035 and an
`errors` tree keyed by the JSON path of each broken field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .models import JSON

COMPONENTS_V2 = 1 << 15
TEXT_INPUT = 4
BUTTON = 2
ACTION_ROW = 1
LABEL = 18
SELECTS = {3, 5, 6, 7, 8}
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")

Path = tuple[str, ...]


class Problems:
    """Broken fields, each with Discord's error code and message."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, path: Iterable[str | int], code: str, message: str) -> None:
        self.items.append((tuple(str(p) for p in path), code, message))

    def max_len(self, path: Iterable[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str | list | dict) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: Iterable[str | int], value: Any) -> None:
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def body(self, prefix: Iterable[str] = ()) -> JSON:
        errors: JSON = {}
        for path, code, message in self.items:
            node = errors
            for key in (*prefix, *path):
                node = node.setdefault(key, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return {"code": 50035, "errors": errors, "message": "Invalid Form Body"}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def embed_size(embed: JSON) -> int:
    fields = embed.get("fields") or []
    return (
        len(_text(embed.get("title")))
        + len(_text(embed.get("description")))
        + len(_text((embed.get("footer") or {}).get("text")))
        + len(_text((embed.get("author") or {}).get("name")))
        + sum(len(_text(f.get("name"))) + len(_text(f.get("value"))) for f in fields)
    )


def check_embeds(embeds: Any, p: Problems) -> None:
    if not isinstance(embeds, list):
        return
    p.max_len(["embeds"], embeds, 10)
    for i, embed in enumerate(embeds):
        at: list[str | int] = ["embeds", i]
        p.max_len([*at, "title"], embed.get("title"), 256)
        p.max_len([*at, "description"], embed.get("description"), 4096)
        p.max_len([*at, "footer", "text"], (embed.get("footer") or {}).get("text"), 2048)
        p.max_len([*at, "author", "name"], (embed.get("author") or {}).get("name"), 256)
        fields = embed.get("fields") or []
        p.max_len([*at, "fields"], fields, 25)
        for j, fld in enumerate(fields):
            p.required([*at, "fields", j, "name"], fld.get("name"))
            p.required([*at, "fields", j, "value"], fld.get("value"))
            p.max_len([*at, "fields", j, "name"], fld.get("name"), 256)
            p.max_len([*at, "fields", j, "value"], fld.get("value"), 1024)
    if sum(embed_size(e) for e in embeds) > 6000:
        p.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_component(c: JSON, at: list[str | int], p: Problems) -> int:
    """Checks one component and its children; returns how many components it counts for."""
    count = 1
    p.max_len([*at, "custom_id"], c.get("custom_id"), 100)
    ctype = c.get("type")
    if ctype == BUTTON:
        p.max_len([*at, "label"], c.get("label"), 80)
        if c.get("style") != 5 and c.get("style") != 6 and not c.get("custom_id"):
            p.required([*at, "custom_id"], c.get("custom_id"))
    elif ctype in SELECTS:
        p.max_len([*at, "placeholder"], c.get("placeholder"), 150)
        p.max_len([*at, "options"], c.get("options"), 25)
        for k, option in enumerate(c.get("options") or []):
            p.max_len([*at, "options", k, "label"], option.get("label"), 100)
            p.max_len([*at, "options", k, "value"], option.get("value"), 100)
    elif ctype == TEXT_INPUT:
        p.max_len([*at, "label"], c.get("label"), 45)
        p.max_len([*at, "placeholder"], c.get("placeholder"), 100)
        p.max_len([*at, "value"], c.get("value"), 4000)
    children = c.get("components")
    if isinstance(children, list):
        if ctype == ACTION_ROW:
            p.max_len([*at, "components"], children, 5)
        for k, child in enumerate(children):
            count += _check_component(child, [*at, "components", k], p)
    if isinstance(c.get("component"), dict):
        count += _check_component(c["component"], [*at, "component"], p)
    if isinstance(c.get("accessory"), dict):
        count += _check_component(c["accessory"], [*at, "accessory"], p)
    return count


def check_components(components: Any, flags: int, p: Problems) -> None:
    if not isinstance(components, list):
        return
    v2 = bool(flags & COMPONENTS_V2)
    if not v2:
        p.max_len(["components"], components, 5)
    total = 0
    for i, component in enumerate(components):
        if not v2 and component.get("type") != ACTION_ROW:
            p.add(["components", i, "type"], "UNION_TYPE_CHOICES", "Value must be an action row.")
        total += _check_component(component, ["components", i], p)
    if v2 and total > 40:
        p.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")


def check_message(data: Any, p: Problems, *, creating: bool) -> None:
    """A message create/edit body; `creating` also refuses an empty message (see is_empty)."""
    if not isinstance(data, dict):
        p.add([], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    p.max_len(["content"], data.get("content"), 2000)
    check_embeds(data.get("embeds"), p)
    check_components(data.get("components"), int(data.get("flags") or 0), p)
    nonce = data.get("nonce")
    if isinstance(nonce, str):
        p.max_len(["nonce"], nonce, 25)


def is_empty(data: JSON, files: list[tuple[str, bytes]]) -> bool:
    """Discord's 50006: no content, embeds, components, stickers, poll or files."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(data.get(k) for k in keys)


def check_modal(data: Any, p: Problems) -> None:
    if not isinstance(data, dict):
        p.required([], None)
        return
    p.required(["title"], data.get("title"))
    p.max_len(["title"], data.get("title"), 45)
    p.required(["custom_id"], data.get("custom_id"))
    p.max_len(["custom_id"], data.get("custom_id"), 100)
    components = data.get("components") or []
    if not components:
        p.add(["components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    p.max_len(["components"], components, 5)
    inputs = 0
    for i, component in enumerate(components):
        _check_component(component, ["components", i], p)
        inputs += _count_type(component, TEXT_INPUT)
    if inputs > 5:
        p.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")


def _count_type(component: JSON, ctype: int) -> int:
    own = 1 if component.get("type") == ctype else 0
    children = list(component.get("components") or [])
    if isinstance(component.get("component"), dict):
        children.append(component["component"])
    return own + sum(_count_type(c, ctype) for c in children)


def check_choices(data: Any, p: Problems) -> None:
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        p.required(["choices"], None)
        return
    p.max_len(["choices"], choices, 25)
    for i, choice in enumerate(choices):
        p.max_len(["choices", i, "name"], choice.get("name"), 100)
        if isinstance(choice.get("value"), str):
            p.max_len(["choices", i, "value"], choice.get("value"), 100)


def check_commands(commands: Any, p: Problems) -> None:
    if not isinstance(commands, list):
        p.add([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    p.max_len([], commands, 100)
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        name, ctype = command.get("name"), command.get("type", 1)
        valid = isinstance(name, str) and COMMAND_NAME.match(name) is not None
        if not valid or (ctype == 1 and str(name) != str(name).lower()):
            p.add([i, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if (ctype, str(name)) in seen:
            p.add([i, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
        seen.add((ctype, str(name)))
        if ctype == 1:
            p.required([i, "description"], command.get("description"))
            p.max_len([i, "description"], command.get("description"), 100)
        p.max_len([i, "options"], command.get("options") or [], 25)
