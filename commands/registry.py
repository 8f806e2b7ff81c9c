"""Command specs, the registry, and argument parsing shared by every platform.

A spec names its path (`study submit`), help, typed parameters and permission. Adapters build
their platform commands from the registry, so a new command touches one place.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot.edge.errors import UserError
from bot.rules.timeutil import canonical_timezone, parse_date, parse_hhmm

if TYPE_CHECKING:
    from commands.context import Context

from bot.edge.messages import Reply


class Kind(Enum):
    WORD = "word"  # one token
    REST = "rest"  # the rest of the line, as typed
    INT = "int"
    HHMM = "hhmm"
    DATE = "date"
    TIMEZONE = "timezone"
    CHOICE = "choice"
    PAIRS = "pairs"  # key=value pairs


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: Kind
    help: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    keys: tuple[str, ...] = ()

    @property
    def usage(self) -> str:
        label = (
            "|".join(self.choices)
            if self.kind is Kind.CHOICE and len(self.choices) <= 4
            else self.name
        )
        if self.kind is Kind.PAIRS:
            label = "key=value …"
        return f"<{label}>" if self.required else f"[{label}]"


Handler = Callable[["Context", dict[str, Any]], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    path: tuple[str, ...]
    help: str
    handler: Handler
    params: tuple[Param, ...] = ()
    moderator: bool = False
    needs_member: bool = True

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(p.usage for p in self.params)])


@dataclass
class Registry:
    specs: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.path in self.specs:
            raise ValueError(f"{spec.name} is registered twice")
        self.specs[spec.path] = spec

    def extend(self, specs: Iterable[CommandSpec]) -> None:
        for spec in specs:
            self.add(spec)

    @property
    def roots(self) -> list[str]:
        return sorted({p[0] for p in self.specs})

    def find(self, words: list[str]) -> tuple[CommandSpec, int]:
        """The spec with the longest path matching the leading words, and its length."""
        lowered = [w.lower() for w in words]
        for n in range(min(len(words), 4), 0, -1):
            spec = self.specs.get(tuple(lowered[:n]))
            if spec is not None:
                return spec, n
        if not words:
            raise UserError("Type a command, e.g. `/study help`.")
        root = lowered[0]
        if root not in self.roots:
            raise UserError(f"I don't know `/{words[0]}`. Try `/study help`.")
        close = sorted(
            s.usage for p, s in self.specs.items() if p[: len(lowered[:2])] == tuple(lowered[:2])
        )
        if not close:
            close = sorted(s.usage for p, s in self.specs.items() if p[0] == root)
        listing = "\n".join(f"`{u}`" for u in close[:12])
        raise UserError(f"I don't know `/{' '.join(words[:3])}`. Did you mean:\n{listing}")


# -- tokenising ------------------------------------------------------------------------------

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
# Words, "quoted values" and key="quoted values"; an unpaired quote is an ordinary character.
_TOKEN = re.compile(r"""(?:[^\s"']+|"[^"]*"|'[^'\s]*'|["'])+""")


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
    if param.kind in (Kind.WORD, Kind.REST):
        if not value:
            raise UserError(f"`{param.name}` is empty.")
        return value
    if param.kind is Kind.INT:
        if not re.fullmatch(r"[-+]?\d{1,9}", value):
            raise UserError(f"`{param.name}` must be a whole number, not `{value}`.")
        number = int(value)
        lo, hi = param.minimum, param.maximum
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            raise UserError(f"`{param.name}` must be between {lo} and {hi}, not {number}.")
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
    args: dict[str, Any] = {}
    i = 0
    for param in spec.params:
        if i >= len(tokens):
            if param.required:
                raise UserError(f"Missing `{param.name}` ({param.help}). Usage: `{spec.usage}`")
            args[param.name] = None
            continue
        if param.kind is Kind.REST:
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
    """Structured options (a platform's own parameter form) to typed arguments."""
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
