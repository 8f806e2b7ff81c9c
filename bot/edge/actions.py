"""Choice and form ids: the command a button press or a form submission runs.

An id is the command's path joined by dots, then its preset options as a query string:
`study.submit?round=12&answer=B`. It fits a Discord custom id and a Slack action id (at most
100 characters), and survives a restart: nothing about it lives in memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlencode

from bot.edge.messages import ID_MAX

_PLAIN = re.compile(r"[A-Za-z0-9_.-]*")


def action_id(path: tuple[str, ...], **options: object) -> str:
    """The id of a choice or form that runs `path` with `options` preset."""
    values = {k: str(v) for k, v in options.items() if v is not None}
    if all(_PLAIN.fullmatch(v) for v in values.values()):
        query = "&".join(f"{k}={v}" for k, v in values.items())  # the common case, fast
    else:
        query = urlencode(values, quote_via=quote)
    ref = ".".join(path) + (f"?{query}" if query else "")
    if len(ref) > ID_MAX:
        raise ValueError(f"action id over {ID_MAX} characters: {ref!r}")
    return ref


def parse_action(ref: str) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """The path and preset options an id names; None when it is not one of ours."""
    if not ref or len(ref) > ID_MAX:
        return None
    head, _, query = ref.partition("?")
    path = tuple(head.split("."))
    if not all(p and p.replace("-", "").isalpha() and p.islower() for p in path):
        return None
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        return None
    return path, options


def merge(preset: Mapping[str, str], given: Mapping[str, str]) -> dict[str, str]:
    """A form's fields with its preset options; the preset wins (they name what it is for)."""
    return {**given, **preset}
