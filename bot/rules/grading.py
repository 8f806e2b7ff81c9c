"""Grading rules for the challenge kinds, and the point rules."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from bot.edge.errors import UserError

LETTERS = "ABCDE"
MAX_ANSWER_CHARS = 500
ATTEMPTS: dict[str, int] = {"mcq": 1, "numeric": 3, "text": 3}

BASE_POINTS = {1: 10, 2: 20, 3: 30}
FIRST_ATTEMPT_BONUS = 5


def default_points(difficulty: int) -> int:
    """Base points for a difficulty (1-3)."""
    return BASE_POINTS[difficulty]


def award(base: int, attempt: int) -> int:
    """Points for an accepted answer on attempt number `attempt` (1-based)."""
    return base + (FIRST_ATTEMPT_BONUS if attempt == 1 else 0)


_GLOSS = re.compile(r"(.*?\S)\s*\(([^()]{1,40})\)")  # an answer, then "(a short gloss)"
_LEADING_ARTICLE = re.compile(r"^\s*(?:a|an|the)\s+(?=\w)", re.IGNORECASE)


def normalise_text(text: str) -> str:
    """Fold case, accents, punctuation, whitespace and a leading article ("a", "an", "the")
    away; what remains must match exactly."""
    decomposed = unicodedata.normalize("NFKD", _LEADING_ARTICLE.sub("", text, count=1))
    kept = [
        ch
        for ch in decomposed
        if unicodedata.category(ch)[0] not in ("M", "P", "S", "Z", "C") and not ch.isspace()
    ]
    return "".join(kept).casefold()


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Numeric tolerance: absolute, or relative (a fraction of the expected value)."""

    value: float
    relative: bool

    @classmethod
    def parse(cls, raw: str | float | int | None) -> Tolerance:
        """`0.01` is absolute; `1%` is relative; None is a tight relative 1e-6."""
        if raw is None or raw == "":
            return cls(1e-6, True)
        if isinstance(raw, str) and raw.strip().endswith("%"):
            number = _parse_plain_number(raw.strip()[:-1])
            if number is None or number < 0:
                raise UserError(f"`{raw}` is not a tolerance. Use e.g. `0.01` or `1%`.")
            return cls(number / 100, True)
        number = raw if isinstance(raw, float | int) else _parse_plain_number(str(raw))
        if number is None or number < 0 or not math.isfinite(number):
            raise UserError(f"`{raw}` is not a tolerance. Use e.g. `0.01` or `1%`.")
        return cls(float(number), False)

    def accepts(self, expected: float, given: float) -> bool:
        if self.relative:
            return math.isclose(given, expected, rel_tol=self.value, abs_tol=1e-12)
        return abs(given - expected) <= self.value + 1e-12

    def render(self) -> str:
        return f"{self.value * 100:g}%" if self.relative else f"±{self.value:g}"


def _parse_plain_number(text: str) -> float | None:
    t = text.strip().replace("−", "-").replace("_", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3}){2,}(\.\d+)?|[-+]?\d{1,3},\d{3}\.\d+", t):
        t = t.replace(",", "")  # 1,234,567 or 1,234.5: thousands separators
    elif re.fullmatch(r"[-+]?\d+,\d+", t):
        whole, frac = t.split(",")
        if len(frac) == 3 and whole.lstrip("+-") != "0":
            # 1,234 is 1234 in English and 1.234 in German: ask rather than guess.
            raise UserError(
                f"`{text.strip()}` is ambiguous: write it as `{whole}{frac}` or `{whole}.{frac}`."
            )
        t = f"{whole}.{frac}"  # a decimal comma: 0,727 or 1,5
    try:
        if re.fullmatch(r"[-+]?\d+\s*/\s*\d+", t):
            return float(Fraction(t.replace(" ", "")))
        value = float(t)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def parse_number(text: str) -> float | None:
    """A number as members type it: `0.25`, `-3`, `1e-3`, `1/4`, `25%`, `1,234.5`, `0,25`.

    Raises UserError for an ambiguous `1,234` (no attempt is used)."""
    t = text.strip()
    if t.endswith("%"):
        inner = _parse_plain_number(t[:-1])
        return None if inner is None else inner / 100
    return _parse_plain_number(t)


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool
    normalised: str


def grade(
    kind: str,
    answer: str,
    *,
    options: list[str] | None = None,
    correct_option: int | None = None,
    expected_number: float | None = None,
    tolerance: Tolerance | None = None,
    accepted: list[str] | None = None,
) -> Verdict:
    """Grade one answer; raises UserError for an answer of the wrong form (no attempt used)."""
    answer = answer.strip()
    if not answer:
        raise UserError("Your answer is empty. Use `/study submit <answer>`.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise UserError(f"That answer is too long: keep it under {MAX_ANSWER_CHARS} characters.")
    if kind == "mcq":
        assert options is not None
        assert correct_option is not None
        choice = mcq_choice(answer, options)
        return Verdict(choice == correct_option, LETTERS[choice])
    if kind == "numeric":
        assert expected_number is not None
        value = parse_number(answer)
        if value is None:
            raise UserError(f"`{answer}` is not a number. Answer e.g. `0.25`, `1/4` or `25%`.")
        tol = tolerance or Tolerance.parse(None)
        return Verdict(tol.accepts(expected_number, value), f"{value:g}")
    if kind == "text":
        assert accepted is not None
        norm = normalise_text(answer)
        if not norm:
            raise UserError("Your answer has no letters or digits in it.")
        wanted = {normalise_text(a) for a in accepted}
        if norm in wanted:
            return Verdict(True, norm)
        # An accepted answer may carry a short gloss in parentheses: "stack (LIFO)".
        glossed = _GLOSS.fullmatch(answer.strip())
        base = normalise_text(glossed.group(1)) if glossed else ""
        return Verdict(bool(base) and base in wanted, norm)
    raise UserError(f"Challenges of kind `{kind}` cannot be answered here.")


def mcq_choice(answer: str, options: list[str]) -> int:
    """The option index an answer names: a letter (`B`, `b)`, `(B)`) or the option's text."""
    letters = LETTERS[: len(options)]
    t = answer.strip()
    m = re.fullmatch(r"\(?\s*([A-Ea-e])\s*[).:]?", t)
    if m:
        idx = LETTERS.index(m.group(1).upper())
        if idx < len(options):
            return idx
    norm = normalise_text(t)
    for i, option in enumerate(options):
        if norm and norm == normalise_text(option):
            return i
    raise UserError(
        f"Answer with one letter, {', '.join(letters[:-1])} or {letters[-1]}, "
        "or with the option's exact text."
    )
