"""Parsing what a member typed (or a platform sent) into a spec's typed arguments.

A command line is tokenised (quotes keep values with spaces together), its leading words name
the spec, the rest fills its positional parameters. Structured options (Discord's, a button's
preset, a form's fields) go through the same conversions, so every platform gets the same
checks and the same friendly errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.edge.errors import UserError
from bot.rules.timeutil import canonical_timezone, parse_date, parse_hhmm
from commands.registry import Registry
from commands.spec import CommandSpec, Kind, Param

# -- tokenising ------------------------------------------------------------------------------

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
# Words, "quoted values", key="quoted values" and 'single-quoted values' (a single quote opens a
# value only at the start of a word or after `=`, and closes before a space or the end, so an
# apostrophe as in Bishop's stays a letter); an unpaired quote is an ordinary character.
_TOKEN = re.compile(r"""(?:[^\s"']+|"[^"]*"|(?<![^\s=])'[^']*'(?=\s|$)|'[^'\s]*'|["'])+""")


_CHANNEL = re.compile(r"#?[^\W_][\w.-]*")


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    start: int


def _unquote(raw: str) -> str:
    out = []
    for part in re.findall(r""""[^"]*"|'[^']*'|[^"']+|["']""", raw):
        out.append(
            part[1:-1] if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'" else part
        )
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    """Split a command line on spaces, keeping "quoted values" together; never raises."""
    return [Token(_unquote(m.group(0)), m.start()) for m in _TOKEN.finditer(text)]


def normalise_quotes(text: str) -> str:
    return text.translate(_QUOTES)


# -- parsing ---------------------------------------------------------------------------------


def convert(param: Param, raw: str) -> Any:
    """One raw value to its typed form; UserError naming the parameter when it does not fit."""
    value = raw.strip()
    if len(value) > param.max_length:
        raise UserError(f"`{param.name}` is too long (at most {param.max_length} characters).")
    if param.kind in (Kind.WORD, Kind.REST):
        if not value:
            raise UserError(f"`{param.name}` is empty.")
        return value
    if param.kind is Kind.USER:
        key = value.removeprefix("@").strip()
        if not key:
            raise UserError(f"`{param.name}`: name a member, e.g. `@alice`.")
        return key
    if param.kind is Kind.ROLE:
        if not _CHANNEL.fullmatch(value.removeprefix("@")):
            raise UserError(f"`{param.name}`: name one role, e.g. `@mentors`, or `off`.")
        return value.removeprefix("@")
    if param.kind is Kind.CHANNEL:
        # A channel's id or name: letters, digits, `-`, `_`, `.`, optionally after `#`. Never a
        # broadcast (`<!channel>`, `@everyone`) or anything with spaces or control characters.
        if not _CHANNEL.fullmatch(value):
            raise UserError(f"`{param.name}`: name one channel, e.g. `#study`.")
        return value
    if param.kind is Kind.INT:
        if not re.fullmatch(r"[-+]?\d{1,9}", value):
            raise UserError(f"`{param.name}` must be a whole number, not `{value}`.")
        number = int(value)
        lo, hi = param.minimum, param.maximum
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            span = (
                f"between {lo} and {hi}"
                if lo is not None and hi is not None
                else f"at least {lo}"
                if lo is not None
                else f"at most {hi}"
            )
            raise UserError(f"`{param.name}` must be {span}, not {number}.")
        return number
    if param.kind is Kind.HHMM:
        return parse_hhmm(value)
    if param.kind is Kind.DATE:
        return parse_date(value)
    if param.kind is Kind.TIMEZONE:
        return canonical_timezone(value)
    if param.kind is Kind.CHOICE:
        low = value.lower()
        if low not in param.choices:
            raise UserError(
                f"`{param.name}` must be one of {', '.join(param.choices)}, not `{value}`."
            )
        return low
    raise AssertionError(param.kind)


def parse_pairs(param: Param, tokens: list[Token]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for tok in tokens:
        key, sep, value = tok.value.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise UserError(
                f"Expected key=value pairs, got `{tok.value}`. Quote values with spaces."
            )
        if param.keys and key not in param.keys:
            raise UserError(f"Unknown key `{key}`. Known keys: {', '.join(param.keys)}.")
        if key in pairs:
            raise UserError(f"`{key}` is given twice.")
        pairs[key] = value
    return pairs


def parse_args(spec: CommandSpec, text: str, tokens: list[Token]) -> dict[str, Any]:
    """Positional parsing of the words after the command path."""
    args: dict[str, Any] = {p.name: None for p in spec.params if not p.positional}
    i = 0
    params = [p for p in spec.params if p.positional]
    for n, param in enumerate(params):
        if i >= len(tokens):
            if param.required:
                raise UserError(f"Missing `{param.name}` ({param.help}). Usage: `{spec.usage}`")
            args[param.name] = None
            continue
        last = n == len(params) - 1
        if param.kind is Kind.REST or (param.kind is Kind.USER and last):
            rest = text[tokens[i].start :].strip()
            single = len(tokens) - i == 1
            args[param.name] = convert(param, tokens[i].value if single else rest)
            i = len(tokens)
            continue
        if param.kind is Kind.PAIRS:
            args[param.name] = parse_pairs(param, tokens[i:])
            i = len(tokens)
            continue
        if (
            not param.required
            and param.kind is Kind.CHOICE
            and tokens[i].value.lower() not in param.choices
        ):
            args[param.name] = None
            continue
        args[param.name] = convert(param, tokens[i].value)
        i += 1
    if i < len(tokens):
        extra = " ".join(t.value for t in tokens[i:])
        raise UserError(f"I didn't expect `{extra}` here. Usage: `{spec.usage}`")
    return args


def parse_options(spec: CommandSpec, options: Mapping[str, str]) -> dict[str, Any]:
    """Structured options (a platform's own parameter form, a button's preset, a form's
    fields) to typed arguments."""
    known = {p.name for p in spec.params}
    unknown = sorted(k for k in options if k not in known)
    if unknown:
        raise UserError(f"`{spec.name}` has no option `{unknown[0][:40]}`. Usage: `{spec.usage}`")
    args: dict[str, Any] = {}
    for param in spec.params:
        raw = options.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise UserError(f"Missing `{param.name}` ({param.help}). Usage: `{spec.usage}`")
            args[param.name] = None
        elif param.kind is Kind.PAIRS:
            args[param.name] = parse_pairs(param, tokenize(raw))
        else:
            args[param.name] = convert(param, raw)
    return args


def parse_line(registry: Registry, line: str) -> tuple[CommandSpec, list[Token], str]:
    """Find the spec a command line names; returns it, the argument tokens and their text."""
    text = normalise_quotes(line.strip())
    if not text.startswith("/"):
        raise UserError("Commands start with `/`. Try `/study help`.")
    tokens = tokenize(text[1:])
    words = []
    for tok in tokens[:4]:
        if not re.fullmatch(r"[A-Za-z-]+", tok.value):
            break
        words.append(tok.value)
    spec, n = registry.find(words)
    rest = tokens[n:]
    offset = 1 + rest[0].start if rest else len(text)
    return spec, [Token(t.value, t.start + 1 - offset) for t in rest], text[offset:]
