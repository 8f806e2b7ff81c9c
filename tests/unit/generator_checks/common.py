"""What the generator tests share: the chat text read as a member reads it, and Check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.catalog.generators import Instance, render

# --- reading the chat text like a member --------------------------------------------------


@dataclass(frozen=True)
class Seen:
    text: str  # the chat message
    data: str | None  # the input, from the code block or the attached file


def read(inst: Instance) -> Seen:
    text, attachment = render(inst)
    if attachment is not None:
        assert text.endswith("(your input is attached)")
        return Seen(text, attachment.content)
    block = re.search(r"\n```\n(.*)\n```\Z", text, re.DOTALL)
    return Seen(text, block.group(1) if block else None)


def find(pattern: str, text: str) -> str:
    m = re.search(pattern, text, re.DOTALL)
    assert m, f"{pattern!r} not in {text!r}"
    return m.group(1)


def whole(pattern: str, line: str) -> tuple[str, ...]:
    """The groups of a pattern that must match the whole line."""
    m = re.fullmatch(pattern, line)
    assert m, f"{line!r} does not match {pattern!r}"
    return m.groups()


def ints(data: str | None) -> list[int]:
    assert data is not None
    return [int(x) for x in data.split()]


def rows(data: str | None) -> list[str]:
    assert data is not None
    return data.splitlines()


@dataclass(frozen=True)
class Check:
    value: int | float | str
    mistakes: list[float] = field(default_factory=list)  # must all be rejected
